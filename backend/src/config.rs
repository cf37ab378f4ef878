//! Configuration: a TOML file, then `PARLONS_…` environment variables, then
//! command-line flags, each later source overriding the earlier ones.

use std::collections::BTreeMap;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use clap::Parser;
use serde::Deserialize;

use crate::forwarded::ProxyRange;

mod timeouts;
use crate::gateway::admission::ConnectionLimits;
use timeouts::FileTimeouts;
pub use timeouts::Timeouts;

/// The default stanza size limit, in both directions.
pub const DEFAULT_MAX_STANZA_BYTES: usize = 256 * 1024;
/// The largest stanza taken from a server: a roster of 5,000 contacts is
/// about 500 KB.
pub const DEFAULT_MAX_SERVER_STANZA_BYTES: usize = 4 * 1024 * 1024;

/// The built client, when running from a checkout.
const DEFAULT_SITE_DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../target/site");

/// Command-line flags; each also reads a `PARLONS_…` variable.
#[derive(Debug, Default, Parser)]
#[command(
    name = "parlons",
    version,
    about = "The Parlons web chat client and its XMPP gateway"
)]
pub struct Args {
    /// A TOML configuration file.
    #[arg(long, env = "PARLONS_CONFIG", value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Where to listen for HTTP [default: 127.0.0.1:8080].
    #[arg(long, env = "PARLONS_LISTEN", value_name = "ADDR")]
    pub listen: Option<SocketAddr>,
    /// Where to serve /metrics, apart from the site [default: 127.0.0.1:9464].
    #[arg(long, env = "PARLONS_METRICS_LISTEN", value_name = "ADDR")]
    pub metrics_listen: Option<SocketAddr>,
    /// The built client [default: the workspace's target/site].
    #[arg(long, env = "PARLONS_SITE_DIR", value_name = "DIR")]
    pub site_dir: Option<PathBuf>,
    /// Connect DOMAIN to HOST:PORT (STARTTLS), tls://HOST:PORT (direct TLS) or
    /// plain://HOST:PORT (no TLS, for tests only) instead of resolving it.
    #[arg(
        long = "upstream",
        env = "PARLONS_UPSTREAM",
        value_name = "DOMAIN=HOST:PORT",
        value_delimiter = ','
    )]
    pub upstreams: Vec<UpstreamOverride>,
    /// Extra trust anchors for upstream TLS, in PEM.
    #[arg(
        long = "ca-file",
        env = "PARLONS_CA_FILE",
        value_name = "PEM",
        value_delimiter = ','
    )]
    pub ca_files: Vec<PathBuf>,
    /// Only bridge to these domains (organisation mode). Without any, every
    /// domain may be reached (open mode).
    #[arg(
        long = "allow-domain",
        env = "PARLONS_ALLOW_DOMAIN",
        value_name = "DOMAIN",
        value_delimiter = ','
    )]
    pub allow_domains: Vec<String>,
    /// Browser origins allowed besides our own.
    #[arg(
        long = "allow-origin",
        env = "PARLONS_ALLOW_ORIGIN",
        value_name = "ORIGIN",
        value_delimiter = ','
    )]
    pub allow_origins: Vec<String>,
    /// The largest stanza relayed from a client, in bytes [default: 262144].
    #[arg(long, env = "PARLONS_MAX_STANZA_BYTES", value_name = "N")]
    pub max_stanza_bytes: Option<usize>,
    /// The largest stanza relayed from a server, in bytes [default: 4194304].
    #[arg(long, env = "PARLONS_MAX_SERVER_STANZA_BYTES", value_name = "N")]
    pub max_server_stanza_bytes: Option<usize>,
    /// DNS servers to ask instead of the system's (IP:PORT).
    #[arg(
        long = "dns-server",
        env = "PARLONS_DNS_SERVER",
        value_name = "IP:PORT",
        value_delimiter = ','
    )]
    pub dns_servers: Vec<SocketAddr>,
}

/// The configuration file, every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileConfig {
    listen: Option<SocketAddr>,
    metrics_listen: Option<SocketAddr>,
    site_dir: Option<PathBuf>,
    #[serde(default)]
    upstream: BTreeMap<String, String>,
    #[serde(default)]
    ca_files: Vec<PathBuf>,
    #[serde(default)]
    allow_domains: Vec<String>,
    #[serde(default)]
    allow_origins: Vec<String>,
    max_stanza_bytes: Option<usize>,
    max_server_stanza_bytes: Option<usize>,
    #[serde(default)]
    dns_servers: Vec<SocketAddr>,
    #[serde(default)]
    trusted_proxies: Vec<ProxyRange>,
    public_url: Option<String>,
    #[serde(default)]
    private_ca: BTreeMap<String, PathBuf>,
    #[serde(default)]
    timeouts: FileTimeouts,
    #[serde(default)]
    limits: FileLimits,
}

/// `[limits]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct FileLimits {
    connections: Option<usize>,
    unbound_connections: Option<usize>,
    connections_per_ip: Option<usize>,
    connections_per_domain: Option<usize>,
    attempt_burst: Option<u32>,
    attempts_per_minute: Option<u32>,
    buffer_budget_bytes: Option<usize>,
}

impl FileLimits {
    fn apply(&self, l: &mut ConnectionLimits) {
        l.global = self.connections.unwrap_or(l.global);
        l.unbound = self.unbound_connections.unwrap_or(l.unbound);
        l.per_ip = self.connections_per_ip.unwrap_or(l.per_ip);
        l.per_domain = self.connections_per_domain.unwrap_or(l.per_domain);
        l.attempt_burst = self.attempt_burst.unwrap_or(l.attempt_burst);
        l.attempts_per_minute = self.attempts_per_minute.unwrap_or(l.attempts_per_minute);
        l.buffer_budget = self.buffer_budget_bytes.unwrap_or(l.buffer_budget);
    }
}

/// How the gateway reaches an overridden domain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Security {
    /// Plain TCP, then STARTTLS (RFC 6120 §5).
    StartTls,
    /// TLS from the first byte (XEP-0368).
    DirectTls,
    /// No TLS at all: only for tests against local servers.
    Plain,
}

/// `DOMAIN=HOST:PORT`, `DOMAIN=tls://HOST:PORT` or `DOMAIN=plain://HOST:PORT`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamOverride {
    /// The XMPP domain, lower-cased.
    pub domain: String,
    /// Where it is reached.
    pub target: UpstreamTarget,
}

/// An operator-configured address for a domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamTarget {
    /// A host name or IP address.
    pub host: String,
    /// The TCP port.
    pub port: u16,
    /// How the stream is secured.
    pub security: Security,
}

/// A configuration that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML for this configuration.
    #[error("invalid configuration in {path}: {source}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// Why.
        source: Box<toml::de::Error>,
    },
    /// An upstream override is malformed.
    #[error(
        "invalid upstream {0:?}: expected DOMAIN=HOST:PORT, DOMAIN=tls://HOST:PORT or DOMAIN=plain://HOST:PORT"
    )]
    Upstream(String),
    /// An allowed domain is not a valid domain.
    #[error("invalid domain {0:?} in allow-domains")]
    Domain(String),
    /// A value is out of range.
    #[error("{0}")]
    Invalid(&'static str),
}

impl FromStr for UpstreamTarget {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        let bad = || ConfigError::Upstream(s.to_owned());
        let (security, rest) = if let Some(rest) = s.strip_prefix("tls://") {
            (Security::DirectTls, rest)
        } else if let Some(rest) = s.strip_prefix("plain://") {
            (Security::Plain, rest)
        } else {
            (Security::StartTls, s)
        };
        let (host, port) = rest.rsplit_once(':').ok_or_else(bad)?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port: u16 = port.parse().map_err(|_| bad())?;
        if host.is_empty() || port == 0 {
            return Err(bad());
        }
        Ok(Self {
            host: host.to_owned(),
            port,
            security,
        })
    }
}

impl FromStr for UpstreamOverride {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, ConfigError> {
        let (domain, target) = s
            .split_once('=')
            .ok_or_else(|| ConfigError::Upstream(s.to_owned()))?;
        let domain = normalise_domain(domain).ok_or_else(|| ConfigError::Upstream(s.to_owned()))?;
        Ok(Self {
            domain,
            target: target.parse()?,
        })
    }
}

impl fmt::Display for UpstreamTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = match self.security {
            Security::StartTls => "",
            Security::DirectTls => "tls://",
            Security::Plain => "plain://",
        };
        write!(f, "{scheme}{}:{}", self.host, self.port)
    }
}

/// Lower-cases a configured domain and drops a trailing dot.
/// The same normalisation as for the domains clients ask for (IDNA A-labels,
/// lower case, no trailing dot), so that they compare equal.
fn normalise_domain(domain: &str) -> Option<String> {
    crate::gateway::domain::normalise(domain.trim()).ok()
}

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen for HTTP.
    pub listen: SocketAddr,
    /// Where `/metrics` is served: never on the site's own listener, so it
    /// is not public by accident.
    pub metrics_listen: SocketAddr,
    /// The built client.
    pub site_dir: PathBuf,
    /// Operator overrides by domain; these domains are trusted.
    pub upstreams: BTreeMap<String, UpstreamTarget>,
    /// Private CAs, each trusted for one domain only (lower-case).
    pub private_cas: BTreeMap<String, PathBuf>,
    /// Extra trust anchors for upstream TLS.
    pub ca_files: Vec<PathBuf>,
    /// Organisation mode when non-empty.
    pub allow_domains: Vec<String>,
    /// Browser origins allowed besides our own.
    pub allow_origins: Vec<String>,
    /// The stanza size limit from clients.
    pub max_stanza_bytes: usize,
    /// The stanza size limit from servers.
    pub max_server_stanza_bytes: usize,
    /// DNS servers to ask instead of the system's.
    pub dns_servers: Vec<SocketAddr>,
    /// Proxies whose `X-Forwarded-For` and `X-Forwarded-Proto` are believed:
    /// addresses or CIDR ranges.
    pub trusted_proxies: Vec<ProxyRange>,
    /// The gateway's public base URL (`https://chat.example.org`), for
    /// XEP-0156 discovery; by default derived from each request.
    pub public_url: Option<String>,
    /// Time limits.
    pub timeouts: Timeouts,
    /// Connection caps.
    pub limits: ConnectionLimits,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            metrics_listen: SocketAddr::from(([127, 0, 0, 1], 9464)),
            site_dir: PathBuf::from(DEFAULT_SITE_DIR),
            upstreams: BTreeMap::new(),
            ca_files: Vec::new(),
            private_cas: BTreeMap::new(),
            allow_domains: Vec::new(),
            allow_origins: Vec::new(),
            max_stanza_bytes: DEFAULT_MAX_STANZA_BYTES,
            max_server_stanza_bytes: DEFAULT_MAX_SERVER_STANZA_BYTES,
            dns_servers: Vec::new(),
            trusted_proxies: Vec::new(),
            public_url: None,
            timeouts: Timeouts::default(),
            limits: ConnectionLimits::default(),
        }
    }
}

impl Config {
    /// Merges the file named by `args` (if any) under `args`.
    pub fn load(args: Args) -> Result<Self, ConfigError> {
        let file = match &args.config {
            Some(path) => read_file(path)?,
            None => FileConfig::default(),
        };
        Self::merge(file, args)
    }

    fn merge(file: FileConfig, args: Args) -> Result<Self, ConfigError> {
        let defaults = Self::default();
        let mut upstreams = BTreeMap::new();
        for (domain, target) in &file.upstream {
            let domain = normalise_domain(domain)
                .ok_or_else(|| ConfigError::Upstream(format!("{domain}={target}")))?;
            upstreams.insert(domain, target.parse()?);
        }
        for o in args.upstreams {
            upstreams.insert(o.domain, o.target);
        }
        let max_stanza_bytes = at_least_4096(
            args.max_stanza_bytes.or(file.max_stanza_bytes),
            defaults.max_stanza_bytes,
            "max-stanza-bytes must be at least 4096",
        )?;
        let max_server_stanza_bytes = at_least_4096(
            args.max_server_stanza_bytes.or(file.max_server_stanza_bytes),
            defaults.max_server_stanza_bytes,
            "max-server-stanza-bytes must be at least 4096",
        )?;
        let domains = |v: Vec<String>| -> Result<Vec<String>, ConfigError> {
            v.iter()
                .map(|d| normalise_domain(d).ok_or_else(|| ConfigError::Domain(d.clone())))
                .collect()
        };
        let mut timeouts = defaults.timeouts;
        file.timeouts.apply(&mut timeouts);
        let mut limits = defaults.limits;
        file.limits.apply(&mut limits);
        if timeouts.ping.is_zero() || timeouts.idle <= timeouts.ping {
            return Err(ConfigError::Invalid(
                "timeouts: idle must be longer than ping, and ping above 0",
            ));
        }
        Ok(Self {
            listen: args.listen.or(file.listen).unwrap_or(defaults.listen),
            metrics_listen: args
                .metrics_listen
                .or(file.metrics_listen)
                .unwrap_or(defaults.metrics_listen),
            site_dir: args.site_dir.or(file.site_dir).unwrap_or(defaults.site_dir),
            upstreams,
            ca_files: override_list(file.ca_files, args.ca_files),
            private_cas: file
                .private_ca
                .into_iter()
                .map(|(domain, path)| (domain.to_ascii_lowercase(), path))
                .collect(),
            allow_domains: domains(override_list(file.allow_domains, args.allow_domains))?,
            allow_origins: override_list(file.allow_origins, args.allow_origins),
            max_stanza_bytes,
            max_server_stanza_bytes,
            dns_servers: override_list(file.dns_servers, args.dns_servers),
            trusted_proxies: file.trusted_proxies,
            public_url: public_url(file.public_url)?,
            timeouts,
            limits,
        })
    }
}

/// A stanza limit, `default` when unset; `error` when below 4096 bytes.
fn at_least_4096(value: Option<usize>, default: usize, error: &'static str) -> Result<usize, ConfigError> {
    let value = value.unwrap_or(default);
    if value < 4096 {
        return Err(ConfigError::Invalid(error));
    }
    Ok(value)
}

/// `public-url`, which must be `http(s)://`, without a trailing slash.
fn public_url(url: Option<String>) -> Result<Option<String>, ConfigError> {
    match url {
        Some(u) if !(u.starts_with("https://") || u.starts_with("http://")) => Err(ConfigError::Invalid(
            "public-url must be an http:// or https:// URL",
        )),
        u => Ok(u.map(|u| u.trim_end_matches('/').to_owned())),
    }
}

/// A list given on the command line or in the environment replaces the file's.
fn override_list<T>(file: Vec<T>, args: Vec<T>) -> Vec<T> {
    if args.is_empty() { file } else { args }
}

fn read_file(path: &Path) -> Result<FileConfig, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
        path: path.to_owned(),
        source,
    })?;
    toml::from_str(&text).map_err(|source| ConfigError::Parse {
        path: path.to_owned(),
        source: Box::new(source),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn args(argv: &[&str]) -> Args {
        Args::try_parse_from(std::iter::once("parlons").chain(argv.iter().copied())).unwrap()
    }

    #[test]
    fn defaults_are_safe() {
        let c = Config::merge(FileConfig::default(), Args::default()).unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:8080");
        assert_eq!(c.max_stanza_bytes, 262_144);
        assert_eq!(c.max_server_stanza_bytes, 4 * 1024 * 1024);
        assert!(c.upstreams.is_empty());
        assert!(c.site_dir.ends_with("target/site"));
    }

    #[test]
    fn parses_upstream_forms() {
        let a = args(&[
            "--upstream",
            "Example.ORG=xmpp.example.org:5222",
            "--upstream",
            "b.test=tls://127.0.0.1:5223",
            "--upstream",
            "c.test=plain://[::1]:5222",
        ]);
        let c = Config::merge(FileConfig::default(), a).unwrap();
        let t = &c.upstreams["example.org"];
        assert_eq!(
            (t.host.as_str(), t.port, t.security),
            ("xmpp.example.org", 5222, Security::StartTls)
        );
        assert_eq!(c.upstreams["b.test"].security, Security::DirectTls);
        assert_eq!(c.upstreams["c.test"].host, "::1");
        assert_eq!(c.upstreams["c.test"].to_string(), "plain://::1:5222");
    }

    #[test]
    fn rejects_bad_upstreams() {
        for bad in ["nodomain", "=h:1", "a=h", "a=h:0", "a=:5222", "a=h:99999"] {
            assert!(
                Args::try_parse_from(["parlons", "--upstream", bad]).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn flags_override_file() {
        let file: FileConfig = toml::from_str(
            r#"
            listen = "0.0.0.0:9000"
            max-stanza-bytes = 10000
            allow-domains = ["a.example"]
            [upstream]
            "a.example" = "10.0.0.1:5222"
            "#,
        )
        .unwrap();
        let c = Config::merge(
            file,
            args(&["--listen", "127.0.0.1:1234", "--upstream", "a.example=h:1"]),
        )
        .unwrap();
        assert_eq!(c.listen.to_string(), "127.0.0.1:1234");
        assert_eq!(c.max_stanza_bytes, 10000);
        assert_eq!(c.allow_domains, ["a.example"]);
        assert_eq!(c.upstreams["a.example"].host, "h");
    }

    #[test]
    fn the_example_file_is_valid_and_matches_the_defaults() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../parlons.toml");
        let c = Config::merge(read_file(&path).unwrap(), Args::default()).unwrap();
        let d = Config::default();
        assert_eq!(c.listen, d.listen);
        assert_eq!(c.max_stanza_bytes, d.max_stanza_bytes);
        assert_eq!(c.timeouts, d.timeouts);
        assert_eq!(c.limits, d.limits);
        assert!(c.upstreams.is_empty() && c.allow_domains.is_empty());
    }

    #[test]
    fn reads_timeouts_and_limits() {
        let file: FileConfig = toml::from_str(
            "dns-servers = [\"127.0.0.1:5353\"]\n[timeouts]\nidle = 300\nping = 60\n[limits]\nconnections-per-ip = 3\n",
        )
        .unwrap();
        let c = Config::merge(file, Args::default()).unwrap();
        assert_eq!(c.timeouts.idle, Duration::from_secs(300));
        assert_eq!(c.timeouts.ping, Duration::from_secs(60));
        assert_eq!(c.limits.per_ip, 3);
        assert_eq!(c.dns_servers, ["127.0.0.1:5353".parse::<SocketAddr>().unwrap()]);
        let bad: FileConfig = toml::from_str("[timeouts]\nidle = 10\nping = 20\n").unwrap();
        assert!(Config::merge(bad, Args::default()).is_err());
    }

    #[test]
    fn configured_domains_compare_as_clients_send_them() {
        let a = args(&[
            "--allow-domain",
            "Bücher.Example.",
            "--upstream",
            "ÉCOLE.example=h:5222",
        ]);
        let c = Config::merge(FileConfig::default(), a).unwrap();
        assert_eq!(c.allow_domains, ["xn--bcher-kva.example"]);
        assert!(c.upstreams.contains_key("xn--cole-9oa.example"));
        let bad = Config::merge(FileConfig::default(), args(&["--allow-domain", "not a domain"]));
        assert!(matches!(bad, Err(ConfigError::Domain(_))));
    }

    #[test]
    fn rejects_unknown_keys_and_tiny_limits() {
        assert!(toml::from_str::<FileConfig>("lisen = \"x\"").is_err());
        let err = Config::merge(FileConfig::default(), args(&["--max-stanza-bytes", "10"])).unwrap_err();
        assert!(err.to_string().contains("at least 4096"));
        let file: FileConfig = toml::from_str("public-url = \"chat.example.org\"").unwrap();
        let err = Config::merge(file, args(&[])).unwrap_err();
        assert!(err.to_string().contains("public-url"), "{err}");
    }
}
