//! RFC 7395 §3.3 over RFC 6120 §4: what the relay decides for one session,
//! without I/O. Its phase, the restart and close rules, and the frame each
//! of the server's items becomes; the `<open/>` and `<close/>` frames the
//! gateway writes are all here. `bridge` reads, writes and keeps time.

use super::client_frame::{ClientFrame, OpenRequest};
use super::domain::{self, DomainError};
use super::ns;
use super::splitter::{Item, Stanza, StreamHeader};
use super::stream_error::Condition;
use super::upstream::stream_header;
use super::xml::push_attr;

/// Where the session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Before SASL succeeds: the authentication deadline runs.
    Authenticating,
    /// SASL succeeded; the client's stream restart comes next.
    Authenticated,
    /// The authenticated stream: after the restart (RFC 6120 §6.4.6), or
    /// at once after XEP-0388 SASL2, which has none.
    Restarted,
    /// A resource is bound (RFC 6120 §7, XEP-0386 Bind 2) or a session
    /// resumed (XEP-0198): the person is signed in.
    Bound,
}

/// Why the client's frame ends the session: the client broke the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The stream error to send.
    pub condition: Condition,
    /// Its text.
    pub text: String,
}

impl Refusal {
    fn new(condition: Condition, text: impl Into<String>) -> Self {
        Self {
            condition,
            text: text.into(),
        }
    }
}

/// What a client frame makes the relay write to the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToServer<'a> {
    /// A stream restart: the splitter starts over, then this header.
    Restart(String),
    /// `</stream:stream>`: the client closes, and the server has a moment
    /// to answer.
    Close,
    /// An element, as the client sent it.
    Element {
        /// Its bytes.
        xml: &'a str,
        /// Its name, for the logs.
        name: &'a str,
    },
}

/// What one of the server's items makes the relay send to the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToClient {
    /// The `<open/>` that answers a stream header.
    Open(String),
    /// A stanza or other element, as the splitter wrote it.
    Stanza(Stanza),
    /// The server ended its stream: `<close/>`, then the WebSocket closes.
    Close,
}

/// One session's stream, between the client's first `<open/>` and its end.
#[derive(Debug)]
pub struct StreamState {
    domain: String,
    phase: Phase,
    /// The client has had the current stream's `<open/>`.
    opened: bool,
    /// The client sent `<close/>`.
    closing: bool,
}

impl StreamState {
    /// A stream to `domain`, as the first `<open/>` asked.
    pub fn new(domain: String) -> Self {
        Self {
            domain,
            phase: Phase::Authenticating,
            opened: false,
            closing: false,
        }
    }

    /// The domain, as the first `<open/>` named it.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// Where the session is.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// Whether the client has had an `<open/>`, so that a stream error can
    /// follow it; otherwise one must come first.
    pub fn opened(&self) -> bool {
        self.opened
    }

    /// Whether the client asked to close: when the server then closes, it
    /// has been answered already.
    pub fn closing(&self) -> bool {
        self.closing
    }

    /// The client's frame, checked against the phase.
    pub fn from_client<'a>(&mut self, frame: &'a ClientFrame) -> Result<ToServer<'a>, Refusal> {
        match frame {
            ClientFrame::Open(open) => self.restart(open),
            ClientFrame::Close => {
                self.closing = true;
                Ok(ToServer::Close)
            }
            ClientFrame::Element { xml, name } => Ok(ToServer::Element { xml, name }),
        }
    }

    /// The one restart the client makes: after SASL succeeded, to the same
    /// domain (STARTTLS is the gateway's own).
    fn restart(&mut self, open: &OpenRequest) -> Result<ToServer<'static>, Refusal> {
        if self.phase != Phase::Authenticated {
            return Err(Refusal::new(
                Condition::PolicyViolation,
                "the stream may be restarted only after authentication",
            ));
        }
        let domain = open_domain(open)?;
        if domain != self.domain {
            return Err(Refusal::new(
                Condition::HostUnknown,
                "a restart must keep the same domain",
            ));
        }
        self.phase = Phase::Restarted;
        self.opened = false;
        Ok(ToServer::Restart(stream_header(
            &self.domain,
            open.from.as_deref(),
            open.lang.as_deref(),
        )))
    }

    /// One of the server's items, as the client gets it.
    pub fn from_server(&mut self, item: Item) -> ToClient {
        match item {
            Item::Open(header) => {
                self.opened = true;
                ToClient::Open(open_frame(&header, &self.domain))
            }
            Item::Stanza(stanza) => {
                self.phase = next_phase(self.phase, &stanza);
                ToClient::Stanza(stanza)
            }
            Item::Close => ToClient::Close,
        }
    }
}

/// Where the server's stanza takes the session. Only the server's word
/// counts: what the client sends cannot move it on.
fn next_phase(phase: Phase, stanza: &Stanza) -> Phase {
    match phase {
        Phase::Authenticating if stanza.is("success", ns::SASL) => Phase::Authenticated,
        Phase::Authenticating if stanza.is("success", ns::SASL2) => {
            if has_child(stanza, "bound", ns::BIND2) || has_child(stanza, "resumed", ns::SM) {
                Phase::Bound
            } else {
                Phase::Restarted
            }
        }
        Phase::Restarted
            if (stanza.is("iq", ns::JABBER_CLIENT)
                && start_tag(stanza).contains(" type=\"result\"")
                && has_child(stanza, "bind", ns::BIND))
                || stanza.is("resumed", ns::SM) =>
        {
            Phase::Bound
        }
        phase => phase,
    }
}

/// Whether an element `name` in `namespace` stands in the stanza. The
/// gateway writes each element with its name, then the declaration of its
/// namespace when it differs from its parent's.
fn has_child(stanza: &Stanza, name: &str, namespace: &str) -> bool {
    stanza.xml.contains(&format!("<{name} xmlns=\"{namespace}\""))
}

/// The stanza's own start tag, attributes and all.
fn start_tag(stanza: &Stanza) -> &str {
    stanza.xml.split_inclusive('>').next().unwrap_or_default()
}

/// Whether the server's stanza accepts (`true`) or refuses (`false`) the
/// client's credentials, when it is a SASL or SASL2 outcome.
pub fn sasl_outcome(stanza: &Stanza) -> Option<bool> {
    if stanza.ns != ns::SASL && stanza.ns != ns::SASL2 {
        return None;
    }
    match stanza.name.as_str() {
        "success" => Some(true),
        "failure" => Some(false),
        _ => None,
    }
}

/// Validates the `to` of an `<open/>`.
pub fn open_domain(open: &OpenRequest) -> Result<String, Refusal> {
    let to = open
        .to
        .as_deref()
        .ok_or_else(|| Refusal::new(Condition::ImproperAddressing, "<open/> needs a 'to' domain"))?;
    domain::normalise(to).map_err(|e| {
        // An address is not a domain this gateway will serve; any other
        // failure means there is no such domain.
        let condition = match e {
            DomainError::IpLiteral => Condition::PolicyViolation,
            DomainError::Invalid(_) => Condition::HostUnknown,
        };
        Refusal::new(condition, e.to_string())
    })
}

/// `<close/>`, the end of an RFC 7395 stream.
pub const CLOSE: &str = r#"<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>"#;

/// The client's `<open/>` answer to the server's stream header: unprefixed,
/// with no leading whitespace (some clients check for exactly this).
pub fn open_frame(header: &StreamHeader, domain: &str) -> String {
    let from = header.from.as_deref().unwrap_or(domain);
    open_element(
        Some(from),
        header.id.as_deref(),
        header.version.as_deref(),
        header.lang.as_deref(),
    )
}

/// The `<open/>` that goes before a stream error raised before the server
/// answered (RFC 6120 §4.9.1.2), from `domain` when it is known.
pub fn open_before_error(domain: Option<&str>) -> String {
    open_element(domain, None, None, None)
}

fn open_element(from: Option<&str>, id: Option<&str>, version: Option<&str>, lang: Option<&str>) -> String {
    let mut out = String::from(r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing""#);
    if let Some(from) = from {
        push_attr(&mut out, "from", from);
    }
    if let Some(id) = id {
        push_attr(&mut out, "id", id);
    }
    push_attr(&mut out, "version", version.unwrap_or("1.0"));
    if let Some(lang) = lang {
        push_attr(&mut out, "xml:lang", lang);
    }
    out.push_str("/>");
    out
}

#[cfg(test)]
mod tests;
