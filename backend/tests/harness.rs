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
async fn prosody_answers_on_its_own_secure_websocket() {
    let s = servers();
    assert_opens_stream(&s.prosody.secure_websocket_url(), "localhost").await;
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
    let addr = ([127, 0, 0, 1], gateway.port).into();
    let (head, body) = support::http_get(addr, "/healthz").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert_eq!(body, "ok\n");

    let (head, body) = support::http_get(addr, "/").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body.contains("<title>Parlons</title>"), "{body}");
    assert!(
        head.to_ascii_lowercase().contains("cache-control: no-cache"),
        "{head}"
    );
    assert!(head.contains("frame-ancestors 'none'"), "{head}");
}

/// `/metrics` is served on its own listener, never on the site's.
#[tokio::test]
async fn metrics_have_a_listener_of_their_own() {
    let gateway = servers().gateway.as_ref().expect("gateway started");
    let site = ([127, 0, 0, 1], gateway.port).into();
    let (head, body) = support::http_get(site, "/metrics").await;
    assert!(head.starts_with("HTTP/1.1 404"), "{head}");
    assert!(!body.contains("parlons_sessions_open"), "{body}");
    let metrics = ([127, 0, 0, 1], gateway.metrics_port).into();
    let (head, body) = support::http_get(metrics, "/metrics").await;
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(body.contains("parlons_sessions_open "), "{body}");
}

/// SIGTERM: open sessions hear `system-shutdown`, then the process exits.
#[tokio::test]
async fn sigterm_shuts_down_gracefully() {
    let s = servers();
    let dir = parlons_harness::TempDir::new("sigterm").unwrap();
    let gateway = support::spawn_gateway_process(dir.path(), None);
    let account = s.prosody.create_account().unwrap();
    let (mut ws, _, _) = support::login(&gateway.websocket_url(), &account).await;
    let status = std::process::Command::new("kill")
        .args(["-TERM", &gateway.pid().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    support::assert_stream_error(&ws.drain().await, "system-shutdown");
    // The process goes away by itself.
    let proc_dir = format!("/proc/{}", gateway.pid());
    for _ in 0..200 {
        let gone = std::fs::read_to_string(format!("{proc_dir}/stat")).map_or(true, |s| s.contains(") Z "));
        if gone {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("parlons still running after SIGTERM");
}
