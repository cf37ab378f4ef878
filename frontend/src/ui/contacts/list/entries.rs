//! The contact list's lines: contacts and people we talk with, sorted by
//! latest activity then name (natural order, [`collate`]), filtered, and laid out in collapsible groups.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::i18n::collate::{self, Names};
use crate::store::Store;
use crate::store::contacts::Contact;
use parlons_shared::session::ConversationId;

/// One contact's line.
#[derive(Debug, Clone)]
pub struct Row {
    /// The contact, or a bare one for someone not in the roster.
    pub contact: Arc<Contact>,
    /// Unread messages.
    pub unread: usize,
    /// The last message's text.
    pub preview: Option<String>,
    /// The last message's time, 0 with none.
    pub last_ms: u64,
    /// Open now.
    pub open: bool,
}

impl PartialEq for Row {
    fn eq(&self, other: &Self) -> bool {
        (Arc::ptr_eq(&self.contact, &other.contact) || self.contact == other.contact)
            && self.unread == other.unread
            && self.preview == other.preview
            && self.last_ms == other.last_ms
            && self.open == other.open
    }
}

/// Times beyond this (ms since 1970, in the year 2039) sort as this: the
/// time and a name's rank share one sort key.
const LATEST: u64 = (1 << 41) - 1;
/// Ranks beyond this sort as this.
const RANKS: u32 = (1 << 22) - 1;

/// Contacts and people we have conversations with, sorted. Shared, so
/// that filtering and laying them out copies no row.
pub fn rows(s: &Store) -> Vec<Arc<Row>> {
    let row = |contact: Arc<Contact>| {
        let conv = s.conversations.get(&contact.jid);
        let last = conv.and_then(|c| c.last());
        Row {
            unread: conv.map_or(0, |c| c.unread),
            preview: last.map(|m| m.body.lines().next().unwrap_or_default().to_owned()),
            last_ms: last.map_or(0, |m| m.timestamp_ms),
            open: s.open.as_ref().and_then(ConversationId::chat) == Some(&contact.jid),
            contact,
        }
    };
    let strangers = s
        .conversations
        .iter()
        .filter(|(jid, c)| !c.messages.is_empty() && s.contacts.get(jid).is_none())
        .map(|(jid, _)| row(Arc::new(Contact::new(jid.clone()))));
    let rows: Vec<Row> = s.contacts.shared().cloned().map(row).chain(strangers).collect();
    let names: Vec<&str> = rows.iter().map(|r| r.contact.display_name()).collect();
    let names = collate::keys(Names::Contacts, &names);
    // Latest activity first, then by name; ties stay in address order.
    let keys: Vec<u64> = rows
        .iter()
        .zip(names)
        .map(|(r, name)| (LATEST.saturating_sub(r.last_ms) << 22) | u64::from(name.min(RANKS)))
        .collect();
    collate::arrange(rows, keys.into_iter())
        .into_iter()
        .map(Arc::new)
        .collect()
}

/// The rows whose name or address contains `filter`, ignoring case.
pub fn filtered<'a>(rows: &'a [Arc<Row>], filter: &str) -> Vec<&'a Arc<Row>> {
    let filter = filter.trim().to_lowercase();
    rows.iter()
        .filter(|r| {
            filter.is_empty()
                || r.contact.folded().contains(&filter)
                || r.contact.jid.as_str().contains(&filter)
        })
        .collect()
}

/// A line of the list: a group's heading or a contact in it.
#[derive(Debug, Clone, PartialEq)]
pub enum Entry {
    /// A group's heading.
    Heading {
        /// The group.
        name: String,
        /// Collapsed.
        shut: bool,
    },
    /// A contact, at `pos` (from 1) of `size` in its group.
    Contact {
        /// The contact.
        row: Arc<Row>,
        /// The group it is listed under, empty for none.
        group: Arc<str>,
        /// Its place in the group, from 1.
        pos: usize,
        /// The group's size.
        size: usize,
    },
}

/// Rows by group, in name order, with the ungrouped last under no heading;
/// no headings at all when nobody has a group.
pub fn entries(rows: &[&Arc<Row>], collapsed: &BTreeSet<String>) -> Vec<Entry> {
    // One pass: members by group, in the rows' order.
    let mut groups: BTreeMap<&str, Vec<&Arc<Row>>> = BTreeMap::new();
    let mut ungrouped = Vec::new();
    for &row in rows {
        if row.contact.groups.is_empty() {
            ungrouped.push(row);
        }
        for group in &row.contact.groups {
            let members = groups.entry(group).or_default();
            // A group named twice in one item lists it once.
            if !members.last().is_some_and(|last| Arc::ptr_eq(last, row)) {
                members.push(row);
            }
        }
    }
    let mut out = Vec::new();
    let push_group = |out: &mut Vec<Entry>, group: &str, members: Vec<&Arc<Row>>| {
        let size = members.len();
        let group: Arc<str> = group.into();
        out.extend(members.into_iter().enumerate().map(|(i, r)| Entry::Contact {
            row: Arc::clone(r),
            group: Arc::clone(&group),
            pos: i + 1,
            size,
        }));
    };
    let names: Vec<&str> = groups.keys().copied().collect();
    let keys = collate::keys(Names::Groups, &names);
    let groups: Vec<_> = groups.into_iter().collect();
    for (name, members) in collate::arrange(groups, keys.into_iter().map(u64::from)) {
        let shut = collapsed.contains(name);
        out.push(Entry::Heading {
            name: name.to_owned(),
            shut,
        });
        if !shut {
            push_group(&mut out, name, members);
        }
    }
    push_group(&mut out, "", ungrouped);
    out
}

/// Initials for an avatar: the first letters of the first two words.
pub fn initials(name: &str) -> String {
    name.split(['@', ' ', '.'])
        .filter_map(|w| w.chars().next())
        .take(2)
        .flat_map(char::to_uppercase)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use xmpp_parsers::jid::BareJid;

    #[test]
    fn initials_come_from_names_or_addresses() {
        assert_eq!(initials("Bob Marley"), "BM");
        assert_eq!(initials("alice@example.org"), "AE");
        assert_eq!(initials("élodie"), "É");
        assert_eq!(initials(""), "");
    }

    fn row(jid: &str, last_ms: u64, groups: &[&str]) -> Row {
        let mut contact = Contact::new(BareJid::new(jid).unwrap());
        contact.groups = groups.iter().map(|g| (*g).to_owned()).collect();
        Row {
            contact: Arc::new(contact),
            unread: 0,
            preview: None,
            last_ms,
            open: false,
        }
    }

    fn shape(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| match e {
                Entry::Heading { name, shut } => format!("{name}{}", if *shut { "+" } else { "" }),
                Entry::Contact { row, pos, size, .. } => format!("  {} {pos}/{size}", row.contact.jid),
            })
            .collect()
    }

    #[test]
    fn groups_list_members_and_the_ungrouped_last() {
        let (a, b, c) = (
            Arc::new(row("a@x", 0, &["Work", "Friends"])),
            Arc::new(row("b@x", 0, &[])),
            Arc::new(row("c@x", 0, &["Work"])),
        );
        let all = [&a, &b, &c];
        assert_eq!(
            shape(&entries(&all, &BTreeSet::new())),
            [
                "Friends",
                "  a@x 1/1",
                "Work",
                "  a@x 1/2",
                "  c@x 2/2",
                "  b@x 1/1"
            ]
        );
        let shut = BTreeSet::from(["Work".to_owned()]);
        assert_eq!(
            shape(&entries(&all, &shut)),
            ["Friends", "  a@x 1/1", "Work+", "  b@x 1/1"]
        );
        assert_eq!(shape(&entries(&[&b], &BTreeSet::new())), ["  b@x 1/1"]);
        let numbered = (
            Arc::new(row("e@x", 0, &["Team 10"])),
            Arc::new(row("f@x", 0, &["team 9"])),
        );
        assert_eq!(
            shape(&entries(&[&numbered.0, &numbered.1], &BTreeSet::new())),
            ["team 9", "  f@x 1/1", "Team 10", "  e@x 1/1"]
        );
        let twice = Arc::new(row("d@x", 0, &["Work", "Work"]));
        assert_eq!(
            shape(&entries(&[&twice, &c], &BTreeSet::new())),
            ["Work", "  d@x 1/2", "  c@x 2/2"]
        );
    }

    #[test]
    fn rows_sort_by_activity_then_name_and_filter() {
        let mut s = Store::default();
        for (j, t) in [("zed@x", 5), ("amy@x", 0), ("bob@x", 0)] {
            let c = s.conversation(&BareJid::new(j).unwrap());
            if t > 0 {
                c.send(crate::store::conversation::Message::outgoing(
                    "1".into(),
                    "hi".into(),
                    t,
                ));
            }
        }
        s.contacts.update(xmpp_parsers::roster::Item {
            jid: BareJid::new("bob@x").unwrap(),
            name: Some("Bob".into()),
            subscription: xmpp_parsers::roster::Subscription::Both,
            ask: Default::default(),
            groups: vec![],
            approved: None,
        });
        s.contacts.update(xmpp_parsers::roster::Item {
            jid: BareJid::new("amy@x").unwrap(),
            name: None,
            subscription: xmpp_parsers::roster::Subscription::Both,
            ask: Default::default(),
            groups: vec![],
            approved: None,
        });
        for (j, name) in [
            ("c1@x", "Contact 1003"),
            ("c2@x", "contact 20"),
            ("c3@x", "Contact 103"),
        ] {
            s.contacts.update(xmpp_parsers::roster::Item {
                jid: BareJid::new(j).unwrap(),
                name: Some(name.into()),
                subscription: xmpp_parsers::roster::Subscription::Both,
                ask: Default::default(),
                groups: vec![],
                approved: None,
            });
        }
        let all = rows(&s);
        let names: Vec<_> = all.iter().map(|r| r.contact.display_name()).collect();
        // Numbers in names go by their value.
        assert_eq!(
            names,
            [
                "zed@x",
                "amy@x",
                "Bob",
                "contact 20",
                "Contact 103",
                "Contact 1003"
            ]
        );
        let names: Vec<_> = filtered(&all, " BO")
            .into_iter()
            .map(|r| r.contact.display_name())
            .collect();
        assert_eq!(names, ["Bob"]);
    }
}
