//! RFC 6121: the roster as the views show it, with each contact's presence.

use std::collections::BTreeMap;
use std::sync::Arc;

use parlons_shared::session::presence::Availability;
use xmpp_parsers::jid::BareJid;
use xmpp_parsers::roster::{Ask, Item as RosterItem, Subscription};

/// One contact.
#[derive(Debug, Clone, PartialEq)]
pub struct Contact {
    /// Its address.
    pub jid: BareJid,
    /// The name we gave it, if any.
    name: Option<String>,
    /// What to call it: its name, else its address.
    label: String,
    /// The label in lower case, for sorting and filtering.
    folded: String,
    /// Its groups.
    pub groups: Vec<String>,
    /// Whether we see its presence.
    pub subscription: Subscription,
    /// We asked to see its presence and it has not answered.
    pub pending_out: bool,
    /// Its best resource's availability; `None` when offline.
    pub show: Option<Availability>,
    /// That resource's status text.
    pub status: Option<String>,
}

impl Contact {
    /// A contact with nothing known of it yet.
    pub fn new(jid: BareJid) -> Self {
        Self::named(jid, None)
    }

    fn named(jid: BareJid, name: Option<String>) -> Self {
        let mut c = Self {
            jid,
            name: None,
            label: String::new(),
            folded: String::new(),
            groups: Vec::new(),
            subscription: Subscription::None,
            pending_out: false,
            show: None,
            status: None,
        };
        c.set_name(name);
        c
    }

    /// The name we gave it, if any.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }

    /// Names it; an empty name is none.
    pub fn set_name(&mut self, name: Option<String>) {
        self.name = name.filter(|n| !n.is_empty());
        self.label = match &self.name {
            Some(n) if !n.trim().is_empty() => n.clone(),
            _ => self.jid.to_string(),
        };
        self.folded = self.label.to_lowercase();
    }

    /// What to call it: its name, else its address.
    pub fn display_name(&self) -> &str {
        &self.label
    }

    /// [`Self::display_name`] in lower case.
    pub fn folded(&self) -> &str {
        &self.folded
    }
}

/// Every contact, by address. Each is shared, so that the views' copies
/// cost nothing and a change copies only the contact it touches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Contacts {
    by_jid: BTreeMap<BareJid, Arc<Contact>>,
}

impl Contacts {
    /// A whole roster replaces what we had; presence we already know stays.
    pub fn replace(&mut self, items: Vec<RosterItem>) {
        let mut old = std::mem::take(&mut self.by_jid);
        self.by_jid = items
            .into_iter()
            .map(|item| {
                let contact = match old.remove(&item.jid) {
                    Some(known) => {
                        let mut c = Arc::unwrap_or_clone(known);
                        set_item(&mut c, item);
                        c
                    }
                    None => from_item(item),
                };
                (contact.jid.clone(), Arc::new(contact))
            })
            .collect();
    }

    /// Contacts from the offline store, before the roster arrives.
    pub fn restore(&mut self, contacts: Vec<Contact>) {
        self.by_jid = contacts
            .into_iter()
            .map(|c| (c.jid.clone(), Arc::new(c)))
            .collect();
    }

    /// A roster push: one contact added, changed or removed.
    pub fn update(&mut self, item: RosterItem) {
        if item.subscription == Subscription::Remove {
            self.by_jid.remove(&item.jid);
            return;
        }
        match self.by_jid.get_mut(&item.jid) {
            Some(c) => set_item(Arc::make_mut(c), item),
            None => {
                let c = from_item(item);
                self.by_jid.insert(c.jid.clone(), Arc::new(c));
            }
        }
    }

    /// A contact's aggregated presence changed. Presence of someone not in
    /// the roster is not shown.
    pub fn set_presence(&mut self, jid: &BareJid, show: Option<Availability>, status: Option<String>) {
        if let Some(c) = self.by_jid.get_mut(jid)
            && (c.show != show || c.status != status)
        {
            let c = Arc::make_mut(c);
            c.show = show;
            c.status = status;
        }
    }

    /// Everyone goes offline (the connection is gone).
    pub fn all_offline(&mut self) {
        for c in self.by_jid.values_mut() {
            if c.show.is_some() || c.status.is_some() {
                let c = Arc::make_mut(c);
                c.show = None;
                c.status = None;
            }
        }
    }

    /// One contact.
    pub fn get(&self, jid: &BareJid) -> Option<&Contact> {
        self.by_jid.get(jid).map(|c| &**c)
    }

    /// Every contact, by address.
    pub fn iter(&self) -> impl Iterator<Item = &Contact> {
        self.by_jid.values().map(|c| &**c)
    }

    /// Every contact, by address, shared.
    pub fn shared(&self) -> impl Iterator<Item = &Arc<Contact>> {
        self.by_jid.values()
    }

    /// How many.
    pub fn len(&self) -> usize {
        self.by_jid.len()
    }

    /// None at all.
    pub fn is_empty(&self) -> bool {
        self.by_jid.is_empty()
    }
}

fn from_item(item: RosterItem) -> Contact {
    let mut c = Contact::named(item.jid.clone(), item.name.clone());
    set_item(&mut c, item);
    c
}

fn set_item(contact: &mut Contact, item: RosterItem) {
    if contact.name != item.name {
        contact.set_name(item.name);
    }
    contact.groups = item.groups.into_iter().map(|g| g.0).collect();
    contact.subscription = item.subscription;
    contact.pending_out = item.ask == Ask::Subscribe;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(xml: &str) -> RosterItem {
        let el: parlons_shared::Element = xml.parse().unwrap();
        RosterItem::try_from(el).unwrap()
    }

    fn jid(s: &str) -> BareJid {
        BareJid::new(s).unwrap()
    }

    #[test]
    fn a_roster_keeps_known_presence_and_drops_missing_contacts() {
        let mut c = Contacts::default();
        c.replace(vec![
            item(r#"<item xmlns="jabber:iq:roster" jid="bob@b.test" name="Bob" subscription="both"><group>Friends</group></item>"#),
            item(r#"<item xmlns="jabber:iq:roster" jid="carol@b.test" subscription="none" ask="subscribe"/>"#),
        ]);
        c.set_presence(&jid("bob@b.test"), Some(Availability::Away), Some("lunch".into()));
        c.replace(vec![item(
            r#"<item xmlns="jabber:iq:roster" jid="bob@b.test" name="Robert" subscription="both"/>"#,
        )]);
        let bob = c.get(&jid("bob@b.test")).unwrap();
        assert_eq!(bob.display_name(), "Robert");
        assert_eq!(bob.show, Some(Availability::Away));
        assert!(bob.groups.is_empty());
        assert!(c.get(&jid("carol@b.test")).is_none());
    }

    #[test]
    fn pushes_add_change_and_remove() {
        let mut c = Contacts::default();
        c.update(item(
            r#"<item xmlns="jabber:iq:roster" jid="dave@b.test" subscription="none" ask="subscribe"/>"#,
        ));
        let dave = c.get(&jid("dave@b.test")).unwrap();
        assert!(dave.pending_out);
        assert_eq!(dave.display_name(), "dave@b.test");
        c.update(item(
            r#"<item xmlns="jabber:iq:roster" jid="dave@b.test" subscription="to"/>"#,
        ));
        assert!(!c.get(&jid("dave@b.test")).unwrap().pending_out);
        c.update(item(
            r#"<item xmlns="jabber:iq:roster" jid="dave@b.test" subscription="remove"/>"#,
        ));
        assert!(c.is_empty());
    }

    #[test]
    fn presence_of_strangers_is_not_kept() {
        let mut c = Contacts::default();
        c.set_presence(&jid("eve@evil.test"), Some(Availability::Available), None);
        assert!(c.is_empty());
    }

    #[test]
    fn names_fold_and_fall_back_to_the_address() {
        let mut c = Contacts::default();
        c.replace(vec![
            item(r#"<item xmlns="jabber:iq:roster" jid="bob@b.test" name="Élodie B"/>"#),
            item(r#"<item xmlns="jabber:iq:roster" jid="Carol@B.test" name=" "/>"#),
            item(r#"<item xmlns="jabber:iq:roster" jid="dan@b.test" name=""/>"#),
        ]);
        let bob = c.get(&jid("bob@b.test")).unwrap();
        assert_eq!((bob.display_name(), bob.folded()), ("Élodie B", "élodie b"));
        let carol = c.get(&jid("carol@b.test")).unwrap();
        assert_eq!((carol.name(), carol.display_name()), (Some(" "), "carol@b.test"));
        let dan = c.get(&jid("dan@b.test")).unwrap();
        assert_eq!((dan.name(), dan.display_name()), (None, "dan@b.test"));
    }

    #[test]
    fn a_change_copies_only_the_contact_it_touches() {
        let mut c = Contacts::default();
        c.replace(vec![
            item(r#"<item xmlns="jabber:iq:roster" jid="bob@b.test" subscription="both"/>"#),
            item(r#"<item xmlns="jabber:iq:roster" jid="carol@b.test" subscription="both"/>"#),
        ]);
        let before: Vec<Arc<Contact>> = c.shared().cloned().collect();
        c.set_presence(&jid("bob@b.test"), Some(Availability::Away), None);
        c.set_presence(&jid("carol@b.test"), None, None);
        let after: Vec<Arc<Contact>> = c.shared().cloned().collect();
        assert!(!Arc::ptr_eq(&before[0], &after[0]));
        assert_eq!(before[0].show, None);
        assert_eq!(after[0].show, Some(Availability::Away));
        // No change, no copy.
        assert!(Arc::ptr_eq(&before[1], &after[1]));
    }
}
