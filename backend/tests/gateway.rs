//! The bridge against real Prosody and ejabberd. Every scenario runs
//! unchanged through `parlons` and against each server's own WebSocket
//! endpoint, which proves the gateway transparent.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use parlons_harness::Account;
use support::{
    NS_SM, XmppWs, assert_stream_error, authenticate, http_get, login, open_and_drain, parse, servers,
    spawn_gateway,
};

/// Where a scenario runs.
#[derive(Debug, Clone, Copy)]
enum Via {
    Gateway,
    Native,
}

#[derive(Debug, Clone, Copy)]
enum Server {
    Prosody,
    Ejabberd,
}

fn endpoint(via: Via, server: Server) -> String {
    let s = servers();
    match (via, server) {
        (Via::Gateway, _) => s.gateway.as_ref().expect("gateway").websocket_url(),
        (Via::Native, Server::Prosody) => s.prosody.websocket_url(),
        (Via::Native, Server::Ejabberd) => s.ejabberd.websocket_url(),
    }
}

fn account(server: Server) -> Account {
    let s = servers();
    match server {
        Server::Prosody => s.prosody.create_account().unwrap(),
        Server::Ejabberd => s.ejabberd.create_account().unwrap(),
    }
}

/// Login with SCRAM, restart, bind, a message each way, stream management,
/// and a clean close.
async fn chat(via: Via, server: Server) {
    let url = endpoint(via, server);
    let (a, b) = (account(server), account(server));
    let (mut wa, jid_a, features) = login(&url, &a).await;
    let (mut wb, jid_b, _) = login(&url, &b).await;
    assert!(features.has_child("sm", NS_SM), "{features:?}");

    // Stream management, with resumption.
    wa.send(&format!(r#"<enable xmlns="{NS_SM}" resume="true"/>"#))
        .await;
    let enabled = wa.recv_until(|e| e.is("enabled", NS_SM)).await;
    assert_eq!(enabled.attr("resume"), Some("true"));

    // Presence makes both available; then a message each way.
    for ws in [&mut wa, &mut wb] {
        ws.send(r#"<presence xmlns="jabber:client"/>"#).await;
    }
    wa.send(&format!(
        r#"<message xmlns="jabber:client" to="{jid_b}" type="chat" id="m1"><body>Bonjour &amp; à bientôt 👋</body></message>"#
    ))
    .await;
    let got = wb.recv_until(|e| e.name() == "message").await;
    assert_eq!(got.ns(), "jabber:client");
    assert_eq!(got.attr("from"), Some(jid_a.as_str()));
    assert_eq!(
        got.get_child("body", "jabber:client").unwrap().text(),
        "Bonjour & à bientôt 👋"
    );

    wb.send(&format!(
        r#"<message xmlns="jabber:client" to="{jid_a}" type="chat" id="m2"><body>&lt;b&gt;not html&lt;/b&gt;</body></message>"#
    ))
    .await;
    let got = wa.recv_until(|e| e.name() == "message").await;
    assert_eq!(
        got.get_child("body", "jabber:client").unwrap().text(),
        "<b>not html</b>"
    );

    // The server acks what it handled.
    wa.send(&format!(r#"<r xmlns="{NS_SM}"/>"#)).await;
    let ack = wa.recv_until(|e| e.is("a", NS_SM)).await;
    assert!(ack.attr("h").is_some());

    wa.close().await;
    wb.close().await;
}

#[tokio::test]
async fn chat_through_gateway_to_prosody() {
    chat(Via::Gateway, Server::Prosody).await;
}

#[tokio::test]
async fn chat_through_gateway_to_ejabberd() {
    chat(Via::Gateway, Server::Ejabberd).await;
}

#[tokio::test]
async fn chat_natively_on_prosody() {
    chat(Via::Native, Server::Prosody).await;
}

#[tokio::test]
async fn chat_natively_on_ejabberd() {
    chat(Via::Native, Server::Ejabberd).await;
}

/// The gateway's stream header answer is what strict clients expect, and
/// STARTTLS is not offered to the client (the gateway did it).
#[tokio::test]
async fn open_is_unprefixed_and_starttls_is_hidden() {
    for domain in ["localhost", "b.test"] {
        let url = endpoint(Via::Gateway, Server::Prosody);
        let mut ws = XmppWs::connect(&url).await;
        ws.send(&format!(
            r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="{domain}" version="1.0"/>"#
        ))
        .await;
        let open = ws.recv().await;
        assert!(
            open.starts_with(r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" from=""#),
            "{open}"
        );
        let features = ws.recv().await;
        assert!(
            features.starts_with("<stream:features xmlns:stream="),
            "{features}"
        );
        assert!(!features.contains("starttls"), "{features}");
        assert!(parse(&features).has_child("mechanisms", support::NS_SASL));
        ws.close().await;
    }
}

/// Federation through the gateway: Prosody and ejabberd users talk.
#[tokio::test]
async fn federated_message_through_gateway() {
    let url = endpoint(Via::Gateway, Server::Prosody);
    let (a, b) = (account(Server::Prosody), account(Server::Ejabberd));
    let (mut wa, jid_a, _) = login(&url, &a).await;
    let (mut wb, jid_b, _) = login(&url, &b).await;
    for ws in [&mut wa, &mut wb] {
        ws.send(r#"<presence xmlns="jabber:client"/>"#).await;
    }
    wa.send(&format!(
        r#"<message xmlns="jabber:client" to="{jid_b}" type="chat" id="f1"><body>across servers</body></message>"#
    ))
    .await;
    let got = wb
        .recv_until(|e| e.name() == "message" && e.get_child("body", "jabber:client").is_some())
        .await;
    assert_eq!(got.attr("from"), Some(jid_a.as_str()));
    wa.close().await;
    wb.close().await;
}

/// An abrupt WebSocket drop leaves the XEP-0198 session resumable: the
/// gateway closes TCP without `</stream:stream>`.
async fn resume_after_drop(via: Via, server: Server) {
    let url = endpoint(via, server);
    let a = account(server);
    let (mut ws, _, _) = login(&url, &a).await;
    ws.send(&format!(r#"<enable xmlns="{NS_SM}" resume="true"/>"#))
        .await;
    let enabled = ws.recv_until(|e| e.is("enabled", NS_SM)).await;
    let id = enabled.attr("id").expect("resumption id").to_owned();
    ws.send(r#"<iq xmlns="jabber:client" type="get" id="r1"><ping xmlns="urn:xmpp:ping"/></iq>"#)
        .await;
    ws.recv_until(|e| e.attr("id") == Some("r1")).await;
    drop(ws);

    let (mut ws, features) = authenticate(&url, &a).await;
    assert!(features.has_child("sm", NS_SM));
    ws.send(&format!(r#"<resume xmlns="{NS_SM}" previd="{id}" h="1"/>"#))
        .await;
    let resumed = ws.recv_until(|e| e.ns() == NS_SM && e.name() != "r").await;
    assert!(resumed.is("resumed", NS_SM), "{resumed:?}");
    ws.close().await;
}

#[tokio::test]
async fn stream_resumes_after_a_dropped_socket_on_prosody() {
    resume_after_drop(Via::Gateway, Server::Prosody).await;
    resume_after_drop(Via::Native, Server::Prosody).await;
}

#[tokio::test]
async fn stream_resumes_after_a_dropped_socket_on_ejabberd() {
    resume_after_drop(Via::Gateway, Server::Ejabberd).await;
    resume_after_drop(Via::Native, Server::Ejabberd).await;
}

/// XEP-0368 direct TLS to an overridden domain.
#[tokio::test]
async fn direct_tls_upstream() {
    let s = servers();
    let port = s.prosody.ports.c2s_direct_tls;
    let (addr, _stop) = spawn_gateway(|c| {
        c.upstreams.insert(
            "localhost".into(),
            format!("tls://127.0.0.1:{port}").parse().unwrap(),
        );
    })
    .await;
    let a = s.prosody.create_account().unwrap();
    let (ws, _, _) = login(&format!("ws://{addr}/xmpp-websocket"), &a).await;
    ws.close().await;
}

/// Without the test CA the server's certificate is not trusted, with
/// STARTTLS or direct TLS alike.
#[tokio::test]
async fn an_untrusted_certificate_is_refused() {
    let s = servers();
    let (starttls, direct) = (s.ejabberd.ports.c2s, s.ejabberd.ports.c2s_direct_tls);
    let (addr, _stop) = spawn_gateway(|c| {
        c.ca_files.clear();
        c.upstreams
            .insert("b.test".into(), format!("127.0.0.1:{starttls}").parse().unwrap());
        c.upstreams.insert(
            "localhost".into(),
            format!("tls://127.0.0.1:{direct}").parse().unwrap(),
        );
    })
    .await;
    let url = format!("ws://{addr}/xmpp-websocket");
    for domain in ["b.test", "localhost"] {
        let got = open_and_drain(&url, domain).await;
        assert_stream_error(&got, "remote-connection-failed");
        assert!(got.iter().any(|m| m.contains("secure connection")), "{got:?}");
    }
}

/// A private CA vouches only for the domains it is listed for.
#[tokio::test]
async fn a_private_ca_is_trusted_only_for_its_domains() {
    let s = servers();
    let (prosody, ejabberd) = (s.prosody.ports.c2s, s.ejabberd.ports.c2s);
    let (addr, _stop) = spawn_gateway(|c| {
        c.ca_files.clear();
        c.private_cas.insert("localhost".into(), s.ca.ca.clone());
        c.upstreams.insert(
            "localhost".into(),
            format!("127.0.0.1:{prosody}").parse().unwrap(),
        );
        c.upstreams.insert(
            s.ejabberd.domain().into(),
            format!("127.0.0.1:{ejabberd}").parse().unwrap(),
        );
    })
    .await;
    let url = format!("ws://{addr}/xmpp-websocket");
    let mut ws = XmppWs::connect(&url).await;
    let (_, features) = ws.open("localhost").await;
    assert!(
        features.has_child("mechanisms", "urn:ietf:params:xml:ns:xmpp-sasl"),
        "{features:?}"
    );
    ws.close().await;
    // The same CA signed ejabberd's certificate, but is not trusted there.
    let got = open_and_drain(&url, s.ejabberd.domain()).await;
    assert_stream_error(&got, "remote-connection-failed");
    assert!(got.iter().any(|m| m.contains("secure connection")), "{got:?}");
}

/// A gateway to the test Prosody whose sign-in deadline is `preauth`: its
/// WebSocket URL, and the switch that keeps it running.
async fn gateway_with_preauth(preauth: std::time::Duration) -> (String, tokio::sync::watch::Sender<bool>) {
    let port = servers().prosody.ports.c2s;
    let (addr, stop) = spawn_gateway(|c| {
        c.upstreams
            .insert("localhost".into(), format!("127.0.0.1:{port}").parse().unwrap());
        c.timeouts.preauth = preauth;
    })
    .await;
    (format!("ws://{addr}/xmpp-websocket"), stop)
}

/// A client that never authenticates is cut off.
#[tokio::test]
async fn authentication_has_a_deadline() {
    let (url, _stop) = gateway_with_preauth(std::time::Duration::from_millis(500)).await;
    let mut ws = XmppWs::connect(&url).await;
    let (open, _) = ws.open("localhost").await;
    assert!(open.is("open", "urn:ietf:params:xml:ns:xmpp-framing"));
    assert_stream_error(&ws.drain().await, "connection-timeout");
}

/// The sign-in deadline runs until a resource is bound: authenticating is
/// not enough, and a bound session outlives it.
#[tokio::test]
async fn the_sign_in_deadline_runs_until_bind() {
    let (url, _stop) = gateway_with_preauth(std::time::Duration::from_secs(4)).await;
    let account = account(Server::Prosody);
    let (mut unbound, _) = authenticate(&url, &account).await;
    let started = tokio::time::Instant::now();
    let (mut bound, _, _) = login(&url, &account).await;
    assert_stream_error(&unbound.drain().await, "connection-timeout");
    // Past the deadline of the bound session too.
    tokio::time::sleep_until(started + std::time::Duration::from_millis(4500)).await;
    bound
        .send(r#"<iq xmlns="jabber:client" type="get" id="alive"><ping xmlns="urn:xmpp:ping"/></iq>"#)
        .await;
    let pong = bound.recv_until(|e| e.attr("id") == Some("alive")).await;
    assert_eq!(pong.attr("type"), Some("result"));
    bound.close().await;
}

/// RFC 6120 §4.9.3.19: the gateway follows `<see-other-host/>` itself, and
/// the client only ever sees the server it was sent to.
#[tokio::test]
async fn see_other_host_is_followed() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let s = servers();
    let real = s.prosody.ports.c2s;
    let redirector = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = redirector.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut conn, _)) = redirector.accept().await {
            let mut buf = [0u8; 1024];
            let _ = conn.read(&mut buf).await;
            let reply = format!(
                "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
                 xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='r1' version='1.0'>\
                 <stream:error><see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>127.0.0.1:{real}\
                 </see-other-host></stream:error></stream:stream>"
            );
            let _ = conn.write_all(reply.as_bytes()).await;
        }
    });
    let (addr, _stop) = spawn_gateway(|c| {
        c.upstreams.insert(
            "localhost".into(),
            format!("plain://127.0.0.1:{port}").parse().unwrap(),
        );
    })
    .await;
    let account = s.prosody.create_account().unwrap();
    let (ws, _, _) = login(&format!("ws://{addr}/xmpp-websocket"), &account).await;
    ws.close().await;
}

/// What a server of our own does after the client's first bytes.
#[derive(Clone, Copy)]
enum Bare {
    /// Reads everything and never answers.
    Silent,
    /// Reads once more, then drops the connection.
    Drops,
    /// Reads once more, then sends a message of this many bytes and waits.
    SendsMessage(usize),
    /// Reads once more, then sends the start of a stanza and waits.
    SendsPartOfAStanza,
    /// Reads once more, then sends whitespace keepalives for a while.
    SendsWhitespace,
}

/// A gateway whose `localhost` is a bare server of our own, for one
/// connection: it answers the stream header with empty features, then
/// does what `then` says.
async fn gateway_to_bare_server(then: Bare) -> (std::net::SocketAddr, tokio::sync::watch::Sender<bool>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = server.local_addr().unwrap().port();
    tokio::spawn(async move {
        let Ok((mut conn, _)) = server.accept().await else {
            return;
        };
        let mut buf = [0u8; 1024];
        support::answer_stream_header(&mut conn, "localhost").await;
        match then {
            Bare::Silent => while conn.read(&mut buf).await.is_ok_and(|n| n > 0) {},
            Bare::Drops => {
                let _ = conn.read(&mut buf).await;
            }
            Bare::SendsPartOfAStanza => {
                let _ = conn.read(&mut buf).await;
                let _ = conn
                    .write_all(b"<message from='a@localhost'><body>and then")
                    .await;
                while conn.read(&mut buf).await.is_ok_and(|n| n > 0) {}
            }
            Bare::SendsWhitespace => {
                let _ = conn.read(&mut buf).await;
                for _ in 0..12 {
                    tokio::time::sleep(std::time::Duration::from_millis(100)).await;
                    let _ = conn.write_all(b" ").await;
                }
                let _ = conn
                    .write_all(b"<message from='a@localhost'><body>still here</body></message>")
                    .await;
                while conn.read(&mut buf).await.is_ok_and(|n| n > 0) {}
            }
            Bare::SendsMessage(bytes) => {
                let _ = conn.read(&mut buf).await;
                let body = "x".repeat(bytes);
                let message = format!("<message from='a@localhost'><body>{body}</body></message>");
                let _ = conn.write_all(message.as_bytes()).await;
                while conn.read(&mut buf).await.is_ok_and(|n| n > 0) {}
            }
        }
    });
    spawn_gateway(|c| {
        c.max_server_stanza_bytes = 64 * 1024;
        c.timeouts.stanza = std::time::Duration::from_millis(500);
        c.upstreams.insert(
            "localhost".into(),
            format!("plain://127.0.0.1:{port}").parse().unwrap(),
        );
    })
    .await
}

/// RFC 6120 §4.4: after the client's `<close/>` the gateway waits a bounded
/// time for the server's `</stream:stream>`, then closes the WebSocket itself.
#[tokio::test]
async fn a_silent_server_does_not_hold_the_close() {
    let (addr, _stop) = gateway_to_bare_server(Bare::Silent).await;
    let mut ws = XmppWs::connect(&format!("ws://{addr}/xmpp-websocket")).await;
    ws.open("localhost").await;
    ws.send(r#"<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>"#)
        .await;
    let got = ws.drain().await;
    assert_eq!(
        got.iter().map(|m| parse(m).name().to_owned()).collect::<Vec<_>>(),
        ["close"],
        "{got:?}"
    );
}

/// A server that drops the TCP connection: the client hears
/// remote-connection-failed, and `/metrics` counts the session as ended by
/// the server.
#[tokio::test]
async fn a_server_that_drops_the_connection_is_counted() {
    let (addr, _stop) = gateway_to_bare_server(Bare::Drops).await;
    let mut ws = XmppWs::connect(&format!("ws://{addr}/xmpp-websocket")).await;
    ws.open("localhost").await;
    ws.send(r#"<iq xmlns="jabber:client" type="get" id="p"><ping xmlns="urn:xmpp:ping"/></iq>"#)
        .await;
    assert_stream_error(&ws.drain().await, "remote-connection-failed");
    drop(ws);
    await_metric(addr, "parlons_sessions_total{outcome=\"server_gone\"} 1").await;
}

/// A stanza from the server must be whole within the stanza deadline;
/// whitespace keepalives, however long, are no stanza.
#[tokio::test]
async fn a_partial_stanza_from_the_server_has_a_deadline() {
    let (addr, _stop) = gateway_to_bare_server(Bare::SendsPartOfAStanza).await;
    let mut ws = XmppWs::connect(&format!("ws://{addr}/xmpp-websocket")).await;
    ws.open("localhost").await;
    ws.send(r#"<presence xmlns="jabber:client"/>"#).await;
    let got = ws.drain().await;
    assert_stream_error(&got, "connection-timeout");
    assert!(got.iter().any(|m| m.contains("one stanza")), "{got:?}");

    let (addr, _stop) = gateway_to_bare_server(Bare::SendsWhitespace).await;
    let mut ws = XmppWs::connect(&format!("ws://{addr}/xmpp-websocket")).await;
    ws.open("localhost").await;
    ws.send(r#"<presence xmlns="jabber:client"/>"#).await;
    let got = ws.recv_until(|e| e.name() == "message").await;
    assert_eq!(
        got.get_child("body", "jabber:client").unwrap().text(),
        "still here"
    );
}

/// A message from the browser must be whole within the stanza deadline
/// too: its first fragment alone ends the session, and counts in the
/// buffer budget meanwhile.
#[tokio::test]
async fn a_partial_message_from_the_browser_has_a_deadline_and_a_budget() {
    let (addr, _stop) = gateway_to_bare_server(Bare::Silent).await;
    let mut ws = XmppWs::connect(&format!("ws://{addr}/xmpp-websocket")).await;
    ws.open("localhost").await;
    ws.send_first_fragment(&format!("<message><body>{}", "x".repeat(20_000)))
        .await;
    // Pongs between fragments take off their own bytes, not the message's.
    for _ in 0..200 {
        ws.pong().await;
    }
    await_buffered(addr, |held| held >= 20_000).await;
    let got = ws.drain().await;
    assert_stream_error(&got, "connection-timeout");
    assert!(got.iter().any(|m| m.contains("one message")), "{got:?}");
    await_buffered(addr, |held| held == 0).await;

    // Two halves of one message, a pong between them: whole in time, it
    // goes through, and the session goes on past the deadline.
    let (addr, _stop) = gateway_to_bare_server(Bare::Silent).await;
    let mut ws = XmppWs::connect(&format!("ws://{addr}/xmpp-websocket")).await;
    ws.open("localhost").await;
    ws.send_first_fragment("<presence xmlns='jabber:client'>").await;
    ws.pong().await;
    ws.send_last_fragment("</presence>").await;
    tokio::time::sleep(std::time::Duration::from_millis(1200)).await;
    ws.send(r#"<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>"#)
        .await;
    let got = ws.drain().await;
    assert!(!got.iter().any(|m| m.contains("error")), "{got:?}");
}

/// Partial messages from browsers count in the budget: past it, one of
/// them ends, its bytes come back at once, and new sessions come in again.
#[tokio::test]
async fn browsers_holding_partial_messages_are_ended_by_the_budget() {
    let empty: std::sync::Arc<[u8]> = std::sync::Arc::from(&b""[..]);
    let port = support::server_holding_partials("localhost", std::iter::repeat(empty)).await;
    let (addr, _stop) = spawn_gateway(|c| {
        c.limits.buffer_budget = 1_000_000;
        c.upstreams.insert(
            "localhost".into(),
            format!("plain://127.0.0.1:{port}").parse().unwrap(),
        );
    })
    .await;
    let url = format!("ws://{addr}/xmpp-websocket");
    let fragment = format!("<message><body>{}", "x".repeat(300_000));
    let mut first = XmppWs::connect(&url).await;
    first.open("localhost").await;
    first.send_first_fragment(&fragment).await;
    await_buffered(addr, |held| held >= 300_000).await;
    let mut second = XmppWs::connect(&url).await;
    second.open("localhost").await;
    second.send_first_fragment(&fragment).await;
    let got = first.drain().await;
    assert_stream_error(&got, "resource-constraint");
    await_buffered(addr, |held| held < 1_000_000).await;
    let mut third = XmppWs::connect(&url).await;
    let (_, features) = third.open("localhost").await;
    assert_eq!(features.name(), "features", "{}", String::from(&features));
    drop(second);
}

/// Waits until `/metrics` has `line`: a session is counted once it has
/// ended, just after its WebSocket closes.
async fn await_metric(addr: std::net::SocketAddr, line: &str) {
    await_metrics(addr, line, |metrics| metrics.lines().any(|l| l == line)).await;
}

/// Waits, for five seconds at most, until `/metrics` is as `wanted` says;
/// `what` says what was awaited.
async fn await_metrics(addr: std::net::SocketAddr, what: &str, wanted: impl Fn(&str) -> bool) {
    let mut metrics = String::new();
    for _ in 0..50 {
        metrics = http_get(addr, "/metrics").await.1;
        if wanted(&metrics) {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("never {what} in\n{metrics}");
}

/// A stanza from the server over `max-server-stanza-bytes` ends the session
/// with policy-violation, saying which limit, counted as an outcome of its
/// own; one under it comes through whole.
#[tokio::test]
async fn a_server_stanza_over_the_limit_is_a_policy_violation() {
    let (addr, _stop) = gateway_to_bare_server(Bare::SendsMessage(60 * 1024)).await;
    let mut ws = XmppWs::connect(&format!("ws://{addr}/xmpp-websocket")).await;
    ws.open("localhost").await;
    ws.send(r#"<presence xmlns="jabber:client"/>"#).await;
    let got = ws.recv_until(|e| e.name() == "message").await;
    assert_eq!(
        got.get_child("body", "jabber:client").unwrap().text().len(),
        60 * 1024
    );
    drop(ws);

    let (addr, _stop) = gateway_to_bare_server(Bare::SendsMessage(70 * 1024)).await;
    let mut ws = XmppWs::connect(&format!("ws://{addr}/xmpp-websocket")).await;
    ws.open("localhost").await;
    ws.send(r#"<presence xmlns="jabber:client"/>"#).await;
    let got = ws.drain().await;
    assert_stream_error(&got, "policy-violation");
    let error = got
        .iter()
        .map(|m| parse(m))
        .find(|e| e.name() == "error")
        .unwrap();
    assert!(
        error.has_child("stanza-too-large", "urn:parlons:gateway:0"),
        "{got:?}"
    );
    assert!(
        got.iter()
            .any(|m| m.contains("max-server-stanza-bytes, 65536 bytes")),
        "{got:?}"
    );
    drop(ws);
    await_metric(
        addr,
        "parlons_sessions_total{outcome=\"server_stanza_too_large\"} 1",
    )
    .await;
}

/// A roster of 10,000 contacts, about 1 MB in one stanza, comes through:
/// what servers send may be much larger than what clients may.
#[tokio::test]
async fn a_large_roster_comes_through() {
    let s = servers();
    let a = account(Server::Prosody);
    parlons_harness::prosody::write_roster(&s.prosody.config, &a.user, &a.domain, 10_000).unwrap();
    let (mut ws, _, _) = login(&endpoint(Via::Gateway, Server::Prosody), &a).await;
    ws.send(r#"<iq xmlns="jabber:client" type="get" id="big"><query xmlns="jabber:iq:roster"/></iq>"#)
        .await;
    let got = ws.recv_until(|e| e.attr("id") == Some("big")).await;
    let query = got.get_child("query", "jabber:iq:roster").expect("a roster");
    assert_eq!(query.children().count(), 10_000);
    ws.close().await;
}

/// A server of our own that, on each connection, answers the header, reads
/// once more, then sends the start of a stanza of the next size in `sizes`
/// and holds it.
async fn server_holding_partials(sizes: Vec<usize>) -> u16 {
    let partials = sizes.into_iter().map(|size| {
        format!("<message from='a@localhost'><body>{}", "x".repeat(size))
            .into_bytes()
            .into()
    });
    support::server_holding_partials("localhost", partials).await
}

/// Waits until the gateway's `parlons_buffered_bytes` is what `wanted`
/// says.
async fn await_buffered(addr: std::net::SocketAddr, wanted: impl Fn(usize) -> bool) {
    await_metrics(addr, "the buffered bytes awaited", |metrics| {
        let held = metrics
            .lines()
            .find_map(|l| l.strip_prefix("parlons_buffered_bytes "))
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or(0);
        wanted(held)
    })
    .await;
}

/// The gateway's buffer budget: past it the session holding the most ends
/// with resource-constraint; while it is spent, new sessions are refused.
#[tokio::test]
async fn the_buffer_budget_ends_the_largest_holder() {
    let port = server_holding_partials(vec![50_000, 20_000, 60_000]).await;
    let (addr, _stop) = spawn_gateway(|c| {
        c.limits.buffer_budget = 64_000;
        c.upstreams.insert(
            "localhost".into(),
            format!("plain://127.0.0.1:{port}").parse().unwrap(),
        );
    })
    .await;
    let url = format!("ws://{addr}/xmpp-websocket");
    let hold = |_| async {
        let mut ws = XmppWs::connect(&url).await;
        ws.open("localhost").await;
        ws.send(r#"<presence xmlns="jabber:client"/>"#).await;
        ws
    };
    let mut large = hold(()).await;
    await_buffered(addr, |held| held >= 50_000).await;
    let mut small = hold(()).await;
    let got = large.drain().await;
    assert_stream_error(&got, "resource-constraint");
    assert!(got.iter().any(|m| m.contains("short of memory")), "{got:?}");
    // The large one's bytes come back; the small one goes on holding.
    await_buffered(addr, |held| (20_000..30_000).contains(&held)).await;
    let mut third = hold(()).await;
    // 20 + 60 KB is past the budget again: the third now holds the most.
    assert_stream_error(&third.drain().await, "resource-constraint");
    small
        .send(r#"<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>"#)
        .await;
    let _ = small.drain().await;
}

/// While the budget is spent, a new session is refused at once.
#[tokio::test]
async fn a_spent_budget_refuses_new_sessions() {
    let mut config = support::base_config();
    config.limits.buffer_budget = 1000;
    let (_tx, rx) = tokio::sync::watch::channel(false);
    let state = parlons_backend::AppState::new(config, rx).unwrap();
    // Some session holds the whole budget.
    let charge = state.gateway.budget.charge();
    charge.set(1000);
    let addr = support::serve(state).await;
    let got = open_and_drain(&format!("ws://{addr}/xmpp-websocket"), "localhost").await;
    assert_stream_error(&got, "resource-constraint");
    assert!(got.iter().any(|m| m.contains("short of memory")), "{got:?}");
    drop(charge);
}
