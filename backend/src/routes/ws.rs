//! `GET /xmpp-websocket`: the RFC 7395 endpoint.

use std::net::{IpAddr, SocketAddr};
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
use crate::gateway::admission::LimitError;
use crate::gateway::bridge;
use crate::gateway::stream_error::Condition;

/// The WebSocket path.
pub const PATH: &str = "/xmpp-websocket";

/// Routes of the endpoint.
pub fn router() -> Router<AppState> {
    Router::new().route(PATH, get(upgrade))
}

async fn upgrade(
    State(state): State<AppState>,
    peer: Option<Extension<ConnectInfo<SocketAddr>>>,
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
    let peer_ip = peer.map(|Extension(ConnectInfo(addr))| addr.ip());
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
    // Up to twice the stanza limit, messages are read and refused with a
    // clean stream error; beyond, the WebSocket layer cuts them off.
    let limit = state.config.max_stanza_bytes;
    ws.protocols(["xmpp"])
        .read_buffer_size(4096)
        .write_buffer_size(0)
        .max_write_buffer_size(2 * limit)
        .max_message_size(2 * limit)
        .max_frame_size(2 * limit)
        .on_upgrade(move |socket| async move {
            bridge::run(socket, gateway, refusal).await;
            drop(permit);
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

/// Whether `ip` is one of the trusted proxies; IPv4 peers of a dual-stack
/// listener arrive IPv4-mapped.
pub fn is_trusted_proxy(ip: IpAddr, trusted: &[IpAddr]) -> bool {
    let ip = ip.to_canonical();
    trusted.iter().any(|t| t.to_canonical() == ip)
}

/// The client's address: the peer's, or from `X-Forwarded-For` when the peer
/// is a trusted proxy: walking from the right, the first address that is not
/// a trusted proxy. An entry that does not parse ends the walk: what stands
/// left of it came from the client and proves nothing.
pub fn client_ip(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &[IpAddr]) -> Option<IpAddr> {
    let mut client = peer?.to_canonical();
    if !is_trusted_proxy(client, trusted) {
        return Some(client);
    }
    let entries: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .collect();
    for entry in entries.into_iter().rev() {
        let Ok(ip) = entry.trim().parse::<IpAddr>() else {
            break;
        };
        client = ip.to_canonical();
        if !is_trusted_proxy(client, trusted) {
            break;
        }
    }
    Some(client)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(
                axum::http::HeaderName::from_bytes(k.as_bytes()).unwrap(),
                v.parse().unwrap(),
            );
        }
        h
    }

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

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let h = headers(&[("x-forwarded-for", "198.51.100.7, 10.0.0.2")]);
        let trusted = [proxy, "10.0.0.2".parse().unwrap()];
        assert_eq!(
            client_ip(Some(proxy), &h, &trusted),
            Some("198.51.100.7".parse().unwrap())
        );
        // An untrusted peer cannot claim another address.
        let peer: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(client_ip(Some(peer), &h, &trusted), Some(peer));
        assert_eq!(client_ip(Some(proxy), &HeaderMap::new(), &trusted), Some(proxy));
        // A dual-stack listener sees the proxy IPv4-mapped.
        let mapped: IpAddr = "::ffff:10.0.0.1".parse().unwrap();
        assert_eq!(
            client_ip(Some(mapped), &h, &trusted),
            Some("198.51.100.7".parse().unwrap())
        );
        // Garbage ends the walk at the last trusted hop.
        let h = headers(&[("x-forwarded-for", "1.2.3.4, garbage:80")]);
        assert_eq!(client_ip(Some(proxy), &h, &trusted), Some(proxy));
    }
}
