//! One session: an RFC 7395 WebSocket bridged to an RFC 6120 stream.
//!
//! The bridge understands framing, never chat: it opens the upstream stream
//! for the `<open/>` it gets, restarts it when the client does, relays one
//! checked element per message each way, and turns every failure into a
//! `<stream:error>` followed by `<close/>`.

use super::ns;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::{Sink, SinkExt, Stream, StreamExt};
use tokio::io::{AsyncReadExt, AsyncWriteExt, ReadHalf, WriteHalf};

use super::Gateway;
use super::admission::DomainPermit;
use super::client_frame::{self, ClientFrame, OpenRequest};
use super::policy::{self, Route};
use super::splitter::{Item, Splitter};
use super::stream::{self, CLOSE, Phase, StreamState, ToClient, ToServer};
use super::stream_error::{Condition, stream_error};
use super::upstream::{Connection, UpstreamError, stream_header};
use crate::config::{Security, UpstreamTarget};
use crate::metrics::Outcome;

/// Bytes read from the server at a time.
const READ_CHUNK: usize = 4096;

/// The longest reaching a server may take, all candidates together.
const CONNECT_DEADLINE: Duration = Duration::from_secs(30);

/// The longest a write to either side may block.
const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// A failure that ends the session with a stream error (fields private).
#[derive(Debug)]
pub struct Fail {
    condition: Condition,
    text: String,
    /// Send `</stream:stream>` upstream: the client broke the rules, so its
    /// session is over. Otherwise the TCP connection is dropped without it,
    /// which keeps an XEP-0198 session resumable.
    end_upstream: bool,
    /// The server closed the TCP connection: counted as its end, not ours.
    server_gone: bool,
}

impl Fail {
    fn new(condition: Condition, text: impl Into<String>) -> Self {
        Self {
            condition,
            text: text.into(),
            end_upstream: false,
            server_gone: false,
        }
    }

    fn server_gone() -> Self {
        Self {
            server_gone: true,
            ..Self::new(
                Condition::RemoteConnectionFailed,
                "the server closed the connection",
            )
        }
    }

    fn client_fault(condition: Condition, text: impl Into<String>) -> Self {
        Self {
            end_upstream: true,
            ..Self::new(condition, text)
        }
    }
}

/// How the relay loop ended.
enum End {
    Outcome(Outcome),
    Fail(Fail),
}

/// Counts for the session's end line.
#[derive(Debug, Default)]
struct Counts {
    to_server: u64,
    to_client: u64,
}

/// A WebSocket as the bridge needs it; axum's, or channels in tests.
pub trait ClientSocket:
    Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin + Send
{
}
impl<T> ClientSocket for T where
    T: Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin + Send
{
}

/// Runs one session to its end. `refusal` is set when the session was
/// refused before it started (a limit), to be reported as a stream error.
pub async fn run<S: ClientSocket>(mut ws: S, gw: Arc<Gateway>, refusal: Option<Fail>) {
    let started = Instant::now();
    gw.metrics.session_opened();
    let mut counts = Counts::default();
    let mut domain = String::new();
    let outcome = match refusal {
        Some(fail) => fail_before_open(&mut ws, &gw, None, fail).await,
        None => session(&mut ws, &gw, &mut domain, &mut counts).await,
    };
    gw.metrics.session_closed(outcome);
    tracing::info!(
        domain = %domain,
        duration_ms = started.elapsed().as_millis() as u64,
        to_server = counts.to_server,
        to_client = counts.to_client,
        outcome = outcome.label(),
        condition = outcome.condition(),
        "session ended"
    );
}

/// A refusal for a limit: the client gets `<open/>`, the stream error and
/// `<close/>` at once, without the gateway reading anything from it.
pub fn refusal(condition: Condition, text: impl Into<String>) -> Fail {
    Fail::new(condition, text)
}

async fn session<S: ClientSocket>(
    ws: &mut S,
    gw: &Arc<Gateway>,
    domain_out: &mut String,
    counts: &mut Counts,
) -> Outcome {
    // The first message must be <open to=…/>.
    let open = match tokio::time::timeout(gw.settings.open_timeout, next_text(ws)).await {
        Err(_) => {
            let fail = Fail::new(Condition::ConnectionTimeout, "no <open/> received in time");
            return fail_before_open(ws, gw, None, fail).await;
        }
        Ok(None) => return Outcome::ClientGone,
        Ok(Some(Err(fail))) => return fail_before_open(ws, gw, None, fail).await,
        Ok(Some(Ok(text))) => match client_frame::parse(&text, &gw.settings.limits) {
            Ok(ClientFrame::Open(open)) => open,
            Ok(_) => {
                let fail = Fail::new(Condition::NotWellFormed, "the stream must start with <open/>");
                return fail_before_open(ws, gw, None, fail).await;
            }
            Err(e) => return fail_before_open(ws, gw, None, Fail::new(e.condition(), e.to_string())).await,
        },
    };
    let domain = match stream::open_domain(&open) {
        Ok(d) => d,
        Err(r) => return fail_before_open(ws, gw, None, Fail::new(r.condition, r.text)).await,
    };
    domain_out.clone_from(&domain);

    let (conn, route, _permit) = match connect(gw, &domain).await {
        Ok(c) => c,
        Err(fail) => return fail_before_open(ws, gw, Some(&domain), fail).await,
    };
    let (reader, writer, splitter, first) = match open_upstream(gw, &domain, &route, &open, conn).await {
        Ok(opened) => opened,
        Err(fail) => return fail_before_open(ws, gw, Some(&domain), fail).await,
    };
    let mut relay = Relay {
        gw,
        reader,
        writer,
        splitter,
        stream: StreamState::new(domain.clone()),
        closing: None,
        counts,
    };
    let mut end = None;
    for item in first {
        if let Some(e) = relay.server_item(ws, item).await {
            end = Some(e);
            break;
        }
    }
    let end = match end {
        Some(end) => end,
        None => relay.run(ws).await,
    };
    match end {
        End::Outcome(o) => o,
        End::Fail(fail) => {
            let opened = relay.stream.opened();
            if fail.end_upstream {
                let _ = send_upstream(&mut relay.writer, b"</stream:stream>").await;
            }
            shutdown_upstream(&mut relay.writer).await;
            if opened {
                send_error(ws, gw, fail).await
            } else {
                fail_before_open(ws, gw, Some(&domain), fail).await
            }
        }
    }
}

/// How many see-other-host redirects one session follows.
const MAX_REDIRECTS: usize = 3;

type Upstream = (ReadHalf<Connection>, WriteHalf<Connection>, Splitter, Vec<Item>);

/// Sends the stream header and reads the server's up to its first element,
/// following `<see-other-host/>` (RFC 6120 §4.9.3.19) to another server of
/// the same domain: policy and certificate checks stay those of `domain`.
async fn open_upstream(
    gw: &Gateway,
    domain: &str,
    route: &Route,
    open: &OpenRequest,
    mut conn: Connection,
) -> Result<Upstream, Fail> {
    let header = stream_header(domain, open.from.as_deref(), open.lang.as_deref());
    let broken = || {
        Fail::new(
            Condition::RemoteConnectionFailed,
            "the server closed the connection",
        )
    };
    for redirect in 0..=MAX_REDIRECTS {
        let (mut reader, mut writer) = tokio::io::split(conn);
        send_upstream(&mut writer, header.as_bytes())
            .await
            .map_err(|_| broken())?;
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
        let vet = matches!(route, Route::Resolve { vet: true }).then_some(policy::is_public as fn(_) -> bool);
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
            return Err(Fail::new(
                Condition::RemoteConnectionFailed,
                "the server closed the connection",
            ));
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
async fn connect(gw: &Gateway, domain: &str) -> Result<(Connection, Route, DomainPermit), Fail> {
    let route = gw
        .policy
        .route(domain)
        .map_err(|e| Fail::new(Condition::HostUnknown, e.to_string()))?;
    let permit = gw
        .limiter
        .admit_domain(domain)
        .map_err(|e| Fail::new(Condition::ResourceConstraint, e.to_string()))?;
    let (target, vet) = match &route {
        Route::Override(t) => (Some(t), None),
        Route::Resolve { vet } => (None, vet.then_some(policy::is_public as fn(_) -> bool)),
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

struct Relay<'a> {
    gw: &'a Gateway,
    reader: ReadHalf<Connection>,
    writer: WriteHalf<Connection>,
    splitter: Splitter,
    stream: StreamState,
    /// When the client asked to close, the deadline for the server's answer.
    closing: Option<tokio::time::Instant>,
    counts: &'a mut Counts,
}

impl Relay<'_> {
    async fn run<S: ClientSocket>(&mut self, ws: &mut S) -> End {
        let settings = &self.gw.settings;
        let mut buf = vec![0u8; READ_CHUNK];
        let mut items = Vec::new();
        let mut ping = tokio::time::interval(settings.ping_interval);
        ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        ping.reset();
        let mut last_heard = tokio::time::Instant::now();
        // Built once, not on every wake: this loop is on every stanza's path.
        let preauth = tokio::time::sleep(settings.preauth_timeout);
        let close = tokio::time::sleep(Duration::ZERO);
        let mut shutdown_rx = self.gw.shutdown.clone();
        let shutdown = shutdown_rx.changed();
        tokio::pin!(preauth, close, shutdown);
        loop {
            if let Some(deadline) = self.closing
                && close.deadline() != deadline
            {
                close.as_mut().reset(deadline);
            }
            tokio::select! {
                msg = ws.next() => {
                    last_heard = tokio::time::Instant::now();
                    match self.client_message(msg).await {
                        Ok(None) => {}
                        Ok(Some(end)) => return end,
                        Err(fail) => return End::Fail(fail),
                    }
                }
                read = self.reader.read(&mut buf) => {
                    let n = match read {
                        Ok(0) | Err(_) => {
                            if self.closing.is_some() {
                                return self.finish_close(ws).await;
                            }
                            return End::Fail(Fail::server_gone());
                        }
                        Ok(n) => n,
                    };
                    if let Err(e) = self.splitter.feed(&buf[..n], &mut items) {
                        items.clear();
                        return End::Fail(server_fault(&e));
                    }
                    for item in items.drain(..) {
                        if let Some(end) = self.server_item(ws, item).await {
                            return end;
                        }
                    }
                }
                _ = ping.tick() => {
                    if last_heard.elapsed() > settings.idle_timeout {
                        return End::Fail(Fail::new(Condition::ConnectionTimeout, "the connection was idle for too long"));
                    }
                    if !to_client(ws, Message::Ping(bytes::Bytes::new())).await {
                        return End::Outcome(Outcome::ClientGone);
                    }
                }
                () = &mut preauth, if self.stream.phase() != Phase::Restarted => {
                    return End::Fail(Fail::new(Condition::ConnectionTimeout, "authentication took too long"));
                }
                () = &mut close, if self.closing.is_some() => {
                    return self.finish_close(ws).await;
                }
                _ = &mut shutdown => {
                    return End::Fail(Fail::new(Condition::SystemShutdown, "the gateway is restarting; reconnect"));
                }
            }
        }
    }

    /// Handles one thing from the WebSocket; `Some` ends the session.
    async fn client_message(
        &mut self,
        msg: Option<Result<Message, axum::Error>>,
    ) -> Result<Option<End>, Fail> {
        let text = match socket_text(msg) {
            SocketEvent::Text(t) => t,
            SocketEvent::Control => return Ok(None),
            SocketEvent::Gone => return Ok(Some(End::Outcome(Outcome::ClientGone))),
            SocketEvent::Fail(fail) => return Err(fail),
        };
        let frame = client_frame::parse(&text, &self.gw.settings.limits)
            .map_err(|e| Fail::client_fault(e.condition(), e.to_string()))?;
        let upstream = |_| {
            Fail::new(
                Condition::RemoteConnectionFailed,
                "the server closed the connection",
            )
        };
        match self
            .stream
            .from_client(&frame)
            .map_err(|r| Fail::client_fault(r.condition, r.text))?
        {
            ToServer::Restart(header) => {
                self.splitter.reset();
                send_upstream(&mut self.writer, header.as_bytes())
                    .await
                    .map_err(upstream)?;
            }
            ToServer::Close => {
                send_upstream(&mut self.writer, b"</stream:stream>")
                    .await
                    .map_err(upstream)?;
                self.closing = Some(tokio::time::Instant::now() + Duration::from_secs(5));
            }
            ToServer::Element { xml, name } => {
                send_upstream(&mut self.writer, xml.as_bytes())
                    .await
                    .map_err(upstream)?;
                self.counts.to_server += 1;
                self.gw.metrics.to_server(xml.len());
                tracing::trace!(element = %name, bytes = xml.len(), "to server");
            }
        }
        Ok(None)
    }

    /// Relays one thing from the server; `Some` ends the session.
    async fn server_item<S: ClientSocket>(&mut self, ws: &mut S, item: Item) -> Option<End> {
        let text = match self.stream.from_server(item) {
            ToClient::Open(frame) => frame,
            ToClient::Stanza(stanza) => {
                self.counts.to_client += 1;
                self.gw.metrics.to_client(stanza.xml.len());
                tracing::trace!(element = %stanza.name, bytes = stanza.xml.len(), "to client");
                stanza.xml
            }
            ToClient::Close => return Some(self.finish_close(ws).await),
        };
        if !to_client(ws, Message::text(text)).await {
            return Some(End::Outcome(Outcome::ClientGone));
        }
        None
    }

    /// The stream is over: `<close/>` to the client, then the WebSocket close.
    async fn finish_close<S: ClientSocket>(&mut self, ws: &mut S) -> End {
        if !self.stream.closing() {
            // The server closed first: answer in kind (RFC 6120 §4.4).
            let _ = send_upstream(&mut self.writer, b"</stream:stream>").await;
        }
        shutdown_upstream(&mut self.writer).await;
        to_client(ws, Message::text(CLOSE)).await;
        close_socket(ws).await;
        End::Outcome(Outcome::Closed)
    }
}

/// Writes to the server at once: TLS must not hold small stanzas back.
async fn send_upstream(writer: &mut WriteHalf<Connection>, bytes: &[u8]) -> std::io::Result<()> {
    let write = async {
        writer.write_all(bytes).await?;
        writer.flush().await
    };
    tokio::time::timeout(WRITE_TIMEOUT, write)
        .await
        .unwrap_or_else(|_| Err(std::io::ErrorKind::TimedOut.into()))
}

/// Ends our side of the TCP connection, without waiting on a stalled server.
async fn shutdown_upstream(writer: &mut WriteHalf<Connection>) {
    let _ = tokio::time::timeout(WRITE_TIMEOUT, writer.shutdown()).await;
}

/// Ends the WebSocket with the closing handshake: our Close frame, then the
/// client's, for a moment, so that it reads everything we sent.
async fn close_socket<S: ClientSocket>(ws: &mut S) {
    if !to_client(ws, Message::Close(Some(normal_close()))).await {
        return;
    }
    let _ = tokio::time::timeout(Duration::from_secs(2), async {
        while let Some(Ok(msg)) = ws.next().await {
            if matches!(msg, Message::Close(_)) {
                break;
            }
        }
    })
    .await;
}

/// Sends to the client; false when it is gone, or stalled so long that its
/// buffers stay full (which would otherwise stop every timer of the session).
async fn to_client<S: ClientSocket>(ws: &mut S, msg: Message) -> bool {
    matches!(
        tokio::time::timeout(WRITE_TIMEOUT, ws.send(msg)).await,
        Ok(Ok(()))
    )
}

/// A broken stream from the server is, for the client, a failed remote
/// connection: the client's own stream was fine.
fn server_fault(e: &super::splitter::SplitError) -> Fail {
    tracing::info!(error = %e, "server sent a bad stream");
    Fail::new(
        Condition::RemoteConnectionFailed,
        format!("the server sent an invalid stream: {e}"),
    )
}

enum SocketEvent {
    Text(Utf8Bytes),
    Control,
    Gone,
    Fail(Fail),
}

fn socket_text(msg: Option<Result<Message, axum::Error>>) -> SocketEvent {
    match msg {
        None | Some(Ok(Message::Close(_))) => SocketEvent::Gone,
        Some(Ok(Message::Text(t))) => SocketEvent::Text(t),
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => SocketEvent::Control,
        Some(Ok(Message::Binary(_))) => SocketEvent::Fail(Fail::client_fault(
            Condition::UnsupportedStanzaType,
            "only text messages are allowed (RFC 7395)",
        )),
        Some(Err(e)) => socket_error(e).map_or(SocketEvent::Gone, SocketEvent::Fail),
    }
}

/// Maps a WebSocket read error to a stream error, or to `None` when the
/// connection is simply gone (which must leave the XMPP session resumable).
/// axum's WebSocket errors wrap tungstenite's, which say what went wrong.
fn socket_error(e: axum::Error) -> Option<Fail> {
    let inner = e.into_inner();
    tracing::debug!(error = %inner, "websocket read failed");
    match inner.downcast_ref::<tungstenite::Error>() {
        Some(tungstenite::Error::Utf8(_)) => Some(Fail::client_fault(
            Condition::NotWellFormed,
            "a message is not valid UTF-8",
        )),
        Some(tungstenite::Error::Capacity(_)) => Some(Fail::client_fault(
            Condition::PolicyViolation,
            "a message is larger than the stanza size limit",
        )),
        _ => None,
    }
}

async fn next_text<S: ClientSocket>(ws: &mut S) -> Option<Result<Utf8Bytes, Fail>> {
    loop {
        match socket_text(ws.next().await) {
            SocketEvent::Text(t) => return Some(Ok(t)),
            SocketEvent::Control => {}
            SocketEvent::Gone => return None,
            SocketEvent::Fail(f) => return Some(Err(f)),
        }
    }
}

/// Before the stream is open the client expects `<open/>` first (RFC 7395
/// §3.6), then the error and `<close/>`.
async fn fail_before_open<S: ClientSocket>(
    ws: &mut S,
    gw: &Gateway,
    domain: Option<&str>,
    fail: Fail,
) -> Outcome {
    to_client(ws, Message::text(stream::open_before_error(domain))).await;
    send_error(ws, gw, fail).await
}

async fn send_error<S: ClientSocket>(ws: &mut S, gw: &Gateway, fail: Fail) -> Outcome {
    gw.metrics.stream_error(fail.condition);
    tracing::debug!(condition = fail.condition.name(), reason = %fail.text, "stream error");
    let _ = ws
        .send(Message::text(stream_error(fail.condition, &fail.text)))
        .await;
    to_client(ws, Message::text(CLOSE)).await;
    close_socket(ws).await;
    if fail.server_gone {
        Outcome::ServerGone
    } else if fail.condition == Condition::SystemShutdown {
        Outcome::Shutdown
    } else {
        Outcome::Error(fail.condition)
    }
}

fn normal_close() -> CloseFrame {
    CloseFrame {
        code: 1000,
        reason: "".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::splitter::Splitter;
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
