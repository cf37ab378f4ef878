//! The relay's part in signing in: an attempt to authenticate takes its
//! turn after failures from its address (the throttle), the server's
//! verdict is counted, and a bound session moves to the main pool.

use std::time::Instant;

use super::{Fail, Phase, Relay, send_upstream};
use crate::gateway::stream_error::Condition;

impl Relay<'_> {
    /// When an attempt to authenticate (`name`) must wait for its turn,
    /// after failures from the client's address: the instant it goes.
    pub(super) fn held_attempt(&self, name: &str) -> Option<tokio::time::Instant> {
        let ip = self.peer.ip?;
        if !matches!(name, "auth" | "authenticate") || self.stream.phase() != Phase::Authenticating {
            return None;
        }
        let wait = self
            .gw
            .throttle
            .take_turn(ip, self.stream.domain(), Instant::now());
        if wait.is_zero() {
            return None;
        }
        self.gw.metrics.auth_held();
        Some(tokio::time::Instant::now() + wait)
    }

    /// Sends the attempt to authenticate that waited for its turn.
    pub(super) async fn send_parked(&mut self) -> Result<(), Fail> {
        if let Some((_, xml)) = self.parked.take() {
            send_upstream(&mut self.writer, xml.as_bytes())
                .await
                .map_err(|_| Fail::server_gone())?;
            self.counts.to_server += 1;
            self.gw.metrics.to_server(xml.len());
        }
        Ok(())
    }

    /// Signed in: the session moves from the pool of sessions signing in to
    /// the main one, or ends when that is full.
    pub(super) fn take_main_slot(&mut self) -> Result<(), Fail> {
        let Some(permit) = self.peer.permit.as_mut() else {
            return Ok(());
        };
        permit.bind().map_err(|e| {
            self.gw.limiter.warn_refused(e, self.peer.ip, Instant::now());
            Fail {
                end_upstream: true,
                ..Fail::new(Condition::ResourceConstraint, e.to_string())
            }
        })
    }

    /// Counts the server's verdict on the client's credentials.
    pub(super) fn authenticated(&self, accepted: bool) {
        let Some(ip) = self.peer.ip else { return };
        let domain = self.stream.domain();
        if accepted {
            self.gw.throttle.succeeded(ip, domain);
        } else if let Some(hold) = self.gw.throttle.failed(ip, domain, Instant::now()) {
            tracing::warn!(
                client = %ip,
                hold_ms = hold.as_millis() as u64,
                "repeated failed authentications from one address: its next attempts are held"
            );
        }
    }
}
