//! RFC 7395 §3: the browser's WebSocket as the bridge uses it. Reads sorted
//! into frames, control messages, a client gone and messages it may not
//! send; writes bounded in time; the closing handshake.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes};
use futures_util::{Sink, SinkExt, Stream, StreamExt};

use super::stream_error::Condition;

/// The longest a write to either side may block.
pub const WRITE_TIMEOUT: Duration = Duration::from_secs(30);

/// A WebSocket as the bridge needs it; axum's, or channels in tests.
pub trait ClientSocket:
    Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin + Send
{
}
impl<T> ClientSocket for T where
    T: Stream<Item = Result<Message, axum::Error>> + Sink<Message, Error = axum::Error> + Unpin + Send
{
}

/// Ends the WebSocket with the closing handshake: our Close frame, then the
/// client's, for a moment, so that it reads everything we sent.
pub async fn close_socket<S: ClientSocket>(ws: &mut S) {
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
pub async fn to_client<S: ClientSocket>(ws: &mut S, msg: Message) -> bool {
    matches!(
        tokio::time::timeout(WRITE_TIMEOUT, ws.send(msg)).await,
        Ok(Ok(()))
    )
}

/// A message the client may not send.
#[derive(Debug, Clone, Copy)]
pub struct BadMessage {
    /// The stream error it gets.
    pub condition: Condition,
    /// Why, for the client.
    pub text: &'static str,
    /// The message was not read to its end (a frame over the size limit):
    /// reading on would take in what the limit kept out, so the socket is
    /// not read again.
    pub unread: bool,
}

impl BadMessage {
    fn new(condition: Condition, text: &'static str) -> Self {
        Self {
            condition,
            text,
            unread: false,
        }
    }
}

/// What a read from the WebSocket gave.
pub enum SocketEvent {
    /// A text message: one RFC 7395 frame.
    Text(Utf8Bytes),
    /// Ping or pong, which the WebSocket layer answers.
    Control,
    /// Closed or broken: the client is gone, and its XMPP session stays
    /// resumable.
    Gone,
    /// A message the client may not send: a stream error, its fault.
    Bad(BadMessage),
}

pub fn socket_text(msg: Option<Result<Message, axum::Error>>) -> SocketEvent {
    match msg {
        None | Some(Ok(Message::Close(_))) => SocketEvent::Gone,
        Some(Ok(Message::Text(t))) => SocketEvent::Text(t),
        Some(Ok(Message::Ping(_) | Message::Pong(_))) => SocketEvent::Control,
        Some(Ok(Message::Binary(_))) => SocketEvent::Bad(BadMessage::new(
            Condition::UnsupportedStanzaType,
            "only text messages are allowed (RFC 7395)",
        )),
        Some(Err(e)) => socket_error(e),
    }
}

/// Maps a WebSocket read error to a stream error, or to `Gone` when the
/// connection is simply gone (which must leave the XMPP session resumable).
/// axum's WebSocket errors wrap tungstenite's, which say what went wrong.
fn socket_error(e: axum::Error) -> SocketEvent {
    let inner = e.into_inner();
    tracing::debug!(error = %inner, "websocket read failed");
    match inner.downcast_ref::<tungstenite::Error>() {
        Some(tungstenite::Error::Utf8(_)) => SocketEvent::Bad(BadMessage::new(
            Condition::NotWellFormed,
            "a message is not valid UTF-8",
        )),
        Some(tungstenite::Error::Capacity(_)) => SocketEvent::Bad(BadMessage {
            unread: true,
            ..BadMessage::new(
                Condition::PolicyViolation,
                "a message is larger than the stanza size limit",
            )
        }),
        _ => SocketEvent::Gone,
    }
}

/// The next text message, past pings and pongs; `None` when the client is
/// gone.
pub async fn next_text<S: ClientSocket>(ws: &mut S) -> Option<Result<Utf8Bytes, BadMessage>> {
    loop {
        match socket_text(ws.next().await) {
            SocketEvent::Text(t) => return Some(Ok(t)),
            SocketEvent::Control => {}
            SocketEvent::Gone => return None,
            SocketEvent::Bad(bad) => return Some(Err(bad)),
        }
    }
}

/// How long a socket that cannot be read is kept open after our last
/// frames, so that the browser reads them before the connection is reset.
const UNREAD_LINGER: Duration = Duration::from_secs(1);

/// Ends a WebSocket whose last message was not read to its end: our Close
/// frame, then a moment without reading, since what follows is the rest of
/// a message over the limit. Dropping the socket with unread data resets
/// the connection, and a reset can make the browser drop what it had not
/// yet handed to the page: the stream error.
pub async fn close_unread_socket<S: ClientSocket>(ws: &mut S) {
    if to_client(ws, Message::Close(Some(normal_close()))).await {
        tokio::time::sleep(UNREAD_LINGER).await;
    }
}

fn normal_close() -> CloseFrame {
    CloseFrame {
        code: 1000,
        reason: "".into(),
    }
}
