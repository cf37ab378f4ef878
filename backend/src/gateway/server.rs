//! The server's side of a session (RFC 6120 §3, §4): policy and limits,
//! the connection, the stream header, `<see-other-host/>`
//! (§4.9.3.19), and writes that never block for long.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};

use super::Gateway;
use super::addresses;
use super::admission::DomainPermit;
use super::client_frame::OpenRequest;
use super::fail::{Fail, server_fault};
use super::ns;
use super::policy::Route;
use super::socket::WRITE_TIMEOUT;
use super::splitter::{Item, Splitter};
use super::stream_error::Condition;
use super::upstream::{Connection, UpstreamError, stream_header};
use crate::config::{Security, UpstreamTarget};

/// Bytes read from the server at a time.
pub(super) const READ_CHUNK: usize = 4096;

/// The longest reaching a server may take, all candidates together.
const CONNECT_DEADLINE: Duration = Duration::from_secs(30);

/// How many see-other-host redirects one session follows.
const MAX_REDIRECTS: usize = 3;

pub(super) type Upstream = (ReadHalf<Connection>, WriteHalf<Connection>, Splitter, Vec<Item>);

/// Sends the stream header and reads the server's up to its first element,
/// following `<see-other-host/>` (RFC 6120 §4.9.3.19) to another server of
/// the same domain: policy and certificate checks stay those of `domain`.
pub(super) async fn open_upstream(
    gw: &Gateway,
    domain: &str,
    route: &Route,
    open: &OpenRequest,
    mut conn: Connection,
) -> Result<Upstream, Fail> {
    let header = stream_header(domain, open.from.as_deref(), open.lang.as_deref());
    for redirect in 0..=MAX_REDIRECTS {
        let (mut reader, mut writer) = tokio::io::split(conn);
        send_upstream(&mut writer, header.as_bytes())
            .await
            .map_err(|_| Fail::server_gone())?;
        let mut splitter = Splitter::new(gw.settings.server_limits, true);
        let first = tokio::time::timeout(gw.settings.open_timeout, first_items(&mut reader, &mut splitter))
            .await
            .map_err(|_| {
                Fail::new(
                    Condition::ConnectionTimeout,
                    "the server did not open the stream in time",
                )
            })??;
        let Some(target) = first.iter().find_map(see_other_host) else {
            return Ok((reader, writer, splitter, first));
        };
        if redirect == MAX_REDIRECTS {
            break;
        }
        tracing::info!(%domain, target = %target, "following see-other-host");
        let vet =
            matches!(route, Route::Resolve { vet: true }).then_some(addresses::is_public as fn(_) -> bool);
        conn = match gw.connector.connect(domain, Some(&target), vet).await {
            Ok((conn, _, _)) => conn,
            Err(e) => return Err(Fail::new(e.condition(), e.to_string())),
        };
    }
    Err(Fail::new(
        Condition::RemoteConnectionFailed,
        "the server redirected too many times",
    ))
}

/// Reads until the server's stream header and the element after it.
async fn first_items(reader: &mut ReadHalf<Connection>, splitter: &mut Splitter) -> Result<Vec<Item>, Fail> {
    let mut buf = vec![0u8; READ_CHUNK];
    let mut items = Vec::new();
    loop {
        let n = reader.read(&mut buf).await.unwrap_or(0);
        if n == 0 {
            return Err(Fail::server_gone());
        }
        splitter
            .feed(&buf[..n], &mut items)
            .map_err(|e| server_fault(&e))?;
        if items.iter().any(|i| !matches!(i, Item::Open(_))) {
            return Ok(items);
        }
    }
}

/// The target of a `<see-other-host/>` stream error, as the splitter wrote
/// it: `host`, `host:port`, `[v6]` or `[v6]:port` (port 5222 by default).
fn see_other_host(item: &Item) -> Option<UpstreamTarget> {
    const START: &str = r#"<see-other-host xmlns="urn:ietf:params:xml:ns:xmpp-streams">"#;
    let Item::Stanza(s) = item else { return None };
    if !s.is("error", ns::STREAM) {
        return None;
    }
    let rest = &s.xml[s.xml.find(START)? + START.len()..];
    let text = rest[..rest.find("</see-other-host>")?].trim();
    let (host, port) = match text.strip_prefix('[') {
        Some(v6) => {
            let (host, after) = v6.split_once(']')?;
            (host, after.strip_prefix(':'))
        }
        None => match text.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (text, None),
        },
    };
    let port = port.map_or(Some(5222), |p| p.parse().ok())?;
    let valid = !host.is_empty()
        && host.len() <= 253
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.:".contains(&b));
    (valid && port != 0).then(|| UpstreamTarget {
        host: host.to_owned(),
        port,
        security: Security::StartTls,
    })
}

/// Applies policy and limits, then reaches the server.
pub(super) async fn connect(gw: &Gateway, domain: &str) -> Result<(Connection, Route, DomainPermit), Fail> {
    let route = gw
        .policy
        .route(domain)
        .map_err(|e| Fail::new(Condition::HostUnknown, e.to_string()))?;
    let permit = gw.limiter.admit_domain(domain).map_err(|e| {
        gw.limiter.warn_refused(e, None, std::time::Instant::now());
        Fail::new(Condition::ResourceConstraint, e.to_string())
    })?;
    let (target, vet) = match &route {
        Route::Override(t) => (Some(t), None),
        Route::Resolve { vet } => (None, vet.then_some(addresses::is_public as fn(_) -> bool)),
    };
    let mut shutdown = gw.shutdown.clone();
    let attempt = tokio::time::timeout(CONNECT_DEADLINE, gw.connector.connect(domain, target, vet));
    let result = tokio::select! {
        r = attempt => r.unwrap_or_else(|_| Err(UpstreamError::Timeout(domain.to_owned()))),
        _ = shutdown.changed() => {
            return Err(Fail::new(Condition::SystemShutdown, "the gateway is restarting; reconnect"));
        }
    };
    match result {
        Ok((conn, addr, took)) => {
            gw.metrics.connected(took);
            tracing::info!(%domain, %addr, connect_ms = took.as_millis() as u64, "session started");
            Ok((conn, route, permit))
        }
        Err(e) => {
            if matches!(e, UpstreamError::Dns(_)) {
                gw.metrics.dns_failure();
            }
            tracing::info!(%domain, error = %e, "upstream unreachable");
            let text = match &e {
                UpstreamError::Tls { domain, .. } => {
                    format!("could not establish a secure connection to {domain}")
                }
                e => e.to_string(),
            };
            Err(Fail::new(e.condition(), text))
        }
    }
}

/// Writes to the server at once: TLS must not hold small stanzas back.
pub(super) async fn send_upstream(writer: &mut WriteHalf<Connection>, bytes: &[u8]) -> std::io::Result<()> {
    let write = async {
        writer.write_all(bytes).await?;
        writer.flush().await
    };
    tokio::time::timeout(WRITE_TIMEOUT, write)
        .await
        .unwrap_or_else(|_| Err(std::io::ErrorKind::TimedOut.into()))
}

/// Ends our side of the TCP connection, without waiting on a stalled server.
pub(super) async fn shutdown_upstream(writer: &mut WriteHalf<Connection>) {
    let _ = tokio::time::timeout(WRITE_TIMEOUT, writer.shutdown()).await;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::xml::ElementLimits;

    fn first_stanza(stream_error: &str) -> Item {
        let mut s = Splitter::new(ElementLimits::new(4096), true);
        let mut items = Vec::new();
        let input = format!(
            "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>\
             <stream:error>{stream_error}</stream:error>"
        );
        s.feed(input.as_bytes(), &mut items).unwrap();
        items.pop().unwrap()
    }

    #[test]
    fn reads_see_other_host_targets() {
        let target = |text: &str| {
            see_other_host(&first_stanza(&format!(
                "<see-other-host xmlns='urn:ietf:params:xml:ns:xmpp-streams'>{text}</see-other-host>"
            )))
            .map(|t| t.to_string())
        };
        assert_eq!(
            target("xmpp2.example.org").as_deref(),
            Some("xmpp2.example.org:5222")
        );
        assert_eq!(
            target("xmpp2.example.org:5999").as_deref(),
            Some("xmpp2.example.org:5999")
        );
        assert_eq!(target("[2001:db8::1]:5223").as_deref(), Some("2001:db8::1:5223"));
        assert_eq!(target("[2001:db8::1]").as_deref(), Some("2001:db8::1:5222"));
        assert_eq!(target("bad host"), None);
        assert_eq!(target("h:notaport"), None);
        assert_eq!(target(""), None);
        assert!(
            see_other_host(&first_stanza(
                "<conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
            ))
            .is_none()
        );
    }
}
