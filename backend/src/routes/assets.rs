//! The built client: precompressed static files with caching and security
//! headers.

use std::path::Path;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use http::{HeaderValue, header};
use tower_http::services::ServeDir;

/// A strict policy: no inline script, WebAssembly allowed, WebSockets to any
/// RFC 7395 endpoint, never framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data: blob: https:; media-src 'self' blob: https:; \
connect-src 'self' wss:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Browser features the client never uses, denied to it and to anything
/// injected into it.
pub const PERMISSIONS_POLICY: &str = "accelerometer=(), camera=(), display-capture=(), geolocation=(), \
gyroscope=(), hid=(), magnetometer=(), microphone=(), midi=(), payment=(), serial=(), usb=()";

/// HSTS, sent when the site's public URL is `https://`: a year, this host
/// only (an organisation's other hosts are not ours to pin).
pub const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000";

/// Files under `site_dir`, served as `.br` or `.gz` when the browser takes it.
pub fn service(site_dir: &Path) -> ServeDir {
    ServeDir::new(site_dir)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(true)
}

/// Middleware: security headers on every response, HSTS when `https` (the
/// site is public over HTTPS), and caching by kind of file.
pub async fn add_headers(State(https): State<bool>, req: Request<Body>, next: Next) -> Response {
    let cache = cache_control(req.uri().path());
    let mut res = next.run(req).await;
    let ok = res.status().is_success() || res.status() == http::StatusCode::NOT_MODIFIED;
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    h.insert("permissions-policy", HeaderValue::from_static(PERMISSIONS_POLICY));
    if https {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(STRICT_TRANSPORT_SECURITY),
        );
    }
    let cache = if ok { cache } else { "no-store" };
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    res
}

/// Content-hashed assets (`name-0123456789abcdef.ext`) never change; anything
/// else, `index.html` above all, is revalidated.
fn cache_control(path: &str) -> &'static str {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default();
    let hashed = stem
        .rsplit_once('-')
        .is_some_and(|(_, h)| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()));
    if hashed {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    }
}

#[cfg(test)]
mod tests {
    use super::cache_control;

    #[test]
    fn hashed_assets_are_immutable() {
        assert_eq!(
            cache_control("/parlons-0123456789abcdef.wasm"),
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            cache_control("/style-89abcdef01234567.css"),
            "public, max-age=31536000, immutable"
        );
    }

    #[test]
    fn index_and_unhashed_files_are_revalidated() {
        for p in ["/", "/index.html", "/parlons.js", "/x-0123.js", "/favicon.svg"] {
            assert_eq!(cache_control(p), "no-cache", "{p}");
        }
    }
}
