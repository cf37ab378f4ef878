//! RFC 6121 §4: presence of our contacts' resources, aggregated per contact.

use std::collections::BTreeMap;

use minidom::Element;
use xmpp_parsers::jid::BareJid;
use xmpp_parsers::message::Lang;
use xmpp_parsers::presence::{Presence, Priority, Show, Type as PresenceType};

use super::{Event, Session};
use crate::element::ToElement;
use crate::ns;

/// How available someone is, most available first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Availability {
    /// Eager to chat.
    Chat,
    /// Online.
    Available,
    /// Away for a while.
    Away,
    /// Do not disturb.
    DoNotDisturb,
    /// Away for long.
    ExtendedAway,
}

impl Availability {
    /// From a `<show/>`, absent meaning available.
    pub fn from_show(show: Option<&Show>) -> Self {
        match show {
            None => Self::Available,
            Some(Show::Chat) => Self::Chat,
            Some(Show::Away) => Self::Away,
            Some(Show::Dnd) => Self::DoNotDisturb,
            Some(Show::Xa) => Self::ExtendedAway,
        }
    }

    /// The `<show/>` to send, absent for plain available.
    pub fn to_show(self) -> Option<Show> {
        match self {
            Self::Available => None,
            Self::Chat => Some(Show::Chat),
            Self::Away => Some(Show::Away),
            Self::DoNotDisturb => Some(Show::Dnd),
            Self::ExtendedAway => Some(Show::Xa),
        }
    }
}

/// What presence keeps: our contacts' resources, our own presence, and
/// the subscription requests not yet answered.
#[derive(Debug, Default)]
pub(super) struct PresenceState {
    contacts: Presences,
    own: OwnPresence,
    requests: std::collections::BTreeSet<BareJid>,
}

impl PresenceState {
    /// A request was approved or denied.
    pub fn request_answered(&mut self, from: &BareJid) {
        self.requests.remove(from);
    }

    /// A new session: what we knew of others is stale, and our own
    /// presence is not broadcast yet. Returns the contacts that were
    /// online.
    pub fn new_session(&mut self) -> Vec<BareJid> {
        self.own.reset();
        self.contacts.clear()
    }

    /// The initial presence, once per session.
    pub fn announce(&mut self) -> Option<Presence> {
        self.own.announce()
    }

    /// Our presence as we broadcast it, to direct to a room.
    pub fn current(&self) -> Presence {
        self.own.presence()
    }
}

/// Our own presence (RFC 6121 §4.2, §4.4): what we broadcast, and
/// whether this session's initial presence has gone out. It goes out once
/// the roster is in: the presence of every contact, and their servers'
/// caps queries, follow it, and should not slow the roster down.
#[derive(Debug)]
pub(super) struct OwnPresence {
    show: Availability,
    status: Option<String>,
    priority: i8,
    announced: bool,
}

impl Default for OwnPresence {
    fn default() -> Self {
        Self {
            show: Availability::Available,
            status: None,
            priority: 0,
            announced: false,
        }
    }
}

impl OwnPresence {
    /// A new session: nothing broadcast in it yet.
    pub fn reset(&mut self) {
        self.announced = false;
    }

    /// Keeps what to broadcast; the presence to send now, if the initial
    /// one has gone out.
    pub fn set(&mut self, show: Availability, status: Option<String>, priority: i8) -> Option<Presence> {
        (self.show, self.status, self.priority) = (show, status, priority);
        self.announced.then(|| self.presence())
    }

    /// The initial presence, once per session.
    pub fn announce(&mut self) -> Option<Presence> {
        (!std::mem::replace(&mut self.announced, true)).then(|| self.presence())
    }

    fn presence(&self) -> Presence {
        let mut p = Presence::available();
        p.show = self.show.to_show();
        if let Some(s) = &self.status {
            p.statuses.insert(Lang::default(), s.clone());
        }
        p.priority = Priority(self.priority);
        p.payloads.push(super::disco::own_caps());
        p
    }
}

/// One online resource of a contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourcePresence {
    /// Its availability.
    pub show: Availability,
    /// Its status text.
    pub status: Option<String>,
    /// Its priority.
    pub priority: i8,
}

/// Resources tracked per contact: a flood of made-up ones stops here.
const MAX_RESOURCES: usize = 16;
/// Contacts tracked at most.
const MAX_CONTACTS: usize = 20_000;

/// Every online resource of every contact.
#[derive(Debug, Default)]
pub struct Presences {
    /// Per contact and resource: its presence, and when it came (a count).
    contacts: BTreeMap<BareJid, BTreeMap<String, (u64, ResourcePresence)>>,
    /// Presences received so far: the latest is the highest.
    received: u64,
}

impl Presences {
    /// Records an available resource; returns whether the contact's aggregate
    /// changed.
    pub fn available(&mut self, jid: &BareJid, resource: &str, p: ResourcePresence) -> bool {
        let before = self.best(jid).cloned();
        if !self.contacts.contains_key(jid) && self.contacts.len() >= MAX_CONTACTS {
            return false;
        }
        let resources = self.contacts.entry(jid.clone()).or_default();
        if !resources.contains_key(resource) && resources.len() >= MAX_RESOURCES {
            return false;
        }
        self.received += 1;
        resources.insert(resource.to_owned(), (self.received, p));
        before.as_ref() != self.best(jid)
    }

    /// Records a resource going offline (or the whole contact, for a bare
    /// `from`); returns whether the aggregate changed.
    pub fn unavailable(&mut self, jid: &BareJid, resource: Option<&str>) -> bool {
        let before = self.best(jid).cloned();
        match resource {
            Some(r) => {
                if let Some(resources) = self.contacts.get_mut(jid) {
                    resources.remove(r);
                    if resources.is_empty() {
                        self.contacts.remove(jid);
                    }
                }
            }
            None => {
                self.contacts.remove(jid);
            }
        }
        before.as_ref() != self.best(jid)
    }

    /// The presence that represents the contact: highest priority, then most
    /// available, then the latest; `None` when offline. Negative priorities
    /// count only when there is nothing else: still online, just not for
    /// messages to the bare JID.
    pub fn best(&self, jid: &BareJid) -> Option<&ResourcePresence> {
        self.contacts
            .get(jid)?
            .values()
            .min_by(|(a_at, a), (b_at, b)| {
                (b.priority >= 0)
                    .cmp(&(a.priority >= 0))
                    .then(b.priority.cmp(&a.priority))
                    .then(a.show.cmp(&b.show))
                    .then(b_at.cmp(a_at))
            })
            .map(|(_, p)| p)
    }

    /// Forgets everyone (on a new session); returns who was online.
    pub fn clear(&mut self) -> Vec<BareJid> {
        std::mem::take(&mut self.contacts).into_keys().collect()
    }
}

/// Subscription requests kept pending at most; more are dropped until some
/// are answered.
const MAX_SUBSCRIPTION_REQUESTS: usize = 256;

impl Session {
    /// Subscription requests not yet approved or denied.
    pub fn subscription_requests(&self) -> impl Iterator<Item = &BareJid> {
        self.presences.requests.iter()
    }

    /// RFC 6121 §4: a contact's presence, or a subscription request.
    pub(super) fn presence(&mut self, el: Element) {
        let p = match Presence::try_from(el) {
            Ok(p) => p,
            Err(e) => return self.ignore(format!("invalid presence: {e}")),
        };
        let Some(from) = p.from.clone() else {
            return;
        };
        let bare = from.to_bare();
        // Occupants are not contacts: their caps are not asked either.
        if self.rooms.is_room(&bare) {
            return self.room_presence(bare, p);
        }
        let resource = from.resource().map(|r| r.to_string());
        if p.type_ == PresenceType::None {
            let caps = p
                .payloads
                .iter()
                .find(|e| e.is("c", "http://jabber.org/protocol/caps"));
            if let Some(caps) = caps.and_then(|c| xmpp_parsers::caps::Caps::try_from(c.clone()).ok()) {
                self.caps_seen(from.clone(), caps);
            }
        }
        match p.type_ {
            PresenceType::None => {
                let rp = ResourcePresence {
                    show: Availability::from_show(p.show.as_ref()),
                    status: p.statuses.values().next().cloned(),
                    priority: p.priority.0,
                };
                let changed = self
                    .presences
                    .contacts
                    .available(&bare, resource.as_deref().unwrap_or(""), rp);
                if changed {
                    self.presence_changed(bare);
                }
            }
            PresenceType::Unavailable if self.presences.contacts.unavailable(&bare, resource.as_deref()) => {
                self.presence_changed(bare);
            }
            // Reported once per contact until answered.
            PresenceType::Subscribe
                if self.presences.requests.len() < MAX_SUBSCRIPTION_REQUESTS
                    && self.presences.requests.insert(bare.clone()) =>
            {
                self.event(Event::SubscriptionRequested { from: bare });
            }
            _ => {}
        }
    }

    /// Our own presence (RFC 6121 §4.4), sent now if the initial one went out.
    pub(super) fn set_presence(&mut self, show: Availability, status: Option<String>, priority: i8) {
        let changed = self
            .presences
            .own
            .set(show, status.map(crate::element::xml_text), priority);
        if let Some(p) = changed.filter(|_| self.is_ready()) {
            self.send_stanza(presence_element(p.clone()), None);
            self.tell_rooms(&p);
        }
    }

    pub(super) fn presence_changed(&mut self, jid: BareJid) {
        let best = self.presences.contacts.best(&jid).cloned();
        self.event(Event::PresenceChanged {
            jid,
            show: best.as_ref().map(|b| b.show),
            status: best.and_then(|b| b.status),
        });
    }
}

/// A presence as sent: `<priority>0</priority>` is the default, so left out.
pub(super) fn presence_element(p: Presence) -> Element {
    let mut el: Element = p.to_element();
    if el
        .get_child("priority", ns::JABBER_CLIENT)
        .is_some_and(|c| c.text() == "0")
    {
        el.remove_child("priority", ns::JABBER_CLIENT);
    }
    el
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::tests::*;
    use crate::session::{Command, Event};

    fn p(show: Availability, priority: i8) -> ResourcePresence {
        ResourcePresence {
            show,
            status: None,
            priority,
        }
    }

    #[test]
    fn aggregates_by_priority_then_availability() {
        let jid: BareJid = "juliet@example.com".parse().unwrap();
        let mut ps = Presences::default();
        assert!(ps.available(&jid, "phone", p(Availability::Away, 0)));
        assert!(ps.available(&jid, "desktop", p(Availability::DoNotDisturb, 5)));
        assert_eq!(ps.best(&jid).unwrap().show, Availability::DoNotDisturb);
        // Same priority: the more available one wins.
        assert!(ps.available(&jid, "laptop", p(Availability::Chat, 5)));
        assert_eq!(ps.best(&jid).unwrap().show, Availability::Chat);
        // A lower-priority change does not change the aggregate.
        assert!(!ps.available(&jid, "phone", p(Availability::ExtendedAway, 0)));
        assert!(ps.unavailable(&jid, Some("laptop")));
        // Negative priorities count only when there is nothing else.
        assert!(!ps.available(&jid, "bot", p(Availability::Chat, -1)));
        assert!(ps.unavailable(&jid, Some("desktop")));
        assert_eq!(ps.best(&jid).unwrap().show, Availability::ExtendedAway);
        assert!(ps.unavailable(&jid, Some("phone")));
        assert_eq!(ps.best(&jid).unwrap().priority, -1);
        assert!(ps.unavailable(&jid, None));
        assert!(ps.best(&jid).is_none());
    }

    #[test]
    fn of_equal_resources_the_latest_presence_shows() {
        let jid: BareJid = "juliet@example.com".parse().unwrap();
        let with_status = |text: &str| ResourcePresence {
            status: Some(text.into()),
            ..p(Availability::Available, 0)
        };
        for (first, second) in [("a-idle", "z-new"), ("z-idle", "a-new")] {
            let mut ps = Presences::default();
            assert!(ps.available(&jid, first, p(Availability::Available, 0)));
            assert!(ps.available(&jid, second, with_status("In the garden")));
            assert_eq!(
                ps.best(&jid).unwrap().status.as_deref(),
                Some("In the garden"),
                "{first} then {second}"
            );
            // A more available resource still wins over a later one.
            assert!(ps.available(&jid, "chatty", p(Availability::Chat, 0)));
            assert!(!ps.available(&jid, first, p(Availability::Available, 0)));
            assert_eq!(ps.best(&jid).unwrap().show, Availability::Chat);
        }
    }

    #[test]
    fn presence_waits_for_the_roster_and_goes_out_once() {
        let mut s = bound();
        // Chosen before the roster came: kept, not sent.
        s.handle_command(Command::SetPresence {
            show: Availability::Away,
            status: Some("Lunch".into()),
            priority: 0,
        });
        assert!(out(&mut s).is_empty());
        // A roster the server refuses still lets us go online.
        feed(
            &mut s,
            &format!(
                "<iq {C} type='error' id='t2'><error type='cancel'>\
                 <service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
            ),
        );
        let away = own_presence("<show>away</show><status>Lunch</status>");
        expect_presence_then_archive(&mut s, &away);
        // From then on, each change goes out.
        s.handle_command(Command::SetPresence {
            show: Availability::Available,
            status: None,
            priority: 0,
        });
        expect_out(&mut s, &[&own_presence("")]);
    }

    #[test]
    fn aggregates_presence_and_reports_subscription_requests() {
        let mut s = logged_in();
        feed(
            &mut s,
            &format!(
                "<presence {C} from='juliet@example.net/a'><show>away</show><priority>1</priority></presence>"
            ),
        );
        feed(
            &mut s,
            &format!(
                "<presence {C} from='juliet@example.net/b'><status>here</status><priority>5</priority></presence>"
            ),
        );
        feed(
            &mut s,
            &format!("<presence {C} from='juliet@example.net/b' type='unavailable'/>"),
        );
        feed(
            &mut s,
            &format!("<presence {C} from='romeo@example.net' type='subscribe'/>"),
        );
        let j: BareJid = "juliet@example.net".parse().unwrap();
        assert_eq!(
            events(&mut s),
            [
                Event::PresenceChanged {
                    jid: j.clone(),
                    show: Some(Availability::Away),
                    status: None
                },
                Event::PresenceChanged {
                    jid: j.clone(),
                    show: Some(Availability::Available),
                    status: Some("here".into())
                },
                Event::PresenceChanged {
                    jid: j,
                    show: Some(Availability::Away),
                    status: None
                },
                Event::SubscriptionRequested {
                    from: "romeo@example.net".parse().unwrap()
                },
            ]
        );
    }

    #[test]
    fn a_flood_of_resources_is_bounded() {
        let mut s = logged_in();
        for i in 0..40 {
            feed(
                &mut s,
                &format!(
                    "<presence {C} from='mallory@evil.example/r{i}'><priority>{i}</priority></presence>"
                ),
            );
        }
        // Only the first 16 resources are tracked, so at most 16 changes.
        let changes = events(&mut s)
            .iter()
            .filter(|e| matches!(e, Event::PresenceChanged { .. }))
            .count();
        assert!(changes <= 16, "{changes}");
    }
}
