//! `/healthz`: liveness for load balancers and orchestrators.

use axum::{Router, routing::get};

use crate::AppState;

/// Routes under `/healthz`.
pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(|| async { "ok\n" }))
}
