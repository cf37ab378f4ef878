//! Every path from the network into the client's state, natively: a
//! session signed in by a scripted server is fed stanzas from the hostile
//! grammar (`parlons_shared::hostile`), and each event it gives goes to
//! `Store::apply`. Nothing may panic, and the client goes on: a contact's
//! message afterwards still lands in its conversation.
#![cfg(not(target_arch = "wasm32"))]

use parlons_shared::hostile;
use parlons_shared::session::transcript::{C, el, in_room, logged_in};
use parlons_shared::session::{Command, Event, Session};
use proptest::prelude::*;

use super::Store;

/// The session's events, each applied to the store.
fn apply_all(session: &mut Session, store: &mut Store) {
    while session.poll_outgoing().is_some() {}
    while let Some(event) = session.poll_event() {
        store.apply(event);
    }
}

/// A store and a session signed in together.
fn signed_in() -> (Session, Store) {
    let mut store = Store::default();
    store.signing_in("user@example.com".parse().unwrap());
    store.apply(Event::Connected {
        jid: "user@example.com/abc".parse().unwrap(),
    });
    store.apply(Event::RosterReceived {
        items: vec![super::tests::item("juliet@example.net")],
        ver: None,
    });
    let mut session = logged_in();
    in_room(&mut session);
    // As the client does once connected: the blocklist's answer and pushes
    // then reach the store.
    session.handle_command(Command::FetchBlocklist);
    apply_all(&mut session, &mut store);
    (session, store)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    #[test]
    fn hostile_stanzas_reach_the_store_without_harm(
        script in prop::collection::vec(hostile::stanza(), 1..25),
        ticks in prop::collection::vec(0u64..120_000, 0..3),
    ) {
        let (mut session, mut store) = signed_in();
        for xml in &script {
            session.handle_incoming(el(xml));
            apply_all(&mut session, &mut store);
        }
        for now_ms in ticks {
            session.handle_command(Command::Tick { now_ms });
            apply_all(&mut session, &mut store);
        }
        if session.is_ready() {
            session.handle_incoming(el(&format!(
                "<message {C} from='juliet@example.net/a' type='chat' id='after'><body>still here</body></message>"
            )));
            apply_all(&mut session, &mut store);
            let juliet: xmpp_parsers::jid::BareJid = "juliet@example.net".parse().unwrap();
            // A contact, or a stranger if the script removed her.
            let landed = |messages: &[super::Message]| messages.iter().any(|m| m.body == "still here");
            let got = store.conversations.get(&juliet).is_some_and(|c| landed(&c.messages))
                || store.strangers.iter().any(|r| r.jid == juliet && landed(&r.messages));
            prop_assert!(got, "a contact's message after the script did not land");
        }
    }
}
