//! What can go wrong while starting the test servers.

use std::time::Duration;

/// A harness failure; each says which step failed.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// A file or process operation failed.
    #[error("{what}: {source}")]
    Io {
        /// The step.
        what: String,
        /// Why.
        source: std::io::Error,
    },
    /// A helper command exited with an error.
    #[error("{what} failed ({status}): {output}")]
    Command {
        /// The command.
        what: String,
        /// Its exit status.
        status: String,
        /// What it printed.
        output: String,
    },
    /// A server did not come up in time.
    #[error("{what} was not ready after {after:?}; its log: {log}")]
    NotReady {
        /// The server.
        what: String,
        /// How long we waited.
        after: Duration,
        /// The end of its log.
        log: String,
    },
    /// An HTTP call to a server's API failed.
    #[error("{what}: HTTP {status}: {body}")]
    Http {
        /// The call.
        what: String,
        /// The status line.
        status: String,
        /// The response body.
        body: String,
    },
}

impl HarnessError {
    /// An I/O failure during `what`.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            what: what.into(),
            source,
        }
    }
}
