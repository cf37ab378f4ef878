//! One session: an RFC 7395 WebSocket bridged to an RFC 6120 stream.
//!
//! The bridge understands framing, never chat: it opens the upstream stream
//! for the `<open/>` it gets, restarts it when the client does, relays one
//! checked element per message each way, and turns every failure into a
//! `<stream:error>` followed by `<close/>`.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::ws::Message;
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, ReadHalf, WriteHalf};

use super::Gateway;
use super::admission::ClientPermit;
use super::budget::Charge;
use super::client_frame::{self, ClientFrame, OpenRequest};
use super::fail::{Fail, server_fault};
use super::meter::Meter;
use super::server::{READ_CHUNK, connect, open_upstream, send_upstream, shutdown_upstream};
use super::socket::{
    ClientSocket, SocketEvent, close_socket, close_unread_socket, next_text, socket_text, to_client,
};
use super::splitter::{Item, Splitter};
use super::stream::{self, CLOSE, Phase, StreamState, ToClient, ToServer};
use super::stream_error::{Condition, stream_error_with};
use super::upstream::{Connection, STREAM_END};
use crate::metrics::Outcome;

/// How the relay loop ended.
enum End {
    Outcome(Outcome),
    Fail(Fail),
}

impl End {
    fn fail(condition: Condition, text: &'static str) -> Self {
        Self::Fail(Fail::new(condition, text))
    }
}

/// Ticks for WebSocket pings, the first one a period from now.
fn pings(period: Duration) -> tokio::time::Interval {
    let mut ping = tokio::time::interval(period);
    ping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ping.reset();
    ping
}

/// Points `sleep` at `deadline`, when there is one.
fn follow(sleep: std::pin::Pin<&mut tokio::time::Sleep>, deadline: Option<tokio::time::Instant>) {
    if let Some(deadline) = deadline
        && sleep.deadline() != deadline
    {
        sleep.reset(deadline);
    }
}

/// A ping to the browser, or the end of a session idle for too long.
async fn ping_or_end<S: ClientSocket>(
    ws: &mut S,
    last_heard: tokio::time::Instant,
    idle: Duration,
) -> Option<End> {
    if last_heard.elapsed() > idle {
        return Some(End::fail(
            Condition::ConnectionTimeout,
            "the connection was idle for too long",
        ));
    }
    if !to_client(ws, Message::Ping(bytes::Bytes::new())).await {
        return Some(End::Outcome(Outcome::ClientGone));
    }
    None
}

/// Counts for the session's end line.
#[derive(Debug, Default)]
struct Counts {
    to_server: u64,
    to_client: u64,
}

/// The browser a session is for: its address and its slot, when known.
#[derive(Debug, Default)]
pub struct Peer {
    /// The browser's address, for the throttle on failed authentications.
    pub ip: Option<IpAddr>,
    /// Its slot, in the pool of sessions signing in until it binds.
    pub permit: Option<ClientPermit>,
    /// What its connection sent that no whole message accounts for yet.
    pub meter: Option<Arc<Meter>>,
}

/// Runs one session to its end, for `peer`. `refusal` is set when the
/// session was refused before it started (a limit), to be reported as a
/// stream error.
pub async fn run<S: ClientSocket>(mut ws: S, gw: Arc<Gateway>, peer: Peer, refusal: Option<Fail>) {
    let started = Instant::now();
    gw.metrics.session_opened();
    let mut counts = Counts::default();
    let mut domain = String::new();
    let outcome = match refusal {
        Some(fail) => fail_before_open(&mut ws, &gw, None, fail).await,
        None => session(&mut ws, &gw, peer, &mut domain, &mut counts).await,
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
    peer: Peer,
    domain_out: &mut String,
    counts: &mut Counts,
) -> Outcome {
    let open = match first_open(ws, gw).await {
        Ok(open) => open,
        Err(None) => return Outcome::ClientGone,
        Err(Some(fail)) => return fail_before_open(ws, gw, None, fail).await,
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
        peer,
        charge: gw.budget.charge(),
        reader,
        writer,
        splitter,
        stream: StreamState::new(domain.clone()),
        close_deadline: None,
        partial_deadline: None,
        parked: None,
        counts,
    };
    if let Some(meter) = &relay.peer.meter {
        // The request and the <open/> are behind us.
        meter.whole();
        meter.charge_to(relay.charge.client_share());
    }
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
    relay.ended(ws, end, &domain).await
}

/// The first message, which must be `<open to=…/>`; `Err(None)` when the
/// client left without one.
async fn first_open<S: ClientSocket>(ws: &mut S, gw: &Gateway) -> Result<OpenRequest, Option<Fail>> {
    match tokio::time::timeout(gw.settings.open_timeout, next_text(ws)).await {
        Err(_) => Err(Some(Fail::new(
            Condition::ConnectionTimeout,
            "no <open/> received in time",
        ))),
        Ok(None) => Err(None),
        Ok(Some(Err(bad))) => Err(Some(Fail::bad_message(bad))),
        Ok(Some(Ok(text))) => match client_frame::parse(&text, &gw.settings.limits) {
            Ok(ClientFrame::Open(open)) => Ok(open),
            Ok(_) => Err(Some(Fail::new(
                Condition::NotWellFormed,
                "the stream must start with <open/>",
            ))),
            Err(e) => Err(Some(Fail::new(e.condition(), e.to_string()))),
        },
    }
}

struct Relay<'a> {
    gw: &'a Gateway,
    peer: Peer,
    /// What the session holds of partial stanzas, in the gateway's budget.
    charge: Charge,
    reader: ReadHalf<Connection>,
    writer: WriteHalf<Connection>,
    splitter: Splitter,
    stream: StreamState,
    /// When the client asked to close, the deadline for the server's answer.
    close_deadline: Option<tokio::time::Instant>,
    /// While the server's next stanza is only partly here, when it must be
    /// whole.
    partial_deadline: Option<tokio::time::Instant>,
    /// An attempt to authenticate waiting for its turn, and when it goes.
    parked: Option<(tokio::time::Instant, String)>,
    counts: &'a mut Counts,
}

impl Relay<'_> {
    /// How the session ends: a failure ends the server's side too, and
    /// reaches the client as a stream error.
    async fn ended<S: ClientSocket>(&mut self, ws: &mut S, end: End, domain: &str) -> Outcome {
        // What it held goes back now, before the goodbyes.
        self.splitter.reset();
        self.charge.release();
        let fail = match end {
            End::Outcome(o) => return o,
            End::Fail(fail) => fail,
        };
        if fail.end_upstream {
            let _ = send_upstream(&mut self.writer, STREAM_END).await;
        }
        shutdown_upstream(&mut self.writer).await;
        if self.stream.opened() {
            send_error(ws, self.gw, fail).await
        } else {
            fail_before_open(ws, self.gw, Some(domain), fail).await
        }
    }

    async fn run<S: ClientSocket>(&mut self, ws: &mut S) -> End {
        let settings = &self.gw.settings;
        let mut buf = vec![0u8; READ_CHUNK];
        let mut items = Vec::new();
        let mut ping = pings(settings.ping_interval);
        let mut last_heard = tokio::time::Instant::now();
        // Built once, not on every wake: this loop is on every stanza's path.
        let preauth = tokio::time::sleep(settings.preauth_timeout);
        let close = tokio::time::sleep(Duration::ZERO);
        let partial = tokio::time::sleep(Duration::ZERO);
        let parked = tokio::time::sleep(Duration::ZERO);
        let outside = ending::told_to_end(
            self.charge.evicted(),
            self.peer.meter.clone(),
            settings.stanza_timeout,
            self.gw.shutdown.clone(),
        );
        tokio::pin!(preauth, close, partial, parked, outside);
        loop {
            let parked_until = self.parked.as_ref().map(|(at, _)| *at);
            follow(close.as_mut(), self.close_deadline);
            follow(partial.as_mut(), self.partial_deadline);
            follow(parked.as_mut(), parked_until);
            tokio::select! {
                msg = ws.next(), if self.parked.is_none() => {
                    last_heard = tokio::time::Instant::now();
                    self.metered(&msg);
                    if let Some(end) = self.client_message(msg).await.unwrap_or_else(|f| Some(End::Fail(f))) {
                        return end;
                    }
                }
                read = self.reader.read(&mut buf) => {
                    if let Some(end) = self.server_bytes(ws, read, &buf, &mut items).await {
                        return end;
                    }
                }
                _ = ping.tick() => {
                    if let Some(end) = ping_or_end(ws, last_heard, settings.idle_timeout).await {
                        return end;
                    }
                }
                () = &mut preauth, if self.stream.phase() != Phase::Bound => {
                    return End::fail(Condition::ConnectionTimeout, "signing in took too long");
                }
                () = &mut parked, if self.parked.is_some() => {
                    if let Err(fail) = self.send_parked().await {
                        return End::Fail(fail);
                    }
                }
                () = &mut partial, if self.partial_deadline.is_some() => {
                    return End::fail(Condition::ConnectionTimeout, "the server took too long to send one stanza");
                }
                () = &mut close, if self.stream.closing() => {
                    return self.finish_close(ws).await;
                }
                end = &mut outside => return end,
            }
        }
    }

    /// What came out of the WebSocket accounts for what its connection read.
    fn metered(&self, msg: &Option<Result<Message, axum::Error>>) {
        if let Some(meter) = &self.peer.meter {
            match msg {
                Some(Ok(Message::Ping(p) | Message::Pong(p))) => meter.control(p.len()),
                _ => meter.whole(),
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
            SocketEvent::Bad(bad) => return Err(Fail::bad_message(bad)),
        };
        let frame = client_frame::parse(&text, &self.gw.settings.limits)
            .map_err(|e| Fail::client_fault(e.condition(), e.to_string()))?;
        let upstream = |_| Fail::server_gone();
        match self
            .stream
            .from_client(&frame)
            .map_err(|r| Fail::client_fault(r.condition, r.text))?
        {
            ToServer::Restart(header) => {
                // Whatever the old stream held is gone with it.
                self.splitter.reset();
                self.partial_deadline = None;
                self.charge.set(0);
                send_upstream(&mut self.writer, header.as_bytes())
                    .await
                    .map_err(upstream)?;
            }
            ToServer::Close => {
                send_upstream(&mut self.writer, STREAM_END)
                    .await
                    .map_err(upstream)?;
                self.close_deadline = Some(tokio::time::Instant::now() + Duration::from_secs(5));
            }
            ToServer::Element { xml, name } => {
                if let Some(goes) = self.held_attempt(name) {
                    // Nothing else from the client until the attempt goes.
                    self.parked = Some((goes, xml.to_owned()));
                    return Ok(None);
                }
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

    /// Relays what one read from the server gave; `Some` ends the session.
    async fn server_bytes<S: ClientSocket>(
        &mut self,
        ws: &mut S,
        read: std::io::Result<usize>,
        buf: &[u8],
        items: &mut Vec<Item>,
    ) -> Option<End> {
        let n = match read {
            Ok(0) | Err(_) if self.stream.closing() => return Some(self.finish_close(ws).await),
            Ok(0) | Err(_) => return Some(End::Fail(Fail::server_gone())),
            Ok(n) => n,
        };
        if let Err(e) = self.splitter.feed(&buf[..n], items) {
            items.clear();
            return Some(End::Fail(server_fault(&e)));
        }
        self.charge.set(self.splitter.held());
        // A stanza begun must be whole in time; each new one starts the
        // clock again.
        let completed = items.iter().any(|i| matches!(i, Item::Stanza(_)));
        self.partial_deadline = match self.partial_deadline {
            _ if !self.splitter.partial() => None,
            Some(deadline) if !completed => Some(deadline),
            _ => Some(tokio::time::Instant::now() + self.gw.settings.stanza_timeout),
        };
        for item in items.drain(..) {
            if let Some(end) = self.server_item(ws, item).await {
                return Some(end);
            }
        }
        None
    }

    /// Relays one thing from the server; `Some` ends the session.
    async fn server_item<S: ClientSocket>(&mut self, ws: &mut S, item: Item) -> Option<End> {
        if let Item::Stanza(stanza) = &item
            && self.stream.phase() == Phase::Authenticating
            && let Some(accepted) = stream::sasl_outcome(stanza)
        {
            self.authenticated(accepted);
        }
        let was_bound = self.stream.phase() == Phase::Bound;
        let text = match self.stream.from_server(item) {
            ToClient::Open(frame) => frame,
            ToClient::Stanza(stanza) => {
                // Held while it is written, which a slow client can make long.
                self.charge.set(self.splitter.held() + stanza.xml.len());
                self.counts.to_client += 1;
                self.gw.metrics.to_client(stanza.xml.len());
                tracing::trace!(element = %stanza.name, bytes = stanza.xml.len(), "to client");
                stanza.xml
            }
            ToClient::Close => return Some(self.finish_close(ws).await),
        };
        if !was_bound
            && self.stream.phase() == Phase::Bound
            && let Err(fail) = self.take_main_slot()
        {
            return Some(End::Fail(fail));
        }
        let sent = to_client(ws, Message::text(text)).await;
        self.charge.set(self.splitter.held());
        if !sent {
            return Some(End::Outcome(Outcome::ClientGone));
        }
        None
    }

    /// The stream is over: `<close/>` to the client, then the WebSocket close.
    async fn finish_close<S: ClientSocket>(&mut self, ws: &mut S) -> End {
        if !self.stream.closing() {
            // The server closed first: answer in kind (RFC 6120 §4.4).
            let _ = send_upstream(&mut self.writer, STREAM_END).await;
        }
        shutdown_upstream(&mut self.writer).await;
        to_client(ws, Message::text(CLOSE)).await;
        close_socket(ws).await;
        End::Outcome(Outcome::Closed)
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
    let error = stream_error_with(fail.condition, fail.app, &fail.text);
    if to_client(ws, Message::text(error)).await && to_client(ws, Message::text(CLOSE)).await {
        if fail.unread {
            close_unread_socket(ws).await;
        } else {
            close_socket(ws).await;
        }
    }
    fail.outcome.unwrap_or(match fail.condition {
        Condition::SystemShutdown => Outcome::Shutdown,
        condition => Outcome::Error(condition),
    })
}

mod ending;
mod sign_in;
