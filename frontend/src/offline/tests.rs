//! What the session's events mark for writing, and what is then written.

use parlons_shared::session::{ConversationId, Delivery, Event};

use super::*;
use crate::store::contacts::Contact;
use crate::store::tests::{incoming, jid};

fn from_bob(id: &str) -> Event {
    incoming(id, "hi")
}

/// Signed in as alice, with bob a contact.
fn store() -> Store {
    let mut store = Store::default();
    store.signing_in(jid("alice@localhost"));
    store.contacts.restore(vec![Contact::new(jid("bob@b.test"))]);
    store
}

#[test]
fn events_mark_what_they_change_and_only_that_is_written() {
    let mut store = store();
    let carol = jid("carol@b.test");
    store.sent(
        &ConversationId::Chat(carol.clone()),
        "m1".into(),
        "hello".into(),
        1,
    );
    store.apply(from_bob("b1"));
    let mut dirty = Dirty::default();
    assert!(dirty.is_empty());
    dirty.note(&from_bob("b1"));
    dirty.note(&Event::MessageStateChanged {
        conversation: ConversationId::Chat(jid("carol@b.test")),
        id: "m1".into(),
        state: Delivery::Pending,
    });
    let Ok(el) = "<item xmlns='jabber:iq:roster' jid='dave@b.test' subscription='remove'/>"
        .parse::<parlons_shared::Element>()
    else {
        panic!("literal XML")
    };
    let Ok(item) = xmpp_parsers::roster::Item::try_from(el) else {
        panic!("a roster item")
    };
    dirty.note(&Event::RosterItemChanged { item });
    assert!(!dirty.is_empty());
    let changes = dirty.changes(&store, Position::At("a7".into()), Some("v3".into()), false);
    let peers: Vec<_> = changes.conversations.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(peers, ["bob@b.test", "carol@b.test"]);
    assert_eq!(
        changes.conversations[1].1.messages[0].delivery,
        Some(Delivery::Pending)
    );
    // A contact no longer in the roster is deleted.
    assert_eq!(changes.contacts, [Err(jid("dave@b.test"))]);
    assert_eq!(changes.roster, None);
    assert_eq!(
        (changes.roster_ver.as_deref(), &changes.archive),
        (Some("v3"), &Position::At("a7".into()))
    );
}

#[test]
fn the_first_write_has_every_conversation_and_a_roster_result_the_whole_roster() {
    let mut store = store();
    store.apply(from_bob("b1"));
    store.sent(
        &ConversationId::Chat(jid("carol@b.test")),
        "m1".into(),
        "hello".into(),
        1,
    );
    let mut dirty = Dirty::default();
    dirty.note(&Event::RosterReceived {
        items: Vec::new(),
        ver: None,
    });
    let changes = dirty.changes(&store, Position::Unknown, None, true);
    assert_eq!(changes.conversations.len(), 2);
    assert_eq!(changes.roster.map(|r| r.len()), Some(1));
    // The message requests too, though none changed.
    assert_eq!(changes.requests, Some(Vec::new()));
}

#[test]
fn message_requests_are_written_when_they_change() {
    let mut store = store();
    let mut dirty = Dirty::default();
    dirty.note(&from_bob("b1"));
    let changes = dirty.changes(&store, Position::Unknown, None, false);
    assert_eq!(changes.requests, None);
    let mut stranger = incoming("s1", "buy now");
    if let Event::MessageReceived(m) = &mut stranger {
        m.conversation = ConversationId::Chat(jid("spam@evil.example"));
    }
    store.apply(stranger);
    let mut dirty = Dirty::default();
    dirty.requests(None);
    let changes = dirty.changes(&store, Position::Unknown, None, false);
    let requests = changes.requests.unwrap_or_default();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].jid, jid("spam@evil.example"));
    assert!(changes.conversations.is_empty());
}

#[test]
fn archive_positions_survive_their_text_form() {
    for p in [Position::Unknown, Position::Start, Position::At("a:b 7".into())] {
        assert_eq!(read_position(write_position(&p)), p);
    }
    assert_eq!(read_position(Some("garbage".into())), Position::Unknown);
}
