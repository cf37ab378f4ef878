//! RFC 6120 §3.2, §5 and XEP-0368: finds a domain's XMPP server in DNS,
//! connects, and secures the stream with direct TLS or STARTTLS.
//!
//! The certificate is always verified against the XMPP domain, never against
//! an SRV target, with SNI set to the domain.

use super::ns;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::time::{Duration, Instant};

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{NameServerConfigGroup, ResolverConfig, ResolverOpts};
use hickory_resolver::name_server::TokioConnectionProvider;
use rustls::pki_types::ServerName;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

use super::splitter::{Item, Splitter};
use super::stream_error::Condition;
use super::trust::Trust;
use super::xml::ElementLimits;
use crate::config::{Security, Timeouts, UpstreamTarget};

/// A secured (or, for tests, plain) byte stream to the server.
pub trait Io: AsyncRead + AsyncWrite + Send + Unpin {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A connection, ready for a stream header.
pub type Connection = Pin<Box<dyn Io>>;

/// Why the server could not be reached.
#[derive(Debug, thiserror::Error)]
pub enum UpstreamError {
    /// DNS failed.
    #[error("DNS lookup for {0} failed")]
    Dns(String),
    /// SRV records say the domain offers no client service.
    #[error("{0} offers no XMPP client service")]
    NoService(String),
    /// Every address was refused by policy.
    #[error("{0} resolves only to addresses this gateway does not connect to")]
    Forbidden(String),
    /// No candidate host has an address.
    #[error("could not find the server of {0}")]
    NotFound(String),
    /// No address accepted the connection.
    #[error("could not connect to the server of {0}")]
    Connect(String),
    /// Too slow.
    #[error("the server of {0} did not answer in time")]
    Timeout(String),
    /// TLS failed, the certificate above all.
    #[error("TLS with the server of {domain} failed: {reason}")]
    Tls {
        /// The domain.
        domain: String,
        /// What went wrong, for logs.
        reason: String,
    },
    /// The server does not offer STARTTLS, or refused it.
    #[error("the server of {0} does not offer STARTTLS")]
    NoStartTls(String),
    /// The server's stream broke during STARTTLS.
    #[error("the server of {0} sent a broken stream")]
    Stream(String),
}

impl UpstreamError {
    /// The RFC 6120 condition for the client.
    pub fn condition(&self) -> Condition {
        match self {
            Self::Dns(_) | Self::NoService(_) | Self::NotFound(_) => Condition::HostUnknown,
            Self::Forbidden(_) => Condition::PolicyViolation,
            Self::Timeout(_) => Condition::ConnectionTimeout,
            _ => Condition::RemoteConnectionFailed,
        }
    }
}

/// A place to try, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// A DNS name or an IP address.
    pub host: String,
    /// The port.
    pub port: u16,
    /// How to secure it.
    pub security: Security,
}

/// One SRV answer, from either service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SrvRecord {
    /// Lower is tried first.
    pub priority: u16,
    /// Share within a priority.
    pub weight: u16,
    /// The port.
    pub port: u16,
    /// The host, without the final dot; "." means no service.
    pub target: String,
    /// `_xmpps-client` (XEP-0368) rather than `_xmpp-client`.
    pub direct_tls: bool,
}

/// RFC 2782 order of merged `_xmpps-client` and `_xmpp-client` records:
/// by priority, then a weighted random order within each priority.
/// `random(n)` returns a number in `0..=n`.
pub fn order_srv(mut records: Vec<SrvRecord>, mut random: impl FnMut(u32) -> u32) -> Vec<Candidate> {
    records.retain(|r| r.target != "." && !r.target.is_empty());
    records.sort_by_key(|r| r.priority);
    let mut out = Vec::with_capacity(records.len());
    let mut rest = records.as_slice();
    while let Some(first) = rest.first() {
        let n = rest.iter().take_while(|r| r.priority == first.priority).count();
        let (group, tail) = rest.split_at(n);
        // Zero weights first, so they have a small chance of coming early.
        let mut group: Vec<&SrvRecord> = group.iter().collect();
        group.sort_by_key(|r| r.weight != 0);
        while !group.is_empty() {
            let total: u32 = group.iter().map(|r| u32::from(r.weight)).sum();
            let pick = random(total);
            let mut running = 0;
            let i = group
                .iter()
                .position(|r| {
                    running += u32::from(r.weight);
                    running >= pick
                })
                .unwrap_or(0);
            let r = group.remove(i);
            out.push(Candidate {
                host: r.target.clone(),
                port: r.port,
                security: if r.direct_tls {
                    Security::DirectTls
                } else {
                    Security::StartTls
                },
            });
        }
        rest = tail;
    }
    out
}

/// SRV targets tried at most, so that DNS cannot keep a session busy.
const MAX_CANDIDATES: usize = 8;
/// Addresses tried at most, over all targets.
const MAX_ADDRESSES: usize = 16;

/// DNS, TLS settings and timeouts, shared by every session.
#[derive(Clone)]
pub struct Connector {
    resolver: TokioResolver,
    trust: Trust,
    timeouts: Timeouts,
    limits: ElementLimits,
}

impl std::fmt::Debug for Connector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connector")
            .field("timeouts", &self.timeouts)
            .finish_non_exhaustive()
    }
}

/// Why the connector could not be built.
#[derive(Debug, thiserror::Error)]
pub enum SetupError {
    /// The TLS trust could not be set up.
    #[error(transparent)]
    Trust(#[from] super::trust::TrustError),
    /// The system DNS configuration could not be read.
    #[error("cannot read the DNS configuration: {0}")]
    Dns(String),
}

/// The system's resolver, or one that asks `dns_servers`.
fn resolver(dns_servers: &[SocketAddr], timeout: Duration) -> Result<TokioResolver, SetupError> {
    let mut builder = if dns_servers.is_empty() {
        TokioResolver::builder_tokio().map_err(|e| SetupError::Dns(e.to_string()))?
    } else {
        let mut group = NameServerConfigGroup::new();
        for addr in dns_servers {
            group.merge(NameServerConfigGroup::from_ips_clear(
                &[addr.ip()],
                addr.port(),
                true,
            ));
        }
        TokioResolver::builder_with_config(
            ResolverConfig::from_parts(None, vec![], group),
            TokioConnectionProvider::default(),
        )
    };
    let opts: &mut ResolverOpts = builder.options_mut();
    opts.timeout = timeout;
    opts.attempts = 2;
    opts.cache_size = 1024;
    opts.ip_strategy = hickory_resolver::config::LookupIpStrategy::Ipv4AndIpv6;
    Ok(builder.build())
}

impl Connector {
    /// Builds the resolver (system configuration, or `dns_servers`) with
    /// the TLS `trust`.
    pub fn new(
        trust: Trust,
        dns_servers: &[SocketAddr],
        timeouts: Timeouts,
        limits: ElementLimits,
    ) -> Result<Self, SetupError> {
        Ok(Self {
            resolver: resolver(dns_servers, timeouts.dns)?,
            trust,
            timeouts,
            limits,
        })
    }

    /// Where to try for `domain`, in order (RFC 6120 §3.2.1, XEP-0368).
    pub async fn candidates(&self, domain: &str) -> Result<Vec<Candidate>, UpstreamError> {
        let direct = self.srv(format!("_xmpps-client._tcp.{domain}."), true);
        let starttls = self.srv(format!("_xmpp-client._tcp.{domain}."), false);
        let (direct, starttls) = tokio::join!(direct, starttls);
        // One lookup failing while the other answered is not fatal.
        let (direct, starttls) = match (direct, starttls) {
            (Err(e), Err(_)) => return Err(e),
            (d, s) => (d.unwrap_or_default(), s.unwrap_or_default()),
        };
        // RFC 6120 §3.2.1: "." for _xmpp-client means no service at all; for
        // _xmpps-client only that there is no direct TLS.
        let refused = starttls.iter().any(|r| r.target == ".");
        let records: Vec<SrvRecord> = direct.into_iter().chain(starttls).collect();
        let ordered = order_srv(records, |n| random_below(n.saturating_add(1)));
        match (ordered.is_empty(), refused) {
            (false, _) => Ok(ordered.into_iter().take(MAX_CANDIDATES).collect()),
            (true, true) => Err(UpstreamError::NoService(domain.to_owned())),
            // No usable SRV: the domain itself on the default port.
            (true, false) => Ok(vec![Candidate {
                host: domain.to_owned(),
                port: 5222,
                security: Security::StartTls,
            }]),
        }
    }

    async fn srv(&self, name: String, direct_tls: bool) -> Result<Vec<SrvRecord>, UpstreamError> {
        match self.resolver.srv_lookup(name.as_str()).await {
            Ok(lookup) => Ok(lookup
                .iter()
                .map(|srv| SrvRecord {
                    priority: srv.priority(),
                    weight: srv.weight(),
                    port: srv.port(),
                    target: {
                        let t = srv.target().to_ascii();
                        let t = t.strip_suffix('.').unwrap_or(&t).to_owned();
                        if t.is_empty() { ".".to_owned() } else { t }
                    },
                    direct_tls,
                })
                .collect()),
            Err(e) if e.is_no_records_found() || e.is_nx_domain() => Ok(Vec::new()),
            Err(_) => Err(UpstreamError::Dns(name)),
        }
    }

    async fn addresses(&self, host: &str, port: u16) -> Vec<SocketAddr> {
        if let Ok(ip) = host.parse::<IpAddr>() {
            return vec![SocketAddr::new(ip, port)];
        }
        match self.resolver.lookup_ip(format!("{host}.").as_str()).await {
            Ok(ips) => ips.iter().map(|ip| SocketAddr::new(ip, port)).collect(),
            Err(_) => Vec::new(),
        }
    }

    /// Connects to `domain` by `route`, vetting every resolved address with
    /// `vet` when given; returns a stream secured and ready for the first
    /// stream header (STARTTLS already done), the address, and how long it
    /// took.
    pub async fn connect(
        &self,
        domain: &str,
        target: Option<&UpstreamTarget>,
        vet: Option<fn(SocketAddr) -> bool>,
    ) -> Result<(Connection, SocketAddr, Duration), UpstreamError> {
        let started = Instant::now();
        let candidates = match target {
            Some(t) => vec![Candidate {
                host: t.host.clone(),
                port: t.port,
                security: t.security,
            }],
            None => self.candidates(domain).await?,
        };
        let mut refused = false;
        let mut last_error = UpstreamError::NotFound(domain.to_owned());
        let mut budget = MAX_ADDRESSES;
        for candidate in &candidates {
            for addr in self.addresses(&candidate.host, candidate.port).await {
                if budget == 0 {
                    break;
                }
                budget -= 1;
                if vet.is_some_and(|ok| !ok(addr)) {
                    refused = true;
                    continue;
                }
                match self.attempt(domain, candidate.security, addr).await {
                    Ok(conn) => return Ok((conn, addr, started.elapsed())),
                    Err(e) => {
                        tracing::debug!(%addr, error = %e, "upstream attempt failed");
                        last_error = e;
                    }
                }
            }
        }
        if refused && matches!(last_error, UpstreamError::NotFound(_)) {
            return Err(UpstreamError::Forbidden(domain.to_owned()));
        }
        Err(last_error)
    }

    async fn attempt(
        &self,
        domain: &str,
        security: Security,
        addr: SocketAddr,
    ) -> Result<Connection, UpstreamError> {
        let timeout = |_| UpstreamError::Timeout(domain.to_owned());
        let tcp = tokio::time::timeout(self.timeouts.connect, TcpStream::connect(addr))
            .await
            .map_err(timeout)?
            .map_err(|_| UpstreamError::Connect(domain.to_owned()))?;
        let _ = tcp.set_nodelay(true);
        let handshake = async {
            match security {
                Security::Plain => Ok(Box::pin(tcp) as Connection),
                Security::DirectTls => {
                    self.tls(&self.trust.for_domain(domain).direct_tls, domain, tcp)
                        .await
                }
                Security::StartTls => {
                    let tcp = starttls(tcp, domain, self.limits).await?;
                    self.tls(&self.trust.for_domain(domain).starttls, domain, tcp)
                        .await
                }
            }
        };
        tokio::time::timeout(self.timeouts.handshake, handshake)
            .await
            .map_err(timeout)?
    }

    async fn tls(
        &self,
        connector: &TlsConnector,
        domain: &str,
        tcp: TcpStream,
    ) -> Result<Connection, UpstreamError> {
        let name = ServerName::try_from(domain.to_owned()).map_err(|e| UpstreamError::Tls {
            domain: domain.to_owned(),
            reason: e.to_string(),
        })?;
        let tls = connector
            .connect(name, tcp)
            .await
            .map_err(|e| UpstreamError::Tls {
                domain: domain.to_owned(),
                reason: e.to_string(),
            })?;
        Ok(Box::pin(tls))
    }
}

/// The end of our stream to the server (RFC 6120 §4.4).
pub const STREAM_END: &[u8] = b"</stream:stream>";

/// The stream header the gateway sends upstream.
pub fn stream_header(domain: &str, from: Option<&str>, lang: Option<&str>) -> String {
    use super::xml::push_attr;
    let mut h = String::from(
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'",
    );
    push_attr(&mut h, "to", domain);
    if let Some(from) = from {
        push_attr(&mut h, "from", from);
    }
    push_attr(&mut h, "version", "1.0");
    if let Some(lang) = lang {
        push_attr(&mut h, "xml:lang", lang);
    }
    h.push('>');
    h
}

/// RFC 6120 §5.4: opens a plaintext stream, asks for TLS, and waits for
/// `<proceed/>`. Nothing of this stream reaches the client.
async fn starttls(
    mut tcp: TcpStream,
    domain: &str,
    limits: ElementLimits,
) -> Result<TcpStream, UpstreamError> {
    let broken = || UpstreamError::Stream(domain.to_owned());
    tcp.write_all(stream_header(domain, None, None).as_bytes())
        .await
        .map_err(|_| broken())?;
    let mut splitter = Splitter::new(limits, false);
    let mut buf = vec![0u8; 4096];
    let mut items = Vec::new();
    let mut asked = false;
    loop {
        let n = tcp.read(&mut buf).await.map_err(|_| broken())?;
        if n == 0 {
            return Err(broken());
        }
        splitter.feed(&buf[..n], &mut items).map_err(|_| broken())?;
        for item in items.drain(..) {
            let Item::Stanza(s) = item else { continue };
            if !asked && s.is("features", ns::STREAM) {
                if !s.xml.contains(ns::TLS) {
                    return Err(UpstreamError::NoStartTls(domain.to_owned()));
                }
                tcp.write_all(b"<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>")
                    .await
                    .map_err(|_| broken())?;
                asked = true;
            } else if asked && s.is("proceed", ns::TLS) {
                return Ok(tcp);
            } else {
                return Err(UpstreamError::NoStartTls(domain.to_owned()));
            }
        }
    }
}

/// A number in `0..n` (0 when `n` is 0), good enough for load spreading.
fn random_below(n: u32) -> u32 {
    use std::hash::{BuildHasher, Hasher};
    if n == 0 {
        return 0;
    }
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    (h.finish() % u64::from(n)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(priority: u16, weight: u16, target: &str, direct_tls: bool) -> SrvRecord {
        SrvRecord {
            priority,
            weight,
            port: if direct_tls { 5223 } else { 5222 },
            target: target.into(),
            direct_tls,
        }
    }

    #[test]
    fn orders_by_priority_across_both_services() {
        let ordered = order_srv(
            vec![
                rec(20, 0, "backup.example", false),
                rec(10, 0, "tls.example", true),
                rec(5, 0, "first.example", false),
            ],
            |_| 0,
        );
        let hosts: Vec<_> = ordered.iter().map(|c| (c.host.as_str(), c.security)).collect();
        assert_eq!(
            hosts,
            [
                ("first.example", Security::StartTls),
                ("tls.example", Security::DirectTls),
                ("backup.example", Security::StartTls),
            ]
        );
    }

    #[test]
    fn weights_decide_within_a_priority() {
        let records = vec![rec(10, 10, "a", false), rec(10, 90, "b", false)];
        // A draw of 5 falls in a's share (1..=10), 50 in b's (11..=100).
        assert_eq!(order_srv(records.clone(), |_| 5)[0].host, "a");
        assert_eq!(order_srv(records, |_| 50)[0].host, "b");
    }

    #[test]
    fn weighted_order_is_a_permutation() {
        let records = vec![rec(1, 0, "z", false), rec(1, 3, "a", false), rec(1, 7, "b", true)];
        for draw in 0..12 {
            let mut hosts: Vec<_> = order_srv(records.clone(), |n| draw.min(n))
                .into_iter()
                .map(|c| c.host)
                .collect();
            hosts.sort();
            assert_eq!(hosts, ["a", "b", "z"]);
        }
    }

    #[test]
    fn dot_means_no_service() {
        assert!(order_srv(vec![rec(0, 0, ".", false)], |_| 0).is_empty());
        let kept = order_srv(vec![rec(0, 0, ".", true), rec(0, 0, "x.example", false)], |_| 0);
        assert_eq!(kept.len(), 1);
    }

    #[test]
    fn header_escapes_attributes() {
        assert_eq!(
            stream_header("example.org", Some("a\"b@example.org"), Some("fr")),
            "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
             xmlns:stream='http://etherx.jabber.org/streams' to=\"example.org\" \
             from=\"a&quot;b@example.org\" version=\"1.0\" xml:lang=\"fr\">"
        );
    }

    #[test]
    fn random_below_stays_in_range() {
        for n in [1, 2, 7, 1000] {
            for _ in 0..50 {
                assert!(random_below(n) < n);
            }
        }
        assert_eq!(random_below(0), 0);
    }
}
