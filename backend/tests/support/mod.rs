//! Shared by the integration tests: the harness's servers, started once per
//! test binary, and a small RFC 7395 WebSocket client.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

pub mod dns;

use parlons_backend::gateway::meter::{ClientAddr, MeteredListener};
use std::sync::OnceLock;
use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use parlons_harness::Servers;
use rustls::pki_types::pem::PemObject;
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
        // wss:// trusts the harness's CA only.
        let tls = url.starts_with("wss://").then(|| {
            let mut roots = rustls::RootCertStore::empty();
            let pem = std::fs::read(&servers().ca.ca).unwrap();
            for cert in rustls::pki_types::CertificateDer::pem_slice_iter(&pem) {
                roots.add(cert.unwrap()).unwrap();
            }
            let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .unwrap()
                .with_root_certificates(roots)
                .with_no_client_auth();
            tokio_tungstenite::Connector::Rustls(std::sync::Arc::new(config))
        });
        let (ws, resp) = tokio_tungstenite::connect_async_tls_with_config(req, None, false, tls)
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

    /// Sends `<close/>` and waits for the server's, past whatever the
    /// server still had under way.
    pub async fn close(mut self) {
        self.send(r#"<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>"#)
            .await;
        self.recv_until(|e| e.is("close", "urn:ietf:params:xml:ns:xmpp-framing"))
            .await;
    }
}

/// Parses one message as an element, with its text in the panic message.
pub fn parse(text: &str) -> minidom::Element {
    text.parse()
        .unwrap_or_else(|e| panic!("not one XML element ({e}): {text}"))
}

pub const NS_SASL: &str = "urn:ietf:params:xml:ns:xmpp-sasl";
pub const NS_BIND: &str = "urn:ietf:params:xml:ns:xmpp-bind";
pub const NS_SM: &str = "urn:xmpp:sm:3";
pub const NS_STREAMS: &str = "http://etherx.jabber.org/streams";
pub const NS_STREAM_ERRORS: &str = "urn:ietf:params:xml:ns:xmpp-streams";

/// Logs in with SCRAM-SHA-1 on `url`, restarts the stream, binds a
/// server-chosen resource; returns the connection, the full JID and the
/// features of the authenticated stream.
pub async fn login(url: &str, account: &parlons_harness::Account) -> (XmppWs, String, minidom::Element) {
    let (mut ws, features) = authenticate(url, account).await;
    let jid = bind(&mut ws, account).await;
    (ws, jid, features)
}

/// SCRAM-SHA-1 and the stream restart; returns the features of the
/// authenticated stream.
pub async fn authenticate(url: &str, account: &parlons_harness::Account) -> (XmppWs, minidom::Element) {
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD as B64;
    use parlons_shared::session::sasl::{Mechanism, Scram};

    let mut ws = XmppWs::connect(url).await;
    let (_, features) = ws.open(&account.domain).await;
    let offered: Vec<String> = features
        .get_child("mechanisms", NS_SASL)
        .expect("mechanisms")
        .children()
        .map(|m| m.text())
        .collect();
    assert!(offered.iter().any(|m| m == "SCRAM-SHA-1"), "{offered:?}");
    let mut scram = Scram::new(
        Mechanism::ScramSha1,
        &account.user,
        &account.password,
        "parlonstestnonce",
    )
    .unwrap();
    ws.send(&format!(
        r#"<auth xmlns="{NS_SASL}" mechanism="SCRAM-SHA-1">{}</auth>"#,
        B64.encode(scram.client_first())
    ))
    .await;
    let challenge = parse(&ws.recv().await);
    assert!(challenge.is("challenge", NS_SASL), "{challenge:?}");
    let response = scram
        .client_final(&B64.decode(challenge.text()).unwrap())
        .unwrap();
    ws.send(&format!(
        r#"<response xmlns="{NS_SASL}">{}</response>"#,
        B64.encode(response)
    ))
    .await;
    let success = parse(&ws.recv().await);
    assert!(success.is("success", NS_SASL), "{success:?}");
    scram
        .verify_server_final(&B64.decode(success.text()).unwrap())
        .unwrap();

    // RFC 6120 §6.4.6: restart.
    let (open, features) = ws.open(&account.domain).await;
    assert!(open.is("open", "urn:ietf:params:xml:ns:xmpp-framing"));
    assert!(features.has_child("bind", NS_BIND), "{features:?}");
    (ws, features)
}

/// Binds a server-chosen resource; returns the full JID.
pub async fn bind(ws: &mut XmppWs, account: &parlons_harness::Account) -> String {
    ws.send(&format!(
        r#"<iq xmlns="jabber:client" type="set" id="bind1"><bind xmlns="{NS_BIND}"/></iq>"#
    ))
    .await;
    let result = parse(&ws.recv().await);
    assert_eq!(result.attr("type"), Some("result"), "{result:?}");
    let jid = result
        .get_child("bind", NS_BIND)
        .and_then(|b| b.get_child("jid", NS_BIND))
        .map(|j| j.text())
        .expect("bound JID");
    let prefix = format!("{}/", account.jid());
    assert!(jid.starts_with(&prefix), "{jid}");
    jid
}

impl XmppWs {
    /// The next message as an element, skipping presence and anything the
    /// server pushes on its own (roster pushes, carbons) until `pred` holds.
    pub async fn recv_until(&mut self, pred: impl Fn(&minidom::Element) -> bool) -> minidom::Element {
        loop {
            let el = parse(&self.recv().await);
            if pred(&el) {
                return el;
            }
        }
    }

    /// Sends raw bytes as a text frame, bypassing UTF-8 checks.
    pub async fn send_raw_text(&mut self, bytes: &[u8]) {
        self.send_frame(bytes, true).await;
    }

    /// Sends the first fragment of a text message, and not the rest
    /// (RFC 6455 §5.4).
    pub async fn send_first_fragment(&mut self, text: &str) {
        self.send_frame(text.as_bytes(), false).await;
    }

    /// Sends the last fragment of a text message.
    pub async fn send_last_fragment(&mut self, text: &str) {
        use tokio_tungstenite::tungstenite::protocol::frame::Frame;
        use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
        let frame = Frame::message(text.as_bytes().to_vec(), OpCode::Data(Data::Continue), true);
        self.ws.send(Message::Frame(frame)).await.unwrap();
    }

    /// An unsolicited pong (RFC 6455 §5.5.3).
    pub async fn pong(&mut self) {
        self.ws.send(Message::Pong(Vec::new().into())).await.unwrap();
    }

    async fn send_frame(&mut self, bytes: &[u8], fin: bool) {
        use tokio_tungstenite::tungstenite::protocol::frame::Frame;
        use tokio_tungstenite::tungstenite::protocol::frame::coding::{Data, OpCode};
        let frame = Frame::message(bytes.to_vec(), OpCode::Data(Data::Text), fin);
        self.ws.send(Message::Frame(frame)).await.unwrap();
    }

    /// Reads until the server closes; returns every text message, so a test
    /// can look for the stream error and `<close/>`.
    pub async fn drain(&mut self) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            match tokio::time::timeout(READ_TIMEOUT, self.ws.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => out.push(t.to_string()),
                Ok(Some(Ok(Message::Close(_)))) | Ok(None) | Ok(Some(Err(_))) => return out,
                Ok(Some(Ok(_))) => {}
                Err(_) => panic!("timed out; got so far: {out:?}"),
            }
        }
    }
}

/// Asserts that `messages` hold a stream error with `condition`, followed by
/// `<close/>`.
pub fn assert_stream_error(messages: &[String], condition: &str) {
    let pos = messages
        .iter()
        .position(|m| {
            let el = parse(m);
            el.is("error", NS_STREAMS) && el.has_child(condition, NS_STREAM_ERRORS)
        })
        .unwrap_or_else(|| panic!("no <{condition}/> stream error in {messages:?}"));
    let close = messages[pos + 1..]
        .iter()
        .any(|m| parse(m).is("close", "urn:ietf:params:xml:ns:xmpp-framing"));
    assert!(close, "no <close/> after the stream error in {messages:?}");
}

/// A gateway served in this process on a free port, with `config` adjusted
/// by the caller; returns its address and the shutdown switch.
pub async fn spawn_gateway(
    adjust: impl FnOnce(&mut parlons_backend::Config),
) -> (std::net::SocketAddr, tokio::sync::watch::Sender<bool>) {
    let mut config = base_config();
    adjust(&mut config);
    let (tx, rx) = tokio::sync::watch::channel(false);
    let state = parlons_backend::AppState::new(config, rx).unwrap();
    (serve(state).await, tx)
}

/// The tests' gateway configuration: the test CA and site.
pub fn base_config() -> parlons_backend::Config {
    let s = servers();
    parlons_backend::Config {
        ca_files: vec![s.ca.ca.clone()],
        site_dir: s.dir().join("site"),
        ..parlons_backend::Config::default()
    }
}

/// Serves `state` in this process on a free port; returns its address.
pub async fn serve(state: parlons_backend::AppState) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        // In process, /metrics shares the listener, for the tests to read;
        // the binary serves it apart (tests/harness.rs checks that).
        let app = parlons_backend::app(state.clone())
            .merge(parlons_backend::metrics_app(state))
            .into_make_service_with_connect_info::<ClientAddr>();
        let _ = axum::serve(MeteredListener(listener), app).await;
    });
    addr
}

/// Log lines written in this thread (the tests' runtime runs the gateway's
/// tasks on it) while the guard lives.
pub fn capture_logs() -> (tracing::subscriber::DefaultGuard, Logs) {
    let logs = Logs::default();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(logs.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    (tracing::subscriber::set_default(subscriber), logs)
}

/// Captured log output.
#[derive(Clone, Default)]
pub struct Logs(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl Logs {
    /// What was written so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for Logs {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Logs {
    type Writer = Logs;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// An override for the harness's Prosody.
pub fn prosody_override() -> (String, parlons_backend::config::UpstreamTarget) {
    let s = servers();
    (
        "localhost".into(),
        format!("127.0.0.1:{}", s.prosody.ports.c2s).parse().unwrap(),
    )
}

/// Opens a stream to `domain` on `url` and returns everything until the
/// server closes.
pub async fn open_and_drain(url: &str, domain: &str) -> Vec<String> {
    let mut ws = XmppWs::connect(url).await;
    ws.send(&format!(
        r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="{domain}" version="1.0"/>"#
    ))
    .await;
    ws.drain().await
}

/// A plain HTTP/1.1 GET; returns the status line with headers, and the body.
pub async fn http_get(addr: std::net::SocketAddr, path: &str) -> (String, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
    conn.write_all(format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n").as_bytes())
        .await
        .unwrap();
    let mut out = String::new();
    conn.read_to_string(&mut out).await.unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    (head.to_owned(), body.to_owned())
}

/// A loopback port with nothing listening on it.
pub fn closed_port() -> u16 {
    parlons_harness::free_port().unwrap()
}

/// A `parlons` process of its own in front of the harness's Prosody, with
/// its logs in `dir` and `config` read if given.
pub fn spawn_gateway_process(
    dir: &std::path::Path,
    config: Option<&std::path::Path>,
) -> parlons_harness::Gateway {
    let s = servers();
    parlons_harness::Gateway::spawn(
        env!("CARGO_BIN_EXE_parlons").as_ref(),
        parlons_harness::free_port().unwrap(),
        &s.dir().join("site"),
        &[format!("localhost=127.0.0.1:{}", s.prosody.ports.c2s)],
        &s.ca,
        dir,
        config,
    )
    .unwrap()
}

/// A bare server's answer to the stream header: its own, with empty
/// features.
pub async fn answer_stream_header(conn: &mut tokio::net::TcpStream, domain: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut buf = [0u8; 1024];
    let _ = conn.read(&mut buf).await;
    let header = format!(
        "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' \
         from='{domain}' id='s1' version='1.0'><stream:features/>"
    );
    let _ = conn.write_all(header.as_bytes()).await;
}

/// A bare server for `domain` of our own: each connection gets the stream
/// header and empty features, then, once the client has sent something,
/// the next of `partials` (a stanza never finished), and is held.
pub async fn server_holding_partials(
    domain: &'static str,
    partials: impl Iterator<Item = std::sync::Arc<[u8]>> + Send + 'static,
) -> u16 {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let server = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = server.local_addr().unwrap().port();
    tokio::spawn(async move {
        for partial in partials {
            let Ok((mut conn, _)) = server.accept().await else {
                return;
            };
            tokio::spawn(async move {
                let mut buf = [0u8; 1024];
                answer_stream_header(&mut conn, domain).await;
                let _ = conn.read(&mut buf).await;
                let _ = conn.write_all(&partial).await;
                while conn.read(&mut buf).await.is_ok_and(|n| n > 0) {}
            });
        }
    });
    port
}
