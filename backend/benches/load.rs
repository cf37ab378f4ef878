//! Load test: 2,000 signed-in sessions through one `parlons`, in pairs,
//! each sending its partner a message a second for 60 s, which answers
//! each with a receipt. Prints messages sent, received, lost and
//! duplicated, the round trip (to the receipt) p50 and p99, and
//! the gateway's resident memory and CPU; then the memory per idle
//! session at 10,000 sessions.
//!
//! Against the harness's ejabberd 23.01: Prosody 0.12, one Lua thread,
//! falls behind at this rate on this machine (the backlog grows by the
//! minute), while the gateway stays under a tenth of a core.
//! `PARLONS_LOAD_SERVER=prosody` runs it against Prosody anyway.
//!
//! `cargo bench -p parlons-backend --bench load` (or `make bench`).
//! Sizes: `PARLONS_LOAD_SESSIONS`, `PARLONS_LOAD_SECONDS`,
//! `PARLONS_LOAD_IDLE`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
#[path = "../tests/support/mod.rs"]
mod support;

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use common::{percentile, rss};
use parlons_harness::Account;
use support::{XmppWs, login, servers};

/// XEP-0334: not archived. The test measures relaying, and the archive's
/// writes (two per message, in Mnesia or Prosody's files) would bound it
/// first on this machine.
const NO_STORE: &str = r#"<no-store xmlns="urn:xmpp:hints"/><no-permanent-store xmlns="urn:xmpp:hints"/>"#;

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn main() {
    common::run_with_files(1 << 20, run());
}

/// What one session saw.
#[derive(Default)]
struct Tally {
    sent: u64,
    /// `(sender, sequence)` of each message received.
    received: Vec<(usize, u64)>,
    /// Round trips to the partner's receipt, in µs.
    rtt: Vec<f64>,
}

async fn run() {
    let sessions = setting("PARLONS_LOAD_SESSIONS", 2_000) & !1;
    let seconds = setting("PARLONS_LOAD_SECONDS", 60) as u64;
    let idle = setting("PARLONS_LOAD_IDLE", 10_000);
    let prosody = std::env::var("PARLONS_LOAD_SERVER").is_ok_and(|s| s == "prosody");
    let dir = parlons_harness::TempDir::new("load").unwrap();
    let gateway = big_gateway(dir.path());
    let url = gateway.websocket_url();
    let start = Instant::now();
    let accounts = if prosody {
        prosody_accounts(sessions)
    } else {
        ejabberd_accounts(sessions)
    };
    let server = if prosody { "Prosody 0.12" } else { "ejabberd 23.01" };
    println!(
        "{sessions} accounts on {server} made in {:.1} s",
        start.elapsed().as_secs_f64()
    );

    let start = Instant::now();
    let mut clients = Vec::with_capacity(sessions);
    for batch in accounts.chunks(50) {
        let done = futures_util::future::join_all(batch.iter().map(|a| login(&url, a))).await;
        clients.extend(done.into_iter().map(|(ws, jid, _)| (ws, jid)));
    }
    println!(
        "{sessions} sessions signed in in {:.1} s",
        start.elapsed().as_secs_f64()
    );
    let jids: Vec<String> = clients.iter().map(|(_, jid)| jid.clone()).collect();

    let cpu_before = cpu_seconds(gateway.pid());
    let rss_before = rss(gateway.pid());
    let clock = Instant::now();
    let tasks: Vec<_> = clients
        .into_iter()
        .enumerate()
        .map(|(i, (ws, _))| tokio::spawn(chat(ws, i, jids[i ^ 1].clone(), seconds)))
        .collect();
    let tallies: Vec<Tally> = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .map(Result::unwrap)
        .collect();
    let wall = clock.elapsed().as_secs_f64();
    let cpu = cpu_seconds(gateway.pid()) - cpu_before;
    let rss_during = rss(gateway.pid());
    report(&tallies, sessions, seconds, cpu / wall, rss_before, rss_during);
    drop(gateway);

    let per_idle = idle_memory(dir.path(), idle).await;
    println!(
        "memory per idle session ({idle})   {:>10.1} KiB",
        per_idle / 1024.0
    );
}

/// A gateway of its own in front of both servers, with caps above the
/// load.
fn big_gateway(dir: &std::path::Path) -> parlons_harness::Gateway {
    std::fs::create_dir_all(dir).unwrap();
    let s = servers();
    let upstreams = [
        format!("localhost=127.0.0.1:{}", s.prosody.ports.c2s),
        format!("b.test=127.0.0.1:{}", s.ejabberd.ports.c2s),
    ];
    common::spawn_gateway(dir, &upstreams, &common::uncapped_config(dir))
}

/// `n` accounts on the harness's ejabberd, through its HTTP API.
fn ejabberd_accounts(n: usize) -> Vec<Account> {
    let s = servers();
    (0..n).map(|_| s.ejabberd.create_account().unwrap()).collect()
}

/// `n` accounts on the harness's Prosody, written as account files with a
/// plaintext password, which Prosody hashes at the first sign-in:
/// `prosodyctl register` takes a second each.
fn prosody_accounts(n: usize) -> Vec<Account> {
    let s = servers();
    let dir = s
        .prosody
        .config
        .parent()
        .unwrap()
        .join("localhost")
        .join("accounts");
    std::fs::create_dir_all(&dir).unwrap();
    (0..n)
        .map(|_| {
            let account = Account::random("localhost");
            let file = dir.join(format!("{}.dat", account.user));
            std::fs::write(
                file,
                format!("return {{\n[\"password\"] = \"{}\";\n}};\n", account.password),
            )
            .unwrap();
            account
        })
        .collect()
}

/// One session: a message a second to `partner` for `seconds`, each
/// asking for a receipt (XEP-0184), which the partner sends back: the round
/// trip is from sending to the receipt. Then 10 s more to hear the last.
async fn chat(mut ws: XmppWs, me: usize, partner: String, seconds: u64) -> Tally {
    let mut tally = Tally::default();
    let mut sent_at: HashMap<String, Instant> = HashMap::new();
    // Spread the sends over the second.
    let offset = Duration::from_micros((me as u64 * 7919) % 1_000_000);
    let mut tick = tokio::time::interval_at(tokio::time::Instant::now() + offset, Duration::from_secs(1));
    let end = tokio::time::Instant::now() + Duration::from_secs(seconds) + offset;
    let drain = end + Duration::from_secs(10);
    loop {
        tokio::select! {
            _ = tick.tick(), if tokio::time::Instant::now() < end => {
                let id = format!("l{me}-{}", tally.sent);
                ws.send(&format!(
                    r#"<message xmlns="jabber:client" to="{partner}" id="{id}" type="chat"><body>load {me} {}</body><request xmlns="urn:xmpp:receipts"/>{NO_STORE}</message>"#,
                    tally.sent
                ))
                .await;
                sent_at.insert(id, Instant::now());
                tally.sent += 1;
            }
            text = ws.recv() => {
                let el = support::parse(&text);
                if let Some(id) = el.get_child("received", "urn:xmpp:receipts").and_then(|r| r.attr("id")) {
                    if let Some(at) = sent_at.remove(id) {
                        tally.rtt.push(at.elapsed().as_micros() as f64);
                    }
                } else if let Some((from, seq)) = load_message(&el) {
                    tally.received.push((from, seq));
                    let id = el.attr("id").unwrap_or_default();
                    ws.send(&format!(
                        r#"<message xmlns="jabber:client" to="{partner}" type="chat"><received xmlns="urn:xmpp:receipts" id="{id}"/>{NO_STORE}</message>"#
                    ))
                    .await;
                }
            }
            _ = tokio::time::sleep_until(drain) => return tally,
        }
    }
}

/// `(sender, sequence)` of a load message.
fn load_message(el: &minidom::Element) -> Option<(usize, u64)> {
    let body = el.get_child("body", "jabber:client")?.text();
    let mut parts = body.strip_prefix("load ")?.split(' ');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn report(tallies: &[Tally], sessions: usize, seconds: u64, cpu: f64, rss_before: u64, rss_during: u64) {
    let sent: u64 = tallies.iter().map(|t| t.sent).sum();
    let mut received = 0u64;
    let mut duplicated = 0u64;
    let mut lost = 0u64;
    for (i, t) in tallies.iter().enumerate() {
        let partner = &tallies[i ^ 1];
        let unique: HashSet<&(usize, u64)> = t.received.iter().collect();
        received += t.received.len() as u64;
        duplicated += (t.received.len() - unique.len()) as u64;
        lost += (0..partner.sent)
            .filter(|s| !unique.contains(&(i ^ 1, *s)))
            .count() as u64;
    }
    let mut rtt: Vec<f64> = tallies.iter().flat_map(|t| t.rtt.iter().copied()).collect();
    println!();
    println!("parlons load test: {sessions} sessions in pairs, a message a second each for {seconds} s");
    println!("messages sent                      {sent:>10}");
    println!("messages received                  {received:>10}");
    println!("lost                               {lost:>10}   (must be 0)");
    println!("duplicated                         {duplicated:>10}   (must be 0)");
    println!(
        "round trip (to receipt) p50        {:>10.0} µs",
        percentile(&mut rtt, 50.0)
    );
    println!(
        "round trip (to receipt) p99        {:>10.0} µs",
        percentile(&mut rtt, 99.0)
    );
    println!(
        "gateway CPU                        {:>10.1} % of one core",
        cpu * 100.0
    );
    println!(
        "gateway memory, idle → loaded      {:>6.1} → {:.1} MiB",
        mib(rss_before),
        mib(rss_during)
    );
}

/// Streams opened (TLS upstream, features received) and held, `n` of
/// them, through a gateway of their own.
async fn idle_memory(dir: &std::path::Path, n: usize) -> f64 {
    let gateway = big_gateway(&dir.join("idle"));
    let url = gateway.websocket_url();
    let mut held = common::open_idle(&url, 20).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = rss(gateway.pid());
    held.extend(common::open_idle(&url, n).await);
    tokio::time::sleep(Duration::from_secs(1)).await;
    let after = rss(gateway.pid());
    drop(held);
    (after - before) as f64 / n as f64
}

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

/// User and system CPU time of a process, in seconds.
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')').unwrap().1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields[11].parse::<f64>().unwrap() + fields[12].parse::<f64>().unwrap();
    // Linux reports clock ticks of 1/100 s.
    ticks / 100.0
}
