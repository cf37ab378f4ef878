//! RFC 6121 §2–3: roster management and presence subscriptions.

use crate::element::{self, ToElement};
use xmpp_parsers::jid::{BareJid, Jid};
use xmpp_parsers::presence::{Presence, Type as PresenceType};
use xmpp_parsers::roster::{Ask, Group, Item, Roster, Subscription};

use super::{Request, Session};

impl Session {
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
            return self.ignore("roster change while offline");
        }
        let id = self.id();
        self.pending.insert(id.clone(), Request::RosterSet);
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
            self.subscription_requests.remove(&to);
        }
        let p = Presence::new(type_).with_to(Jid::from(to));
        self.send_stanza(super::presence_element(p), None);
    }
}
