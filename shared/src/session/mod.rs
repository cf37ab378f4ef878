//! The XMPP client session (RFC 6120, RFC 6121 and extensions) as a sans-IO
//! state machine: elements and commands in, elements and events out. Time
//! and randomness come from the owner, so it runs the same in the browser,
//! natively and in tests.

#[cfg(all(test, not(target_arch = "wasm32")))]
mod arbitrary_xml;
mod chat;
mod command;
pub mod disco;
mod event;
pub mod mam;
pub mod presence;
mod recent;
pub mod register;
mod roster;
pub mod sasl;
mod sasl2;
mod sm;

use crate::element::{self, ToElement};
use std::collections::{HashMap, VecDeque};

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use minidom::Element;
use xmpp_parsers::bind::{BindQuery, BindResponse};
use xmpp_parsers::iq::Iq;
use xmpp_parsers::jid::{BareJid, FullJid, Jid};
use xmpp_parsers::presence::{Presence, Type as PresenceType};
use xmpp_parsers::roster::Roster;
use xmpp_parsers::stanza_error::{DefinedCondition, ErrorType, StanzaError};
use xmpp_parsers::stream_error::StreamError;
use xmpp_parsers::stream_features::StreamFeatures;

pub use command::{Command, Secret};
pub use event::{AuthError, ChatMessage, Delivery, Direction, Event, RequestError};
use presence::{Availability, Presences, ResourcePresence};
pub use sasl::{KeysError, ScramKeys};
use sasl::{Mechanism, Scram};
use sm::StreamManagement;
pub use xmpp_parsers::sasl::DefinedCondition as SaslCondition;
pub use xmpp_parsers::stanza_error::DefinedCondition as StanzaCondition;
pub use xmpp_parsers::stream_error::DefinedCondition as StreamCondition;

use crate::framing::{Close, Frame, Open};
use crate::ns;

/// Subscription requests kept pending at most; more are dropped until some
/// are answered.
const MAX_SUBSCRIPTION_REQUESTS: usize = 256;

/// Ping the server after this long without sending anything.
const KEEPALIVE_MS: u64 = 60_000;

/// What the session is for.
#[derive(Debug, Clone)]
pub struct Config {
    /// The account.
    pub jid: BareJid,
    /// Its password, or SCRAM keys kept from an earlier session. After a
    /// SCRAM login only the derived keys are kept, which resumption needs.
    pub credential: Credential,
    /// Whether the transport is encrypted end to end with the server or its
    /// gateway (`wss://`): PLAIN is used only then.
    pub secure_transport: bool,
    /// A random prefix for stanza ids, fresh per session.
    pub id_prefix: String,
    /// This device's stable random id (XEP-0388 user agent), so that the
    /// server can tell our devices apart across reconnections.
    pub device_id: uuid::Uuid,
}

/// Where in its life the stream is.
#[derive(Debug)]
enum State {
    /// No connection.
    Idle,
    /// Waiting for `<stream:features>`.
    Features { authenticated: bool },
    /// SASL under way.
    Sasl(SaslState),
    /// Waiting for `<resumed/>` or `<failed/>`.
    Resuming,
    /// Waiting for the bind result.
    Binding,
    /// Bound: stanzas flow.
    Ready,
}

#[derive(Debug)]
enum SaslState {
    Scram(Box<Scram>),
    Plain,
}

/// What authentication needs.
#[derive(Clone)]
pub enum Credential {
    /// Until the first SCRAM login, or always with PLAIN.
    Password(String),
    /// After a SCRAM login, or kept from one ("keep me signed in"): the
    /// salted password only.
    Keys(ScramKeys),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credential(…)")
    }
}

fn scram_start(scram: Scram) -> (SaslState, Mechanism, Vec<u8>) {
    let first = scram.client_first().into_bytes();
    let mechanism = scram.mechanism();
    (SaslState::Scram(Box::new(scram)), mechanism, first)
}

/// What an iq of ours was for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Request {
    Bind,
    Roster,
    EnableCarbons,
    Ping,
    Mam {
        with: Option<BareJid>,
        after: Option<String>,
    },
    RosterSet,
    ChangePassword(Secret),
    Disco {
        jid: Jid,
        ver: Option<String>,
    },
}

/// The client session.
#[derive(Debug)]
pub struct Session {
    jid: BareJid,
    credential: Credential,
    /// The credential is SCRAM keys that a login of this session verified.
    keys_verified: bool,
    secure: bool,
    id_prefix: String,
    next_id: u64,
    state: State,
    full_jid: Option<FullJid>,
    out: VecDeque<Element>,
    events: VecDeque<Event>,
    pending: HashMap<String, Request>,
    presences: Presences,
    own_presence: presence::OwnPresence,
    sm: StreamManagement,
    roster_ver: Option<String>,
    seen: mam::Seen,
    device_id: uuid::Uuid,
    inline: Option<sasl2::Inline>,
    caps: disco::Capabilities,
    subscription_requests: std::collections::BTreeSet<BareJid>,
    scram_nonce: Option<String>,
    outbox: Vec<chat::Outgoing>,
    recipients: chat::Recipients,
    chat_states: chat::OwnChatStates,
    now_ms: u64,
    last_sent_ms: u64,
    roster_import: Option<roster::Import>,
    /// What arrived during an import, in order, handled by [`Self::work`].
    held: VecDeque<Element>,
}

impl Session {
    /// A session for `config`, not yet connected.
    pub fn new(config: Config) -> Self {
        Self {
            jid: config.jid,
            credential: config.credential,
            keys_verified: false,
            secure: config.secure_transport,
            id_prefix: config.id_prefix,
            next_id: 0,
            state: State::Idle,
            full_jid: None,
            out: VecDeque::new(),
            events: VecDeque::new(),
            pending: HashMap::new(),
            presences: Presences::default(),
            own_presence: presence::OwnPresence::default(),
            sm: StreamManagement::default(),
            roster_ver: None,
            seen: mam::Seen::default(),
            device_id: config.device_id,
            inline: None,
            caps: disco::Capabilities::default(),
            subscription_requests: std::collections::BTreeSet::new(),
            scram_nonce: None,
            outbox: Vec::new(),
            recipients: chat::Recipients::default(),
            chat_states: chat::OwnChatStates::new(),
            now_ms: 0,
            last_sent_ms: 0,
            roster_import: None,
            held: VecDeque::new(),
        }
    }

    /// Starts from the roster version of a roster the owner kept from an
    /// earlier session (RFC 6121 §2.6): the server then sends only what
    /// changed, or nothing when it is current.
    pub fn with_roster_version(mut self, ver: Option<String>) -> Self {
        self.roster_ver = ver;
        self
    }

    /// The next element to send, if any.
    pub fn poll_outgoing(&mut self) -> Option<Element> {
        self.out.pop_front()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Our full JID, once bound.
    pub fn jid(&self) -> Option<&FullJid> {
        self.full_jid.as_ref()
    }

    /// The salted-password keys, once a SCRAM login has succeeded: the owner
    /// may store them to sign in again without the password (see
    /// [`ScramKeys::encode`]). `None` before, with PLAIN, after a failed
    /// login (stored keys should then be dropped), or after a password
    /// change until the next login.
    pub fn scram_keys(&self) -> Option<&ScramKeys> {
        match &self.credential {
            Credential::Keys(keys) if self.keys_verified => Some(keys),
            _ => None,
        }
    }

    /// Subscription requests not yet approved or denied.
    pub fn subscription_requests(&self) -> impl Iterator<Item = &BareJid> {
        self.subscription_requests.iter()
    }

    /// Whether stanzas can be sent.
    pub fn is_ready(&self) -> bool {
        matches!(self.state, State::Ready)
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        format!("{}{}", self.id_prefix, self.next_id)
    }

    fn send(&mut self, el: Element) {
        self.last_sent_ms = self.now_ms;
        self.out.push_back(el);
    }

    /// Sends a stanza, counted for XEP-0198.
    fn send_stanza(&mut self, el: Element, message_id: Option<String>) {
        self.sm.sent(el.clone(), message_id);
        self.send(el);
    }

    fn event(&mut self, e: Event) {
        self.events.push_back(e);
    }

    fn ignore(&mut self, reason: impl Into<String>) {
        self.event(Event::Ignored {
            reason: reason.into(),
        });
    }

    /// Handles a request of the owner.
    pub fn handle_command(&mut self, command: Command) {
        match command {
            Command::Connect { nonce } => self.connect(nonce),
            Command::ConnectionLost => self.connection_lost(),
            Command::Disconnect => {
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
            Command::Tick { now_ms } => self.tick(now_ms),
            Command::SendMessage { id, to, body } => self.send_message(id, to, body, None),
            Command::CorrectMessage {
                id,
                to,
                replaces,
                body,
            } => self.send_message(id, to, body, Some(replaces)),
            Command::SendChatState { to, state } => self.send_chat_state(to, state),
            Command::MarkDisplayed { to, id } => self.mark_displayed(to, id),
            // Sent now, they would go out before authentication.
            Command::FetchHistory { .. }
            | Command::CatchUp { .. }
            | Command::Discover { .. }
            | Command::ChangePassword { .. }
                if !self.is_ready() =>
            {
                self.ignore("a request while offline; ask again once connected");
            }
            Command::FetchHistory { with, before, max } => self.fetch_history(with, before, max),
            Command::CatchUp { after } => self.catch_up(after),
            Command::Discover { jid } => self.discover(jid, None, None),
            Command::ChangePassword { id, new_password } => self.change_password(id, new_password),
            Command::SetContact { jid, name, groups } => self.set_contact(jid, name, groups),
            Command::RemoveContact { jid } => self.remove_contact(jid),
            Command::Subscribe { to } => {
                self.subscription(to.clone(), PresenceType::Subscribe);
                self.subscription(to, PresenceType::Subscribed);
            }
            Command::ApproveSubscription { from } => self.subscription(from, PresenceType::Subscribed),
            Command::DenySubscription { from } => self.subscription(from, PresenceType::Unsubscribed),
            Command::Unsubscribe { from } => self.subscription(from, PresenceType::Unsubscribe),
            Command::SetPresence {
                show,
                status,
                priority,
            } => {
                let changed = self
                    .own_presence
                    .set(show, status.map(element::xml_text), priority);
                if let Some(p) = changed.filter(|_| self.is_ready()) {
                    self.send_stanza(presence_element(p), None);
                }
            }
        }
    }

    fn connect(&mut self, nonce: String) {
        self.state = State::Features { authenticated: false };
        self.scram_nonce = Some(nonce);
        self.send(self.open());
    }

    /// `<open to="domain"/>`: the stream goes to our server, not to us.
    fn open(&self) -> Element {
        Open::new(BareJid::from_parts(None, self.jid.domain())).to_element()
    }

    fn tick(&mut self, now_ms: u64) {
        self.now_ms = now_ms;
        self.pause_idle_typing();
        if self.is_ready() && now_ms.saturating_sub(self.last_sent_ms) >= KEEPALIVE_MS {
            if self.sm.is_enabled() {
                self.send(sm::request());
            } else {
                let id = self.id();
                self.pending.insert(id.clone(), Request::Ping);
                let iq = element::get(id, &xmpp_parsers::ping::Ping);
                self.send_stanza(iq.to_element(), None);
            }
        }
    }

    /// Handles one element from the server. Nothing here can panic on bad
    /// input: what cannot be understood becomes [`Event::Ignored`].
    ///
    /// While a large roster result is being converted, elements wait their
    /// turn for [`Self::work`].
    pub fn handle_incoming(&mut self, el: Element) {
        if self.roster_import.is_some() || !self.held.is_empty() {
            self.held.push_back(el);
        } else {
            self.handle_now(el);
        }
    }

    fn connection_lost(&mut self) {
        // Unhandled, so unacknowledged: resumption resends them.
        self.held.clear();
        self.state = State::Idle;
        self.event(Event::Disconnected);
    }

    /// Does one short batch of the work put off by [`Self::handle_incoming`]:
    /// 100 roster items, or one waiting element. False when none was left.
    /// A browser calls it between tasks, so that none runs long.
    pub fn work(&mut self) -> bool {
        if self.roster_import.is_some() {
            self.import_roster();
        } else if let Some(el) = self.held.pop_front() {
            self.handle_now(el);
        } else {
            return false;
        }
        true
    }

    fn handle_now(&mut self, el: Element) {
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

    fn stream_error(&mut self, el: &Element) {
        let (condition, text) = match StreamError::try_from(el.clone()) {
            Ok(e) => {
                let text = e.get_best_text_cloned(vec![]).map(|(_, t)| t);
                (e.condition, text)
            }
            // An unknown condition, or no condition at all.
            Err(_) => (
                StreamCondition::UndefinedCondition,
                el.get_child("text", xmpp_parsers::ns::XMPP_STREAMS)
                    .map(Element::text),
            ),
        };
        self.state = State::Idle;
        self.event(Event::StreamError { condition, text });
    }

    fn features(&mut self, el: Element) {
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

    fn start_sasl(&mut self, features: &StreamFeatures) {
        // XEP-0388 when the server offers it, else RFC 6120 SASL.
        let offered: Vec<&str> = match &features.sasl2 {
            Some(a) => a.mechanisms.iter().map(String::as_str).collect(),
            None => features.sasl_mechanisms.iter().map(String::as_str).collect(),
        };
        let user = self.jid.node().map(|n| n.to_string()).unwrap_or_default();
        let nonce = self.scram_nonce.take().unwrap_or_default();
        let started = match &self.credential {
            // After a first login only the SCRAM keys are left: the same
            // mechanism must be offered again.
            Credential::Keys(keys) => {
                let scram = Scram::from_keys(keys.clone(), &user, &nonce);
                if offered.contains(&scram.mechanism().name()) {
                    Ok(scram_start(scram))
                } else {
                    Err(AuthError::PasswordNeeded)
                }
            }
            Credential::Password(password) => match Mechanism::choose(offered.iter().copied(), self.secure) {
                None => Err(AuthError::NoSupportedMechanism),
                Some(Mechanism::Plain) => {
                    Ok((SaslState::Plain, Mechanism::Plain, sasl::plain(&user, password)))
                }
                Some(m) => Scram::new(m, &user, password, &nonce)
                    .map(scram_start)
                    .map_err(|_| AuthError::InvalidPassword),
            },
        };
        let (state, mechanism, initial) = match started {
            Ok(s) => s,
            Err(error) => {
                self.state = State::Idle;
                self.keys_verified = false;
                return self.event(Event::AuthFailed { error, text: None });
            }
        };
        self.state = State::Sasl(state);
        let auth = match &features.sasl2 {
            Some(offer) => self.authenticate(offer, mechanism.name(), initial),
            None => {
                self.inline = None;
                sasl::Auth {
                    mechanism: mechanism.name().to_owned(),
                    data: initial,
                }
                .to_element()
            }
        };
        self.send(auth);
    }

    fn sasl(&mut self, el: Element) {
        let State::Sasl(state) = &mut self.state else {
            return self.ignore(format!("SASL <{}/> outside authentication", el.name()));
        };
        let sasl2 = el.ns() == ns::SASL2;
        // SASL2 carries the server's final message in <additional-data/>.
        let encoded = match el.get_child("additional-data", ns::SASL2) {
            Some(d) if sasl2 => d.text(),
            _ => el.text(),
        };
        let data = B64.decode(encoded.trim()).unwrap_or_default();
        match (el.name(), state) {
            ("challenge", SaslState::Scram(scram)) => match scram.client_final(&data) {
                Ok(response) => {
                    let response = response.into_bytes();
                    let el: Element = if sasl2 {
                        xmpp_parsers::sasl2::Response { sasl_data: response }.to_element()
                    } else {
                        xmpp_parsers::sasl::Response { data: response }.to_element()
                    };
                    self.send(el);
                }
                Err(e) => self.abort_sasl(sasl_error(&e)),
            },
            ("success", SaslState::Scram(scram)) => match scram.verify_server_final(&data) {
                Ok(()) => {
                    // The password is dropped; the keys suffice to resume.
                    if let Some(keys) = scram.keys() {
                        self.credential = Credential::Keys(keys);
                        self.keys_verified = true;
                    }
                    self.authenticated(el, sasl2);
                }
                Err(e) => self.abort_sasl(sasl_error(&e)),
            },
            ("success", SaslState::Plain) => self.authenticated(el, sasl2),
            ("failure", _) => {
                // SASL2 wraps the same conditions, in the SASL namespace.
                let error = el
                    .children()
                    .find_map(|c| xmpp_parsers::sasl::DefinedCondition::try_from(c.clone()).ok())
                    .unwrap_or(SaslCondition::NotAuthorized);
                let text = el.get_child("text", el.ns().as_str()).map(Element::text);
                self.state = State::Idle;
                self.keys_verified = false;
                self.event(Event::AuthFailed {
                    error: AuthError::Sasl(error),
                    text,
                });
                self.send(Close::default().to_element());
            }
            (other, _) => self.ignore(format!("unexpected SASL <{other}/>")),
        }
    }

    /// The server failed to prove itself: stop, do not trust it.
    fn abort_sasl(&mut self, error: AuthError) {
        self.state = State::Idle;
        self.keys_verified = false;
        self.send(xmpp_parsers::sasl::Abort.to_element());
        self.send(Close::default().to_element());
        self.event(Event::AuthFailed { error, text: None });
    }

    /// RFC 6120 §6.4.6: restart the stream; with SASL2 the stream goes on.
    fn authenticated(&mut self, success: Element, sasl2: bool) {
        if !sasl2 {
            self.state = State::Features { authenticated: true };
            return self.send(self.open());
        }
        match xmpp_parsers::sasl2::Success::try_from(success) {
            Ok(s) => self.sasl2_success(s),
            Err(_) => self.abort_sasl(AuthError::ServerNotTrusted),
        }
    }

    /// A new XMPP session instead of a resumed one: stream management starts
    /// over, and messages the old one never acknowledged are reported.
    fn new_session(&mut self) {
        let unacknowledged = self.previous_session_ended();
        if !unacknowledged.is_empty() {
            self.event(Event::ResumeFailed { unacknowledged });
        }
    }

    /// The previous session is gone for good: the requests it never answered
    /// fail, and the messages it never acknowledged are returned.
    fn previous_session_ended(&mut self) -> Vec<String> {
        let mut unanswered: Vec<_> = self.pending.drain().collect();
        // In the order they were asked.
        unanswered.sort_by(|(a, _), (b, _)| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        for (id, request) in unanswered {
            self.request_failed(id, request, RequestError::SessionEnded, None);
        }
        self.sm.resume_failed()
    }

    /// Reports a request that will get no answer, in the terms of what it
    /// was for.
    fn request_failed(&mut self, id: String, request: Request, error: RequestError, text: Option<String>) {
        match request {
            Request::Mam { with, .. } => return self.event(Event::HistoryFailed { with, error }),
            Request::Disco { ver: Some(ver), .. } => self.caps_failed(&ver),
            _ => {}
        }
        self.event(Event::RequestFailed { id, error, text });
    }

    /// RFC 6120 §7: let the server choose the resource.
    fn bind(&mut self) {
        self.state = State::Binding;
        let id = self.id();
        self.pending.insert(id.clone(), Request::Bind);
        let iq = element::set(id, &BindQuery::new(None));
        self.send(iq.to_element());
    }

    fn bound(&mut self, jid: FullJid) {
        if let Some(enable) = self.sm.enable_request() {
            self.send(enable);
        }
        self.bound_with(jid, false);
    }

    /// Bound; carbons already on when enabled inline (Bind 2).
    fn bound_with(&mut self, jid: FullJid, carbons_enabled: bool) {
        self.full_jid = Some(jid.clone());
        self.state = State::Ready;
        // A new session: contacts saw us go, not whether we were typing.
        self.chat_states.clear();
        // A new session: what we knew of presence is stale.
        for contact in self.presences.clear() {
            self.event(Event::PresenceChanged {
                jid: contact,
                show: None,
                status: None,
            });
        }
        // The roster first (RFC 6121 §2.2); presence once it is in.
        self.own_presence.reset();
        let id = self.id();
        self.pending.insert(id.clone(), Request::Roster);
        let roster = Roster {
            ver: self.roster_ver.clone(),
            items: Vec::new(),
        };
        self.send_stanza(element::get(id, &roster).to_element(), None);
        if !carbons_enabled {
            let id = self.id();
            self.pending.insert(id.clone(), Request::EnableCarbons);
            self.send_stanza(
                element::set(id, &xmpp_parsers::carbons::Enable).to_element(),
                None,
            );
        }
        self.event(Event::Connected { jid });
        self.flush_outbox();
    }

    /// Initial presence (RFC 6121 §4.2), once the roster is in.
    fn announce(&mut self) {
        if let Some(p) = self.own_presence.announce() {
            self.send_stanza(presence_element(p), None);
        }
    }

    fn stream_management(&mut self, el: Element) {
        match el.name() {
            "r" => {
                let a = self.sm.answer();
                self.send(a);
            }
            "a" => {
                for id in self.sm.acked(&el) {
                    self.event(Event::MessageStateChanged {
                        id,
                        state: Delivery::Sent,
                    });
                }
            }
            "enabled" => self.sm.enabled(&el),
            "resumed" if matches!(self.state, State::Resuming) => {
                let (acked, resend) = self.sm.resumed(&el);
                for id in acked {
                    self.event(Event::MessageStateChanged {
                        id,
                        state: Delivery::Sent,
                    });
                }
                self.state = State::Ready;
                for stanza in resend {
                    self.send(stanza);
                }
                self.event(Event::Resumed);
                self.flush_outbox();
            }
            "failed" if matches!(self.state, State::Resuming) => {
                // XEP-0198 §4: <failed h=…/> still tells what arrived.
                for id in self.sm.acked(&el) {
                    self.event(Event::MessageStateChanged {
                        id,
                        state: Delivery::Sent,
                    });
                }
                let unacknowledged = self.previous_session_ended();
                self.event(Event::ResumeFailed { unacknowledged });
                self.bind();
            }
            "failed" => {
                // Not enabled after all: stop keeping stanzas for it.
                self.sm.forget();
                self.ignore("stream management could not be enabled");
            }
            other => self.ignore(format!("unexpected stream management <{other}/>")),
        }
    }

    fn iq(&mut self, el: Element) {
        if el.attr("type") == Some("result") {
            return match element::read_result(el) {
                Ok(result) => self.iq_result(result),
                Err(e) => self.ignore(format!("invalid iq: {e}")),
            };
        }
        let iq = match Iq::try_from(el) {
            Ok(iq) => iq,
            Err(e) => return self.ignore(format!("invalid iq: {e}")),
        };
        match iq {
            // Read above.
            Iq::Result { .. } => {}
            Iq::Error { id, error, from, .. } => {
                let expected = match self.pending.get(&id) {
                    Some(Request::Disco { jid, .. }) => from.as_ref() == Some(jid),
                    Some(_) => self.is_server_or_self(from.as_ref()),
                    None => false,
                };
                if !expected {
                    return self.ignore("iq error from an unexpected sender");
                }
                let text = error.texts.values().next().cloned();
                let error = RequestError::Stanza(error.defined_condition);
                match self.pending.remove(&id) {
                    Some(Request::Bind) => {
                        self.state = State::Idle;
                        self.send(Close::default().to_element());
                        self.event(Event::Disconnected);
                    }
                    Some(request) => {
                        if matches!(request, Request::Roster) {
                            self.announce();
                        }
                        return self.request_failed(id, request, error, text);
                    }
                    None => {}
                }
                self.event(Event::RequestFailed { id, error, text });
            }
            Iq::Get {
                id, from, payload, ..
            } => self.iq_get(id, from, payload),
            Iq::Set {
                id, from, payload, ..
            } => self.iq_set(id, from, payload),
        }
    }

    fn iq_result(&mut self, result: element::IqResult) {
        let element::IqResult { id, from, payload } = result;
        // RFC 6120 §8.1.2.1: a result comes from whom we asked.
        let expected = match self.pending.get(&id) {
            Some(Request::Disco { jid, .. }) => from.as_ref() == Some(jid),
            _ => self.is_server_or_self(from.as_ref()),
        };
        if !expected {
            return self.ignore("iq result from an unexpected sender");
        }
        match self.pending.remove(&id) {
            Some(Request::Bind) => match payload.map(BindResponse::try_from) {
                Some(Ok(bound)) => self.bound(bound.into()),
                _ => {
                    self.state = State::Idle;
                    self.ignore("the bind result has no JID");
                }
            },
            Some(Request::Roster) => self.roster_result(payload),
            Some(Request::Mam { with, after }) => self.mam_fin(with, after, payload),
            Some(Request::Disco { jid, ver }) => self.disco_result(jid, ver, payload),
            Some(Request::ChangePassword(new)) => self.password_changed(id, new),
            Some(Request::EnableCarbons | Request::Ping | Request::RosterSet) | None => {}
        }
    }

    fn iq_get(&mut self, id: String, from: Option<Jid>, payload: Element) {
        let reply_to = from.clone();
        if payload.is("ping", ns::PING) {
            let mut iq = Iq::empty_result(
                reply_to.unwrap_or_else(|| Jid::from(self.jid.domain().to_owned())),
                id,
            );
            if from.is_none() {
                iq = strip_to(iq);
            }
            return self.send_stanza(iq.to_element(), None);
        }
        if payload.is("query", ns::DISCO_INFO) {
            // Asked about our caps node, we answer for it (XEP-0115 §6.2).
            let node = payload.attr("node").map(str::to_owned);
            let ours = format!("{}#{}", disco::CAPS_NODE, disco::own_ver());
            if node.as_ref().is_some_and(|n| *n != ours) {
                return self.reply_error(id, from, DefinedCondition::ItemNotFound);
            }
            let info = disco::own_info_element(node);
            let iq = element::result_element(id, reply_to.as_ref(), info);
            return self.send_stanza(iq, None);
        }
        self.reply_error(id, from, DefinedCondition::ServiceUnavailable);
    }

    fn iq_set(&mut self, id: String, from: Option<Jid>, payload: Element) {
        if payload.is("query", ns::ROSTER) {
            return self.roster_push(id, from, payload);
        }
        self.reply_error(id, from, DefinedCondition::ServiceUnavailable);
    }

    fn reply_error(&mut self, id: String, to: Option<Jid>, condition: DefinedCondition) {
        let error = StanzaError::new(ErrorType::Cancel, condition, "en", "");
        let mut iq = Iq::from_error(id, error);
        if let Some(to) = to {
            iq = iq.with_to(to);
        }
        self.send_stanza(iq.to_element(), None);
    }

    fn presence(&mut self, el: Element) {
        let p = match Presence::try_from(el) {
            Ok(p) => p,
            Err(e) => return self.ignore(format!("invalid presence: {e}")),
        };
        let Some(from) = p.from.clone() else {
            return;
        };
        let bare = from.to_bare();
        let resource = from.resource().map(|r| r.to_string());
        if p.type_ == PresenceType::None {
            let caps = p
                .payloads
                .iter()
                .find(|e| e.is("c", "http://jabber.org/protocol/caps"));
            if let Some(caps) = caps.and_then(|c| xmpp_parsers::caps::Caps::try_from(c.clone()).ok()) {
                self.caps_seen(from.clone(), caps);
            }
        }
        match p.type_ {
            PresenceType::None => {
                let rp = ResourcePresence {
                    show: Availability::from_show(p.show.as_ref()),
                    status: p.statuses.values().next().cloned(),
                    priority: p.priority.0,
                };
                let changed = self
                    .presences
                    .available(&bare, resource.as_deref().unwrap_or(""), rp);
                if changed {
                    self.presence_changed(bare);
                }
            }
            PresenceType::Unavailable if self.presences.unavailable(&bare, resource.as_deref()) => {
                self.presence_changed(bare);
            }
            // Reported once per contact until answered.
            PresenceType::Subscribe
                if self.subscription_requests.len() < MAX_SUBSCRIPTION_REQUESTS
                    && self.subscription_requests.insert(bare.clone()) =>
            {
                self.event(Event::SubscriptionRequested { from: bare });
            }
            _ => {}
        }
    }

    fn presence_changed(&mut self, jid: BareJid) {
        let best = self.presences.best(&jid).cloned();
        self.event(Event::PresenceChanged {
            jid,
            show: best.as_ref().map(|b| b.show),
            status: best.and_then(|b| b.status),
        });
    }

    /// No `from`, our domain, our bare JID or our full JID.
    fn is_server_or_self(&self, from: Option<&Jid>) -> bool {
        match from {
            None => true,
            Some(j) => {
                (j.resource().is_none() && j.to_bare() == self.jid)
                    || j.as_str() == self.jid.domain().as_str()
            }
        }
    }

    /// No `from`, or our bare JID exactly.
    fn is_own_account(&self, from: Option<&Jid>) -> bool {
        from.is_none_or(|j| j.resource().is_none() && j.to_bare() == self.jid)
    }
}

/// A presence as sent: `<priority>0</priority>` is the default, so left out.
fn presence_element(p: Presence) -> Element {
    let mut el: Element = p.to_element();
    if el
        .get_child("priority", ns::JABBER_CLIENT)
        .is_some_and(|c| c.text() == "0")
    {
        el.remove_child("priority", ns::JABBER_CLIENT);
    }
    el
}

fn strip_to(iq: Iq) -> Iq {
    let mut iq = iq;
    *iq.to_mut() = None;
    iq
}

/// What a failed SCRAM step means for the owner.
fn sasl_error(e: &sasl::SaslError) -> AuthError {
    match e {
        sasl::SaslError::PasswordNeeded => AuthError::PasswordNeeded,
        sasl::SaslError::InvalidPassword => AuthError::InvalidPassword,
        _ => AuthError::ServerNotTrusted,
    }
}

/// The condition of an `<error/>`; `undefined-condition` when it has none we
/// know.
pub(crate) fn stanza_condition(error: &Element) -> DefinedCondition {
    match StanzaError::try_from(error.clone()) {
        Ok(e) => e.defined_condition,
        // Parsed alone, the condition survives a bad type or a stray child.
        Err(_) => error
            .children()
            .find_map(|c| DefinedCondition::try_from(c.clone()).ok())
            .unwrap_or(DefinedCondition::UndefinedCondition),
    }
}

#[cfg(test)]
mod tests;
