//! Why a session ends with a stream error (RFC 6120 §4.9), and what else
//! that means for the server's side and for the metrics.

use super::socket::BadMessage;
use super::splitter::SplitError;
use super::stream_error::Condition;
use crate::metrics::Outcome;

/// A failure that ends the session with a stream error.
#[derive(Debug)]
pub struct Fail {
    pub(super) condition: Condition,
    pub(super) text: String,
    /// Send `</stream:stream>` upstream: the client broke the rules, so its
    /// session is over. Otherwise the TCP connection is dropped without it,
    /// which keeps an XEP-0198 session resumable.
    pub(super) end_upstream: bool,
    /// How the session's end is counted, when not by its condition (the
    /// server closed the connection, or sent a stanza too large).
    pub(super) outcome: Option<Outcome>,
    /// The gateway's own condition beside the RFC 6120 one, naming the
    /// limit hit ([`super::ns::GATEWAY_ERRORS`]).
    pub(super) app: Option<&'static str>,
    /// The client's last message was not read to its end: the WebSocket
    /// must not be read again.
    pub(super) unread: bool,
}

impl Fail {
    pub(super) fn new(condition: Condition, text: impl Into<String>) -> Self {
        Self {
            condition,
            text: text.into(),
            end_upstream: false,
            outcome: None,
            app: None,
            unread: false,
        }
    }

    pub(super) fn server_gone() -> Self {
        Self {
            outcome: Some(Outcome::ServerGone),
            ..Self::new(
                Condition::RemoteConnectionFailed,
                "the server closed the connection",
            )
        }
    }

    /// A message the client may not send.
    pub(super) fn bad_message(bad: BadMessage) -> Self {
        Self {
            unread: bad.unread,
            ..Self::client_fault(bad.condition, bad.text)
        }
    }

    pub(super) fn client_fault(condition: Condition, text: impl Into<String>) -> Self {
        Self {
            end_upstream: true,
            ..Self::new(condition, text)
        }
    }
}

/// A broken stream from the server is, for the client, a failed remote
/// connection: the client's own stream was fine. A stanza over the size
/// limit is a policy of this gateway's, which the client is told: that
/// session then ends at the server too, or resuming it would bring the same
/// stanza again.
pub(super) fn server_fault(e: &SplitError) -> Fail {
    tracing::info!(error = %e, "server sent a bad stream");
    if let SplitError::TooBig(limit) = e {
        return Fail {
            end_upstream: true,
            outcome: Some(Outcome::ServerStanzaTooLarge),
            app: Some("stanza-too-large"),
            ..Fail::new(
                Condition::PolicyViolation,
                format!(
                    "the server sent a stanza larger than this gateway's limit \
                     (max-server-stanza-bytes, {limit} bytes)"
                ),
            )
        };
    }
    Fail::new(
        Condition::RemoteConnectionFailed,
        format!("the server sent an invalid stream: {e}"),
    )
}
