//! The `Host` header, against DNS rebinding (RFC 9110 §7.2): a page on a
//! name its attacker controls, re-pointed at this gateway's address, sends
//! its own name as `Host`. Only names of this site pass: the host of
//! `public-url` when set; otherwise `localhost` and IP literals (a name
//! someone else controls is never an IP literal). `/healthz` is exempt, for
//! probes.

use std::net::IpAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{StatusCode, header};

use crate::config::Config;

/// The names this site answers to.
#[derive(Debug, Clone)]
pub enum SiteHosts {
    /// Only the host of `public-url`, lower-cased.
    Public(String),
    /// `localhost` and IP literals: the address the gateway listens on,
    /// which for `0.0.0.0` is any of the machine's.
    Local,
}

impl SiteHosts {
    /// The names of `config`'s site.
    pub fn new(config: &Config) -> Self {
        match config.public_url.as_deref().and_then(url_host) {
            Some(host) => Self::Public(host),
            None => Self::Local,
        }
    }

    /// Whether a request naming `host` (a `Host` header, port and all) is
    /// for this site.
    pub fn allows(&self, host: &str) -> bool {
        let name = strip_port(host).to_ascii_lowercase();
        let name = name.trim_end_matches('.').trim_matches(['[', ']']);
        match self {
            Self::Public(public) => name == public,
            Self::Local => name == "localhost" || name.parse::<IpAddr>().is_ok(),
        }
    }
}

/// The host of an `http(s)://host[:port][/…]` URL, lower-cased.
fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://")?.1;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host = strip_port(authority)
        .trim_matches(['[', ']'])
        .trim_end_matches('.');
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// `name` without its `:port`; an IPv6 literal keeps its brackets.
fn strip_port(host: &str) -> &str {
    if let Some(end) = host.find(']') {
        return &host[..=end];
    }
    host.rsplit_once(':').map_or(host, |(name, _)| name)
}

/// Middleware: a request for another name gets 403.
pub async fn check(State(hosts): State<Arc<SiteHosts>>, req: Request<Body>, next: Next) -> Response {
    if req.uri().path() == super::health::PATH {
        return next.run(req).await;
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| req.uri().host())
        .unwrap_or("");
    if hosts.allows(host) {
        return next.run(req).await;
    }
    let shown: String = host.chars().take(100).collect();
    tracing::info!(host = %shown.escape_default(), "refused a request for another site's name (DNS rebinding?)");
    (
        StatusCode::FORBIDDEN,
        "this gateway does not serve that host name\n",
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_public_url_names_the_one_host() {
        let hosts = SiteHosts::Public(url_host("https://Chat.Example.org/").unwrap());
        for ok in [
            "chat.example.org",
            "CHAT.example.org:443",
            "chat.example.org.",
            "chat.example.org:8443",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "evil.example",
            "127.0.0.1",
            "localhost",
            "chat.example.org.evil.example",
            "",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
        assert_eq!(url_host("http://[::1]:8080/x").as_deref(), Some("::1"));
        let v6 = SiteHosts::Public(url_host("http://[::1]:8080/").unwrap());
        assert!(v6.allows("[::1]:8080"));
        assert!(!v6.allows("[::2]:8080"));
        assert!(
            SiteHosts::Public(url_host("https://chat.example.org./").unwrap()).allows("chat.example.org")
        );
        assert_eq!(url_host("nonsense"), None);
    }

    #[test]
    fn without_one_localhost_and_addresses_pass_and_names_do_not() {
        let hosts = SiteHosts::Local;
        for ok in [
            "localhost",
            "localhost:8080",
            "127.0.0.1:8080",
            "[::1]:8080",
            "192.0.2.7",
            "LOCALHOST",
        ] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in [
            "attacker.example",
            "attacker.example:8080",
            "localhost.attacker.example",
            "",
            "[::1",
        ] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }
}
