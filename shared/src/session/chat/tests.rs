//! One-to-one chat, as transcripts of literal XML.

use crate::session::tests::*;
use crate::session::*;

#[test]
fn sends_messages_with_ids_receipt_requests_and_markers() {
    let mut s = logged_in();
    s.handle_command(Command::SendMessage {
        id: "m1".into(),
        to: chat("juliet@example.net"),
        body: "Hi <there> & bye".into(),
    });
    expect_out(
        &mut s,
        &[
            &format!(
                "<message {C} to='juliet@example.net' id='m1' type='chat'><body>Hi &lt;there&gt; &amp; bye</body>\
                 <origin-id xmlns='urn:xmpp:sid:0' id='m1'/><request xmlns='urn:xmpp:receipts'/>\
                 <markable xmlns='urn:xmpp:chat-markers:0'/><active xmlns='http://jabber.org/protocol/chatstates'/>\
                 </message>"
            ),
            "<r xmlns='urn:xmpp:sm:3'/>",
        ],
    );
    assert_eq!(events(&mut s), [moved("m1", Delivery::Pending)]);
    // Roster, carbons, the archive query, presence and the bookmarks'
    // place come first; then the message.
    feed(&mut s, "<a xmlns='urn:xmpp:sm:3' h='5'/>");
    assert!(events(&mut s).is_empty());
    // A count beyond what was sent is ignored.
    feed(&mut s, "<a xmlns='urn:xmpp:sm:3' h='9'/>");
    assert!(events(&mut s).is_empty());
    feed(&mut s, "<a xmlns='urn:xmpp:sm:3' h='6'/>");
    assert_eq!(events(&mut s), [moved("m1", Delivery::Sent)]);
    feed(
        &mut s,
        &format!(
            "<message {C} from='juliet@example.net/phone' id='x'><received xmlns='urn:xmpp:receipts' id='m1'/></message>"
        ),
    );
    feed(
        &mut s,
        &format!(
            "<message {C} from='juliet@example.net/phone' id='y'><displayed xmlns='urn:xmpp:chat-markers:0' id='m1'/></message>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [moved("m1", Delivery::Delivered), moved("m1", Delivery::Displayed),]
    );
}

#[test]
fn messages_sent_before_login_wait_in_the_outbox() {
    let mut s = session();
    s.handle_command(Command::SendMessage {
        id: "early".into(),
        to: chat("juliet@example.net"),
        body: "queued".into(),
    });
    assert!(out(&mut s).is_empty());
    authenticate(&mut s);
    feed(&mut s, FEATURES_BIND);
    feed(&mut s, &bind_result());
    let sent = out(&mut s);
    assert!(
        sent.iter()
            .any(|e| e.name() == "message" && e.attr("id") == Some("early")),
        "{sent:?}"
    );
}

#[test]
fn receives_messages_and_answers_receipt_requests() {
    let mut s = logged_in();
    s.handle_command(Command::Tick {
        now_ms: 1_700_000_000_000,
    });
    // Idle since the clock started: a keepalive went out.
    expect_out(&mut s, &["<r xmlns='urn:xmpp:sm:3'/>"]);
    feed(
        &mut s,
        &format!(
            "<message {C} from='juliet@example.net/balcony' to='user@example.com/abc' type='chat' id='j1'>\
             <body>Wherefore art thou?</body><request xmlns='urn:xmpp:receipts'/>\
             <markable xmlns='urn:xmpp:chat-markers:0'/>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='juliet@example.net'/>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='arch-7' by='user@example.com'/></message>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [Event::MessageReceived(ChatMessage {
            conversation: chat("juliet@example.net"),
            sender: Sender::Account("juliet@example.net/balcony".parse().unwrap()),
            direction: Direction::Incoming,
            kind: xmpp_parsers::message::MessageType::Chat,
            stable_id: Some("arch-7".into()),
            archive_id: Some("arch-7".into()),
            id: Some("j1".into()),
            body: "Wherefore art thou?".into(),
            timestamp_ms: 1_700_000_000_000,
            receipt_requested: true,
            markable: true,
            replaces: None,
            archived: false,
            from_archive: false,
        })]
    );
    expect_out(
        &mut s,
        &[&format!(
            "<message {C} to='juliet@example.net/balcony' id='t6' type='chat'>\
             <received xmlns='urn:xmpp:receipts' id='j1'/><store xmlns='urn:xmpp:hints'/></message>"
        )],
    );
}

#[test]
fn delayed_messages_keep_their_time_unless_it_is_to_come() {
    let mut s = logged_in();
    s.handle_command(Command::Tick {
        now_ms: 1_700_000_000_000,
    });
    // The second stamp is in the future, by a wrong clock or on purpose.
    for (stamp, expected) in [
        ("2002-09-10T23:08:25Z", 1_031_699_305_000),
        ("2100-01-01T00:00:00Z", 1_700_000_000_000),
    ] {
        feed(
            &mut s,
            &format!(
                "<message {C} from='juliet@example.net/balcony' type='chat'><body>{stamp}</body>\
                 <delay xmlns='urn:xmpp:delay' stamp='{stamp}'/></message>"
            ),
        );
        let ev = events(&mut s);
        assert!(
            matches!(&ev[..], [Event::MessageReceived(m)] if m.timestamp_ms == expected),
            "{ev:?}"
        );
    }
}

#[test]
fn chat_states_corrections_and_me() {
    let mut s = logged_in();
    feed(
        &mut s,
        &format!(
            "<message {C} from='juliet@example.net/a' type='chat'><composing xmlns='http://jabber.org/protocol/chatstates'/></message>"
        ),
    );
    feed(
        &mut s,
        &format!(
            "<message {C} from='juliet@example.net/a' type='chat' id='fix'><body>/me waves</body>\
             <replace xmlns='urn:xmpp:message-correct:0' id='orig'/></message>"
        ),
    );
    let ev = events(&mut s);
    assert_eq!(
        ev[0],
        Event::ChatStateChanged {
            from: "juliet@example.net".parse().unwrap(),
            state: xmpp_parsers::chatstates::ChatState::Composing
        }
    );
    let Event::MessageReceived(m) = &ev[1] else {
        panic!("{ev:?}")
    };
    assert_eq!(m.replaces.as_deref(), Some("orig"));
    assert_eq!(m.action(), Some("waves"));

    s.handle_command(Command::SendChatState {
        to: "juliet@example.net".parse().unwrap(),
        state: xmpp_parsers::chatstates::ChatState::Paused,
    });
    expect_out(
        &mut s,
        &[&format!(
            "<message {C} to='juliet@example.net' type='chat'><paused xmlns='http://jabber.org/protocol/chatstates'/>\
             <no-store xmlns='urn:xmpp:hints'/></message>"
        )],
    );
    s.handle_command(Command::CorrectMessage {
        id: "m2".into(),
        to: chat("juliet@example.net"),
        replaces: "m1".into(),
        body: "fixed".into(),
    });
    let sent = out(&mut s);
    assert_eq!(
        sent[0]
            .get_child("replace", "urn:xmpp:message-correct:0")
            .and_then(|r| r.attr("id")),
        Some("m1")
    );
}

/// Every copy is reported with the same key; the owner's store keeps one.
#[test]
fn a_message_seen_twice_is_reported_with_one_key() {
    let mut s = logged_in();
    let live = format!(
        "<message {C} from='juliet@example.net/a' type='chat' id='dup'><body>once</body>\
         <origin-id xmlns='urn:xmpp:sid:0' id='o-1'/></message>"
    );
    feed(&mut s, &live);
    feed(&mut s, &live);
    let keys: Vec<_> = events(&mut s)
        .into_iter()
        .filter_map(|e| match e {
            Event::MessageReceived(m) => Some(m.stable_id),
            _ => None,
        })
        .collect();
    assert_eq!(keys, [Some("o-1".to_owned()), Some("o-1".to_owned())]);
}

#[test]
fn a_private_element_does_not_hide_a_message() {
    let mut s = logged_in();
    feed(
        &mut s,
        &format!(
            "<message {C} from='juliet@example.net/a' type='chat' id='p1'><body>hi</body>\
             <private xmlns='urn:xmpp:carbons:2'/></message>"
        ),
    );
    assert!(matches!(&events(&mut s)[..], [Event::MessageReceived(m)] if m.body == "hi"));
}

#[test]
fn ids_chosen_by_senders_are_unique_per_sender_only() {
    let mut s = logged_in();
    for from in ["alice@example.net/a", "bob@example.net/b"] {
        feed(
            &mut s,
            &format!("<message {C} from='{from}' type='chat' id='1'><body>hello</body></message>"),
        );
    }
    let received = events(&mut s)
        .into_iter()
        .filter(|e| matches!(e, Event::MessageReceived(_)))
        .count();
    assert_eq!(received, 2);
}

#[test]
fn our_own_messages_from_elsewhere_are_from_us() {
    let mut s = logged_in();
    feed(
        &mut s,
        &format!(
            "<message {C} from='user@example.com' type='chat'><sent xmlns='urn:xmpp:carbons:2'>\
             <forwarded xmlns='urn:xmpp:forward:0'><message {C} from='user@example.com/phone' \
             to='juliet@example.net/a' type='chat' id='o1'><body>mine</body></message></forwarded></sent></message>"
        ),
    );
    let ev = events(&mut s);
    let Event::MessageReceived(m) = &ev[0] else {
        panic!("{ev:?}")
    };
    assert_eq!(
        m.sender,
        Sender::Account("user@example.com/phone".parse().unwrap())
    );
    assert_eq!(m.conversation, chat("juliet@example.net"));
    assert!(!m.archived);
    // Her receipt for it is ours to see, as it would be on the phone.
    feed(
        &mut s,
        &format!(
            "<message {C} from='juliet@example.net/a'><received xmlns='urn:xmpp:receipts' id='o1'/></message>"
        ),
    );
    assert_eq!(events(&mut s), [moved("o1", Delivery::Delivered)]);
}
