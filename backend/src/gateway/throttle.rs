//! Password guessing through the gateway, slowed per client address: the
//! server's SASL `<failure/>` (RFC 6120 §6.4.5, XEP-0388) is counted, and
//! after [`FREE_FAILURES`] within a minute the address's next attempt is
//! held, 1 s doubling up to 60 s, until one succeeds. The server sees only
//! the gateway's address, so its own bans would lock out every user.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::admission::ClientKey;

/// Failures within [`WINDOW`] that cost nothing.
pub const FREE_FAILURES: usize = 5;
/// The window in which failures are counted.
const WINDOW: Duration = Duration::from_secs(60);
/// The first hold, doubled at each further failure.
const FIRST_HOLD: Duration = Duration::from_secs(1);
/// The longest hold.
const LONGEST_HOLD: Duration = Duration::from_secs(60);
/// A hold is forgotten this long after the last failure.
const FORGET_AFTER: Duration = Duration::from_secs(600);
/// Addresses tracked at most: past it, old ones are dropped first, and new
/// ones go unthrottled rather than take memory without bound.
const MAX_ADDRESSES: usize = 100_000;

#[derive(Debug)]
struct Record {
    /// The latest failures, at most [`FREE_FAILURES`].
    recent: Vec<Instant>,
    /// What the next attempt waits.
    hold: Duration,
}

impl Record {
    fn last(&self) -> Option<Instant> {
        self.recent.last().copied()
    }
}

/// The failures of every client address.
#[derive(Debug, Default)]
pub struct AuthThrottle {
    records: Mutex<HashMap<ClientKey, Record>>,
}

impl AuthThrottle {
    fn lock(&self) -> MutexGuard<'_, HashMap<ClientKey, Record>> {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long `ip`'s attempt to authenticate waits before it goes on.
    pub fn hold(&self, ip: IpAddr, now: Instant) -> Duration {
        let records = self.lock();
        match records.get(&ClientKey::from(ip)) {
            Some(r) if r.last().is_some_and(|t| now.duration_since(t) < FORGET_AFTER) => r.hold,
            _ => Duration::ZERO,
        }
    }

    /// The server refused `ip`'s credentials; returns the hold its next
    /// attempt gets, when this failure started or raised one.
    pub fn failed(&self, ip: IpAddr, now: Instant) -> Option<Duration> {
        let mut records = self.lock();
        let key = ClientKey::from(ip);
        if !records.contains_key(&key) && records.len() >= MAX_ADDRESSES {
            records.retain(|_, r| r.last().is_some_and(|t| now.duration_since(t) < FORGET_AFTER));
            if records.len() >= MAX_ADDRESSES {
                return None;
            }
        }
        let record = records.entry(key).or_insert_with(|| Record {
            recent: Vec::with_capacity(FREE_FAILURES),
            hold: Duration::ZERO,
        });
        if record
            .last()
            .is_some_and(|t| now.duration_since(t) >= FORGET_AFTER)
        {
            record.hold = Duration::ZERO;
        }
        if record.recent.len() == FREE_FAILURES {
            record.recent.remove(0);
        }
        record.recent.push(now);
        let within = record
            .recent
            .iter()
            .filter(|t| now.duration_since(**t) < WINDOW)
            .count();
        if within < FREE_FAILURES && record.hold.is_zero() {
            return None;
        }
        record.hold = (record.hold * 2).clamp(FIRST_HOLD, LONGEST_HOLD);
        Some(record.hold)
    }

    /// `ip` authenticated: its failures are forgotten.
    pub fn succeeded(&self, ip: IpAddr) {
        self.lock().remove(&ClientKey::from(ip));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn five_failures_a_minute_are_free_then_holds_double_to_a_minute() {
        let t = AuthThrottle::default();
        let office = ip("198.51.100.7");
        let start = Instant::now();
        for i in 0..FREE_FAILURES as u64 - 1 {
            assert_eq!(t.failed(office, start + Duration::from_secs(i)), None);
            assert_eq!(t.hold(office, start), Duration::ZERO);
        }
        let at = |s: u64| start + Duration::from_secs(s);
        assert_eq!(t.failed(office, at(5)), Some(Duration::from_secs(1)));
        assert_eq!(t.hold(office, at(5)), Duration::from_secs(1));
        let holds: Vec<u64> = (6..14)
            .map(|s| t.failed(office, at(s)).unwrap().as_secs())
            .collect();
        assert_eq!(holds, [2, 4, 8, 16, 32, 60, 60, 60]);
        // Another address, and the same /64 in IPv6, are apart.
        assert_eq!(t.hold(ip("198.51.100.8"), at(14)), Duration::ZERO);
        // A success forgets it all.
        t.succeeded(office);
        assert_eq!(t.hold(office, at(15)), Duration::ZERO);
        assert_eq!(t.failed(office, at(16)), None);
    }

    #[test]
    fn failures_spread_over_more_than_a_minute_cost_nothing() {
        let t = AuthThrottle::default();
        let someone = ip("2001:db8::1");
        let start = Instant::now();
        for i in 0..20 {
            assert_eq!(
                t.failed(someone, start + Duration::from_secs(15 * i)),
                None,
                "{i}"
            );
        }
    }

    #[test]
    fn a_hold_lapses_ten_minutes_after_the_last_failure() {
        let t = AuthThrottle::default();
        let v6 = ip("2001:db8::1");
        let start = Instant::now();
        for _ in 0..FREE_FAILURES {
            t.failed(v6, start);
        }
        // The whole /64 is one address.
        assert_eq!(t.hold(ip("2001:db8::2"), start), Duration::from_secs(1));
        let later = start + FORGET_AFTER;
        assert_eq!(t.hold(v6, later), Duration::ZERO);
        assert_eq!(t.failed(v6, later), None);
    }
}
