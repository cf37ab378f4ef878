//! What the gateway benches share: a gateway without caps, idle streams,
//! resident memory and percentiles.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use crate::support::XmppWs;

/// Runs a bench's `main` on a multi-threaded runtime, with `files` file
/// descriptors allowed: each session is a WebSocket here and two sockets
/// in the gateway.
pub fn run_with_files<F: std::future::Future>(files: u64, main: F) -> F::Output {
    let _ = rlimit::increase_nofile_limit(files);
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(main)
}

/// A release `parlons` of a bench's own, logging to `dir`, with
/// `upstreams` (`DOMAIN=TARGET`) and the configuration file `config`.
pub fn spawn_gateway(dir: &Path, upstreams: &[String], config: &Path) -> parlons_harness::Gateway {
    let s = crate::support::servers();
    parlons_harness::Gateway::spawn(
        env!("CARGO_BIN_EXE_parlons").as_ref(),
        parlons_harness::free_port().unwrap(),
        &s.dir().join("site"),
        upstreams,
        &s.ca,
        dir,
        Some(config),
    )
    .unwrap()
}

/// A configuration in `dir` whose caps and timeouts no bench reaches.
pub fn uncapped_config(dir: &Path) -> PathBuf {
    let config = dir.join("parlons.toml");
    std::fs::write(
        &config,
        "[timeouts]\npreauth = 3600\nidle = 3600\nping = 1800\n\
         [limits]\nconnections = 1000000\nconnections-per-ip = 1000000\nconnections-per-domain = 1000000\n\
         unbound-connections = 1000000\nattempt-burst = 1000000\nattempts-per-minute = 1000000\n",
    )
    .unwrap();
    config
}

/// Opens `n` streams (TLS upstream, features received) and keeps them.
pub async fn open_idle(url: &str, n: usize) -> Vec<XmppWs> {
    let mut out = Vec::with_capacity(n);
    for batch in (0..n).collect::<Vec<_>>().chunks(50) {
        let opened = futures_util::future::join_all(batch.iter().map(|_| async {
            let mut ws = XmppWs::connect(url).await;
            ws.open("localhost").await;
            ws
        }))
        .await;
        out.extend(opened);
    }
    out
}

/// Resident memory of a process, in bytes.
pub fn rss(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .unwrap()
        * 1024
}

/// The `p`th percentile of `v` (sorted in place); NaN when empty.
pub fn percentile(v: &mut [f64], p: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let i = ((p / 100.0) * (v.len() - 1) as f64).round() as usize;
    v[i]
}
