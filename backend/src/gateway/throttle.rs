//! Password guessing through the gateway, slowed per client address and
//! XMPP domain: the server's SASL `<failure/>` (RFC 6120 §6.4.5, XEP-0388)
//! is counted, and after [`FREE_FAILURES`] within a minute the address's
//! attempts on that domain take turns, each held 1 s doubling up to 60 s
//! after the last, until one succeeds there (a success on a server of the
//! guesser's own does not count for another domain). The server sees only
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
    /// How long each attempt is held after the one before.
    hold: Duration,
    /// When the last attempt given a turn goes: parallel sessions queue.
    turn: Option<Instant>,
}

impl Record {
    fn last(&self) -> Option<Instant> {
        self.recent.last().copied()
    }
}

type Key = (ClientKey, String);

/// The failures of every client address, per domain.
#[derive(Debug, Default)]
pub struct AuthThrottle {
    records: Mutex<HashMap<Key, Record>>,
}

impl AuthThrottle {
    fn lock(&self) -> MutexGuard<'_, HashMap<Key, Record>> {
        self.records
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How long an attempt of `ip`'s on `domain` waits before it goes on;
    /// the turn is taken, so the next attempt waits its hold after this one.
    pub fn take_turn(&self, ip: IpAddr, domain: &str, now: Instant) -> Duration {
        let mut records = self.lock();
        let Some(r) = records.get_mut(&(ClientKey::from(ip), domain.to_owned())) else {
            return Duration::ZERO;
        };
        if r.hold.is_zero() || r.last().is_none_or(|t| now.duration_since(t) >= FORGET_AFTER) {
            return Duration::ZERO;
        }
        let goes = r.turn.map_or(now, |t| t.max(now)) + r.hold;
        r.turn = Some(goes);
        goes - now
    }

    /// The server refused `ip`'s credentials on `domain`; returns the hold
    /// its attempts get, when this failure started or raised one.
    pub fn failed(&self, ip: IpAddr, domain: &str, now: Instant) -> Option<Duration> {
        let mut records = self.lock();
        let key = (ClientKey::from(ip), domain.to_owned());
        if !records.contains_key(&key) && records.len() >= MAX_ADDRESSES {
            records.retain(|_, r| r.last().is_some_and(|t| now.duration_since(t) < FORGET_AFTER));
            if records.len() >= MAX_ADDRESSES {
                return None;
            }
        }
        let record = records.entry(key).or_insert_with(|| Record {
            recent: Vec::with_capacity(FREE_FAILURES),
            hold: Duration::ZERO,
            turn: None,
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

    /// `ip` authenticated on `domain`: its failures there are forgotten.
    pub fn succeeded(&self, ip: IpAddr, domain: &str) {
        self.lock().remove(&(ClientKey::from(ip), domain.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: &str = "example.org";

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn five_failures_a_minute_are_free_then_holds_double_to_a_minute() {
        let t = AuthThrottle::default();
        let office = ip("198.51.100.7");
        let start = Instant::now();
        let at = |s: u64| start + Duration::from_secs(s);
        for i in 0..FREE_FAILURES as u64 - 1 {
            assert_eq!(t.failed(office, D, at(i)), None);
            assert_eq!(t.take_turn(office, D, at(i)), Duration::ZERO);
        }
        assert_eq!(t.failed(office, D, at(5)), Some(Duration::from_secs(1)));
        let holds: Vec<u64> = (6..14)
            .map(|s| t.failed(office, D, at(s)).unwrap().as_secs())
            .collect();
        assert_eq!(holds, [2, 4, 8, 16, 32, 60, 60, 60]);
        // Another address, and another domain, are apart.
        assert_eq!(t.take_turn(ip("198.51.100.8"), D, at(14)), Duration::ZERO);
        assert_eq!(t.take_turn(office, "other.example", at(14)), Duration::ZERO);
        // A success on another domain (a guesser's own server, say) changes
        // nothing here; one here forgets it all.
        t.succeeded(office, "guesser.example");
        assert_eq!(t.take_turn(office, D, at(14)), Duration::from_secs(60));
        t.succeeded(office, D);
        assert_eq!(t.take_turn(office, D, at(15)), Duration::ZERO);
        assert_eq!(t.failed(office, D, at(16)), None);
    }

    #[test]
    fn parallel_attempts_take_turns() {
        let t = AuthThrottle::default();
        let someone = ip("203.0.113.5");
        let now = Instant::now();
        for _ in 0..FREE_FAILURES {
            t.failed(someone, D, now);
        }
        let waits: Vec<u64> = (0..4).map(|_| t.take_turn(someone, D, now).as_secs()).collect();
        assert_eq!(waits, [1, 2, 3, 4]);
        // Once the queue has gone by, the next waits one hold again.
        let later = now + Duration::from_secs(10);
        assert_eq!(t.take_turn(someone, D, later), Duration::from_secs(1));
    }

    #[test]
    fn failures_spread_over_more_than_a_minute_cost_nothing() {
        let t = AuthThrottle::default();
        let someone = ip("2001:db8::1");
        let start = Instant::now();
        for i in 0..20 {
            assert_eq!(
                t.failed(someone, D, start + Duration::from_secs(15 * i)),
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
            t.failed(v6, D, start);
        }
        // The whole /64 is one address.
        assert_eq!(t.take_turn(ip("2001:db8::2"), D, start), Duration::from_secs(1));
        let later = start + FORGET_AFTER;
        assert_eq!(t.take_turn(v6, D, later), Duration::ZERO);
        assert_eq!(t.failed(v6, D, later), None);
    }
}
