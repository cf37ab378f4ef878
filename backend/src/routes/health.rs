//! `/healthz`: liveness for load balancers and orchestrators.

use axum::{Router, routing::get};

use crate::AppState;

/// The path.
pub const PATH: &str = "/healthz";

/// Routes under `/healthz`.
pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(|| async { "ok\n" }))
}
