//! Literal XML transcripts in, exact XML and events out.

use super::stream::KEEPALIVE_MS;
use super::*;

pub(super) const C: &str = "xmlns='jabber:client'";

pub(super) fn el(xml: &str) -> Element {
    xml.parse().unwrap_or_else(|e| panic!("bad test XML {xml}: {e}"))
}

pub(super) fn config() -> Config {
    Config {
        jid: "user@example.com".parse().unwrap(),
        credential: Credential::Password("pencil".into()),
        secure_transport: true,
        id_prefix: "t".into(),
        device_id: DEVICE,
    }
}

pub(super) fn session() -> Session {
    Session::new(config())
}

pub(super) const DEVICE: uuid::Uuid = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);

pub(super) fn feed(s: &mut Session, xml: &str) {
    s.handle_incoming(el(xml));
}

pub(super) fn out(s: &mut Session) -> Vec<Element> {
    std::iter::from_fn(|| s.poll_outgoing()).collect()
}

/// The reasons of the events, which must all be [`Event::Ignored`].
pub(super) fn ignored(s: &mut Session) -> Vec<String> {
    events(s)
        .into_iter()
        .map(|e| match e {
            Event::Ignored { reason } => reason,
            other => format!("not ignored: {other:?}"),
        })
        .collect()
}

pub(super) fn events(s: &mut Session) -> Vec<Event> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

/// Asserts the outgoing elements, compared as XML trees.
pub(super) fn expect_out(s: &mut Session, expected: &[&str]) {
    let got = out(s);
    let want: Vec<Element> = expected.iter().map(|x| el(x)).collect();
    assert_eq!(
        got,
        want,
        "\ngot:  {:#?}\nwant: {:#?}",
        got.iter().map(String::from).collect::<Vec<_>>(),
        expected
    );
}

pub(super) const OPEN_FROM_SERVER: &str =
    "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='example.com' id='s1' version='1.0'/>";
pub(super) const FEATURES_SASL: &str = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
    <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism>\
    <mechanism>PLAIN</mechanism></mechanisms></stream:features>";
pub(super) const FEATURES_PLAIN: &str = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
    <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>\
    </stream:features>";
pub(super) const FEATURES_BIND: &str = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
    <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm xmlns='urn:xmpp:sm:3'/></stream:features>";
// RFC 5802 §5, base64.
pub(super) const CHALLENGE: &str = "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
    cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlkxWlZ2V1ZzN2oscz1RU1hDUitRNnNlazhiZjkyLGk9NDA5Ng==</challenge>";
pub(super) const SUCCESS: &str =
    "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</success>";

/// Connects and goes through SCRAM (RFC 5802's exchange).
pub(super) fn authenticate(s: &mut Session) {
    s.handle_command(Command::Connect {
        nonce: "fyko+d2lbbFgONRv9qkxdawL".into(),
    });
    feed(s, FEATURES_SASL);
    feed(s, CHALLENGE);
    feed(s, SUCCESS);
}

/// The server's answer to our first bind request.
pub(super) fn bind_result() -> String {
    format!(
        "<iq {C} type='result' id='t1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>\
         <jid>user@example.com/abc</jid></bind></iq>"
    )
}

/// Asks for the latest history with juliet@example.net; returns the query's
/// id, outgoing drained.
pub(super) fn ask_juliet_history(s: &mut Session) -> String {
    s.handle_command(Command::FetchHistory {
        with: "juliet@example.net".parse().unwrap(),
        before: None,
        max: 20,
    });
    let query = out(s);
    query[0].attr("id").unwrap().to_owned()
}

/// A message of ours moved on to `state`.
pub(super) fn moved(id: &str, state: Delivery) -> Event {
    Event::MessageStateChanged { id: id.into(), state }
}

/// Sends a message `id` to juliet@example.net; outgoing and events drained.
pub(super) fn send_to_juliet(s: &mut Session, id: &str) {
    s.handle_command(Command::SendMessage {
        id: id.into(),
        to: "juliet@example.net".parse().unwrap(),
        body: "hello".into(),
    });
    out(s);
    events(s);
}

/// Through SASL and bind, with stream management; outgoing drained.
/// Signed in and bound; the roster asked for (`t2`) and not answered.
pub(super) fn bound() -> Session {
    let mut s = session();
    authenticate(&mut s);
    feed(&mut s, OPEN_FROM_SERVER);
    feed(&mut s, FEATURES_BIND);
    feed(&mut s, &bind_result());
    feed(&mut s, "<enabled xmlns='urn:xmpp:sm:3' id='sm-1' resume='true'/>");
    out(&mut s);
    events(&mut s);
    s
}

/// Bound, with an empty roster in and initial presence out.
pub(super) fn logged_in() -> Session {
    let mut s = bound();
    feed(&mut s, &format!("<iq {C} type='result' id='t2'/>"));
    out(&mut s);
    events(&mut s);
    s
}

#[test]
fn logs_in_with_scram_binds_and_starts_the_session() {
    let mut s = session();
    s.handle_command(Command::Connect {
        nonce: "fyko+d2lbbFgONRv9qkxdawL".into(),
    });
    expect_out(
        &mut s,
        &["<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0'/>"],
    );
    feed(&mut s, OPEN_FROM_SERVER);
    scram_sha1_exchange(&mut s);
    feed(&mut s, OPEN_FROM_SERVER);
    feed(&mut s, FEATURES_BIND);
    // No resource: the server chooses.
    expect_out(
        &mut s,
        &[&format!(
            "<iq {C} type='set' id='t1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></iq>"
        )],
    );
    feed(&mut s, &bind_result());
    expect_out(
        &mut s,
        &[
            "<enable xmlns='urn:xmpp:sm:3' resume='true'/>",
            &format!("<iq {C} type='get' id='t2'><query xmlns='jabber:iq:roster'/></iq>"),
            &format!("<iq {C} type='set' id='t3'><enable xmlns='urn:xmpp:carbons:2'/></iq>"),
        ],
    );
    assert_eq!(
        events(&mut s),
        [Event::Connected {
            jid: "user@example.com/abc".parse().unwrap()
        }]
    );
    assert!(s.is_ready());
    // Presence once the roster is in (RFC 6121 §2.2): here, unchanged.
    feed(&mut s, &format!("<iq {C} type='result' id='t2'/>"));
    expect_out(&mut s, &[&own_presence("")]);
}

/// Our presence stanza with our caps; `extra` goes before them.
pub(super) fn own_presence(extra: &str) -> String {
    format!(
        "<presence {C}>{extra}<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' \
         node='https://parlons.chat' ver='{}'/></presence>",
        disco::own_ver()
    )
}

#[test]
fn a_wrong_password_is_an_auth_failure() {
    let mut s = session();
    s.handle_command(Command::Connect {
        nonce: "abcdefghijklmnopqrst".into(),
    });
    feed(&mut s, FEATURES_SASL);
    out(&mut s);
    feed(
        &mut s,
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/>\
         <text xml:lang='en'>Invalid username or password</text></failure>",
    );
    assert_eq!(
        events(&mut s),
        [Event::AuthFailed {
            error: AuthError::Sasl(SaslCondition::NotAuthorized),
            text: Some("Invalid username or password".into()),
        }]
    );
    expect_out(&mut s, &["<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"]);
}

#[test]
fn a_server_that_cannot_prove_the_password_is_not_trusted() {
    let mut s = session();
    s.handle_command(Command::Connect {
        nonce: "fyko+d2lbbFgONRv9qkxdawL".into(),
    });
    feed(&mut s, FEATURES_SASL);
    feed(&mut s, CHALLENGE);
    out(&mut s);
    feed(
        &mut s,
        "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1BQUFB</success>",
    );
    // No text of ours: the owner words it.
    assert_eq!(
        events(&mut s),
        [Event::AuthFailed {
            error: AuthError::ServerNotTrusted,
            text: None
        }]
    );
    expect_out(
        &mut s,
        &[
            "<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
            "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
        ],
    );
}

#[test]
fn plain_only_over_a_secure_transport() {
    let mut insecure = Session::new(Config {
        secure_transport: false,
        ..Config {
            jid: "user@example.com".parse().unwrap(),
            credential: Credential::Password("pencil".into()),
            secure_transport: false,
            id_prefix: "t".into(),
            device_id: DEVICE,
        }
    });
    connect(&mut insecure);
    feed(&mut insecure, FEATURES_PLAIN);
    assert!(out(&mut insecure).is_empty());
    assert_eq!(
        events(&mut insecure),
        [Event::AuthFailed {
            error: AuthError::NoSupportedMechanism,
            text: None
        }]
    );

    let mut secure = session();
    connect(&mut secure);
    feed(&mut secure, FEATURES_PLAIN);
    // "\0user\0pencil"
    expect_out(
        &mut secure,
        &["<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AHVzZXIAcGVuY2ls</auth>"],
    );
}

#[test]
fn sends_messages_with_ids_receipt_requests_and_markers() {
    let mut s = logged_in();
    s.handle_command(Command::SendMessage {
        id: "m1".into(),
        to: "juliet@example.net".parse().unwrap(),
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
    // Roster, presence and carbons come first; then the message.
    feed(&mut s, "<a xmlns='urn:xmpp:sm:3' h='3'/>");
    assert!(events(&mut s).is_empty());
    // A count beyond what was sent is ignored.
    feed(&mut s, "<a xmlns='urn:xmpp:sm:3' h='9'/>");
    assert!(events(&mut s).is_empty());
    feed(&mut s, "<a xmlns='urn:xmpp:sm:3' h='4'/>");
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
        to: "juliet@example.net".parse().unwrap(),
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
             <stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='juliet@example.net'/>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='arch-7' by='user@example.com'/></message>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [Event::MessageReceived(ChatMessage {
            peer: "juliet@example.net".parse().unwrap(),
            from: Some("juliet@example.net/balcony".parse().unwrap()),
            direction: Direction::Incoming,
            stable_id: Some("arch-7".into()),
            id: Some("j1".into()),
            body: "Wherefore art thou?".into(),
            timestamp_ms: 1_700_000_000_000,
            receipt_requested: true,
            replaces: None,
            archived: false,
        })]
    );
    expect_out(
        &mut s,
        &[&format!(
            "<message {C} to='juliet@example.net/balcony' id='t4' type='chat'>\
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
fn carbons_are_accepted_only_from_our_bare_jid() {
    let carbon = |from: &str| {
        format!(
            "<message {C} from='{from}' to='user@example.com/abc' type='chat'>\
             <sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\
             <message {C} from='user@example.com/phone' to='juliet@example.net' type='chat' id='c1'>\
             <body>from my phone</body></message></forwarded></sent></message>"
        )
    };
    let mut s = logged_in();
    feed(&mut s, &carbon("mallory@evil.example"));
    feed(&mut s, &carbon("user@example.com/other"));
    assert_eq!(ignored(&mut s), ["carbon from a foreign JID"; 2]);
    feed(&mut s, &carbon("user@example.com"));
    let ev = events(&mut s);
    assert!(
        matches!(&ev[..], [Event::MessageReceived(m)]
            if m.direction == Direction::Outgoing && m.peer.as_str() == "juliet@example.net" && m.body == "from my phone"),
        "{ev:?}"
    );
}

#[test]
fn answers_acks_pings_disco_and_unknown_requests() {
    let mut s = logged_in();
    feed(
        &mut s,
        &format!("<iq {C} type='get' id='p' from='example.com'><ping xmlns='urn:xmpp:ping'/></iq>"),
    );
    feed(&mut s, "<r xmlns='urn:xmpp:sm:3'/>");
    feed(
        &mut s,
        &format!("<iq {C} type='get' id='q' from='juliet@example.net/x'><unknown xmlns='urn:example'/></iq>"),
    );
    let sent = out(&mut s);
    assert_eq!(
        sent[0],
        el(&format!("<iq {C} type='result' id='p' to='example.com'/>"))
    );
    // Handled since <enabled/>: the roster result and the ping.
    assert_eq!(sent[1], el("<a xmlns='urn:xmpp:sm:3' h='2'/>"));
    assert_eq!(sent[2].attr("type"), Some("error"));
    assert!(
        sent[2]
            .get_child("error", "jabber:client")
            .is_some_and(|e| e.has_child("service-unavailable", "urn:ietf:params:xml:ns:xmpp-stanzas")),
        "{:?}",
        String::from(&sent[2])
    );
    feed(
        &mut s,
        &format!(
            "<iq {C} type='get' id='d' from='juliet@example.net/x'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"
        ),
    );
    let reply = out(&mut s).remove(0);
    let query = reply
        .get_child("query", "http://jabber.org/protocol/disco#info")
        .unwrap();
    assert!(
        query
            .children()
            .any(|f| f.attr("var") == Some("urn:xmpp:receipts"))
    );
}

#[test]
fn request_errors_are_tied_to_their_request() {
    let mut s = logged_in();
    let iq_error = |id: &str, condition: &str| {
        format!(
            "<iq {C} type='error' id='{id}'><error type='cancel'><{condition} \
             xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        )
    };
    feed(&mut s, &iq_error("t3", "feature-not-implemented"));
    assert_eq!(
        events(&mut s),
        [Event::RequestFailed {
            id: "t3".into(),
            error: RequestError::Stanza(StanzaCondition::FeatureNotImplemented),
            text: None
        }]
    );
    // A history query's failure names its conversation, for the UI.
    let id = ask_juliet_history(&mut s);
    feed(&mut s, &iq_error(&id, "item-not-found"));
    assert_eq!(
        events(&mut s),
        [Event::HistoryFailed {
            with: Some("juliet@example.net".parse().unwrap()),
            error: RequestError::Stanza(StanzaCondition::ItemNotFound)
        }]
    );
    send_to_juliet(&mut s, "m9");
    feed(
        &mut s,
        &format!(
            "<message {C} type='error' id='m9' from='juliet@example.net'><error type='cancel'>\
             <remote-server-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [Event::MessageStateChanged {
            id: "m9".into(),
            state: Delivery::Failed {
                error: RequestError::Stanza(StanzaCondition::RemoteServerNotFound)
            }
        }]
    );
}

#[test]
fn stream_errors_end_the_session() {
    let mut s = logged_in();
    feed(
        &mut s,
        "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>\
         <conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>\
         <text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Replaced by new connection</text></stream:error>",
    );
    assert_eq!(
        events(&mut s),
        [Event::StreamError {
            condition: StreamCondition::Conflict,
            text: Some("Replaced by new connection".into())
        }]
    );
    assert!(!s.is_ready());
}

#[test]
fn reception_still_works_after_a_malformed_stanza() {
    let mut s = logged_in();
    for bad in [
        format!("<message {C} from='not a jid@@' type='chat'><body>x</body></message>"),
        format!("<iq {C} type='result'/>"),
        format!("<presence {C} from='juliet@example.net/a' type='bogus'/>"),
        format!(
            "<message {C} from='user@example.com' type='chat'><received xmlns='urn:xmpp:carbons:2'/></message>"
        ),
    ] {
        feed(&mut s, &bad);
    }
    // One reason for each, each naming what was wrong.
    let reasons = ignored(&mut s);
    let starts = [
        "invalid message:",
        "invalid iq:",
        "invalid presence:",
        "invalid carbon:",
    ];
    assert_eq!(reasons.len(), starts.len(), "{reasons:?}");
    for (reason, start) in reasons.iter().zip(starts) {
        assert!(reason.starts_with(start), "{reason:?} for {start:?}");
    }
    feed(
        &mut s,
        &format!("<message {C} from='juliet@example.net/a' type='chat'><body>still here</body></message>"),
    );
    assert!(matches!(&events(&mut s)[..], [Event::MessageReceived(m)] if m.body == "still here"));
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
        to: "juliet@example.net".parse().unwrap(),
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

#[test]
fn typing_is_sent_once_and_pauses_by_itself() {
    use xmpp_parsers::chatstates::ChatState;
    let mut s = logged_in();
    let juliet: BareJid = "juliet@example.net".parse().unwrap();
    let sent_states = |s: &mut Session| -> Vec<String> {
        out(s)
            .iter()
            .flat_map(|m| m.children().map(|c| c.name().to_owned()).collect::<Vec<_>>())
            .filter(|n| ["active", "composing", "paused"].contains(&n.as_str()))
            .collect()
    };
    let at = |s: &mut Session, now_ms: u64| s.handle_command(Command::Tick { now_ms });
    let typing = |s: &mut Session| {
        s.handle_command(Command::SendChatState {
            to: juliet.clone(),
            state: ChatState::Composing,
        });
    };
    at(&mut s, 1_000);
    typing(&mut s);
    at(&mut s, 20_000);
    typing(&mut s);
    assert_eq!(sent_states(&mut s), ["composing"]);
    // 30 s after the last keystroke, not the first.
    at(&mut s, 49_999);
    assert!(sent_states(&mut s).is_empty());
    at(&mut s, 50_000);
    assert_eq!(sent_states(&mut s), ["paused"]);
    at(&mut s, 90_000);
    assert!(sent_states(&mut s).is_empty());
    // Typing again, then the message itself says active.
    typing(&mut s);
    send_to_juliet(&mut s, "m1");
    at(&mut s, 200_000);
    typing(&mut s);
    assert_eq!(sent_states(&mut s), ["composing"]);
}

#[test]
fn marks_messages_displayed() {
    let mut s = logged_in();
    s.handle_command(Command::MarkDisplayed {
        to: "juliet@example.net".parse().unwrap(),
        id: "j1".into(),
    });
    expect_out(
        &mut s,
        &[&format!(
            "<message {C} to='juliet@example.net' id='t4' type='chat'>\
             <displayed xmlns='urn:xmpp:chat-markers:0' id='j1'/><store xmlns='urn:xmpp:hints'/></message>"
        )],
    );
}

#[test]
fn a_message_seen_twice_is_reported_once() {
    let mut s = logged_in();
    let live = format!(
        "<message {C} from='juliet@example.net/a' type='chat' id='dup'><body>once</body>\
         <origin-id xmlns='urn:xmpp:sid:0' id='o-1'/></message>"
    );
    feed(&mut s, &live);
    feed(&mut s, &live);
    let ev = events(&mut s);
    assert_eq!(
        ev.iter()
            .filter(|e| matches!(e, Event::MessageReceived(_)))
            .count(),
        1,
        "{ev:?}"
    );
}

pub(super) const FEATURES_SASL2: &str = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
    <authentication xmlns='urn:xmpp:sasl:2'><mechanism>SCRAM-SHA-1</mechanism><inline>\
    <bind xmlns='urn:xmpp:bind:0'><inline><feature var='urn:xmpp:carbons:2'/><feature var='urn:xmpp:sm:3'/>\
    </inline></bind><sm xmlns='urn:xmpp:sm:3'/></inline></authentication>\
    <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism></mechanisms>\
    </stream:features>";

#[test]
fn sasl2_authenticates_binds_and_enables_in_one_round_trip() {
    let mut s = session();
    s.handle_command(Command::Connect {
        nonce: "fyko+d2lbbFgONRv9qkxdawL".into(),
    });
    out(&mut s);
    feed(&mut s, FEATURES_SASL2);
    expect_out(
        &mut s,
        &["<authenticate xmlns='urn:xmpp:sasl:2' mechanism='SCRAM-SHA-1'>\
           <initial-response>biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM</initial-response>\
           <user-agent id='01234567-89ab-cdef-0123-456789abcdef'><software>Parlons</software></user-agent>\
           <bind xmlns='urn:xmpp:bind:0'><tag>Parlons</tag><enable xmlns='urn:xmpp:carbons:2'/>\
           <enable xmlns='urn:xmpp:sm:3' resume='true'/></bind></authenticate>"],
    );
    feed(
        &mut s,
        "<challenge xmlns='urn:xmpp:sasl:2'>\
         cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlkxWlZ2V1ZzN2oscz1RU1hDUitRNnNlazhiZjkyLGk9NDA5Ng==</challenge>",
    );
    expect_out(
        &mut s,
        &["<response xmlns='urn:xmpp:sasl:2'>\
           Yz1iaXdzLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdMM3JmY05IWUpZMVpWdldWczdqLHA9djBYOHYzQnoyVDBDSkdiSlF5RjBYK0hJNFRzPQ==\
           </response>"],
    );
    feed(
        &mut s,
        "<success xmlns='urn:xmpp:sasl:2'><additional-data>dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</additional-data>\
         <authorization-identifier>user@example.com/xyz</authorization-identifier>\
         <bound xmlns='urn:xmpp:bind:0'><enabled xmlns='urn:xmpp:sm:3' id='sm-2' resume='true'/></bound></success>",
    );
    // No restart, no bind, no carbons request: the roster only.
    let sent = out(&mut s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].has_child("query", "jabber:iq:roster"));
    assert_eq!(
        events(&mut s),
        [Event::Connected {
            jid: "user@example.com/xyz".parse().unwrap()
        }]
    );
    assert!(s.is_ready());
    // Stream management is on: acks are answered.
    feed(&mut s, "<r xmlns='urn:xmpp:sm:3'/>");
    expect_out(&mut s, &["<a xmlns='urn:xmpp:sm:3' h='0'/>"]);
}

#[test]
fn sasl2_failure_is_an_auth_failure() {
    let mut s = session();
    s.handle_command(Command::Connect {
        nonce: "n".repeat(20),
    });
    feed(&mut s, FEATURES_SASL2);
    out(&mut s);
    feed(
        &mut s,
        "<failure xmlns='urn:xmpp:sasl:2'><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>\
         <text>Wrong password</text></failure>",
    );
    assert_eq!(
        events(&mut s),
        [Event::AuthFailed {
            error: AuthError::Sasl(SaslCondition::NotAuthorized),
            text: Some("Wrong password".into())
        }]
    );
}

#[cfg(not(target_arch = "wasm32"))]
mod arbitrary_input {
    //! Arbitrary element trees, built from the names, namespaces and values
    //! the session looks at, never make it panic.

    use proptest::prelude::*;

    use super::*;

    const NAMES: &[&str] = &[
        "message",
        "iq",
        "presence",
        "body",
        "query",
        "item",
        "error",
        "received",
        "sent",
        "forwarded",
        "enabled",
        "a",
        "r",
        "resumed",
        "failed",
        "success",
        "challenge",
        "failure",
        "features",
        "open",
        "close",
        "bind",
        "jid",
        "delay",
        "stanza-id",
        "origin-id",
        "displayed",
        "ping",
        "group",
        "x",
    ];
    const NAMESPACES: &[&str] = &[
        "jabber:client",
        "urn:ietf:params:xml:ns:xmpp-framing",
        "http://etherx.jabber.org/streams",
        "urn:ietf:params:xml:ns:xmpp-sasl",
        "urn:ietf:params:xml:ns:xmpp-bind",
        "urn:xmpp:sm:3",
        "urn:xmpp:carbons:2",
        "urn:xmpp:forward:0",
        "urn:xmpp:receipts",
        "urn:xmpp:chat-markers:0",
        "urn:xmpp:sid:0",
        "urn:xmpp:delay",
        "urn:xmpp:ping",
        "jabber:iq:roster",
        "urn:ietf:params:xml:ns:xmpp-stanzas",
        "urn:example",
    ];
    const ATTRS: &[&str] = &[
        "from",
        "to",
        "id",
        "type",
        "h",
        "jid",
        "ver",
        "subscription",
        "stamp",
        "by",
        "previd",
        "resume",
        "ask",
        "name",
    ];
    const VALUES: &[&str] = &[
        "user@example.com",
        "user@example.com/abc",
        "example.com",
        "juliet@example.net/x",
        "@@",
        "",
        "result",
        "set",
        "get",
        "error",
        "chat",
        "unavailable",
        "t1",
        "t2",
        "0",
        "4294967295",
        "-1",
        "true",
        "2002-09-10T23:08:25Z",
        "not a date",
        "remove",
    ];

    fn xml() -> impl Strategy<Value = String> {
        crate::session::arbitrary_xml::xml(crate::session::arbitrary_xml::Vocabulary {
            names: NAMES,
            namespaces: NAMESPACES,
            attrs: ATTRS,
            values: VALUES,
            text: "[a-zA-Z0-9=+/ ]{0,12}",
        })
    }

    fn element() -> impl Strategy<Value = Element> {
        xml().prop_map(|x| el(&x))
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]
        #[test]
        fn a_logged_in_session_never_panics(input in prop::collection::vec(element(), 1..8)) {
            let mut s = logged_in();
            for el in input {
                s.handle_incoming(el);
            }
            while s.poll_outgoing().is_some() {}
            while s.poll_event().is_some() {}
            // It still receives messages afterwards, unless the input closed
            // the stream.
            if s.is_ready() {
                feed(&mut s, &format!("<message {C} from='juliet@example.net/a' type='chat'><body>ok</body></message>"));
                prop_assert!(std::iter::from_fn(|| s.poll_event()).any(|e| matches!(e, Event::MessageReceived(_))));
            }
        }

        #[test]
        fn a_session_during_login_never_panics(input in prop::collection::vec(element(), 1..8)) {
            let mut s = session();
            s.handle_command(Command::Connect { nonce: "fyko+d2lbbFgONRv9qkxdawL".into() });
            for el in input {
                s.handle_incoming(el);
            }
            while s.poll_outgoing().is_some() {}
            while s.poll_event().is_some() {}
        }
    }
}

#[test]
fn only_the_derived_key_is_kept_after_login() {
    let mut s = logged_in();
    assert!(!format!("{s:?}").contains("pencil"));
    // Resumption re-authenticates from the key alone.
    s.handle_command(Command::ConnectionLost);
    authenticate(&mut s);
    let ev = events(&mut s);
    assert!(
        !ev.iter().any(|e| matches!(e, Event::AuthFailed { .. })),
        "{ev:?}"
    );
    // A server that now offers only PLAIN gets no password.
    s.handle_command(Command::ConnectionLost);
    connect(&mut s);
    feed(&mut s, FEATURES_PLAIN);
    assert!(out(&mut s).is_empty());
    assert!(matches!(
        &events(&mut s)[..],
        [
            _,
            Event::AuthFailed {
                error: AuthError::PasswordNeeded,
                text: None
            }
        ]
    ));
}

/// The `ver` of the roster get just sent.
pub(super) fn roster_get_version(s: &mut Session) -> Option<String> {
    let sent = out(s);
    let query = sent
        .iter()
        .find_map(|e| e.get_child("query", "jabber:iq:roster"))
        .expect("roster get");
    query.attr("ver").map(str::to_owned)
}

#[test]
fn keepalive_pings_the_server_without_stream_management() {
    let mut s = session();
    authenticate(&mut s);
    feed(
        &mut s,
        "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
         <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>",
    );
    feed(&mut s, &bind_result());
    out(&mut s);
    s.handle_command(Command::Tick { now_ms: KEEPALIVE_MS });
    expect_out(
        &mut s,
        &[&format!(
            "<iq {C} type='get' id='t4'><ping xmlns='urn:xmpp:ping'/></iq>"
        )],
    );
    // The answer needs no event.
    feed(
        &mut s,
        &format!("<iq {C} type='result' id='t4' from='example.com'/>"),
    );
    assert!(matches!(&events(&mut s)[..], [Event::Connected { .. }]));
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
fn request_errors_from_others_are_ignored() {
    let mut s = logged_in();
    // t3 (carbons) is pending; a contact cannot fail it for the server.
    feed(
        &mut s,
        &format!(
            "<iq {C} type='error' id='t3' from='mallory@evil.example/x'><error type='cancel'>\
             <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        ),
    );
    assert_eq!(ignored(&mut s), ["iq error from an unexpected sender"]);
    feed(
        &mut s,
        &format!(
            "<iq {C} type='error' id='t3'><error type='cancel'>\
             <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        ),
    );
    assert!(matches!(&events(&mut s)[..], [Event::RequestFailed { id, .. }] if id == "t3"));
}

#[test]
fn receipts_go_only_to_others_for_live_messages() {
    let mut s = logged_in();
    let carbon = format!(
        "<message {C} from='user@example.com' type='chat'><received xmlns='urn:xmpp:carbons:2'>\
         <forwarded xmlns='urn:xmpp:forward:0'><message {C} from='juliet@example.net/a' \
         to='user@example.com/phone' type='chat' id='c1'><body>to my phone</body>\
         <request xmlns='urn:xmpp:receipts'/></message></forwarded></received></message>"
    );
    feed(&mut s, &carbon);
    feed(
        &mut s,
        &format!(
            "<message {C} from='user@example.com/laptop' type='chat' id='self1'><body>note to self</body>\
             <request xmlns='urn:xmpp:receipts'/></message>"
        ),
    );
    assert!(out(&mut s).is_empty());
    assert_eq!(
        events(&mut s)
            .iter()
            .filter(|e| matches!(e, Event::MessageReceived(_)))
            .count(),
        2
    );
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
        m.from.as_ref().map(|j| j.as_str()),
        Some("user@example.com/phone")
    );
    assert_eq!(m.peer.as_str(), "juliet@example.net");
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

#[test]
fn only_the_recipient_acknowledges_a_message() {
    let mut s = logged_in();
    send_to_juliet(&mut s, "m1");
    for (from, payload) in [
        (
            "mallory@example.org/x",
            "<received xmlns='urn:xmpp:receipts' id='m1'/>",
        ),
        (
            "mallory@example.org/x",
            "<displayed xmlns='urn:xmpp:chat-markers:0' id='m1'/>",
        ),
        (
            "juliet@example.net/phone",
            "<received xmlns='urn:xmpp:receipts' id='other'/>",
        ),
    ] {
        feed(&mut s, &format!("<message {C} from='{from}'>{payload}</message>"));
        assert_eq!(
            ignored(&mut s),
            ["a receipt or marker from someone the message was not sent to"],
            "{payload}"
        );
    }
    let error = |from: &str, id: &str| {
        format!(
            "<message {C} type='error' id='{id}' from='{from}'><error type='cancel'>\
             <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
        )
    };
    feed(&mut s, &error("mallory@example.org", "m1"));
    assert_eq!(ignored(&mut s), ["an error about our message from someone else"]);
    feed(&mut s, &error("example.net", "unknown"));
    assert_eq!(ignored(&mut s), ["an error about a message we did not send"]);
    feed(
        &mut s,
        &format!(
            "<message {C} from='juliet@example.net/phone'><received xmlns='urn:xmpp:receipts' id='m1'/></message>"
        ),
    );
    // Her server answers for her.
    feed(&mut s, &error("example.net", "m1"));
    assert_eq!(
        events(&mut s),
        [
            moved("m1", Delivery::Delivered),
            Event::MessageStateChanged {
                id: "m1".into(),
                state: Delivery::Failed {
                    error: RequestError::Stanza(StanzaCondition::ItemNotFound)
                }
            },
        ]
    );
}

#[test]
fn requests_wait_for_the_session() {
    let mut s = session();
    s.handle_command(Command::FetchHistory {
        with: "juliet@example.net".parse().unwrap(),
        before: None,
        max: 20,
    });
    s.handle_command(Command::Discover {
        jid: "example.com".parse().unwrap(),
    });
    assert!(out(&mut s).is_empty());
    assert_eq!(
        ignored(&mut s),
        ["a request while offline; ask again once connected"; 2]
    );
}

#[test]
fn requests_fail_when_their_session_ends_without_resumption() {
    let mut s = bound();
    ask_juliet_history(&mut s);
    // Resumed: the answers are still to come, nothing fails.
    s.handle_command(Command::ConnectionLost);
    authenticate(&mut s);
    feed(&mut s, FEATURES_BIND);
    feed(&mut s, "<resumed xmlns='urn:xmpp:sm:3' previd='sm-1' h='3'/>");
    assert_eq!(events(&mut s), [Event::Disconnected, Event::Resumed]);
    // Not resumable any more: a new session, and they never will come.
    s.handle_command(Command::ConnectionLost);
    s.handle_command(Command::Disconnect);
    authenticate(&mut s);
    feed(&mut s, FEATURES_BIND);
    let ev = events(&mut s);
    let failed: Vec<&str> = ev
        .iter()
        .filter_map(|e| match e {
            Event::RequestFailed {
                id,
                error: RequestError::SessionEnded,
                ..
            } => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(failed, ["t2", "t3"]);
    // The history query is reported by its conversation, for the UI.
    assert!(
        ev.contains(&Event::HistoryFailed {
            with: Some("juliet@example.net".parse().unwrap()),
            error: RequestError::SessionEnded
        }),
        "{ev:?}"
    );
}

mod conditions;
mod credentials;

/// The RFC 5802 SCRAM-SHA-1 exchange, from the server's features to the
/// stream restart.
pub(super) fn scram_sha1_exchange(s: &mut Session) {
    feed(s, FEATURES_SASL);
    // "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL"
    expect_out(
        s,
        &[
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>\
           biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM</auth>",
        ],
    );
    feed(s, CHALLENGE);
    // "c=biws,r=…,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
    expect_out(
        s,
        &["<response xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
           Yz1iaXdzLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdMM3JmY05IWUpZMVpWdldWczdqLHA9djBYOHYzQnoyVDBDSkdiSlF5RjBYK0hJNFRzPQ==\
           </response>"],
    );
    feed(s, SUCCESS);
    expect_out(
        s,
        &["<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0'/>"],
    );
}

/// Opens a stream with a throwaway nonce, dropping the `<open/>`.
pub(super) fn connect(s: &mut Session) {
    s.handle_command(Command::Connect {
        nonce: "n".repeat(20),
    });
    out(s);
}
