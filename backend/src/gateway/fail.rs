//! Why a session ends with a stream error (RFC 6120 §4.9), and what else
//! that means for the server's side and for the metrics.

use super::splitter::SplitError;
use super::stream_error::Condition;

/// A failure that ends the session with a stream error.
#[derive(Debug)]
pub struct Fail {
    pub(super) condition: Condition,
    pub(super) text: String,
    /// Send `</stream:stream>` upstream: the client broke the rules, so its
    /// session is over. Otherwise the TCP connection is dropped without it,
    /// which keeps an XEP-0198 session resumable.
    pub(super) end_upstream: bool,
    /// The server closed the TCP connection: counted as its end, not ours.
    pub(super) server_gone: bool,
}

impl Fail {
    pub(super) fn new(condition: Condition, text: impl Into<String>) -> Self {
        Self {
            condition,
            text: text.into(),
            end_upstream: false,
            server_gone: false,
        }
    }

    pub(super) fn server_gone() -> Self {
        Self {
            server_gone: true,
            ..Self::new(
                Condition::RemoteConnectionFailed,
                "the server closed the connection",
            )
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
/// connection: the client's own stream was fine.
pub(super) fn server_fault(e: &SplitError) -> Fail {
    tracing::info!(error = %e, "server sent a bad stream");
    Fail::new(
        Condition::RemoteConnectionFailed,
        format!("the server sent an invalid stream: {e}"),
    )
}
