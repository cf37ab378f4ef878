//! Gateway benchmark, printed side by side in one run:
//! - message round trip p50/p99 through `parlons` and through Prosody's own
//!   WebSocket endpoint, both `ws://` and `wss://`, same server, same run,
//!   the three taking turns message by message;
//! - the same round trip through a relay that does no work at all, before
//!   Prosody's `ws://`, taking turns with it: what one more hop costs here;
//! - messages relayed per second, both ways, through each;
//! - resident memory per idle bridged session (TLS upstream) at 2,000
//!   sessions.
//!
//! `cargo bench -p parlons-backend --bench relay` (or `make bench`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use common::{open_idle, percentile, rss};
use support::{login, servers};

const RTT_ROUNDS: usize = 5_000;
const THROUGHPUT_MESSAGES: usize = 20_000;
const WINDOW: usize = 64;
const IDLE_SESSIONS: usize = 2_000;

/// Set for the copy of this program that runs as the zero-work relay:
/// `LISTEN_ADDR TARGET_ADDR`.
const RELAY_ENV: &str = "PARLONS_BENCH_RELAY";

fn main() {
    if let Ok(spec) = std::env::var(RELAY_ENV) {
        return tcp_relay(&spec);
    }
    // 2,000 WebSockets and their TCP peers.
    common::run_with_files(65_536, run());
}

async fn run() {
    let s = servers();
    let paths = [
        ("via parlons", s.gateway.as_ref().unwrap().websocket_url()),
        ("Prosody ws://", s.prosody.websocket_url()),
        ("Prosody wss://", s.prosody.secure_websocket_url()),
    ];
    let urls: Vec<&str> = paths.iter().map(|(_, url)| url.as_str()).collect();
    let mut rtt = round_trips(&urls, RTT_ROUNDS).await;
    let mut hop = {
        let relay = Relay::start(s.prosody.ports.http);
        let url = format!("ws://127.0.0.1:{}/xmpp-websocket", relay.port);
        round_trips(&[&url, &paths[1].1], RTT_ROUNDS).await
    };
    let mut tput = Vec::new();
    for (_, url) in &paths {
        tput.push(throughput(url).await);
    }
    let per_session = idle_memory().await;

    println!();
    println!("parlons gateway benchmark (Prosody 0.12, loopback, {RTT_ROUNDS} round trips each)");
    print!("{:<32}", "");
    for (name, _) in &paths {
        print!(" {name:>15}");
    }
    println!("   ratios (parlons / ws, / wss)");
    for p in [50.0, 99.0] {
        let v: Vec<f64> = rtt.iter_mut().map(|r| percentile(r, p)).collect();
        print!("{:<32}", format!("message round trip p{p:.0} (µs)"));
        for x in &v {
            print!(" {x:>15.0}");
        }
        println!("   {:.2}x, {:.2}x", v[0] / v[1], v[0] / v[2]);
    }
    let (via, direct) = (percentile(&mut hop[0], 50.0), percentile(&mut hop[1], 50.0));
    println!(
        "{:<32} {via:>15.0} {direct:>15.0}   {:.2}x: one more hop, no work",
        "p50 via a bare relay, ws:// (µs)",
        via / direct
    );
    print!("{:<32}", "messages relayed per second");
    for x in &tput {
        print!(" {x:>15.0}");
    }
    println!("   {:.2}x, {:.2}x", tput[0] / tput[1], tput[0] / tput[2]);
    println!(
        "{:<32} {:>13.1} KiB   (target: 64 KiB)",
        format!("memory per idle session ({IDLE_SESSIONS})"),
        per_session / 1024.0
    );
}

fn message(to: &str, id: usize) -> String {
    format!(
        r#"<message xmlns="jabber:client" to="{to}" id="b{id}" type="chat"><body>benchmark message {id}</body><no-store xmlns="urn:xmpp:hints"/><no-permanent-store xmlns="urn:xmpp:hints"/></message>"#
    )
}

fn is_message(e: &minidom::Element) -> bool {
    e.name() == "message" && e.attr("id").is_some_and(|id| id.starts_with('b'))
}

/// Sends messages to our own full JID, one at a time, on one session per
/// path; returns each path's round trips in microseconds.
///
/// The paths take turns message by message, in an order that rotates, so
/// that all of them meet the same machine: on a shared 2-core machine the
/// latency drifts by some 20% from one second to the next.
async fn round_trips(urls: &[&str], rounds: usize) -> Vec<Vec<f64>> {
    const WARM_UP: usize = 100;
    let mut sessions = Vec::new();
    for url in urls {
        let account = servers().prosody.create_account().unwrap();
        let (ws, jid, _) = login(url, &account).await;
        sessions.push((ws, jid));
    }
    let mut out = vec![Vec::with_capacity(rounds); urls.len()];
    for i in 0..rounds + WARM_UP {
        for turn in 0..sessions.len() {
            let path = (i + turn) % sessions.len();
            let (ws, jid) = &mut sessions[path];
            let start = Instant::now();
            ws.send(&message(jid, i)).await;
            ws.recv_until(is_message).await;
            if i >= WARM_UP {
                out[path].push(start.elapsed().as_secs_f64() * 1e6);
            }
        }
    }
    for (ws, _) in sessions {
        ws.close().await;
    }
    out
}

/// Messages to ourselves with a window in flight; returns messages relayed
/// per second, counting each one in and out.
async fn throughput(url: &str) -> f64 {
    let account = servers().prosody.create_account().unwrap();
    let (mut ws, jid, _) = login(url, &account).await;
    let start = Instant::now();
    let (mut sent, mut received) = (0, 0);
    while received < THROUGHPUT_MESSAGES {
        while sent < THROUGHPUT_MESSAGES && sent - received < WINDOW {
            ws.send(&message(&jid, sent)).await;
            sent += 1;
        }
        ws.recv_until(is_message).await;
        received += 1;
    }
    let rate = 2.0 * THROUGHPUT_MESSAGES as f64 / start.elapsed().as_secs_f64();
    ws.close().await;
    rate
}

/// The zero-work relay, a copy of this program in a process of its own like
/// the gateway; killed on drop.
struct Relay {
    child: std::process::Child,
    port: u16,
}

impl Relay {
    fn start(target_port: u16) -> Self {
        let port = parlons_harness::free_port().unwrap();
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .env(RELAY_ENV, format!("127.0.0.1:{port} 127.0.0.1:{target_port}"))
            .spawn()
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "the relay did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
        Self { child, port }
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Copies each connection both ways to the target and does nothing else:
/// the floor for any gateway on a Tokio runtime. `TCP_NODELAY` both sides,
/// as the gateway sets it.
fn tcp_relay(spec: &str) {
    let (listen, target) = spec.split_once(' ').unwrap();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::bind(listen).await.unwrap();
        loop {
            let (mut client, _) = listener.accept().await.unwrap();
            let target = target.to_owned();
            tokio::spawn(async move {
                let mut server = tokio::net::TcpStream::connect(target).await.unwrap();
                client.set_nodelay(true).unwrap();
                server.set_nodelay(true).unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
}

/// A gateway of its own, so its memory is ours alone to count.
async fn idle_memory() -> f64 {
    let dir = parlons_harness::TempDir::new("bench").unwrap();
    let config = common::uncapped_config(dir.path());
    let gateway = support::spawn_gateway_process(dir.path(), Some(&config));
    let url = gateway.websocket_url();
    // Warm up allocator and TLS state with a few sessions first.
    let mut sessions = open_idle(&url, 20).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss(gateway.pid());
    sessions.extend(open_idle(&url, IDLE_SESSIONS).await);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rss(gateway.pid());
    drop(sessions);
    (after - before) as f64 / IDLE_SESSIONS as f64
}
