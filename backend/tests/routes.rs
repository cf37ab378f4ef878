//! The HTTP routes, called in-process without a listener.

#![allow(clippy::unwrap_used)]

use axum::body::Body;
use http::{Request, StatusCode, header};
use http_body_util::BodyExt;
use parlons_backend::{AppState, Config, app};
use tower::ServiceExt;

fn site() -> parlons_harness::TempDir {
    let dir = parlons_harness::TempDir::new("site").unwrap();
    let p = dir.path();
    std::fs::write(p.join("index.html"), "<!doctype html><title>Parlons</title>").unwrap();
    std::fs::write(p.join("parlons-0123456789abcdef.wasm"), b"\0asm").unwrap();
    std::fs::write(p.join("parlons-0123456789abcdef.wasm.br"), b"brotli").unwrap();
    dir
}

async fn get(dir: &std::path::Path, path: &str, accept_encoding: Option<&str>) -> http::Response<Body> {
    let config = Config {
        site_dir: dir.to_owned(),
        ..Config::default()
    };
    get_with(config, path, accept_encoding).await
}

async fn get_with(config: Config, path: &str, accept_encoding: Option<&str>) -> http::Response<Body> {
    let host = config
        .public_url
        .as_deref()
        .and_then(|u| u.split_once("://"))
        .map_or("localhost", |(_, h)| h.trim_end_matches('/'))
        .to_owned();
    send(
        config,
        Request::get(path).header(header::HOST, host),
        accept_encoding,
    )
    .await
}

/// `req`, to a gateway of `config`.
async fn send(
    config: Config,
    mut req: http::request::Builder,
    accept_encoding: Option<&str>,
) -> http::Response<Body> {
    if let Some(enc) = accept_encoding {
        req = req.header(header::ACCEPT_ENCODING, enc);
    }
    let (_tx, rx) = tokio::sync::watch::channel(false);
    app(AppState::new(config, rx).unwrap())
        .oneshot(req.body(Body::empty()).unwrap())
        .await
        .unwrap()
}

fn header(res: &http::Response<Body>, name: header::HeaderName) -> &str {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn healthz_answers_ok() {
    let dir = site();
    let res = get(dir.path(), "/healthz", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"ok\n");
}

#[tokio::test]
async fn index_is_revalidated_and_locked_down() {
    let dir = site();
    let res = get(dir.path(), "/", None).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(header(&res, header::CACHE_CONTROL), "no-cache");
    let csp = header(&res, header::CONTENT_SECURITY_POLICY);
    assert!(csp.contains("script-src 'self' 'wasm-unsafe-eval'"), "{csp}");
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(header(&res, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
    assert_eq!(header(&res, header::REFERRER_POLICY), "no-referrer");
    assert_eq!(
        header(&res, "cross-origin-opener-policy".parse().unwrap()),
        "same-origin"
    );
    let permissions = header(&res, "permissions-policy".parse().unwrap());
    for denied in ["camera=()", "microphone=()", "geolocation=()", "payment=()"] {
        assert!(permissions.contains(denied), "{permissions}");
    }
    // Not over plain HTTP, where HSTS means nothing.
    assert_eq!(header(&res, header::STRICT_TRANSPORT_SECURITY), "");
}

#[tokio::test]
async fn hsts_when_the_public_url_is_https() {
    let dir = site();
    for (url, hsts) in [
        ("https://chat.example.org", "max-age=31536000"),
        ("http://chat.example.org", ""),
    ] {
        let config = Config {
            site_dir: dir.path().to_owned(),
            public_url: Some(url.into()),
            ..Config::default()
        };
        let res = get_with(config, "/", None).await;
        assert_eq!(header(&res, header::STRICT_TRANSPORT_SECURITY), hsts, "{url}");
    }
}

#[tokio::test]
async fn hashed_assets_are_immutable_and_precompressed() {
    let dir = site();
    let res = get(dir.path(), "/parlons-0123456789abcdef.wasm", Some("gzip, br")).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(
        header(&res, header::CACHE_CONTROL),
        "public, max-age=31536000, immutable"
    );
    assert_eq!(header(&res, header::CONTENT_ENCODING), "br");
    assert_eq!(header(&res, header::CONTENT_TYPE), "application/wasm");
    let body = res.into_body().collect().await.unwrap().to_bytes();
    assert_eq!(&body[..], b"brotli");

    let plain = get(dir.path(), "/parlons-0123456789abcdef.wasm", None).await;
    assert_eq!(header(&plain, header::CONTENT_ENCODING), "");
}

#[tokio::test]
async fn missing_files_are_not_cached() {
    let dir = site();
    let res = get(dir.path(), "/nope-0123456789abcdef.js", None).await;
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert_eq!(header(&res, header::CACHE_CONTROL), "no-store");
    assert_eq!(header(&res, header::X_CONTENT_TYPE_OPTIONS), "nosniff");
}

/// DNS rebinding: a request naming another host is refused, site and
/// WebSocket alike; the health probe answers whatever the name.
#[tokio::test]
async fn only_the_sites_own_host_names_are_served() {
    let dir = site();
    let request = |path: &str, host: &str| {
        let mut r = Request::get(path).header(header::HOST, host);
        if path == "/xmpp-websocket" {
            r = r
                .header(header::UPGRADE, "websocket")
                .header(header::CONNECTION, "upgrade")
                .header("sec-websocket-version", "13")
                .header("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ==")
                .header("sec-websocket-protocol", "xmpp");
        }
        r
    };
    let local = || Config {
        site_dir: dir.path().to_owned(),
        ..Config::default()
    };
    let public = || Config {
        public_url: Some("https://chat.example.org".into()),
        ..local()
    };
    for (config, host, path, status) in [
        (local(), "attacker.example:8080", "/", StatusCode::FORBIDDEN),
        (
            local(),
            "attacker.example",
            "/xmpp-websocket",
            StatusCode::FORBIDDEN,
        ),
        (local(), "attacker.example", "/healthz", StatusCode::OK),
        (local(), "localhost:8080", "/", StatusCode::OK),
        (local(), "127.0.0.1:8080", "/", StatusCode::OK),
        (local(), "[::1]:8080", "/", StatusCode::OK),
        (public(), "chat.example.org", "/", StatusCode::OK),
        (public(), "127.0.0.1:8080", "/", StatusCode::FORBIDDEN),
        (public(), "localhost", "/xmpp-websocket", StatusCode::FORBIDDEN),
    ] {
        let res = send(config, request(path, host), None).await;
        assert_eq!(res.status(), status, "{host} {path}");
    }
}
