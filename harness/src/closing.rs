//! A server that ends every stream at once with a stream error (RFC 6120
//! §4.9): no Debian server can be made to do that on demand, and the client
//! must explain it.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};

use crate::HarnessError;

/// The domain the gateway routes to it.
pub const CLOSING_DOMAIN: &str = "closing.test";

/// Listens on a free loopback port, answering in a background thread that
/// lives as long as the harness process.
#[derive(Debug)]
pub struct ClosingServer {
    /// Its port on 127.0.0.1.
    pub port: u16,
}

impl ClosingServer {
    /// Starts listening.
    pub fn start() -> Result<Self, HarnessError> {
        let listener =
            TcpListener::bind("127.0.0.1:0").map_err(|e| HarnessError::io("bind closing server", e))?;
        let port = listener
            .local_addr()
            .map_err(|e| HarnessError::io("closing server address", e))?
            .port();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                std::thread::spawn(move || answer(conn));
            }
        });
        Ok(Self { port })
    }
}

/// Reads the stream header, then opens and ends the stream.
fn answer(mut conn: TcpStream) {
    let mut header = Vec::new();
    let mut buf = [0u8; 1024];
    while !header.windows(14).any(|w| w == b"<stream:stream") || !header.ends_with(b">") {
        match conn.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => header.extend_from_slice(&buf[..n]),
        }
    }
    let reply = format!(
        "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
         xmlns:stream='http://etherx.jabber.org/streams' id='closing' from='{CLOSING_DOMAIN}' \
         version='1.0'><stream:error><system-shutdown \
         xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error></stream:stream>"
    );
    let _ = conn.write_all(reply.as_bytes());
}
