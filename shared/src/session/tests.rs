//! Literal XML transcripts in, exact XML and events out.

use super::stream::KEEPALIVE_MS;
pub(crate) use super::transcript::*;
use super::*;

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

/// Asks for the latest history with juliet@example.net; returns the query's
/// id, outgoing drained.
pub(super) fn ask_juliet_history(s: &mut Session) -> String {
    s.handle_command(Command::FetchHistory {
        with: chat("juliet@example.net"),
        before: None,
        max: 20,
    });
    let query = out(s);
    query[0].attr("id").unwrap().to_owned()
}

/// A one-to-one conversation.
pub(super) fn chat(jid: &str) -> ConversationId {
    ConversationId::Chat(jid.parse().unwrap())
}

/// A message of ours to juliet@example.net moved on to `state`.
pub(super) fn moved(id: &str, state: Delivery) -> Event {
    Event::MessageStateChanged {
        conversation: chat("juliet@example.net"),
        id: id.into(),
        state,
    }
}

/// Sends a message `id` to juliet@example.net; outgoing and events drained.
pub(super) fn send_to_juliet(s: &mut Session, id: &str) {
    s.handle_command(Command::SendMessage {
        id: id.into(),
        to: chat("juliet@example.net"),
        body: "hello".into(),
    });
    out(s);
    events(s);
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
    // Presence once the roster is in (RFC 6121 §2.2): here, unchanged. Then
    // the first session learns where the archive ends; compared as text,
    // since an empty <before/> is how RSM asks for the last page.
    feed(&mut s, &format!("<iq {C} type='result' id='t2'/>"));
    let sent: Vec<String> = out(&mut s).iter().map(String::from).collect();
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert_eq!(el(&sent[0]), el(&own_presence("")));
    assert_eq!(sent[1], archive_query("t4", "", "<max>1</max><before></before>"));
    // Then where the bookmarks are kept (XEP-0402 §5.3).
    assert_eq!(
        el(&sent[2]),
        el(&format!(
            "<iq {C} id='t5' type='get' to='user@example.com'><query xmlns='http://jabber.org/protocol/disco#info'/></iq>"
        ))
    );
}

/// A MAM query `id`, with a `with` field unless `with` is empty, and the
/// RSM elements `set`.
pub(super) fn archive_query(id: &str, with: &str, set: &str) -> String {
    let with = if with.is_empty() {
        String::new()
    } else {
        format!("<field var='with'><value>{with}</value></field>")
    };
    format!(
        "<iq {C} id='{id}' type='set'><query xmlns='urn:xmpp:mam:2' queryid='{id}'>\
         <x xmlns='jabber:x:data' type='submit'>\
         <field type='hidden' var='FORM_TYPE'><value>urn:xmpp:mam:2</value></field>{with}</x>\
         <set xmlns='http://jabber.org/protocol/rsm'>{set}</set></query></iq>"
    )
}

/// Asserts that our first presence went out, then the archive query that
/// follows it in a new session.
pub(super) fn expect_presence_then_archive(s: &mut Session, presence: &str) {
    let sent = out(s);
    assert_eq!(sent.len(), 3, "{sent:?}");
    assert_eq!(sent[0], el(presence));
    assert!(sent[1].has_child("query", "urn:xmpp:mam:2"), "{sent:?}");
    // The bookmarks' place, then.
    assert!(
        sent[2].has_child("query", "http://jabber.org/protocol/disco#info"),
        "{sent:?}"
    );
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
            with: Some(chat("juliet@example.net")),
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
        [moved(
            "m9",
            Delivery::Failed {
                error: RequestError::Stanza(StanzaCondition::RemoteServerNotFound)
            }
        )]
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
            text: Some("Replaced by new connection".into()),
            limit: None,
        }]
    );
    assert!(!s.is_ready());
}

#[test]
fn the_gateway_names_the_limit_hit() {
    let mut s = logged_in();
    feed(
        &mut s,
        "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>\
         <policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>\
         <text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>too big</text>\
         <stanza-too-large xmlns='urn:parlons:gateway:0'/></stream:error>",
    );
    assert_eq!(
        events(&mut s),
        [Event::StreamError {
            condition: StreamCondition::PolicyViolation,
            text: Some("too big".into()),
            limit: Some(GatewayLimit::StanzaTooLarge),
        }]
    );
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

pub(super) const FEATURES_SASL2: &str = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
    <authentication xmlns='urn:xmpp:sasl:2'><mechanism>SCRAM-SHA-1</mechanism><inline>\
    <bind xmlns='urn:xmpp:bind:0'><inline><feature var='urn:xmpp:carbons:2'/><feature var='urn:xmpp:sm:3'/>\
    </inline></bind><sm xmlns='urn:xmpp:sm:3'/></inline></authentication>\
    <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism></mechanisms>\
    </stream:features>";

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
fn requests_wait_for_the_session() {
    let mut s = session();
    s.handle_command(Command::FetchHistory {
        with: chat("juliet@example.net"),
        before: None,
        max: 20,
    });
    s.handle_command(Command::Discover {
        jid: "example.com".parse().unwrap(),
    });
    s.handle_command(Command::ChangePassword {
        id: "p1".into(),
        new_password: "new".to_owned().into(),
    });
    assert!(out(&mut s).is_empty());
    // What the person waits for fails; the rest is asked again later.
    assert_eq!(
        events(&mut s),
        [
            Event::HistoryFailed {
                with: Some(chat("juliet@example.net")),
                error: RequestError::NotConnected
            },
            Event::Ignored {
                reason: "a request while offline; ask again once connected".into()
            },
            Event::RequestFailed {
                id: "p1".into(),
                error: RequestError::NotConnected,
                text: None
            },
        ]
    );
}

#[test]
fn requests_fail_when_their_session_ends_without_resumption() {
    let mut s = logged_in();
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
    assert_eq!(failed, ["t3"]);
    // The history query is reported by its conversation, for the UI.
    assert!(
        ev.contains(&Event::HistoryFailed {
            with: Some(chat("juliet@example.net")),
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
