//! `GET /xmpp-websocket`: the RFC 7395 endpoint.

use std::sync::Arc;
use std::time::Instant;

use axum::Extension;
use axum::Router;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

use crate::AppState;
use crate::forwarded::client_ip;
use crate::gateway::admission::LimitError;
use crate::gateway::bridge;
use crate::gateway::meter::ClientAddr;
use crate::gateway::stream_error::Condition;

/// The WebSocket path.
pub const PATH: &str = "/xmpp-websocket";

/// The most a WebSocket frame's header takes (RFC 6455 §5.2).
const FRAME_HEADER: usize = 14;

/// Routes of the endpoint.
pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(upgrade))
}

async fn upgrade(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<ClientAddr>>>,
    headers: HeaderMap,
    ws: WebSocketUpgrade,
) -> Response {
    if !ws.requested_protocols().any(|p| p.as_bytes() == b"xmpp") {
        return (
            StatusCode::BAD_REQUEST,
            "the \"xmpp\" WebSocket subprotocol is required (RFC 7395)\n",
        )
            .into_response();
    }
    // A request without Origin is not from a browser, and could forge one.
    let origin = headers.get(header::ORIGIN).map(|o| o.to_str().unwrap_or(""));
    if origin.is_some_and(|o| !origin_allowed(o, &headers, &state.config.allow_origins)) {
        return (StatusCode::FORBIDDEN, "this origin may not use the gateway\n").into_response();
    }
    let (peer_ip, meter) = match peer {
        Some(Extension(ConnectInfo(peer))) => (Some(peer.addr.ip()), Some(peer.meter)),
        None => (None, None),
    };
    let ip = client_ip(peer_ip, &headers, &state.config.trusted_proxies);
    let gateway = Arc::clone(&state.gateway);
    let (permit, refusal) = match ip.map(|ip| gateway.limiter.admit(ip, Instant::now())) {
        Some(Ok(permit)) => (Some(permit), None),
        Some(Err(e)) => {
            gateway.limiter.warn_refused(e, ip, Instant::now());
            let condition = match e {
                LimitError::Rate => Condition::PolicyViolation,
                _ => Condition::ResourceConstraint,
            };
            (None, Some(bridge::refusal(condition, e.to_string())))
        }
        None => (None, None),
    };
    let refusal = refusal.or_else(|| {
        gateway.budget.full().then(|| {
            bridge::refusal(
                Condition::ResourceConstraint,
                "the gateway is short of memory; try again shortly",
            )
        })
    });
    // Up to twice the stanza limit, messages are read and refused with a
    // clean stream error; beyond, the WebSocket layer cuts them off. What
    // goes to the browser is bounded by the server's limit: the splitter
    // writes a stanza out in at most twice the bytes it took in.
    let read_limit = 2 * state.config.max_stanza_bytes;
    let write_limit = 2 * state.config.max_server_stanza_bytes + FRAME_HEADER;
    ws.protocols(["xmpp"])
        .read_buffer_size(4096)
        .write_buffer_size(0)
        .max_write_buffer_size(write_limit)
        .max_message_size(read_limit)
        .max_frame_size(read_limit)
        .on_upgrade(move |socket| async move {
            bridge::run(socket, gateway, bridge::Peer { ip, permit, meter }, refusal).await;
        })
}

/// Same origin (the `Host` the browser used) or one of `allowed`.
fn origin_allowed(origin: &str, headers: &HeaderMap, allowed: &[String]) -> bool {
    if allowed
        .iter()
        .any(|a| a.trim_end_matches('/').eq_ignore_ascii_case(origin))
    {
        return true;
    }
    let authority = origin.split_once("://").map_or("", |(_, rest)| rest);
    headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .is_some_and(|host| !authority.is_empty() && host.eq_ignore_ascii_case(authority))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::forwarded::tests::headers;

    #[test]
    fn same_origin_and_listed_origins_pass() {
        let h = headers(&[("host", "chat.example.org")]);
        assert!(origin_allowed("https://chat.example.org", &h, &[]));
        assert!(!origin_allowed("https://evil.example", &h, &[]));
        assert!(origin_allowed(
            "https://app.example.org",
            &h,
            &["https://app.example.org/".into()]
        ));
        assert!(!origin_allowed("null", &h, &[]));
    }
}
