//! `[timeouts]`: how long each step of a session may take.

use std::time::Duration;

use serde::Deserialize;

/// `[timeouts]`, in seconds.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct FileTimeouts {
    open: Option<u64>,
    preauth: Option<u64>,
    stanza: Option<u64>,
    idle: Option<u64>,
    ping: Option<u64>,
    dns: Option<u64>,
    connect: Option<u64>,
    handshake: Option<u64>,
}

/// Session and upstream time limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// From the WebSocket upgrade to the first `<open/>`.
    pub open: Duration,
    /// From the upgrade to the bound (or resumed) session.
    pub preauth: Duration,
    /// From a stanza's first byte to its last, in either direction.
    pub stanza: Duration,
    /// Without a frame from the client (pongs count).
    pub idle: Duration,
    /// Between WebSocket pings.
    pub ping: Duration,
    /// One DNS query.
    pub dns: Duration,
    /// One TCP connection attempt.
    pub connect: Duration,
    /// TLS and STARTTLS.
    pub handshake: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            open: Duration::from_secs(10),
            preauth: Duration::from_secs(60),
            stanza: Duration::from_secs(30),
            idle: Duration::from_secs(90),
            ping: Duration::from_secs(25),
            dns: Duration::from_secs(5),
            connect: Duration::from_secs(5),
            handshake: Duration::from_secs(10),
        }
    }
}

impl FileTimeouts {
    pub(super) fn apply(&self, t: &mut Timeouts) {
        let set = |d: &mut Duration, v: Option<u64>| {
            if let Some(secs) = v {
                *d = Duration::from_secs(secs);
            }
        };
        set(&mut t.open, self.open);
        set(&mut t.preauth, self.preauth);
        set(&mut t.stanza, self.stanza);
        set(&mut t.idle, self.idle);
        set(&mut t.ping, self.ping);
        set(&mut t.dns, self.dns);
        set(&mut t.connect, self.connect);
        set(&mut t.handshake, self.handshake);
    }
}
