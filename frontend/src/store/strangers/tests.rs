//! Message requests in the store: who is a stranger, the bounds, and
//! what accepting, dismissing, adding and blocking do.

use parlons_shared::session::{ConversationId, Event};

use super::super::tests::{incoming, item, jid, online};
use super::super::{Outcome, strangers};

/// A message from `from`, with id `id`, at `ms`.
fn from(from: &str, id: &str, ms: u64) -> Event {
    let mut e = incoming(id, &format!("{id} from {from}"));
    if let Event::MessageReceived(m) = &mut e {
        m.conversation = ConversationId::Chat(jid(from));
        m.timestamp_ms = ms;
    }
    e
}

#[test]
fn strangers_write_message_requests_not_conversations() {
    let mut s = online();
    assert_eq!(s.apply(from("spam@evil.example", "s1", 10)), Outcome::Nothing);
    assert!(s.conversations.is_empty());
    assert_eq!(s.strangers.len(), 1);
    // Typing starts nothing either.
    s.apply(Event::ChatStateChanged {
        from: jid("spam@evil.example"),
        state: xmpp_parsers::chatstates::ChatState::Composing,
    });
    assert!(s.conversations.is_empty());
    // A contact's message is a conversation, with its notification.
    assert!(matches!(
        s.apply(incoming("b1", "hi")),
        Outcome::NewMessage { .. }
    ));
    // So is one from someone we wrote to, and our own account's.
    s.sent(
        &ConversationId::Chat(jid("carol@c.test")),
        "m1".into(),
        "hello".into(),
        5,
    );
    s.apply(from("carol@c.test", "c1", 20));
    s.apply(from("alice@localhost", "n1", 30));
    assert_eq!(s.strangers.len(), 1);
    assert_eq!(s.conversations[&jid("carol@c.test")].messages.len(), 2);
    assert!(s.conversations.contains_key(&jid("alice@localhost")));
}

#[test]
fn requests_keep_three_messages_from_two_hundred_senders() {
    let mut s = online();
    for i in 0..205u64 {
        for j in 0..5u64 {
            s.apply(from(
                &format!("u{i}@evil.example"),
                &format!("m{i}-{j}"),
                i * 10 + j,
            ));
        }
    }
    assert_eq!(s.strangers.len(), strangers::MAX_SENDERS);
    // The oldest requests went first.
    let first = s.strangers.iter().next().unwrap();
    assert_eq!(first.jid, jid("u5@evil.example"));
    let ids: Vec<_> = first.messages.iter().map(|m| m.id.clone().unwrap()).collect();
    assert_eq!(ids, ["m5-2", "m5-3", "m5-4"]);
    // The same message again, live and from the archive, is one.
    let before = s.strangers.revision;
    s.apply(from("u5@evil.example", "m5-4", 54));
    assert_eq!(s.strangers.revision, before);
}

#[test]
fn accepting_a_request_makes_its_conversation_and_dismissing_drops_it() {
    let mut s = online();
    s.apply(from("dan@d.test", "d1", 10));
    s.apply(from("dan@d.test", "d2", 11));
    s.apply(from("eve@e.test", "e1", 12));
    s.open(Some(ConversationId::Chat(jid("dan@d.test"))));
    let dan = &s.conversations[&jid("dan@d.test")];
    assert_eq!(dan.messages.len(), 2);
    assert_eq!(dan.unread, 0, "read as it opens");
    s.dismiss(&jid("eve@e.test"));
    assert!(s.strangers.is_empty());
    assert!(!s.conversations.contains_key(&jid("eve@e.test")));
    // Dismissed, a new message is a request again.
    s.apply(from("eve@e.test", "e2", 13));
    assert_eq!(s.strangers.len(), 1);
}

#[test]
fn a_sender_added_as_contact_or_blocked_leaves_the_requests() {
    let mut s = online();
    s.apply(from("dan@d.test", "d1", 10));
    s.apply(from("eve@e.test", "e1", 12));
    s.apply(Event::RosterItemChanged {
        item: item("dan@d.test"),
    });
    let dan = &s.conversations[&jid("dan@d.test")];
    assert_eq!((dan.messages.len(), dan.unread), (1, 1));
    s.apply(Event::BlocklistChanged {
        blocked: vec!["eve@e.test".parse().unwrap()],
        unblocked: vec![],
    });
    assert!(s.strangers.is_empty());
    assert_eq!(s.blocked.as_ref().map(|b| b.len()), Some(1));
    s.apply(Event::BlocklistChanged {
        blocked: vec![],
        unblocked: vec!["eve@e.test".parse().unwrap()],
    });
    assert_eq!(s.blocked.as_ref().map(|b| b.len()), Some(0));
    s.apply(Event::BlocklistReceived { jids: None });
    assert_eq!(s.blocked, None);
}

#[test]
fn a_request_keeps_the_start_of_long_messages_and_not_older_ones() {
    let mut s = online();
    let mut long = from("dan@d.test", "d0", 50);
    if let Event::MessageReceived(m) = &mut long {
        m.body = "é".repeat(100_000);
    }
    s.apply(long);
    let body = &s.strangers.iter().next().unwrap().messages[0].body;
    assert_eq!(body.chars().count(), strangers::MAX_CHARS + 1);
    assert!(body.ends_with('…'));
    for (id, ms) in [("d1", 60), ("d2", 70)] {
        s.apply(from("dan@d.test", id, ms));
    }
    // Three kept: one older than all of them changes nothing.
    let before = s.strangers.revision;
    s.apply(from("dan@d.test", "old", 10));
    assert_eq!(s.strangers.revision, before);
}

#[test]
fn a_blocked_domain_takes_its_requests_and_adoptions_are_told_to_the_offline_store() {
    let mut s = online();
    s.apply(from("a@evil.example", "a1", 10));
    s.apply(from("b@evil.example", "b1", 11));
    s.apply(from("dan@d.test", "d1", 12));
    s.apply(Event::BlocklistChanged {
        blocked: vec!["evil.example".parse().unwrap()],
        unblocked: vec![],
    });
    assert_eq!(s.strangers.len(), 1);
    assert!(s.adopted.is_empty());
    s.apply(Event::RosterItemChanged {
        item: item("dan@d.test"),
    });
    assert_eq!(s.adopted, [jid("dan@d.test")]);
}
