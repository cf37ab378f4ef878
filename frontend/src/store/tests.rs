use parlons_shared::session::{
    ChatMessage, Delivery, Direction, GatewayLimit, SaslCondition, Sender, StanzaCondition,
};

use super::*;

pub(crate) fn jid(s: &str) -> BareJid {
    BareJid::new(s).unwrap()
}

pub(crate) fn incoming(id: &str, body: &str) -> Event {
    Event::MessageReceived(ChatMessage {
        conversation: ConversationId::Chat(jid("bob@b.test")),
        sender: Sender::Account(jid("bob@b.test").into()),
        direction: Direction::Incoming,
        kind: xmpp_parsers::message::MessageType::Chat,
        stable_id: None,
        archive_id: None,
        id: Some(id.to_owned()),
        body: body.to_owned(),
        timestamp_ms: 1,
        receipt_requested: false,
        markable: true,
        replaces: None,
        archived: false,
        from_archive: false,
    })
}

/// A roster item for `j`.
pub(crate) fn item(j: &str) -> xmpp_parsers::roster::Item {
    xmpp_parsers::roster::Item {
        jid: jid(j),
        name: None,
        subscription: xmpp_parsers::roster::Subscription::Both,
        ask: xmpp_parsers::roster::Ask::None,
        groups: Vec::new(),
        approved: None,
    }
}

/// Signed in as alice, with bob a contact.
pub(crate) fn online() -> Store {
    let mut s = Store::default();
    s.signing_in(jid("alice@localhost"));
    s.apply(Event::Connected {
        jid: "alice@localhost/r1".parse().unwrap(),
    });
    s.apply(Event::RosterReceived {
        items: vec![item("bob@b.test")],
        ver: None,
    });
    s
}

#[test]
fn each_sign_in_failure_has_its_own_problem() {
    let cases = [
        (
            Event::AuthFailed {
                error: AuthError::Sasl(SaslCondition::NotAuthorized),
                text: None,
            },
            Problem::WrongPassword,
        ),
        (
            Event::StreamError {
                condition: StreamCondition::HostUnknown,
                text: None,
                limit: None,
            },
            Problem::ServerUnreachable,
        ),
        (
            Event::StreamError {
                condition: StreamCondition::RemoteConnectionFailed,
                text: None,
                limit: None,
            },
            Problem::ServerUnreachable,
        ),
        (
            Event::StreamError {
                condition: StreamCondition::PolicyViolation,
                text: None,
                limit: None,
            },
            Problem::DomainRefused,
        ),
        (
            Event::StreamError {
                condition: StreamCondition::PolicyViolation,
                text: None,
                limit: Some(GatewayLimit::StanzaTooLarge),
            },
            Problem::StanzaTooLarge,
        ),
        (
            Event::StreamError {
                condition: StreamCondition::SystemShutdown,
                text: None,
                limit: None,
            },
            Problem::StreamClosed(Some(StreamCondition::SystemShutdown)),
        ),
        (Event::Disconnected, Problem::StreamClosed(None)),
    ];
    for (event, problem) in cases {
        let mut s = Store::default();
        s.signing_in(jid("alice@localhost"));
        s.apply(event);
        let refused = problem == Problem::WrongPassword;
        assert_eq!(s.connection, Connection::Failed(problem));
        assert_eq!(s.credentials_refused(), refused);
    }
    let mut s = Store::default();
    s.signing_in(jid("alice@localhost"));
    s.transport_closed(false);
    assert_eq!(s.connection, Connection::Failed(Problem::GatewayUnreachable));
    assert!(!s.credentials_refused());
}

#[test]
fn a_drop_after_sign_in_is_a_lost_connection_and_contacts_go_offline() {
    let mut s = online();
    s.apply(Event::RosterItemChanged {
        item: xmpp_parsers::roster::Item {
            jid: jid("bob@b.test"),
            name: None,
            subscription: xmpp_parsers::roster::Subscription::Both,
            ask: Default::default(),
            groups: vec![],
            approved: None,
        },
    });
    s.apply(Event::PresenceChanged {
        jid: jid("bob@b.test"),
        show: Some(Availability::Available),
        status: None,
    });
    assert_eq!(
        s.contacts.get(&jid("bob@b.test")).unwrap().show,
        Some(Availability::Available)
    );
    s.transport_closed(true);
    assert_eq!(s.connection, Connection::Lost(None));
    assert_eq!(s.contacts.get(&jid("bob@b.test")).unwrap().show, None);
    s.connection = Connection::Reconnecting;
    s.apply(Event::Resumed);
    assert_eq!(s.connection, Connection::Online);
}

#[test]
fn messages_in_the_open_conversation_are_read_only_while_attentive() {
    let mut s = online();
    s.open(Some(ConversationId::Chat(jid("bob@b.test"))));
    let out = s.apply(incoming("1", "hi"));
    assert_eq!(
        out,
        Outcome::NewMessage {
            from: ConversationId::Chat(jid("bob@b.test")),
            body: "hi".into()
        }
    );
    assert_eq!(s.total_unread(), 0);
    s.set_attentive(false);
    s.apply(incoming("2", "still there?"));
    assert_eq!(s.total_unread(), 1);
    // The same message again is not new.
    assert_eq!(s.apply(incoming("2", "still there?")), Outcome::Nothing);
    s.set_attentive(true);
    assert_eq!(s.total_unread(), 0);
}

#[test]
fn delivery_states_reach_our_message() {
    let mut s = online();
    s.sent(
        &ConversationId::Chat(jid("bob@b.test")),
        "m1".into(),
        "hello".into(),
        5,
    );
    s.apply(Event::MessageStateChanged {
        conversation: ConversationId::Chat(jid("bob@b.test")),
        id: "m1".into(),
        state: Delivery::Delivered,
    });
    let failed = Delivery::Failed {
        error: RequestError::Stanza(StanzaCondition::ServiceUnavailable),
    };
    s.sent(
        &ConversationId::Chat(jid("bob@b.test")),
        "m2".into(),
        "again".into(),
        6,
    );
    s.apply(Event::MessageStateChanged {
        conversation: ConversationId::Chat(jid("bob@b.test")),
        id: "m2".into(),
        state: failed.clone(),
    });
    let c = &s.conversations[&jid("bob@b.test")];
    assert_eq!(c.messages[0].delivery, Some(Delivery::Delivered));
    assert_eq!(c.messages[1].delivery, Some(failed));
}

#[test]
fn subscription_requests_and_typing_are_kept() {
    let mut s = online();
    s.apply(Event::SubscriptionRequested {
        from: jid("carol@b.test"),
    });
    assert!(s.requests.contains(&jid("carol@b.test")));
    s.apply(Event::ChatStateChanged {
        from: jid("bob@b.test"),
        state: xmpp_parsers::chatstates::ChatState::Composing,
    });
    assert!(s.conversations[&jid("bob@b.test")].typing);
    s.apply(incoming("3", "done typing"));
    assert!(!s.conversations[&jid("bob@b.test")].typing);
}

#[test]
fn a_new_sign_in_forgets_the_previous_account() {
    let mut s = online();
    s.apply(incoming("1", "hi"));
    s.signing_in(jid("bob@b.test"));
    assert!(s.conversations.is_empty());
    assert_eq!(s.connection, Connection::SigningIn);
}

#[test]
fn a_conversation_revision_follows_its_own_changes_only() {
    let mut s = online();
    let bob = jid("bob@b.test");
    let rev = |s: &Store, j: &BareJid| s.conversations.get(j).map_or(0, |c| c.revision);
    s.apply(incoming("m1", "hi"));
    let after_message = rev(&s, &bob);
    assert!(after_message > 0);
    s.sent(&ConversationId::Chat(bob.clone()), "m2".into(), "hello".into(), 5);
    let after_send = rev(&s, &bob);
    assert!(after_send > after_message);
    s.apply(Event::MessageStateChanged {
        conversation: ConversationId::Chat(jid("bob@b.test")),
        id: "m2".into(),
        state: Delivery::Delivered,
    });
    assert!(rev(&s, &bob) > after_send);
    // Another conversation, or a delivery state for nobody, changes nothing.
    let before = rev(&s, &bob);
    s.sent(
        &ConversationId::Chat(jid("carol@b.test")),
        "m3".into(),
        "yo".into(),
        6,
    );
    s.apply(Event::MessageStateChanged {
        conversation: ConversationId::Chat(jid("bob@b.test")),
        id: "unknown".into(),
        state: Delivery::Delivered,
    });
    assert_eq!(rev(&s, &bob), before);
}

#[test]
fn a_drop_that_may_pass_is_retried_and_the_plan_ends_once_back() {
    let mut s = online();
    s.transport_closed(true);
    assert!(s.should_retry());
    s.retry_at = Some(5_000);
    s.retrying();
    assert_eq!((&s.connection, s.retry_at), (&Connection::Reconnecting, None));
    s.transport_closed(false);
    assert_eq!(s.connection, Connection::Lost(Some(Problem::GatewayUnreachable)));
    assert!(s.should_retry());
    s.retry_at = Some(9_000);
    s.apply(Event::Resumed);
    assert_eq!((&s.connection, s.retry_at), (&Connection::Online, None));
    // Another client took our place, or the domain is refused: not retried.
    for condition in [StreamCondition::Conflict, StreamCondition::PolicyViolation] {
        let mut s = online();
        s.apply(Event::StreamError {
            condition,
            text: None,
            limit: None,
        });
        assert!(!s.should_retry(), "{:?}", s.connection);
    }
    // Never signed in: the form says why instead.
    let mut s = Store::default();
    s.signing_in(jid("alice@localhost"));
    s.transport_closed(false);
    assert!(!s.should_retry());
}

#[test]
fn our_pending_message_found_in_the_archive_was_sent() {
    let mut s = online();
    let bob = jid("bob@b.test");
    s.sent(&ConversationId::Chat(bob.clone()), "m1".into(), "hello".into(), 1);
    let mut archived = ChatMessage {
        conversation: ConversationId::Chat(bob.clone()),
        sender: Sender::Account(jid("me@a.test").into()),
        direction: Direction::Outgoing,
        kind: xmpp_parsers::message::MessageType::Chat,
        stable_id: Some("a1".into()),
        archive_id: Some("a1".into()),
        id: Some("m1".into()),
        body: "hello".into(),
        timestamp_ms: 2,
        receipt_requested: false,
        markable: true,
        replaces: None,
        archived: false,
        from_archive: false,
    };
    s.apply(Event::MessageReceived(archived.clone()));
    let c = &s.conversations[&bob];
    assert_eq!(c.messages.len(), 1);
    assert_eq!(c.messages[0].delivery, Some(Delivery::Sent));
    // Later states are not undone by another copy.
    s.apply(Event::MessageStateChanged {
        conversation: ConversationId::Chat(jid("bob@b.test")),
        id: "m1".into(),
        state: Delivery::Displayed,
    });
    archived.stable_id = Some("a2".into());
    s.apply(Event::MessageReceived(archived));
    assert_eq!(
        s.conversations[&bob].messages[0].delivery,
        Some(Delivery::Displayed)
    );
}

#[test]
fn what_was_kept_shows_before_the_connection_and_pending_messages_go_again() {
    let mut kept = Store::default();
    let bob = jid("bob@b.test");
    let carol = jid("carol@b.test");
    kept.sent(
        &ConversationId::Chat(bob.clone()),
        "m2".into(),
        "second".into(),
        20,
    );
    kept.sent(
        &ConversationId::Chat(carol.clone()),
        "m1".into(),
        "first".into(),
        10,
    );
    kept.apply(incoming("i1", "hello"));
    kept.apply(Event::MessageStateChanged {
        conversation: ConversationId::Chat(jid("bob@b.test")),
        id: "m2".into(),
        state: Delivery::Sent,
    });
    kept.sent(
        &ConversationId::Chat(bob.clone()),
        "m3".into(),
        "thrid".into(),
        30,
    );
    // Corrected offline: the sent one needs its correction sent, the pending
    // one goes with the new text.
    kept.conversation(&bob)
        .correct("m2", "c1".into(), "second, fixed".into());
    kept.conversation(&bob).correct("m3", "c2".into(), "third".into());
    let conversations: Vec<_> = kept
        .conversations
        .iter()
        .map(|(j, c)| (j.clone(), c.kept()))
        .collect();

    let mut s = Store::default();
    // The route was read before the kept store was.
    s.open(Some(ConversationId::Chat(bob.clone())));
    s.signing_in(jid("alice@localhost"));
    s.restore(
        vec![contacts::Contact::new(bob.clone())],
        conversations,
        Vec::new(),
    );
    assert_eq!(s.connection, Connection::Reconnecting);
    assert_eq!(s.open.as_ref(), Some(&ConversationId::Chat(bob.clone())));
    assert!(s.contacts.get(&bob).is_some());
    assert_eq!(s.conversations[&bob].messages.len(), 3);
    let pending = s.pending();
    let send = |to: &BareJid, id: &str, body: &str| Command::SendMessage {
        id: id.into(),
        to: ConversationId::Chat(to.clone()),
        body: body.into(),
    };
    let correct = Command::CorrectMessage {
        id: "c1".into(),
        to: ConversationId::Chat(bob.clone()),
        replaces: "m2".into(),
        body: "second, fixed".into(),
    };
    assert_eq!(pending.len(), 3);
    assert!(pending.contains(&send(&carol, "m1", "first")));
    // In order within a conversation.
    let at = |c: &Command| pending.iter().position(|p| p == c);
    assert!(at(&correct) < at(&send(&bob, "m3", "third")));
    assert!(at(&correct).is_some());
    assert_eq!(s.conversation_of("m3"), Some(bob));
    assert_eq!(s.conversation_of("i1"), None);
}

#[test]
fn the_persons_failed_requests_are_noticed_and_the_sessions_own_are_not() {
    let mut s = online();
    let bob = jid("bob@b.test");
    // A background request (carbons, caps) is the session's business.
    s.apply(Event::RequestFailed {
        id: "t3".into(),
        error: RequestError::Stanza(StanzaCondition::FeatureNotImplemented),
        text: None,
    });
    // History that a new session asks again is not a failure to show.
    s.apply(Event::HistoryFailed {
        with: Some(ConversationId::Chat(bob.clone())),
        error: RequestError::SessionEnded,
    });
    assert_eq!(s.notice, None);
    let refused = RequestError::Stanza(StanzaCondition::NotAllowed);
    s.apply(Event::ContactChangeFailed {
        jid: bob.clone(),
        error: refused.clone(),
    });
    assert_eq!(s.notice, Some(Notice::Contact(bob.clone(), refused)));
    let missing = RequestError::Stanza(StanzaCondition::ItemNotFound);
    s.apply(Event::HistoryFailed {
        with: Some(ConversationId::Chat(bob.clone())),
        error: missing.clone(),
    });
    assert_eq!(s.notice, Some(Notice::History(bob, missing)));
}

#[test]
fn a_password_change_ends_changed_or_failed() {
    let mut s = online();
    s.password = PasswordChange::Asked("p1".into());
    // Another request's answer is not this one's.
    s.apply(Event::PasswordChanged { id: "p0".into() });
    assert_eq!(s.password, PasswordChange::Asked("p1".into()));
    let weak = RequestError::Stanza(StanzaCondition::NotAcceptable);
    s.apply(Event::RequestFailed {
        id: "p1".into(),
        error: weak.clone(),
        text: Some("The password is too weak".into()),
    });
    assert_eq!(s.password, PasswordChange::Failed(weak));
    assert_eq!(s.notice, None);
    s.password = PasswordChange::Asked("p2".into());
    s.apply(Event::PasswordChanged { id: "p2".into() });
    assert_eq!(s.password, PasswordChange::Changed);
}
