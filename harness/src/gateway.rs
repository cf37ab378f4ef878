//! The `parlons` gateway under test, pointed at the harness's servers.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::{HarnessError, Supervised, TestCa, wait_for_port};

/// A running `parlons`.
#[derive(Debug)]
pub struct Gateway {
    /// Its HTTP port on 127.0.0.1.
    pub port: u16,
    /// Its `/metrics` port on 127.0.0.1.
    pub metrics_port: u16,
    process: Supervised,
    /// How it was started, to start it again.
    command: Command,
}

/// How a gateway is stopped before it starts again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    /// SIGTERM: it closes its sessions with `system-shutdown` first.
    Graceful,
    /// SIGKILL: a crash.
    Crash,
}

impl Gateway {
    /// Starts `bin` on 127.0.0.1:`port` serving `site_dir`, with `upstreams`
    /// overrides (`DOMAIN=HOST:PORT`), trusting the test CA, and reading
    /// `config` if given; logs go to `dir`.
    pub fn spawn(
        bin: &Path,
        port: u16,
        site_dir: &Path,
        upstreams: &[String],
        ca: &TestCa,
        dir: &Path,
        config: Option<&Path>,
    ) -> Result<Self, HarnessError> {
        std::fs::create_dir_all(dir).map_err(|e| HarnessError::io("create gateway dir", e))?;
        let metrics_port = crate::free_port()?;
        let mut cmd = Command::new(bin);
        cmd.arg("--listen")
            .arg(format!("127.0.0.1:{port}"))
            .arg("--metrics-listen")
            .arg(format!("127.0.0.1:{metrics_port}"))
            .arg("--site-dir")
            .arg(site_dir)
            .arg("--ca-file")
            .arg(&ca.ca)
            .env("RUST_LOG", "info,parlons_backend=debug");
        for u in upstreams {
            cmd.arg("--upstream").arg(u);
        }
        if let Some(config) = config {
            cmd.arg("--config").arg(config);
        }
        let process = Supervised::spawn("parlons", &mut cmd, &dir.join("parlons.log"))?;
        process.wait_until(Duration::from_secs(30), || wait_for_port(port))?;
        Ok(Self {
            port,
            metrics_port,
            process,
            command: cmd,
        })
    }

    /// Kills it (SIGKILL), as a crash would, and leaves it dead.
    pub fn kill(&mut self) {
        self.process.kill();
    }

    /// Stops it as `stop` says, then starts it again on the same port.
    pub fn restart(&mut self, stop: Stop) -> Result<(), HarnessError> {
        self.process.restart(&mut self.command, stop == Stop::Crash)?;
        let port = self.port;
        self.process
            .wait_until(Duration::from_secs(30), || wait_for_port(port))
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// `http://127.0.0.1:PORT/metrics`, on its own listener.
    pub fn metrics_url(&self) -> String {
        format!("http://127.0.0.1:{}/metrics", self.metrics_port)
    }

    /// The gateway's RFC 7395 endpoint.
    pub fn websocket_url(&self) -> String {
        format!("ws://127.0.0.1:{}/xmpp-websocket", self.port)
    }

    /// The gateway's pid.
    pub fn pid(&self) -> u32 {
        self.process.pid()
    }

    /// The end of the gateway's log.
    pub fn log_tail(&self) -> String {
        self.process.log_tail()
    }
}
