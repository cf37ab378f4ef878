//! Connection caps (per client address, global, per domain) and a rate
//! limit on connection attempts per client address, with a warning for the
//! operator, at most once a minute for each cap, when one refuses someone.
//!
//! Sessions not yet signed in (bound) have a pool of their own: however
//! many strangers open sockets, they never take a signed-in user's place,
//! and a session moves to the main pool when it binds.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// A cap warns the operator at most this often.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// The limits, each configurable.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConnectionLimits {
    /// Signed-in (bound) sessions in all.
    pub global: usize,
    /// Sessions not yet bound, in all.
    pub unbound: usize,
    /// Open sessions per client address (per /64 for IPv6).
    pub per_ip: usize,
    /// Open sessions per target domain.
    pub per_domain: usize,
    /// Attempts allowed in a burst per client address.
    pub attempt_burst: u32,
    /// Attempts regained per minute per client address.
    pub attempts_per_minute: u32,
    /// Bytes of partial stanzas held by all sessions together.
    pub buffer_budget: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        // Sized for an office behind one NAT address: a few hundred people,
        // each with a tab or two, who all come back at once after a
        // restart.
        Self {
            global: 10_000,
            unbound: 2_000,
            per_ip: 500,
            per_domain: 5_000,
            attempt_burst: 500,
            attempts_per_minute: 1_000,
            buffer_budget: 256 * 1024 * 1024,
        }
    }
}

/// Which limit was hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// The gateway is full.
    #[error("the gateway has too many open sessions")]
    Global,
    /// Too many sessions are signing in at once.
    #[error("too many sessions are signing in at once; try again shortly")]
    Unbound,
    /// This client has too many.
    #[error("too many sessions from your address")]
    PerIp,
    /// This domain has too many.
    #[error("too many sessions to this domain")]
    PerDomain,
    /// This client connects too often.
    #[error("too many connection attempts from your address; wait a minute")]
    Rate,
}

impl LimitError {
    const COUNT: usize = 5;

    fn index(self) -> usize {
        match self {
            Self::Global => 0,
            Self::PerIp => 1,
            Self::PerDomain => 2,
            Self::Rate => 3,
            Self::Unbound => 4,
        }
    }

    /// The setting that raises this cap.
    pub fn setting(self) -> &'static str {
        match self {
            Self::Global => "connections",
            Self::Unbound => "unbound-connections",
            Self::PerIp => "connections-per-ip",
            Self::PerDomain => "connections-per-domain",
            Self::Rate => "attempt-burst and attempts-per-minute",
        }
    }

    /// What else may explain a refusal of a client at `ip`: a proxy or NAT
    /// in front of many people.
    pub fn hint(self, ip: Option<IpAddr>) -> &'static str {
        // Loopback, private, CGNAT, link-local: not a person's own address.
        let shared = ip.is_some_and(|ip| !super::addresses::is_public_ip(ip.to_canonical()));
        match self {
            Self::PerIp | Self::Rate if shared => {
                "a loopback or private address: if it is a reverse proxy's, list it in trusted-proxies, \
                 or every user behind it shares one address's caps"
            }
            Self::PerIp | Self::Rate => "many people behind one NAT address share its caps",
            Self::Global | Self::PerDomain => "this replica is full: add replicas or raise the cap",
            Self::Unbound => {
                "many sessions opened and not signed in: a wave of sign-ins, or sockets held open by someone"
            }
        }
    }
}

/// Client addresses are grouped: IPv4 by address, IPv6 by /64, since one
/// host usually has a whole /64.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ClientKey {
    V4(u32),
    V6(u64),
}

impl From<IpAddr> for ClientKey {
    fn from(ip: IpAddr) -> Self {
        match ip {
            IpAddr::V4(v4) => Self::V4(v4.into()),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => Self::V4(v4.into()),
                None => Self::V6((u128::from(v6) >> 64) as u64),
            },
        }
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

#[derive(Debug, Default)]
struct State {
    /// Bound sessions.
    total: usize,
    /// Sessions not yet bound.
    unbound: usize,
    per_ip: HashMap<ClientKey, usize>,
    per_domain: HashMap<String, usize>,
    buckets: HashMap<ClientKey, Bucket>,
    /// For each cap, when it last warned, and refusals since.
    warned: [(Option<Instant>, u64); LimitError::COUNT],
}

/// Shared counters; permits give their slot back when dropped.
#[derive(Debug, Clone)]
pub struct Limiter {
    limits: ConnectionLimits,
    state: Arc<Mutex<State>>,
}

/// A session's slot, held for its whole life: in the pool of sessions
/// signing in, then, once bound, in the main one.
#[derive(Debug)]
pub struct ClientPermit {
    key: ClientKey,
    bound: bool,
    global: usize,
    state: Arc<Mutex<State>>,
}

/// A session's slot for its domain.
#[derive(Debug)]
pub struct DomainPermit {
    domain: String,
    state: Arc<Mutex<State>>,
}

fn lock(state: &Mutex<State>) -> MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|e| e.into_inner())
}

impl Limiter {
    /// A limiter enforcing `limits`.
    pub fn new(limits: ConnectionLimits) -> Self {
        Self {
            limits,
            state: Arc::default(),
        }
    }

    /// Takes a slot for a new session from `ip`, at `now`.
    pub fn admit(&self, ip: IpAddr, now: Instant) -> Result<ClientPermit, LimitError> {
        let key = ClientKey::from(ip);
        let mut s = lock(&self.state);
        self.take_attempt(&mut s, key, now)?;
        if s.total >= self.limits.global {
            return Err(LimitError::Global);
        }
        if s.unbound >= self.limits.unbound {
            return Err(LimitError::Unbound);
        }
        let n = s.per_ip.entry(key).or_default();
        if *n >= self.limits.per_ip {
            return Err(LimitError::PerIp);
        }
        *n += 1;
        s.unbound += 1;
        Ok(ClientPermit {
            key,
            bound: false,
            global: self.limits.global,
            state: Arc::clone(&self.state),
        })
    }

    /// Takes a slot for a session to `domain`.
    pub fn admit_domain(&self, domain: &str) -> Result<DomainPermit, LimitError> {
        let mut s = lock(&self.state);
        let n = s.per_domain.entry(domain.to_owned()).or_default();
        if *n >= self.limits.per_domain {
            return Err(LimitError::PerDomain);
        }
        *n += 1;
        Ok(DomainPermit {
            domain: domain.to_owned(),
            state: Arc::clone(&self.state),
        })
    }

    /// Tells the operator that `limit` refused a client at `ip`, once a
    /// minute at most for each cap.
    pub fn warn_refused(&self, limit: LimitError, ip: Option<IpAddr>, now: Instant) {
        if let Some(refused) = self.refused(limit, now) {
            tracing::warn!(
                client = ?ip,
                refused,
                setting = limit.setting(),
                hint = limit.hint(ip),
                "a connection cap refused a client: {limit}"
            );
        }
    }

    /// `limit` refused someone at `now`: whether to warn the operator, with
    /// the refusals by this cap since the last warning (this one included).
    fn refused(&self, limit: LimitError, now: Instant) -> Option<u64> {
        let mut s = lock(&self.state);
        let (last, count) = &mut s.warned[limit.index()];
        *count += 1;
        if last.is_some_and(|at| now.saturating_duration_since(at) < WARN_EVERY) {
            return None;
        }
        *last = Some(now);
        Some(std::mem::take(count))
    }

    /// Open sessions now.
    pub fn open_sessions(&self) -> usize {
        lock(&self.state).total
    }

    fn take_attempt(&self, s: &mut State, key: ClientKey, now: Instant) -> Result<(), LimitError> {
        let burst = f64::from(self.limits.attempt_burst);
        let per_sec = f64::from(self.limits.attempts_per_minute) / 60.0;
        if s.buckets.len() > 100_000 {
            // Forget clients whose bucket has refilled.
            s.buckets
                .retain(|_, b| b.tokens + now.duration_since(b.at).as_secs_f64() * per_sec < burst);
        }
        let b = s.buckets.entry(key).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        b.tokens = (b.tokens + now.saturating_duration_since(b.at).as_secs_f64() * per_sec).min(burst);
        b.at = now;
        if b.tokens < 1.0 {
            return Err(LimitError::Rate);
        }
        b.tokens -= 1.0;
        Ok(())
    }
}

impl ClientPermit {
    /// The session is bound: it moves to the main pool, if there is room.
    pub fn bind(&mut self) -> Result<(), LimitError> {
        if self.bound {
            return Ok(());
        }
        let mut s = lock(&self.state);
        if s.total >= self.global {
            return Err(LimitError::Global);
        }
        s.unbound = s.unbound.saturating_sub(1);
        s.total += 1;
        self.bound = true;
        Ok(())
    }
}

impl Drop for ClientPermit {
    fn drop(&mut self) {
        let mut s = lock(&self.state);
        if self.bound {
            s.total = s.total.saturating_sub(1);
        } else {
            s.unbound = s.unbound.saturating_sub(1);
        }
        if let Some(n) = s.per_ip.get_mut(&self.key) {
            *n -= 1;
            if *n == 0 {
                s.per_ip.remove(&self.key);
            }
        }
    }
}

impl Drop for DomainPermit {
    fn drop(&mut self) {
        let mut s = lock(&self.state);
        if let Some(n) = s.per_domain.get_mut(&self.domain) {
            *n -= 1;
            if *n == 0 {
                s.per_domain.remove(&self.domain);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn limiter(global: usize, per_ip: usize, per_domain: usize) -> Limiter {
        Limiter::new(ConnectionLimits {
            global,
            unbound: global,
            per_ip,
            per_domain,
            attempt_burst: 1000,
            attempts_per_minute: 60,
            buffer_budget: 1 << 20,
        })
    }

    #[test]
    fn caps_sessions_per_ip_and_frees_them() {
        let l = limiter(10, 2, 10);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let now = Instant::now();
        let a = l.admit(ip, now).unwrap();
        let _b = l.admit(ip, now).unwrap();
        assert_eq!(l.admit(ip, now).unwrap_err(), LimitError::PerIp);
        assert!(l.admit("192.0.2.2".parse().unwrap(), now).is_ok());
        drop(a);
        assert!(l.admit(ip, now).is_ok());
    }

    #[test]
    fn groups_ipv6_by_64() {
        let l = limiter(10, 1, 10);
        let now = Instant::now();
        let _a = l.admit("2001:db8:1:2::1".parse().unwrap(), now).unwrap();
        assert_eq!(
            l.admit("2001:db8:1:2:ffff::9".parse().unwrap(), now).unwrap_err(),
            LimitError::PerIp
        );
        assert!(l.admit("2001:db8:1:3::1".parse().unwrap(), now).is_ok());
    }

    #[test]
    fn caps_globally_and_per_domain() {
        let l = limiter(2, 5, 1);
        let now = Instant::now();
        let mut a = l.admit("192.0.2.1".parse().unwrap(), now).unwrap();
        let mut b = l.admit("192.0.2.2".parse().unwrap(), now).unwrap();
        a.bind().unwrap();
        b.bind().unwrap();
        assert_eq!(
            l.admit("192.0.2.3".parse().unwrap(), now).unwrap_err(),
            LimitError::Global
        );
        assert_eq!(l.open_sessions(), 2);
        let d = l.admit_domain("example.org").unwrap();
        assert_eq!(l.admit_domain("example.org").unwrap_err(), LimitError::PerDomain);
        assert!(l.admit_domain("example.net").is_ok());
        drop(d);
        assert!(l.admit_domain("example.org").is_ok());
    }

    #[test]
    fn sessions_signing_in_never_take_a_signed_in_users_place() {
        let l = Limiter::new(ConnectionLimits {
            global: 2,
            unbound: 2,
            ..ConnectionLimits::default()
        });
        let now = Instant::now();
        let ip = |n: u8| IpAddr::from([192, 0, 2, n]);
        let mut a = l.admit(ip(1), now).unwrap();
        let mut b = l.admit(ip(2), now).unwrap();
        // Two strangers signing in fill their pool, not the main one.
        assert_eq!(l.admit(ip(3), now).unwrap_err(), LimitError::Unbound);
        assert_eq!(l.open_sessions(), 0);
        a.bind().unwrap();
        let mut c = l.admit(ip(3), now).unwrap();
        b.bind().unwrap();
        assert_eq!(l.open_sessions(), 2);
        // The main pool is full: a third cannot bind until one leaves.
        assert_eq!(c.bind().unwrap_err(), LimitError::Global);
        drop(a);
        c.bind().unwrap();
        assert!(c.bind().is_ok(), "binding twice takes one slot");
        assert_eq!(l.open_sessions(), 2);
        drop((b, c));
        assert_eq!(l.open_sessions(), 0);
        assert!(l.admit(ip(4), now).is_ok());
    }

    #[test]
    fn refusals_warn_once_a_minute_per_cap_with_a_count() {
        let l = limiter(1, 1, 1);
        let t0 = Instant::now();
        assert_eq!(l.refused(LimitError::PerIp, t0), Some(1));
        assert_eq!(l.refused(LimitError::PerIp, t0 + Duration::from_secs(1)), None);
        assert_eq!(
            l.refused(LimitError::Global, t0 + Duration::from_secs(2)),
            Some(1)
        );
        assert_eq!(l.refused(LimitError::PerIp, t0 + Duration::from_secs(59)), None);
        assert_eq!(l.refused(LimitError::PerIp, t0 + WARN_EVERY), Some(3));
    }

    #[test]
    fn a_private_or_loopback_address_hints_at_trusted_proxies() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "192.168.0.9",
            "100.64.0.1",
            "::1",
            "fd00::1",
            "::ffff:172.16.0.1",
        ] {
            let hint = LimitError::PerIp.hint(Some(ip.parse().unwrap()));
            assert!(hint.contains("trusted-proxies"), "{ip}: {hint}");
        }
        let public = LimitError::PerIp.hint(Some("193.0.14.129".parse().unwrap()));
        assert!(public.contains("NAT") && !public.contains("trusted-proxies"));
        assert!(LimitError::Global.hint(None).contains("replica"));
    }

    #[test]
    fn limits_the_attempt_rate() {
        let l = Limiter::new(ConnectionLimits {
            attempt_burst: 3,
            attempts_per_minute: 60,
            ..ConnectionLimits::default()
        });
        let ip: IpAddr = "192.0.2.9".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            drop(l.admit(ip, t0).unwrap());
        }
        assert_eq!(l.admit(ip, t0).unwrap_err(), LimitError::Rate);
        // One attempt per second comes back.
        assert!(l.admit(ip, t0 + Duration::from_millis(1100)).is_ok());
        assert_eq!(
            l.admit(ip, t0 + Duration::from_millis(1200)).unwrap_err(),
            LimitError::Rate
        );
    }
}
