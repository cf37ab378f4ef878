//! Errors that stop the gateway from starting.

use crate::config::ConfigError;

/// Why `parlons` could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The configuration is unusable.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// TLS or DNS setup failed.
    #[error(transparent)]
    Setup(#[from] crate::gateway::upstream::SetupError),
    /// Serving failed.
    #[error("server error: {0}")]
    Serve(std::io::Error),
}
