//! XEP-0156: `/.well-known/host-meta` and `host-meta.json` advertise the
//! gateway's WebSocket endpoint.

use std::net::SocketAddr;

use axum::Extension;
use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, header};
use axum::response::IntoResponse;
use axum::routing::get;

use super::ws::PATH;
use crate::AppState;
use crate::gateway::xml::push_attr;

/// The XEP-0156 link relation for WebSocket endpoints.
pub const REL_WEBSOCKET: &str = "urn:xmpp:alt-connections:websocket";

/// Routes under `/.well-known`.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/.well-known/host-meta", get(xrd))
        .route("/.well-known/host-meta.json", get(json))
}

/// `wss://host/xmpp-websocket`, from the configured public URL or the
/// request (`ws` only when plain HTTP reached us directly).
fn websocket_url(state: &AppState, peer: Option<SocketAddr>, headers: &HeaderMap) -> String {
    if let Some(base) = &state.config.public_url {
        let ws_base = base
            .strip_prefix("https://")
            .map(|rest| format!("wss://{rest}"))
            .or_else(|| base.strip_prefix("http://").map(|rest| format!("ws://{rest}")))
            .unwrap_or_else(|| base.clone());
        return format!("{ws_base}{PATH}");
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()) && !h.contains(['/', '"', '<', '>']))
        .unwrap_or("localhost");
    let from_proxy =
        peer.is_some_and(|p| crate::forwarded::is_trusted_proxy(p.ip(), &state.config.trusted_proxies));
    let https = from_proxy
        && headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|p| p.eq_ignore_ascii_case("https"));
    let scheme = if https { "wss" } else { "ws" };
    format!("{scheme}://{host}{PATH}")
}

async fn xrd(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
) -> impl IntoResponse {
    let url = websocket_url(&state, peer.map(|Extension(ConnectInfo(a))| a), &headers);
    let mut body = String::from(
        "<?xml version='1.0' encoding='utf-8'?>\n<XRD xmlns='http://docs.oasis-open.org/ns/xri/xrd-1.0'>\n  <Link",
    );
    push_attr(&mut body, "rel", REL_WEBSOCKET);
    push_attr(&mut body, "href", &url);
    body.push_str("/>\n</XRD>\n");
    (
        [
            (header::CONTENT_TYPE, "application/xrd+xml; charset=utf-8"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
}

async fn json(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
    headers: HeaderMap,
) -> impl IntoResponse {
    let url = websocket_url(&state, peer.map(|Extension(ConnectInfo(a))| a), &headers);
    let body = format!(
        "{{\"links\":[{{\"rel\":\"{REL_WEBSOCKET}\",\"href\":\"{}\"}}]}}\n",
        url.replace('\\', "\\\\").replace('"', "\\\"")
    );
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"),
        ],
        body,
    )
}
