//! Policy, limits and hostile input: each gets the right stream error, and
//! other sessions carry on.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use support::{
    XmppWs, assert_stream_error, login, open_and_drain, parse, prosody_override, servers, spawn_gateway,
};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;

const OPEN_LOCALHOST: &str =
    r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="localhost" version="1.0"/>"#;

fn gateway_url() -> String {
    servers().gateway.as_ref().unwrap().websocket_url()
}

#[tokio::test]
async fn upgrade_without_the_xmpp_subprotocol_is_refused() {
    let req = gateway_url().into_client_request().unwrap();
    let err = tokio_tungstenite::connect_async(req).await.unwrap_err();
    match err {
        tokio_tungstenite::tungstenite::Error::Http(resp) => assert_eq!(resp.status(), 400),
        other => panic!("expected an HTTP refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_foreign_origin_is_refused() {
    let mut req = gateway_url().into_client_request().unwrap();
    req.headers_mut()
        .insert("Sec-WebSocket-Protocol", "xmpp".parse().unwrap());
    req.headers_mut()
        .insert("Origin", "https://evil.example".parse().unwrap());
    let err = tokio_tungstenite::connect_async(req).await.unwrap_err();
    match err {
        tokio_tungstenite::tungstenite::Error::Http(resp) => assert_eq!(resp.status(), 403),
        other => panic!("expected an HTTP refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn organisation_mode_refuses_other_domains() {
    let (addr, _stop) = spawn_gateway(|c| {
        let (d, t) = prosody_override();
        c.upstreams.insert(d, t);
        c.allow_domains = vec!["localhost".into()];
    })
    .await;
    let url = format!("ws://{addr}/xmpp-websocket");
    assert_stream_error(&open_and_drain(&url, "jabber.example").await, "host-unknown");
    // Its own domain still works.
    let account = servers().prosody.create_account().unwrap();
    let (ws, _, _) = login(&url, &account).await;
    ws.close().await;
}

#[tokio::test]
async fn a_domain_resolving_to_loopback_is_refused_without_an_override() {
    // Open mode, no override: "localhost" resolves to 127.0.0.1.
    let (addr, _stop) = spawn_gateway(|_| {}).await;
    let url = format!("ws://{addr}/xmpp-websocket");
    assert_stream_error(&open_and_drain(&url, "localhost").await, "policy-violation");
}

#[tokio::test]
async fn bad_open_requests_get_their_conditions() {
    let url = gateway_url();
    // An address is refused, not unknown.
    assert_stream_error(&open_and_drain(&url, "127.0.0.1").await, "policy-violation");
    assert_stream_error(&open_and_drain(&url, "bad domain").await, "host-unknown");

    let mut ws = XmppWs::connect(&url).await;
    ws.send(r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" version="1.0"/>"#)
        .await;
    let got = ws.drain().await;
    assert!(got[0].starts_with("<open "), "{got:?}");
    assert_stream_error(&got, "improper-addressing");

    let mut ws = XmppWs::connect(&url).await;
    ws.send(r#"<message xmlns="jabber:client"/>"#).await;
    assert_stream_error(&ws.drain().await, "not-well-formed");
}

#[tokio::test]
async fn no_open_in_time_is_a_connection_timeout() {
    let (addr, _stop) = spawn_gateway(|c| c.timeouts.open = Duration::from_millis(300)).await;
    let mut ws = XmppWs::connect(&format!("ws://{addr}/xmpp-websocket")).await;
    assert_stream_error(&ws.drain().await, "connection-timeout");
}

/// Sends `bad` after opening a stream and expects `condition`.
async fn expect_error_after_open(bad: Bad<'_>, condition: &str) {
    let mut ws = XmppWs::connect(&gateway_url()).await;
    ws.send(OPEN_LOCALHOST).await;
    let _open = ws.recv().await;
    let _features = ws.recv().await;
    match bad {
        Bad::Text(t) => ws.send(t).await,
        Bad::Raw(b) => ws.send_raw_text(b).await,
    }
    assert_stream_error(&ws.drain().await, condition);
}

enum Bad<'a> {
    Text(&'a str),
    Raw(&'a [u8]),
}

#[tokio::test]
async fn hostile_input_is_refused_while_other_sessions_continue() {
    let account = servers().prosody.create_account().unwrap();
    let (mut good, jid, _) = login(&gateway_url(), &account).await;

    let big = format!(
        r#"<message xmlns="jabber:client" to="x@localhost"><body>{}</body></message>"#,
        "a".repeat(300 * 1024)
    );
    let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
    let cases: Vec<(Bad<'_>, &str)> = vec![
        (Bad::Text(&big), "policy-violation"),
        (
            Bad::Text(r#"<!DOCTYPE m [<!ENTITY x "y">]><m>&x;</m>"#),
            "restricted-xml",
        ),
        (
            Bad::Text(r#"<message xmlns="jabber:client"><!-- hidden --></message>"#),
            "restricted-xml",
        ),
        (Bad::Text(&deep), "policy-violation"),
        (
            Bad::Raw(b"<message xmlns=\"jabber:client\"><body>\xff\xfe</body></message>"),
            "not-well-formed",
        ),
        (
            Bad::Text(r#"<starttls xmlns="urn:ietf:params:xml:ns:xmpp-tls"/>"#),
            "policy-violation",
        ),
        (
            Bad::Text(r#"<message xmlns="jabber:client"/><message xmlns="jabber:client"/>"#),
            "not-well-formed",
        ),
        (
            Bad::Text(r#"<iq xmlns="jabber:client" type="get" id="x"/></stream:stream><stream:stream>"#),
            "not-well-formed",
        ),
        (Bad::Text(OPEN_LOCALHOST), "policy-violation"),
        (Bad::Text("<message xmlns='jabber:client'>"), "not-well-formed"),
    ];
    for (bad, condition) in cases {
        expect_error_after_open(bad, condition).await;
    }

    // The logged-in session is unaffected.
    good.send(r#"<iq xmlns="jabber:client" type="get" id="ping1" to="localhost"><ping xmlns="urn:xmpp:ping"/></iq>"#)
        .await;
    let pong = good.recv_until(|e| e.attr("id") == Some("ping1")).await;
    assert_eq!(pong.attr("type"), Some("result"), "{pong:?} for {jid}");
    good.close().await;
}

#[tokio::test]
async fn binary_frames_are_refused() {
    use futures_util::SinkExt;
    let mut req = gateway_url().into_client_request().unwrap();
    req.headers_mut()
        .insert("Sec-WebSocket-Protocol", "xmpp".parse().unwrap());
    let (mut ws, _) = tokio_tungstenite::connect_async(req).await.unwrap();
    ws.send(tokio_tungstenite::tungstenite::Message::text(OPEN_LOCALHOST))
        .await
        .unwrap();
    ws.send(tokio_tungstenite::tungstenite::Message::binary(
        b"<presence/>".to_vec(),
    ))
    .await
    .unwrap();
    let mut texts = Vec::new();
    use futures_util::StreamExt;
    while let Ok(Some(Ok(msg))) = tokio::time::timeout(support::READ_TIMEOUT, ws.next()).await {
        if let tokio_tungstenite::tungstenite::Message::Text(t) = msg {
            texts.push(t.to_string());
        }
    }
    assert_stream_error(&texts, "unsupported-stanza-type");
}

#[tokio::test]
async fn shutdown_tells_sessions_to_reconnect() {
    let (addr, stop) = spawn_gateway(|c| {
        let (d, t) = prosody_override();
        c.upstreams.insert(d, t);
    })
    .await;
    let account = servers().prosody.create_account().unwrap();
    let (mut ws, _, _) = login(&format!("ws://{addr}/xmpp-websocket"), &account).await;
    stop.send(true).unwrap();
    assert_stream_error(&ws.drain().await, "system-shutdown");
}

#[tokio::test]
async fn metrics_count_sessions_and_errors() {
    let (addr, _stop) = spawn_gateway(|c| {
        let (d, t) = prosody_override();
        c.upstreams.insert(d, t);
    })
    .await;
    let url = format!("ws://{addr}/xmpp-websocket");
    assert_stream_error(&open_and_drain(&url, "bad domain").await, "host-unknown");
    let account = servers().prosody.create_account().unwrap();
    let (ws, _, _) = login(&url, &account).await;
    ws.close().await;

    let body = http_get(addr, "/metrics").await;
    for line in [
        "parlons_stream_errors_total{condition=\"host-unknown\"} 1",
        "parlons_upstream_connect_seconds_count 1",
        "parlons_stanzas_total{direction=\"to_server\"} 3",
    ] {
        assert!(body.lines().any(|l| l == line), "missing {line:?} in\n{body}");
    }
    let closed = body
        .lines()
        .find(|l| l.starts_with("parlons_sessions_total{outcome=\"closed\"}"))
        .unwrap();
    assert!(closed.ends_with(" 1"), "{closed}");
}

#[tokio::test]
async fn host_meta_advertises_the_websocket() {
    let (addr, _stop) = spawn_gateway(|_| {}).await;
    let xrd = http_get(addr, "/.well-known/host-meta").await;
    let el = parse(xrd.trim_start_matches("<?xml version='1.0' encoding='utf-8'?>\n"));
    let link = el.children().next().unwrap();
    assert_eq!(link.attr("rel"), Some("urn:xmpp:alt-connections:websocket"));
    assert_eq!(
        link.attr("href"),
        Some(format!("ws://{addr}/xmpp-websocket").as_str())
    );

    let json = http_get(addr, "/.well-known/host-meta.json").await;
    assert_eq!(
        json.trim(),
        format!(
            r#"{{"links":[{{"rel":"urn:xmpp:alt-connections:websocket","href":"ws://{addr}/xmpp-websocket"}}]}}"#
        )
    );
}

/// The body of a GET that must succeed.
async fn http_get(addr: std::net::SocketAddr, path: &str) -> String {
    let (head, body) = support::http_get(addr, path).await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    body
}

#[tokio::test]
async fn sessions_per_address_are_capped() {
    let (_guard, logs) = support::capture_logs();
    let (addr, _stop) = spawn_gateway(|c| {
        let (d, t) = prosody_override();
        c.upstreams.insert(d, t);
        c.limits.per_ip = 1;
    })
    .await;
    let url = format!("ws://{addr}/xmpp-websocket");
    let mut first = XmppWs::connect(&url).await;
    first.open("localhost").await;
    assert_stream_error(&open_and_drain(&url, "localhost").await, "resource-constraint");
    assert_stream_error(&open_and_drain(&url, "localhost").await, "resource-constraint");
    // The operator is told why, once a minute at most, with a hint: behind
    // a proxy, everyone shares its address.
    let warnings: Vec<String> = logs
        .text()
        .lines()
        .filter(|l| l.contains("a connection cap refused a client"))
        .map(str::to_owned)
        .collect();
    assert_eq!(warnings.len(), 1, "{}", logs.text());
    for part in ["WARN", "connections-per-ip", "trusted-proxies", "127.0.0.1"] {
        assert!(warnings[0].contains(part), "{part} in {}", warnings[0]);
    }
    // The first session is untouched, and its slot frees on close.
    first.close().await;
    let account = servers().prosody.create_account().unwrap();
    let (ws, _, _) = login(&url, &account).await;
    ws.close().await;
}

#[tokio::test]
async fn connection_attempts_are_rate_limited() {
    let (addr, _stop) = spawn_gateway(|c| {
        let (d, t) = prosody_override();
        c.upstreams.insert(d, t);
        c.limits.attempt_burst = 2;
        c.limits.attempts_per_minute = 1;
    })
    .await;
    let url = format!("ws://{addr}/xmpp-websocket");
    for _ in 0..2 {
        let mut ws = XmppWs::connect(&url).await;
        ws.open("localhost").await;
        ws.close().await;
    }
    assert_stream_error(&open_and_drain(&url, "localhost").await, "policy-violation");
}

/// A client that stops answering pings is cut off.
#[tokio::test]
async fn a_silent_client_times_out() {
    let (addr, _stop) = spawn_gateway(|c| {
        let (d, t) = prosody_override();
        c.upstreams.insert(d, t);
        c.timeouts.ping = Duration::from_millis(100);
        c.timeouts.idle = Duration::from_millis(300);
    })
    .await;
    let mut ws = XmppWs::connect(&format!("ws://{addr}/xmpp-websocket")).await;
    ws.open("localhost").await;
    // Not reading means not answering pings: the gateway hears nothing.
    tokio::time::sleep(Duration::from_millis(800)).await;
    assert_stream_error(&ws.drain().await, "connection-timeout");
}

/// One SASL PLAIN attempt with a wrong password, in a session of its own;
/// returns how long the server's verdict took.
async fn wrong_password(url: &str, user: &str) -> Duration {
    use base64::Engine;
    let mut ws = XmppWs::connect(url).await;
    ws.open("localhost").await;
    let plain = base64::engine::general_purpose::STANDARD.encode(format!("\0{user}\0not-the-password"));
    let sent = tokio::time::Instant::now();
    ws.send(&format!(
        r#"<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">{plain}</auth>"#
    ))
    .await;
    let verdict = parse(&ws.recv().await);
    assert!(
        verdict.is("failure", "urn:ietf:params:xml:ns:xmpp-sasl"),
        "{verdict:?}"
    );
    let took = sent.elapsed();
    ws.close().await;
    took
}

/// Password guessing from one address is slowed after five failures in a
/// minute, with a metric and a warning; a success forgets the failures.
#[tokio::test]
async fn failed_authentications_are_throttled_per_address() {
    let (_guard, logs) = support::capture_logs();
    let (addr, _stop) = spawn_gateway(|c| {
        let (d, t) = prosody_override();
        c.upstreams.insert(d, t);
    })
    .await;
    let url = format!("ws://{addr}/xmpp-websocket");
    let account = servers().prosody.create_account().unwrap();
    let held = || async { metric(addr, "parlons_auth_attempts_held_total").await };
    for _ in 0..5 {
        wrong_password(&url, &account.user).await;
    }
    assert_eq!(held().await, 0);
    // The sixth waits at least the first hold, a second, before it goes.
    assert!(wrong_password(&url, &account.user).await >= Duration::from_secs(1));
    assert_eq!(held().await, 1);
    let warning = logs.text();
    assert!(
        warning.contains("WARN") && warning.contains("127.0.0.1") && warning.contains("attempts are held"),
        "{warning}"
    );
    // The right password gets through (after its hold), and resets it all.
    let (ws, _, _) = login(&url, &account).await;
    ws.close().await;
    assert_eq!(held().await, 2);
    wrong_password(&url, &account.user).await;
    wrong_password(&url, &account.user).await;
    assert_eq!(held().await, 2);
}

/// The value of a metric without labels.
async fn metric(addr: std::net::SocketAddr, name: &str) -> u64 {
    let body = http_get(addr, "/metrics").await;
    body.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or_else(|| panic!("no {name} in\n{body}"))
}

/// Sessions not yet signed in have a pool of their own: strangers holding
/// sockets open fill it, not the places of signed-in users.
#[tokio::test]
async fn sessions_signing_in_have_a_pool_of_their_own() {
    let (addr, _stop) = spawn_gateway(|c| {
        let (d, t) = prosody_override();
        c.upstreams.insert(d, t);
        c.limits.unbound = 1;
    })
    .await;
    let url = format!("ws://{addr}/xmpp-websocket");
    let alice = servers().prosody.create_account().unwrap();
    let (mut signed_in, _, _) = login(&url, &alice).await;
    // Alice bound, so her place is in the main pool: a stranger may take
    // the one place for sessions signing in, and the next is refused.
    let mut stranger = XmppWs::connect(&url).await;
    stranger.open("localhost").await;
    let refused = open_and_drain(&url, "localhost").await;
    assert_stream_error(&refused, "resource-constraint");
    assert!(refused.iter().any(|m| m.contains("signing in")), "{refused:?}");
    signed_in
        .send(r#"<iq xmlns="jabber:client" type="get" id="alive"><ping xmlns="urn:xmpp:ping"/></iq>"#)
        .await;
    let pong = signed_in.recv_until(|e| e.attr("id") == Some("alive")).await;
    assert_eq!(pong.attr("type"), Some("result"));
    stranger.close().await;
    let bob = servers().prosody.create_account().unwrap();
    let (ws, _, _) = login(&url, &bob).await;
    ws.close().await;
    signed_in.close().await;
}

/// A session that binds when the main pool is full ends with
/// resource-constraint, and the signed-in users keep their places.
#[tokio::test]
async fn binding_needs_a_place_in_the_main_pool() {
    let (addr, _stop) = spawn_gateway(|c| {
        let (d, t) = prosody_override();
        c.upstreams.insert(d, t);
        c.limits.global = 1;
    })
    .await;
    let url = format!("ws://{addr}/xmpp-websocket");
    let (alice, bob) = (
        servers().prosody.create_account().unwrap(),
        servers().prosody.create_account().unwrap(),
    );
    // Bob is admitted while the main pool has room, and binds once it has none.
    let (mut late, _) = support::authenticate(&url, &bob).await;
    let (first, _, _) = login(&url, &alice).await;
    late.send(r#"<iq xmlns="jabber:client" type="set" id="bind1"><bind xmlns="urn:ietf:params:xml:ns:xmpp-bind"/></iq>"#)
        .await;
    let got = late.drain().await;
    assert_stream_error(&got, "resource-constraint");
    assert!(
        !got.iter().any(|m| m.contains("bind1")),
        "the bind result is not relayed: {got:?}"
    );
    first.close().await;
}
