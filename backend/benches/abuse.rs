//! Abuse: 500 sessions from one address, each holding a stanza at its
//! limit that never ends, beside 2,000 idle sessions. Once from the
//! server's side (a hostile server of our own sends 4 MiB of an unfinished
//! stanza in each), once from the browser's (the first fragment of a
//! WebSocket message at the limit, and never the rest). Prints the
//! gateway's resident memory, which the buffer budget (256 MiB by default)
//! must bound, what it counts as held, and a real client's sign-in time
//! and round trip meanwhile.
//!
//! The stanza deadline is set to an hour here, so that the budget alone
//! bounds the holding; by default it ends each hold after 30 s.
//!
//! `cargo bench -p parlons-backend --bench abuse` (or `make bench`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "../tests/support/mod.rs"]
mod support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::{percentile, rss};
use support::{XmppWs, login, servers};

const IDLE: usize = 2_000;
const HOLDERS: usize = 500;
/// The server's stanza limit (`max-server-stanza-bytes`, 4 MiB).
const SERVER_LIMIT: usize = 4 * 1024 * 1024;
/// Just under the browser's message limit (twice `max-stanza-bytes`).
const CLIENT_HOLD: usize = 500 * 1024;
const HOSTILE: &str = "hostile.test";

fn main() {
    common::run_with_files(1 << 20, run());
}

async fn run() {
    let dir = parlons_harness::TempDir::new("abuse").unwrap();
    let partial: Arc<[u8]> = format!("<message><body>{}", "x".repeat(SERVER_LIMIT - 100))
        .into_bytes()
        .into();
    let hostile = support::server_holding_partials(HOSTILE, std::iter::repeat(partial)).await;
    let gateway = gateway(dir.path(), hostile);
    let url = gateway.websocket_url();
    let account = servers().prosody.create_account().unwrap();

    let idle = common::open_idle(&url, IDLE).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    println!("parlons abuse test: {HOLDERS} holders beside {IDLE} idle sessions, buffer budget 256 MiB");
    println!(
        "{:<44}{:>10}{:>12}{:>12}{:>10}{:>7}",
        "", "RSS MiB", "held MiB", "sign-in ms", "RTT ms", "tries"
    );
    line("idle sessions only", &gateway, &url, &account).await;

    let holders = hold(HOLDERS, |_| async {
        let mut ws = XmppWs::connect(&url).await;
        ws.open(HOSTILE).await;
        ws.send(r#"<presence xmlns="jabber:client"/>"#).await;
        ws
    })
    .await;
    line(
        "a hostile server, 4 MiB held per session",
        &gateway,
        &url,
        &account,
    )
    .await;
    drop(holders);
    tokio::time::sleep(Duration::from_secs(3)).await;

    let fragment = format!(
        "<message xmlns='jabber:client'><body>{}",
        "x".repeat(CLIENT_HOLD - 100)
    );
    let holders = hold(HOLDERS, |_| async {
        let mut ws = XmppWs::connect(&url).await;
        ws.open("localhost").await;
        ws.send_first_fragment(&fragment).await;
        ws
    })
    .await;
    line("browsers, 500 KiB of one message each", &gateway, &url, &account).await;
    drop(holders);
    drop(idle);
}

/// A gateway of its own: Prosody's `localhost`, and the hostile server as
/// `hostile.test`; caps out of reach, the stanza deadline an hour.
fn gateway(dir: &std::path::Path, hostile: u16) -> parlons_harness::Gateway {
    std::fs::create_dir_all(dir).unwrap();
    let config = common::uncapped_config(dir);
    let toml = std::fs::read_to_string(&config).unwrap();
    std::fs::write(
        &config,
        toml.replace("[timeouts]\n", "[timeouts]\nstanza = 3600\n"),
    )
    .unwrap();
    let upstreams = [
        format!("localhost=127.0.0.1:{}", servers().prosody.ports.c2s),
        format!("{HOSTILE}=plain://127.0.0.1:{hostile}"),
    ];
    common::spawn_gateway(dir, &upstreams, &config)
}

/// `n` sessions made by `open`, 50 at a time; those the gateway ends are
/// kept too, as the attacker would not notice.
async fn hold<F, Fut>(n: usize, open: F) -> Vec<XmppWs>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = XmppWs>,
{
    let mut out = Vec::with_capacity(n);
    for batch in (0..n).collect::<Vec<_>>().chunks(50) {
        out.extend(futures_util::future::join_all(batch.iter().map(|i| open(*i))).await);
    }
    out
}

/// One line of figures: the gateway's memory and what it counts as held,
/// then a real client's sign-in and 20 pings.
async fn line(what: &str, gateway: &parlons_harness::Gateway, url: &str, account: &parlons_harness::Account) {
    let held = settled(gateway).await as f64 / 1048576.0;
    let rss = rss(gateway.pid()) as f64 / 1048576.0;
    // Refused while the budget is spent, a person tries again a second
    // later; counted from the first try.
    let start = Instant::now();
    let mut tries = 1;
    let mut ws = loop {
        let (to, who) = (url.to_owned(), account.clone());
        match tokio::spawn(async move { login(&to, &who).await }).await {
            Ok((ws, _, _)) => break ws,
            Err(_) if tries < 30 => tries += 1,
            Err(e) => panic!("no sign-in in 30 tries: {e}"),
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    let sign_in = start.elapsed().as_secs_f64() * 1000.0;
    let mut rtt = Vec::new();
    for i in 0..20 {
        let at = Instant::now();
        ws.send(&format!(
            r#"<iq xmlns="jabber:client" type="get" id="ping{i}"><ping xmlns="urn:xmpp:ping"/></iq>"#
        ))
        .await;
        ws.recv_until(|e| e.attr("id") == Some(&format!("ping{i}"))).await;
        rtt.push(at.elapsed().as_secs_f64() * 1000.0);
    }
    ws.close().await;
    println!(
        "{what:<44}{rss:>10.1}{held:>12.1}{sign_in:>12.0}{:>10.2}{tries:>7}",
        percentile(&mut rtt, 50.0)
    );
}

/// What the gateway holds once it has not changed for two seconds (a
/// minute at most).
async fn settled(gateway: &parlons_harness::Gateway) -> usize {
    let mut last = buffered(gateway).await;
    for _ in 0..30 {
        tokio::time::sleep(Duration::from_secs(2)).await;
        let now = buffered(gateway).await;
        if now == last {
            break;
        }
        last = now;
    }
    last
}

/// What the gateway counts as held (`parlons_buffered_bytes`).
async fn buffered(gateway: &parlons_harness::Gateway) -> usize {
    let url = gateway.metrics_url();
    let addr: std::net::SocketAddr = url
        .trim_start_matches("http://")
        .trim_end_matches("/metrics")
        .parse()
        .unwrap();
    let (_, body) = support::http_get(addr, "/metrics").await;
    body.lines()
        .find_map(|l| l.strip_prefix("parlons_buffered_bytes "))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}
