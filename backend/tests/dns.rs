//! RFC 6120 §3.2 and XEP-0368 resolution, against a DNS server of our own.
//! The XMPP domain is ejabberd's `b.test`: resolvers never send `localhost`
//! names to DNS (RFC 6761).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::net::Ipv4Addr;

use support::dns::{Zone, serve};
use support::{assert_stream_error, login, open_and_drain, servers, spawn_gateway};

const LOOPBACK: Ipv4Addr = Ipv4Addr::LOCALHOST;

/// A gateway asking only our DNS server, serving `domains` (organisation
/// mode: resolved addresses are trusted, so loopback is reachable).
async fn gateway_with_dns(zone: Zone, domains: &[&str]) -> String {
    let dns = serve(zone).await;
    let domains: Vec<String> = domains.iter().map(|d| d.to_string()).collect();
    let (addr, stop) = spawn_gateway(|c| {
        c.dns_servers = vec![dns];
        c.allow_domains = domains;
    })
    .await;
    // The gateway lives as long as the test's runtime.
    std::mem::forget(stop);
    format!("ws://{addr}/xmpp-websocket")
}

/// Logs in on ejabberd through a gateway that resolves `b.test` by `zone`.
async fn logs_in_with(zone: Zone) {
    let url = gateway_with_dns(zone, &["b.test"]).await;
    let account = servers().ejabberd.create_account().unwrap();
    let (ws, _, _) = login(&url, &account).await;
    ws.close().await;
}

#[tokio::test]
async fn srv_records_are_tried_by_priority_across_both_services() {
    let s = servers();
    let dead = support::closed_port();
    let (last, knocks) = knock_counter().await;
    // Listed first in each service, tried last: only a resolver that
    // ignored priority would knock there before ejabberd's ports.
    let zone = Zone::default()
        .srv("_xmpps-client._tcp.b.test.", 20, 0, last, "last.srv.test.")
        .srv("_xmpp-client._tcp.b.test.", 20, 0, last, "last.srv.test.")
        // Best priority, but nothing listens there.
        .srv("_xmpps-client._tcp.b.test.", 0, 0, dead, "dead.srv.test.")
        // Next: STARTTLS on ejabberd's c2s port.
        .srv(
            "_xmpp-client._tcp.b.test.",
            5,
            10,
            s.ejabberd.ports.c2s,
            "c2s.srv.test.",
        )
        .srv(
            "_xmpps-client._tcp.b.test.",
            10,
            0,
            s.ejabberd.ports.c2s_direct_tls,
            "tls.srv.test.",
        )
        .a("last.srv.test.", LOOPBACK)
        .a("dead.srv.test.", LOOPBACK)
        .a("c2s.srv.test.", LOOPBACK)
        .a("tls.srv.test.", LOOPBACK);
    logs_in_with(zone).await;
    assert_eq!(knocks.load(std::sync::atomic::Ordering::SeqCst), 0);
}

/// A loopback port that counts the connections made to it and drops them.
async fn knock_counter() -> (u16, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind((LOOPBACK, 0)).await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let knocks = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = knocks.clone();
    tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            drop(conn);
        }
    });
    (port, knocks)
}

#[tokio::test]
async fn direct_tls_srv_alone_is_enough() {
    let s = servers();
    let zone = Zone::default()
        .srv(
            "_xmpps-client._tcp.b.test.",
            0,
            0,
            s.ejabberd.ports.c2s_direct_tls,
            "tls.srv.test.",
        )
        .a("tls.srv.test.", LOOPBACK);
    logs_in_with(zone).await;
}

#[tokio::test]
async fn a_dot_target_means_no_service() {
    let zone = Zone::default()
        .srv("_xmpp-client._tcp.noservice.test.", 0, 0, 5222, ".")
        .srv("_xmpps-client._tcp.noservice.test.", 0, 0, 5223, ".");
    let url = gateway_with_dns(zone, &["noservice.test"]).await;
    let got = open_and_drain(&url, "noservice.test").await;
    assert_stream_error(&got, "host-unknown");
    assert!(
        got.iter().any(|m| m.contains("offers no XMPP client service")),
        "{got:?}"
    );
}

/// Opens a stream to `domain`, which `zone` resolves to `ip`, and checks
/// that the gateway tried `ip` on port 5222: something of ours listens there.
async fn expect_attempt_on_5222(zone: Zone, domain: &str, ip: Ipv4Addr) {
    let listener = tokio::net::TcpListener::bind((ip, 5222)).await.unwrap();
    let url = gateway_with_dns(zone, &[domain]).await;
    let attempt = tokio::spawn(async move {
        let (conn, _) = listener.accept().await.unwrap();
        drop(conn);
    });
    let got = open_and_drain(&url, domain).await;
    attempt.await.unwrap();
    assert_stream_error(&got, "remote-connection-failed");
}

#[tokio::test]
async fn without_srv_the_domain_itself_is_tried_on_5222() {
    let ip = Ipv4Addr::new(127, 0, 0, 77);
    expect_attempt_on_5222(Zone::default().a("fallback.test.", ip), "fallback.test", ip).await;
}

#[tokio::test]
async fn a_domain_without_any_address_is_host_unknown() {
    let url = gateway_with_dns(Zone::default(), &["nowhere.test"]).await;
    let got = open_and_drain(&url, "nowhere.test").await;
    assert_stream_error(&got, "host-unknown");
    assert!(got.iter().any(|m| m.contains("could not find")), "{got:?}");
}

/// In open mode, DNS cannot steer the gateway into private networks or to
/// privileged ports.
#[tokio::test]
async fn open_mode_vets_what_dns_returns() {
    let zone = Zone::default()
        .srv(
            "_xmpp-client._tcp.metadata.test.",
            0,
            0,
            5222,
            "md.metadata.test.",
        )
        .a("md.metadata.test.", Ipv4Addr::new(169, 254, 169, 254))
        .srv("_xmpp-client._tcp.ssh.test.", 0, 0, 22, "host.ssh.test.")
        .a("host.ssh.test.", Ipv4Addr::new(93, 184, 216, 34))
        .a("private.test.", Ipv4Addr::new(10, 1, 2, 3));
    let url = gateway_with_dns(zone, &[]).await;
    for domain in ["metadata.test", "ssh.test", "private.test"] {
        let got = open_and_drain(&url, domain).await;
        assert_stream_error(&got, "policy-violation");
    }
}

/// XEP-0368: "." for `_xmpps-client` only rules out direct TLS; without
/// `_xmpp-client` records the domain itself is tried.
#[tokio::test]
async fn a_dot_for_direct_tls_alone_still_falls_back() {
    let ip = Ipv4Addr::new(127, 0, 0, 78);
    let zone = Zone::default()
        .srv("_xmpps-client._tcp.notls.test.", 0, 0, 5223, ".")
        .a("notls.test.", ip);
    expect_attempt_on_5222(zone, "notls.test", ip).await;
}
