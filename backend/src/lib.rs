//! `parlons`: serves the Parlons web client and bridges its RFC 7395
//! WebSockets to XMPP servers over RFC 6120 client-to-server streams.

pub mod config;
pub mod error;
pub mod forwarded;
pub mod gateway;
pub mod metrics;
pub mod routes;
pub mod telemetry;

use std::sync::Arc;

use axum::Router;
use tokio::sync::watch;

pub use config::Config;
use gateway::Gateway;
use gateway::upstream::SetupError;
use metrics::Metrics;

/// What every request handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The effective configuration.
    pub config: Arc<Config>,
    /// The bridge's shared parts.
    pub gateway: Arc<Gateway>,
    /// Counters.
    pub metrics: Arc<Metrics>,
}

impl AppState {
    /// State for `config`; sessions end with `system-shutdown` when
    /// `shutdown` turns true.
    pub fn new(config: Config, shutdown: watch::Receiver<bool>) -> Result<Self, SetupError> {
        let metrics = Arc::new(Metrics::default());
        let gateway = Arc::new(Gateway::new(&config, Arc::clone(&metrics), shutdown)?);
        Ok(Self {
            config: Arc::new(config),
            gateway,
            metrics,
        })
    }
}

/// `/metrics` alone, for its own listener (`metrics-listen`).
pub fn metrics_app(state: AppState) -> Router {
    routes::metrics::router().with_state(state)
}

/// The site and the WebSocket, without a listener, so tests can call it
/// directly; `/metrics` is [`metrics_app`].
pub fn app(state: AppState) -> Router {
    let https = state
        .config
        .public_url
        .as_deref()
        .is_some_and(|u| u.starts_with("https://"));
    let hosts = Arc::new(routes::host::SiteHosts::new(&state.config));
    Router::new()
        .merge(routes::health::router())
        .merge(routes::host_meta::router())
        .merge(routes::ws::router())
        .fallback_service(routes::assets::service(&state.config.site_dir))
        .layer(axum::middleware::from_fn_with_state(hosts, routes::host::check))
        .layer(axum::middleware::from_fn_with_state(
            https,
            routes::assets::add_headers,
        ))
        .layer(telemetry::http_trace_layer())
        .with_state(state)
}
