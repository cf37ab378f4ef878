//! `parlons`: serves the Parlons web client and bridges its RFC 7395
//! WebSockets to XMPP servers over RFC 6120 client-to-server streams.

pub mod config;
pub mod error;
pub mod routes;
pub mod telemetry;

use std::sync::Arc;

use axum::Router;

pub use config::Config;

/// What every request handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The effective configuration.
    pub config: Arc<Config>,
}

impl AppState {
    /// State for `config`.
    pub fn new(config: Config) -> Self {
        Self {
            config: Arc::new(config),
        }
    }
}

/// The whole HTTP application, without a listener, so tests can call it
/// directly.
pub fn app(state: AppState) -> Router {
    Router::new()
        .merge(routes::health::router())
        .fallback_service(routes::assets::service(&state.config.site_dir))
        .layer(axum::middleware::from_fn(routes::assets::add_headers))
        .layer(telemetry::http_trace_layer())
        .with_state(state)
}
