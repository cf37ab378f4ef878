//! Counters for `/metrics`, in the Prometheus text format. Only counts and
//! timings: nothing about who or what.

use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::time::Duration;

use crate::gateway::stream_error::Condition;

/// How a session ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// `<close/>` from either side, answered.
    Closed,
    /// The WebSocket went away without `<close/>`.
    ClientGone,
    /// The server dropped the connection.
    ServerGone,
    /// A stream error from the gateway ended it.
    Error(Condition),
    /// The gateway shut down.
    Shutdown,
    /// The server sent a stanza over `max-server-stanza-bytes`.
    ServerStanzaTooLarge,
}

impl Outcome {
    const LABELS: [&'static str; 6] = [
        "closed",
        "client_gone",
        "server_gone",
        "error",
        "shutdown",
        "server_stanza_too_large",
    ];

    fn index(self) -> usize {
        match self {
            Self::Closed => 0,
            Self::ClientGone => 1,
            Self::ServerGone => 2,
            Self::Error(_) => 3,
            Self::Shutdown => 4,
            Self::ServerStanzaTooLarge => 5,
        }
    }

    /// A short label for logs.
    pub fn label(self) -> &'static str {
        Self::LABELS[self.index()]
    }

    /// The stream error condition, if the gateway raised one.
    pub fn condition(self) -> Option<&'static str> {
        match self {
            Self::Error(c) => Some(c.name()),
            _ => None,
        }
    }
}

/// Upper bounds of the connect-time histogram, in seconds.
const CONNECT_BUCKETS: [f64; 10] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0];

/// The gateway's counters.
#[derive(Debug, Default)]
pub struct Metrics {
    open_sessions: AtomicI64,
    outcomes: [AtomicU64; Outcome::LABELS.len()],
    stanzas_to_server: AtomicU64,
    stanzas_to_client: AtomicU64,
    bytes_to_server: AtomicU64,
    bytes_to_client: AtomicU64,
    stream_errors: [AtomicU64; Condition::ALL.len()],
    connect_buckets: [AtomicU64; CONNECT_BUCKETS.len()],
    connect_count: AtomicU64,
    connect_micros: AtomicU64,
    dns_failures: AtomicU64,
    auth_holds: AtomicU64,
}

impl Metrics {
    /// A session started.
    pub fn session_opened(&self) {
        self.open_sessions.fetch_add(1, Relaxed);
    }

    /// A session ended.
    pub fn session_closed(&self, outcome: Outcome) {
        self.open_sessions.fetch_sub(1, Relaxed);
        self.outcomes[outcome.index()].fetch_add(1, Relaxed);
    }

    /// A stanza of `bytes` went to the server.
    pub fn to_server(&self, bytes: usize) {
        self.stanzas_to_server.fetch_add(1, Relaxed);
        self.bytes_to_server.fetch_add(bytes as u64, Relaxed);
    }

    /// A stanza of `bytes` went to the client.
    pub fn to_client(&self, bytes: usize) {
        self.stanzas_to_client.fetch_add(1, Relaxed);
        self.bytes_to_client.fetch_add(bytes as u64, Relaxed);
    }

    /// The gateway sent a stream error.
    pub fn stream_error(&self, condition: Condition) {
        self.stream_errors[condition.index()].fetch_add(1, Relaxed);
    }

    /// Reaching a server took `took`.
    pub fn connected(&self, took: Duration) {
        let secs = took.as_secs_f64();
        for (bound, bucket) in CONNECT_BUCKETS.iter().zip(&self.connect_buckets) {
            if secs <= *bound {
                bucket.fetch_add(1, Relaxed);
            }
        }
        self.connect_count.fetch_add(1, Relaxed);
        self.connect_micros
            .fetch_add(u64::try_from(took.as_micros()).unwrap_or(u64::MAX), Relaxed);
    }

    /// A DNS lookup failed.
    pub fn dns_failure(&self) {
        self.dns_failures.fetch_add(1, Relaxed);
    }

    /// An attempt to authenticate was held after repeated failures.
    pub fn auth_held(&self) {
        self.auth_holds.fetch_add(1, Relaxed);
    }

    /// Sessions open now.
    pub fn open_sessions(&self) -> i64 {
        self.open_sessions.load(Relaxed)
    }

    /// Everything, in the Prometheus text format, with the bytes of partial
    /// stanzas held now (`buffered`).
    pub fn render(&self, buffered: usize) -> String {
        let mut out = Exposition(String::with_capacity(4096));
        self.render_sessions(&mut out);
        self.render_traffic(&mut out);
        self.render_errors(&mut out);
        self.render_connects(&mut out);
        out.family(
            "parlons_dns_failures_total",
            "counter",
            "DNS lookups that failed.",
        );
        out.sample(
            "parlons_dns_failures_total",
            None,
            self.dns_failures.load(Relaxed),
        );
        let held = "parlons_auth_attempts_held_total";
        out.family(
            held,
            "counter",
            "Attempts to authenticate held after repeated failures from one address.",
        );
        out.sample(held, None, self.auth_holds.load(Relaxed));
        let name = "parlons_buffered_bytes";
        out.family(name, "gauge", "Bytes of unfinished stanzas held by all sessions.");
        out.sample(name, None, buffered);
        out.0
    }

    fn render_sessions(&self, out: &mut Exposition) {
        let open = "parlons_sessions_open";
        out.family(open, "gauge", "WebSocket sessions open now.");
        out.sample(open, None, self.open_sessions.load(Relaxed));
        let total = "parlons_sessions_total";
        out.family(total, "counter", "Sessions ended, by outcome.");
        for (label, n) in Outcome::LABELS.iter().zip(&self.outcomes) {
            out.sample(total, Some(("outcome", label)), n.load(Relaxed));
        }
    }

    fn render_traffic(&self, out: &mut Exposition) {
        for (name, help, to_server, to_client) in [
            (
                "parlons_stanzas_total",
                "Elements relayed, by direction.",
                &self.stanzas_to_server,
                &self.stanzas_to_client,
            ),
            (
                "parlons_bytes_total",
                "Bytes of elements relayed, by direction.",
                &self.bytes_to_server,
                &self.bytes_to_client,
            ),
        ] {
            out.family(name, "counter", help);
            out.sample(name, Some(("direction", "to_server")), to_server.load(Relaxed));
            out.sample(name, Some(("direction", "to_client")), to_client.load(Relaxed));
        }
    }

    fn render_errors(&self, out: &mut Exposition) {
        let errors = "parlons_stream_errors_total";
        out.family(
            errors,
            "counter",
            "Stream errors sent by the gateway, by condition.",
        );
        for (c, n) in Condition::ALL.iter().zip(&self.stream_errors) {
            out.sample(errors, Some(("condition", c.name())), n.load(Relaxed));
        }
    }

    fn render_connects(&self, out: &mut Exposition) {
        let name = "parlons_upstream_connect_seconds";
        out.family(name, "histogram", "Time to reach and secure an XMPP server.");
        let bucket = "parlons_upstream_connect_seconds_bucket";
        for (bound, n) in CONNECT_BUCKETS.iter().zip(&self.connect_buckets) {
            out.sample(bucket, Some(("le", &bound.to_string())), n.load(Relaxed));
        }
        let count = self.connect_count.load(Relaxed);
        out.sample(bucket, Some(("le", "+Inf")), count);
        let seconds = self.connect_micros.load(Relaxed) as f64 / 1e6;
        out.sample("parlons_upstream_connect_seconds_sum", None, seconds);
        out.sample("parlons_upstream_connect_seconds_count", None, count);
    }
}

/// Prometheus text being written.
struct Exposition(String);

impl Exposition {
    /// The `HELP` and `TYPE` lines of a metric family.
    fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.0, "# HELP {name} {help}\n# TYPE {name} {kind}");
    }

    /// One sample, with at most one label.
    fn sample(&mut self, name: &str, label: Option<(&str, &str)>, value: impl std::fmt::Display) {
        let _ = match label {
            Some((key, v)) => writeln!(self.0, "{name}{{{key}=\"{v}\"}} {value}"),
            None => writeln!(self.0, "{name} {value}"),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts() {
        let m = Metrics::default();
        m.session_opened();
        m.session_opened();
        m.session_closed(Outcome::Error(Condition::HostUnknown));
        m.stream_error(Condition::HostUnknown);
        m.to_server(100);
        m.to_client(40);
        m.to_client(2);
        m.connected(Duration::from_millis(30));
        let text = m.render(0);
        for line in [
            "parlons_sessions_open 1",
            "parlons_sessions_total{outcome=\"error\"} 1",
            "parlons_sessions_total{outcome=\"closed\"} 0",
            "parlons_stanzas_total{direction=\"to_client\"} 2",
            "parlons_bytes_total{direction=\"to_server\"} 100",
            "parlons_stream_errors_total{condition=\"host-unknown\"} 1",
            "parlons_upstream_connect_seconds_bucket{le=\"0.025\"} 0",
            "parlons_upstream_connect_seconds_bucket{le=\"0.05\"} 1",
            "parlons_upstream_connect_seconds_bucket{le=\"+Inf\"} 1",
            "parlons_upstream_connect_seconds_count 1",
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
        }
    }
}
