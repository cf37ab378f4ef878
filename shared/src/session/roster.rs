//! RFC 6121 §2–3: roster management and presence subscriptions.

use crate::element::{self, ToElement};
use crate::ns;
use minidom::Element;
use xmpp_parsers::jid::{BareJid, Jid};
use xmpp_parsers::presence::{Presence, Type as PresenceType};
use xmpp_parsers::roster::{Ask, Group, Item, Roster, Subscription};
use xmpp_parsers::stanza_error::DefinedCondition;

use super::{Event, Request, RequestError, Session};

/// Items converted per [`Session::work`] call: a few milliseconds in a
/// browser, where 5,000 at once would hold the page for a long task.
const IMPORT_BATCH: usize = 50;

/// The roster as the session keeps it in step (RFC 6121 §2.6): its
/// version, a large result being converted, and what arrived meanwhile.
#[derive(Debug, Default)]
pub(super) struct RosterState {
    ver: Option<String>,
    import: Option<Import>,
    /// What arrived during an import, in order, handled by
    /// [`Session::work`].
    held: std::collections::VecDeque<Element>,
}

impl RosterState {
    /// Keeps `el` for later while an import is under way or earlier
    /// elements wait; gives it back when it can be handled now.
    pub fn hold(&mut self, el: Element) -> Option<Element> {
        if self.import.is_none() && self.held.is_empty() {
            return Some(el);
        }
        self.held.push_back(el);
        None
    }

    /// A roster result is being converted.
    pub fn importing(&self) -> bool {
        self.import.is_some()
    }

    /// The oldest element kept during an import.
    pub fn next_held(&mut self) -> Option<Element> {
        self.held.pop_front()
    }

    /// The connection is gone: what was held is unacknowledged, and a
    /// resumption brings it again.
    pub fn connection_lost(&mut self) {
        self.held.clear();
    }

    /// The roster query of a new session: from our version, if any.
    pub fn query(&self) -> Roster {
        Roster {
            ver: self.ver.clone(),
            items: Vec::new(),
        }
    }
}

/// A roster result being converted a batch at a time.
#[derive(Debug)]
pub(super) struct Import {
    ver: Option<String>,
    rest: std::vec::IntoIter<Element>,
    items: Vec<Item>,
}

impl Session {
    /// Starts from the roster version of a roster the owner kept from an
    /// earlier session (RFC 6121 §2.6): the server then sends only what
    /// changed, or nothing when it is current.
    pub fn with_roster_version(mut self, ver: Option<String>) -> Self {
        self.roster.ver = ver;
        self
    }

    /// The roster's version, to keep with the roster for the next session.
    pub fn roster_version(&self) -> Option<&str> {
        self.roster.ver.as_deref()
    }

    /// The roster result (§2.1.3); none means the version we hold is
    /// current (§2.6).
    pub(super) fn roster_result(&mut self, payload: Option<Element>) {
        let Some(mut query) = payload else {
            return self.announce();
        };
        if !query.is("query", ns::ROSTER) {
            self.announce();
            return self.ignore(format!("invalid roster: <{}/>", query.name()));
        }
        let ver = query.attr("ver").map(str::to_owned);
        let rest: Vec<Element> = query.take_contents_as_children().collect();
        self.roster.import = Some(Import {
            ver,
            items: Vec::with_capacity(rest.len()),
            rest: rest.into_iter(),
        });
        self.import_roster();
    }

    /// Converts the next batch of the roster result; after the last, the
    /// owner gets the roster. A bad item is left out, not the roster.
    pub(super) fn import_roster(&mut self) {
        let Some(mut import) = self.roster.import.take() else {
            return;
        };
        for el in import.rest.by_ref().take(IMPORT_BATCH) {
            match Item::try_from(el) {
                Ok(item) => import.items.push(item),
                Err(e) => self.ignore(format!("invalid roster item: {e}")),
            }
        }
        if import.rest.len() > 0 {
            self.roster.import = Some(import);
            return;
        }
        self.roster.ver.clone_from(&import.ver);
        self.event(Event::RosterReceived {
            items: import.items,
            ver: import.ver,
        });
        self.announce();
    }

    /// A roster push (§2.1.6): one item, from our own account only.
    pub(super) fn roster_push(&mut self, id: String, from: Option<Jid>, payload: Element) {
        if !self.is_own_account(from.as_ref()) {
            return self.ignore("roster push from a foreign JID");
        }
        match Roster::try_from(payload) {
            Ok(roster) if roster.items.len() == 1 => {
                if roster.ver.is_some() {
                    self.roster.ver = roster.ver;
                }
                for item in roster.items {
                    self.event(Event::RosterItemChanged { item });
                }
                let mut iq = element::result(id, None);
                if let Some(to) = from {
                    iq = iq.with_to(to);
                }
                self.send_stanza(iq.to_element(), None);
            }
            _ => self.reply_error(id, from, DefinedCondition::BadRequest),
        }
    }

    /// Adds or updates a contact: its name and groups (RFC 6121 §2.3, §2.4).
    pub(super) fn set_contact(&mut self, jid: BareJid, name: Option<String>, groups: Vec<String>) {
        let groups: Vec<String> = groups.into_iter().map(crate::element::xml_text).collect();
        let item = Item {
            jid,
            name: name.map(crate::element::xml_text),
            subscription: Subscription::None,
            ask: Ask::None,
            groups: groups.into_iter().map(Group).collect(),
            approved: None,
        };
        self.roster_set(item);
    }

    /// Asks to see a contact's presence and pre-approves theirs (§3.4).
    pub(super) fn subscribe(&mut self, to: BareJid) {
        self.subscription(to.clone(), PresenceType::Subscribe);
        self.subscription(to, PresenceType::Subscribed);
    }

    /// Removes a contact, which also cancels subscriptions both ways (§2.5).
    pub(super) fn remove_contact(&mut self, jid: BareJid) {
        let item = Item {
            jid,
            name: None,
            subscription: Subscription::Remove,
            ask: Ask::None,
            groups: Vec::new(),
            approved: None,
        };
        self.roster_set(item);
    }

    fn roster_set(&mut self, item: Item) {
        if !self.is_ready() {
            return self.event(Event::ContactChangeFailed {
                jid: item.jid,
                error: RequestError::NotConnected,
            });
        }
        let id = self.ask(Request::RosterSet(item.jid.clone()));
        let roster = Roster {
            ver: None,
            items: vec![item],
        };
        self.send_stanza(element::set(id, &roster).to_element(), None);
    }

    /// Sends a subscription presence (§3): `subscribe` to ask, `subscribed`
    /// to approve, `unsubscribed` to deny or revoke, `unsubscribe` to cancel
    /// our own.
    pub(super) fn subscription(&mut self, to: BareJid, type_: PresenceType) {
        if !self.is_ready() {
            return self.ignore("subscription change while offline");
        }
        if matches!(type_, PresenceType::Subscribed | PresenceType::Unsubscribed) {
            self.presences.request_answered(&to);
        }
        let p = Presence::new(type_).with_to(Jid::from(to));
        self.send_stanza(super::presence::presence_element(p), None);
    }
}

#[cfg(test)]
mod tests {
    use super::IMPORT_BATCH;
    use crate::session::tests::*;
    use crate::session::*;

    fn roster_result(count: usize) -> String {
        let items: String = (0..count)
            .map(|i| format!("<item jid='c{i}@example.net' subscription='both'/>"))
            .collect();
        format!("<iq {C} type='result' id='t2'><query xmlns='jabber:iq:roster' ver='v9'>{items}</query></iq>")
    }

    #[test]
    fn a_large_roster_is_converted_in_batches_and_what_follows_waits() {
        let mut s = bound();
        let count = 2 * IMPORT_BATCH + 50;
        feed(&mut s, &roster_result(count));
        feed(&mut s, &format!("<presence {C} from='c1@example.net/phone'/>"));
        assert!(events(&mut s).is_empty());
        let mut calls = 0;
        while s.work() {
            calls += 1;
            assert!(calls < 100, "the work never ends");
        }
        // Two more batches, then the held presence.
        assert_eq!(calls, 3);
        let ev = events(&mut s);
        assert!(
            matches!(&ev[..], [Event::RosterReceived { items, ver }, Event::PresenceChanged { .. }]
                if items.len() == count && ver.as_deref() == Some("v9")),
            "{ev:?}"
        );
        assert!(!s.work());
    }

    #[test]
    fn a_lost_connection_drops_what_waited_but_keeps_the_roster() {
        let mut s = bound();
        feed(&mut s, &roster_result(IMPORT_BATCH + 1));
        feed(&mut s, &format!("<presence {C} from='c1@example.net/phone'/>"));
        s.handle_command(Command::ConnectionLost);
        while s.work() {}
        let ev = events(&mut s);
        // Unhandled, the presence was not acknowledged: a resumed stream
        // sends it again.
        assert!(
            matches!(&ev[..], [Event::Disconnected, Event::RosterReceived { items, .. }] if items.len() == IMPORT_BATCH + 1),
            "{ev:?}"
        );
        // Our presence waits for the stream, and goes out once resumed.
        let before = out(&mut s);
        assert!(!before.iter().any(|e| e.name() == "presence"), "{before:?}");
        authenticate(&mut s);
        feed(&mut s, FEATURES_BIND);
        out(&mut s);
        feed(&mut s, "<resumed xmlns='urn:xmpp:sm:3' previd='sm-1' h='2'/>");
        let after = out(&mut s);
        assert_eq!(
            after.iter().filter(|e| e.name() == "presence").count(),
            1,
            "{after:?}"
        );
    }

    #[test]
    fn a_bad_item_is_left_out_not_the_roster() {
        let mut s = bound();
        feed(
            &mut s,
            &format!(
                "<iq {C} type='result' id='t2'><query xmlns='jabber:iq:roster'>\
                 <item jid='not a jid@@' subscription='both'/>\
                 <item jid='juliet@example.net' subscription='both'/></query></iq>"
            ),
        );
        let ev = events(&mut s);
        assert!(
            matches!(&ev[..], [Event::Ignored { reason }, Event::RosterReceived { items, .. }]
                if reason.starts_with("invalid roster item") && items.len() == 1),
            "{ev:?}"
        );
    }

    #[test]
    fn roster_pushes_are_accepted_only_from_our_account() {
        let mut s = bound();
        feed(
            &mut s,
            &format!(
                "<iq {C} type='result' id='t2'><query xmlns='jabber:iq:roster' ver='v1'>\
                 <item jid='juliet@example.net' name='Juliet' subscription='both'><group>Friends</group></item>\
                 </query></iq>"
            ),
        );
        let ev = events(&mut s);
        assert!(
            matches!(&ev[..], [Event::RosterReceived { items, ver }] if items.len() == 1 && ver.as_deref() == Some("v1")),
            "{ev:?}"
        );
        expect_presence_then_archive(&mut s, &own_presence(""));

        // A push from someone else is ignored, and not answered.
        feed(
            &mut s,
            &format!(
                "<iq {C} type='set' id='p1' from='mallory@evil.example'><query xmlns='jabber:iq:roster'>\
                 <item jid='mallory@evil.example' subscription='both'/></query></iq>"
            ),
        );
        assert_eq!(ignored(&mut s), ["roster push from a foreign JID"]);
        assert!(out(&mut s).is_empty());

        // Ours is applied and acknowledged.
        feed(
            &mut s,
            &format!(
                "<iq {C} type='set' id='p2' from='user@example.com'><query xmlns='jabber:iq:roster' ver='v2'>\
                 <item jid='romeo@example.net' subscription='none' ask='subscribe'/></query></iq>"
            ),
        );
        let ev = events(&mut s);
        assert!(
            matches!(&ev[..], [Event::RosterItemChanged { item }] if item.jid.as_str() == "romeo@example.net"),
            "{ev:?}"
        );
        expect_out(
            &mut s,
            &[&format!("<iq {C} type='result' id='p2' to='user@example.com'/>")],
        );
    }

    #[test]
    fn manages_contacts_and_subscriptions() {
        let mut s = logged_in();
        let juliet: BareJid = "juliet@example.net".parse().unwrap();
        s.handle_command(Command::SetContact {
            jid: juliet.clone(),
            name: Some("Juliet".into()),
            groups: vec!["Friends".into()],
        });
        s.handle_command(Command::Subscribe { to: juliet.clone() });
        s.handle_command(Command::RemoveContact { jid: juliet.clone() });
        expect_out(
            &mut s,
            &[
                &format!(
                    "<iq {C} type='set' id='t6'><query xmlns='jabber:iq:roster'>\
                     <item jid='juliet@example.net' name='Juliet'><group>Friends</group></item></query></iq>"
                ),
                &format!("<presence {C} to='juliet@example.net' type='subscribe'/>"),
                // Pre-approved (RFC 6121 §3.4): her request will be granted.
                &format!("<presence {C} to='juliet@example.net' type='subscribed'/>"),
                &format!(
                    "<iq {C} type='set' id='t7'><query xmlns='jabber:iq:roster'>\
                     <item jid='juliet@example.net' subscription='remove'/></query></iq>"
                ),
            ],
        );

        // A request is reported once, stays pending, and is answered.
        for _ in 0..2 {
            feed(
                &mut s,
                &format!("<presence {C} from='romeo@example.net' type='subscribe'/>"),
            );
        }
        assert_eq!(
            events(&mut s),
            [Event::SubscriptionRequested {
                from: "romeo@example.net".parse().unwrap()
            }]
        );
        assert_eq!(s.subscription_requests().count(), 1);
        s.handle_command(Command::ApproveSubscription {
            from: "romeo@example.net".parse().unwrap(),
        });
        s.handle_command(Command::DenySubscription { from: juliet.clone() });
        s.handle_command(Command::Unsubscribe { from: juliet });
        expect_out(
            &mut s,
            &[
                &format!("<presence {C} to='romeo@example.net' type='subscribed'/>"),
                &format!("<presence {C} to='juliet@example.net' type='unsubscribed'/>"),
                &format!("<presence {C} to='juliet@example.net' type='unsubscribe'/>"),
            ],
        );
        assert_eq!(s.subscription_requests().count(), 0);
    }

    #[test]
    fn a_refused_contact_change_names_the_contact() {
        let mut s = logged_in();
        let juliet: BareJid = "juliet@example.net".parse().unwrap();
        s.handle_command(Command::RemoveContact { jid: juliet.clone() });
        out(&mut s);
        feed(
            &mut s,
            &format!(
                "<iq {C} type='error' id='t6'><error type='cancel'>\
                 <not-allowed xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
            ),
        );
        assert_eq!(
            events(&mut s),
            [Event::ContactChangeFailed {
                jid: juliet.clone(),
                error: RequestError::Stanza(DefinedCondition::NotAllowed),
            }]
        );
        // Offline, nothing is sent, and the change says so.
        s.handle_command(Command::ConnectionLost);
        events(&mut s);
        s.handle_command(Command::SetContact {
            jid: juliet.clone(),
            name: None,
            groups: Vec::new(),
        });
        assert!(out(&mut s).is_empty());
        assert_eq!(
            events(&mut s),
            [Event::ContactChangeFailed {
                jid: juliet,
                error: RequestError::NotConnected,
            }]
        );
    }

    #[test]
    fn the_roster_is_fetched_by_version_on_a_new_session() {
        let mut s = bound();
        feed(
            &mut s,
            &format!("<iq {C} type='result' id='t2'><query xmlns='jabber:iq:roster' ver='v7'/></iq>"),
        );
        s.handle_command(Command::Disconnect);
        out(&mut s);
        authenticate(&mut s);
        feed(&mut s, FEATURES_BIND);
        let bind = out(&mut s);
        let id = bind.last().and_then(|b| b.attr("id")).unwrap();
        feed(&mut s, &bind_result().replace("id='t1'", &format!("id='{id}'")));
        assert_eq!(roster_get_version(&mut s).as_deref(), Some("v7"));
    }

    #[test]
    fn a_kept_roster_version_is_asked_about_at_the_first_login() {
        let mut s = session().with_roster_version(Some("v9".into()));
        authenticate(&mut s);
        feed(&mut s, FEATURES_BIND);
        feed(&mut s, &bind_result());
        assert_eq!(roster_get_version(&mut s).as_deref(), Some("v9"));
    }
}
