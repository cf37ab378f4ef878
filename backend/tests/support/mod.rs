//! Shared by the integration tests: the harness's servers, started once per
//! test binary, and a small RFC 7395 WebSocket client.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use parlons_harness::Servers;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// Prosody, ejabberd and `parlons`, shared by every test of one binary.
/// Their supervisors stop them when the test process exits.
pub fn servers() -> &'static Servers {
    static SERVERS: OnceLock<Servers> = OnceLock::new();
    SERVERS.get_or_init(|| {
        let mut servers = Servers::start().expect("start the test servers");
        let site = servers.dir().join("site");
        write_test_site(&site);
        servers
            .start_gateway(env!("CARGO_BIN_EXE_parlons").as_ref(), &site)
            .expect("start parlons");
        servers
    })
}

/// A stand-in for the built client, so these tests do not need the wasm
/// build.
fn write_test_site(dir: &std::path::Path) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html><title>Parlons</title>").unwrap();
    std::fs::write(dir.join("app-0123456789abcdef.js"), "export {};").unwrap();
}

/// How long any single read may take before the test fails.
pub const READ_TIMEOUT: Duration = Duration::from_secs(15);

/// An RFC 7395 client connection.
pub struct XmppWs {
    ws: WebSocketStream<MaybeTlsStream<TcpStream>>,
    /// The subprotocol the server selected.
    pub protocol: Option<String>,
}

impl XmppWs {
    /// Connects to `url` offering the `xmpp` subprotocol.
    pub async fn connect(url: &str) -> Self {
        let mut req = url.into_client_request().unwrap();
        req.headers_mut()
            .insert("Sec-WebSocket-Protocol", "xmpp".parse().unwrap());
        let (ws, resp) = tokio_tungstenite::connect_async(req)
            .await
            .unwrap_or_else(|e| panic!("connect to {url}: {e}"));
        let protocol = resp
            .headers()
            .get("sec-websocket-protocol")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Self { ws, protocol }
    }

    /// Sends one text message.
    pub async fn send(&mut self, text: &str) {
        self.ws.send(Message::text(text)).await.unwrap();
    }

    /// The next text message; panics on anything else or after
    /// [`READ_TIMEOUT`].
    pub async fn recv(&mut self) -> String {
        loop {
            let msg = tokio::time::timeout(READ_TIMEOUT, self.ws.next())
                .await
                .expect("timed out waiting for a message")
                .expect("connection closed")
                .expect("websocket error");
            match msg {
                Message::Text(t) => return t.to_string(),
                Message::Ping(_) | Message::Pong(_) => {}
                other => panic!("unexpected message {other:?}"),
            }
        }
    }

    /// Opens a stream to `domain`: sends `<open/>`, returns the server's
    /// `<open/>` and `<stream:features>` as parsed elements.
    pub async fn open(&mut self, domain: &str) -> (minidom::Element, minidom::Element) {
        self.send(&format!(
            r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="{domain}" version="1.0"/>"#
        ))
        .await;
        let open = self.recv().await;
        let features = self.recv().await;
        (parse(&open), parse(&features))
    }

    /// Sends `<close/>` and waits for the server's.
    pub async fn close(mut self) {
        self.send(r#"<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>"#)
            .await;
        let reply = parse(&self.recv().await);
        assert!(
            reply.is("close", "urn:ietf:params:xml:ns:xmpp-framing"),
            "{reply:?}"
        );
    }
}

/// Parses one message as an element, with its text in the panic message.
pub fn parse(text: &str) -> minidom::Element {
    text.parse()
        .unwrap_or_else(|e| panic!("not one XML element ({e}): {text}"))
}
