//! The harness itself: real Prosody and ejabberd answer on their own RFC 7395
//! endpoints, and `parlons` starts, answers `/healthz` and serves the client.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{XmppWs, servers};

const FRAMING: &str = "urn:ietf:params:xml:ns:xmpp-framing";
const STREAMS: &str = "http://etherx.jabber.org/streams";
const SASL: &str = "urn:ietf:params:xml:ns:xmpp-sasl";

async fn assert_opens_stream(url: &str, domain: &str) {
    let mut ws = XmppWs::connect(url).await;
    assert_eq!(ws.protocol.as_deref(), Some("xmpp"));
    let (open, features) = ws.open(domain).await;
    assert!(open.is("open", FRAMING), "{open:?}");
    assert_eq!(open.attr("from"), Some(domain));
    assert_eq!(open.attr("version"), Some("1.0"));
    assert!(features.is("features", STREAMS), "{features:?}");
    let mechanisms: Vec<String> = features
        .get_child("mechanisms", SASL)
        .expect("SASL mechanisms offered")
        .children()
        .map(|m| m.text())
        .collect();
    assert!(mechanisms.iter().any(|m| m == "SCRAM-SHA-1"), "{mechanisms:?}");
    ws.close().await;
}

#[tokio::test]
async fn prosody_answers_on_its_own_websocket() {
    let s = servers();
    assert_opens_stream(&s.prosody.websocket_url(), "localhost").await;
}

#[tokio::test]
async fn ejabberd_answers_on_its_own_websocket() {
    let s = servers();
    assert_opens_stream(&s.ejabberd.websocket_url(), "b.test").await;
}

#[test]
fn fresh_accounts_are_distinct_and_usable() {
    let s = servers();
    let a = s.prosody.create_account().unwrap();
    let b = s.prosody.create_account().unwrap();
    assert_ne!(a.user, b.user);
    assert_eq!(a.domain, "localhost");
    let c = s.ejabberd.create_account().unwrap();
    assert_eq!(c.domain, "b.test");
    // ejabberd refuses a second registration of the same name.
    assert!(s.ejabberd.register(&c).is_err());
}

#[tokio::test]
async fn parlons_answers_healthz_and_serves_the_client() {
    let gateway = servers().gateway.as_ref().expect("gateway started");
    let health = http_get(gateway.port, "/healthz").await;
    assert!(health.starts_with("HTTP/1.1 200"), "{health}");
    assert!(health.ends_with("ok\n"), "{health}");

    let index = http_get(gateway.port, "/").await;
    assert!(index.starts_with("HTTP/1.1 200"), "{index}");
    assert!(index.contains("<title>Parlons</title>"), "{index}");
    assert!(
        index.to_ascii_lowercase().contains("cache-control: no-cache"),
        "{index}"
    );
    assert!(index.contains("frame-ancestors 'none'"), "{index}");
}

/// A bare HTTP/1.1 GET, returning the whole response.
async fn http_get(port: u16, path: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(("127.0.0.1", port)).await.unwrap();
    conn.write_all(format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = String::new();
    conn.read_to_string(&mut out).await.unwrap();
    out
}
