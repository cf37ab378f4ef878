//! Structured logs with `tracing`. Only metadata is ever logged: never stanza
//! content, SASL data, tokens or passwords.

use axum::extract::MatchedPath;
use http::Request;
use tower_http::classify::{ServerErrorsAsFailures, SharedClassifier};
use tower_http::trace::{MakeSpan, TraceLayer};
use tracing::Span;
use tracing_subscriber::EnvFilter;

/// Logs to stderr, filtered by `RUST_LOG` (default `info`); JSON when
/// `PARLONS_LOG_FORMAT=json`.
pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let json = std::env::var("PARLONS_LOG_FORMAT").is_ok_and(|f| f == "json");
    // A second call (tests) finds a subscriber already set: keep it.
    let _ = if json {
        builder.json().try_init()
    } else {
        builder.try_init()
    };
}

/// One span per request, named by the matched route rather than the raw path,
/// so that logs carry no user data from URLs.
#[derive(Debug, Clone, Copy)]
pub struct RouteSpan;

impl<B> MakeSpan<B> for RouteSpan {
    fn make_span(&mut self, req: &Request<B>) -> Span {
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map_or("static", MatchedPath::as_str);
        tracing::debug_span!("http", method = %req.method(), route)
    }
}

/// The HTTP trace layer.
pub fn http_trace_layer() -> TraceLayer<SharedClassifier<ServerErrorsAsFailures>, RouteSpan> {
    TraceLayer::new_for_http().make_span_with(RouteSpan)
}
