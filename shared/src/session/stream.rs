//! RFC 6120 §4 over RFC 7395: the stream's lifecycle. Opening, closing
//! and losing it, its errors and features, keeping it alive, and each
//! element that arrives sorted to the module that handles it.

use minidom::Element;
use xmpp_parsers::jid::BareJid;
use xmpp_parsers::presence::Presence;
use xmpp_parsers::stream_features::StreamFeatures;

use super::presence::presence_element;
use super::{Event, GatewayLimit, Request, Session, State, StreamCondition, sm};
use crate::element::{self, ToElement};
use crate::framing::{Close, Frame, Open};
use crate::ns;

/// Ping the server after this long without sending anything.
pub(super) const KEEPALIVE_MS: u64 = 60_000;
/// After a ping, the server has this long to send anything at all before
/// the connection counts as dead.
pub(super) const ANSWER_MS: u64 = 20_000;

/// Whether the server is still there.
#[derive(Debug, Default)]
pub(super) struct Liveness {
    /// When we last sent anything.
    last_sent_ms: u64,
    /// A ping went out then, and nothing has arrived since.
    pinged_at: Option<u64>,
    /// No answer came: the owner is to drop the connection.
    unresponsive: bool,
}

impl Liveness {
    /// We sent something at `now_ms`.
    pub fn sent(&mut self, now_ms: u64) {
        self.last_sent_ms = now_ms;
    }

    /// Something arrived from the server.
    pub fn heard(&mut self) {
        self.pinged_at = None;
    }
}

/// RFC 6120 §4.9.3: a `<stream:error/>`'s condition, `undefined-condition`
/// when it has none we know, and its text. Read by hand: xmpp-parsers'
/// parser weighs 21 KB of the first load's WASM.
pub(super) fn read_stream_error(el: &Element) -> (StreamCondition, Option<String>) {
    let mut condition = None;
    let mut text = None;
    for c in el.children().filter(|c| c.ns() == xmpp_parsers::ns::XMPP_STREAMS) {
        if c.name() == "text" {
            text.get_or_insert_with(|| c.text());
        } else if condition.is_none() {
            condition = stream_condition(c);
        }
    }
    (condition.unwrap_or(StreamCondition::UndefinedCondition), text)
}

fn stream_condition(c: &Element) -> Option<StreamCondition> {
    use StreamCondition as S;
    Some(match c.name() {
        "bad-format" => S::BadFormat,
        "bad-namespace-prefix" => S::BadNamespacePrefix,
        "conflict" => S::Conflict,
        "connection-timeout" => S::ConnectionTimeout,
        "host-gone" => S::HostGone,
        "host-unknown" => S::HostUnknown,
        "improper-addressing" => S::ImproperAddressing,
        "internal-server-error" => S::InternalServerError,
        "invalid-from" => S::InvalidFrom,
        "invalid-namespace" => S::InvalidNamespace,
        "invalid-xml" => S::InvalidXml,
        "not-authorized" => S::NotAuthorized,
        "not-well-formed" => S::NotWellFormed,
        "policy-violation" => S::PolicyViolation,
        "remote-connection-failed" => S::RemoteConnectionFailed,
        "reset" => S::Reset,
        "resource-constraint" => S::ResourceConstraint,
        "restricted-xml" => S::RestrictedXml,
        "see-other-host" => S::SeeOtherHost(c.text()),
        "system-shutdown" => S::SystemShutdown,
        "undefined-condition" => S::UndefinedCondition,
        "unsupported-encoding" => S::UnsupportedEncoding,
        "unsupported-feature" => S::UnsupportedFeature,
        "unsupported-stanza-type" => S::UnsupportedStanzaType,
        "unsupported-version" => S::UnsupportedVersion,
        _ => return None,
    })
}

impl Session {
    /// Whether the server stopped answering, so that the session counts the
    /// connection as lost ([`Event::Disconnected`]): the owner should close
    /// it and may reconnect. Asking clears it.
    pub fn take_unresponsive(&mut self) -> bool {
        std::mem::take(&mut self.liveness.unresponsive)
    }

    /// Ends the stream: unavailable presence, then `<close/>`; nothing is
    /// kept to resume.
    pub(super) fn disconnect(&mut self) {
        if !matches!(self.state, State::Idle) {
            if self.is_ready() {
                let bye = presence_element(Presence::unavailable());
                self.send_stanza(bye, None);
            }
            self.send(Close::default().to_element());
        }
        self.sm.forget();
        self.state = State::Idle;
    }

    pub(super) fn connect(&mut self, nonce: String) {
        self.state = State::Features { authenticated: false };
        self.liveness.heard();
        self.login.start(nonce);
        self.send(self.open());
    }

    /// `<open to="domain"/>`: the stream goes to our server, not to us.
    pub(super) fn open(&self) -> Element {
        Open::new(BareJid::from_parts(None, self.jid.domain())).to_element()
    }

    /// The clock: idle typing pauses, an idle stream is kept alive, and one
    /// that stopped answering counts as lost.
    pub(super) fn tick(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        self.pause_idle_typing();
        if !self.is_ready() {
            return;
        }
        self.ping_rooms();
        if let Some(at) = self.liveness.pinged_at
            && now_ms.saturating_sub(at) >= ANSWER_MS
        {
            self.liveness = Liveness {
                unresponsive: true,
                ..Liveness::default()
            };
            return self.connection_lost();
        }
        if now_ms.saturating_sub(self.liveness.last_sent_ms) >= KEEPALIVE_MS {
            self.liveness.pinged_at.get_or_insert(now_ms);
            if self.sm.is_enabled() {
                self.send(sm::request());
            } else {
                let id = self.ask(Request::Ping);
                let iq = element::get(id, &xmpp_parsers::ping::Ping);
                self.send_stanza(iq.to_element(), None);
            }
        }
    }

    pub(super) fn connection_lost(&mut self) {
        // Unhandled, so unacknowledged: resumption resends them.
        self.roster.connection_lost();
        self.state = State::Idle;
        self.event(Event::Disconnected);
    }

    /// One element from the server, sorted to the module that handles it.
    pub(super) fn handle_now(&mut self, el: Element) {
        let frame = match Frame::try_from(el) {
            Ok(f) => f,
            Err(e) => return self.ignore(e.to_string()),
        };
        let el = match frame {
            Frame::Open(_) => return,
            Frame::Close(_) => {
                self.state = State::Idle;
                self.event(Event::Disconnected);
                return;
            }
            Frame::Element(el) => el,
        };
        if el.is("error", ns::STREAM) {
            return self.stream_error(&el);
        }
        if el.is("features", ns::STREAM) {
            return self.features(el);
        }
        if el.ns() == ns::SASL || el.ns() == ns::SASL2 {
            return self.sasl(el);
        }
        if el.ns() == ns::SM {
            return self.stream_management(el);
        }
        if el.ns() != ns::JABBER_CLIENT {
            return self.ignore(format!("unexpected <{}/> in {}", el.name(), el.ns()));
        }
        if !matches!(self.state, State::Ready | State::Binding) {
            return self.ignore(format!("<{}/> before the session is ready", el.name()));
        }
        match el.name() {
            "iq" | "message" | "presence" => {
                self.sm.handled();
                match el.name() {
                    "iq" => self.iq(el),
                    "message" => self.message(el),
                    _ => self.presence(el),
                }
            }
            other => self.ignore(format!("unknown stanza <{other}/>")),
        }
    }

    pub(super) fn stream_error(&mut self, el: &Element) {
        let (condition, text) = read_stream_error(el);
        let limit = el.children().find_map(GatewayLimit::from_condition);
        self.state = State::Idle;
        self.event(Event::StreamError {
            condition,
            text,
            limit,
        });
    }

    pub(super) fn features(&mut self, el: Element) {
        let features = match StreamFeatures::try_from(el) {
            Ok(f) => f,
            Err(e) => return self.ignore(format!("invalid stream features: {e}")),
        };
        match self.state {
            State::Features { authenticated: false } => self.start_sasl(&features),
            State::Features { authenticated: true } => {
                self.sm.offered(features.stream_management.is_some());
                if let Some(resume) = self.sm.resume_request() {
                    self.state = State::Resuming;
                    self.send(resume);
                } else {
                    self.new_session();
                    self.bind();
                }
            }
            _ => self.ignore("stream features at an unexpected time"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::tests::el;

    fn read(xml: &str) -> (StreamCondition, Option<String>) {
        read_stream_error(&el(&format!(
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>{xml}</stream:error>"
        )))
    }

    const NS: &str = "xmlns='urn:ietf:params:xml:ns:xmpp-streams'";

    #[test]
    fn reads_each_condition_and_the_text() {
        assert_eq!(
            read(&format!("<host-unknown {NS}/><text {NS}>No such domain</text>")),
            (StreamCondition::HostUnknown, Some("No such domain".into()))
        );
        assert_eq!(
            read(&format!(
                "<text {NS}>Moved</text><see-other-host {NS}>other.example:5222</see-other-host>"
            )),
            (
                StreamCondition::SeeOtherHost("other.example:5222".into()),
                Some("Moved".into())
            )
        );
        assert_eq!(
            read(&format!("<unsupported-version {NS}/>")).0,
            StreamCondition::UnsupportedVersion
        );
    }

    #[test]
    fn an_unknown_foreign_or_missing_condition_is_undefined() {
        let undefined = (StreamCondition::UndefinedCondition, None);
        assert_eq!(read(&format!("<made-up {NS}/>")), undefined);
        assert_eq!(read("<system-shutdown xmlns='urn:example'/>"), undefined);
        assert_eq!(read(""), undefined);
        // The first known condition counts.
        assert_eq!(
            read(&format!("<made-up {NS}/><reset {NS}/><conflict {NS}/>")).0,
            StreamCondition::Reset
        );
    }
}
