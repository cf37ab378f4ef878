//! The XMPP client session (RFC 6120, RFC 6121 and extensions) as a sans-IO
//! state machine: elements and commands in, elements and events out. Time
//! and randomness come from the owner, so it runs the same in the browser,
//! natively and in tests.
//!
//! This module is the router: the owner's API and command dispatch. Each
//! concern has its own module: `stream` (the stream's lifecycle), `auth`
//! (SASL), `bind` (session start), `iq`, `roster`, `presence`, `disco`,
//! `chat` (sending, and a received message's path) with `incoming` (its
//! stages), `carbons`, `receipts` (and displayed markers), `chatstates`,
//! `mam`, `blocking` (XEP-0191), `sm` (XEP-0198) and `sasl2`.

#[cfg(all(test, not(target_arch = "wasm32")))]
mod arbitrary_xml;
mod auth;
mod bind;
pub mod blocking;
pub mod bookmarks;
mod caps;
mod chat;
mod command;
mod conversation;
pub mod disco;
mod event;
mod iq;
pub mod mam;
pub mod muc;
pub mod presence;
mod recent;
pub mod register;
mod roster;
pub mod sasl;
mod sm;
mod stream;
#[cfg(any(test, feature = "hostile"))]
pub mod transcript;

use std::collections::VecDeque;

use minidom::Element;
use xmpp_parsers::jid::{BareJid, FullJid, Jid};
use xmpp_parsers::presence::Type as PresenceType;
use xmpp_parsers::stanza_error::{DefinedCondition, StanzaError};

pub use auth::Credential;
use auth::SaslState;
pub use command::{Command, Secret};
pub use conversation::{ConversationId, Sender};
pub use event::{AuthError, ChatMessage, Delivery, Direction, Event, GatewayLimit, RequestError};
use iq::Request;

pub use sasl::{KeysError, ScramKeys};
use sm::StreamManagement;
pub use xmpp_parsers::sasl::DefinedCondition as SaslCondition;
pub use xmpp_parsers::stanza_error::DefinedCondition as StanzaCondition;
pub use xmpp_parsers::stream_error::DefinedCondition as StreamCondition;

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

/// The client session.
#[derive(Debug)]
pub struct Session {
    jid: BareJid,
    login: auth::Login,
    id_prefix: String,
    next_id: u64,
    state: State,
    full_jid: Option<FullJid>,
    out: VecDeque<Element>,
    events: VecDeque<Event>,
    pending: iq::Requests,
    presences: presence::PresenceState,
    sm: StreamManagement,
    roster: roster::RosterState,
    archive: mam::Archive,
    device_id: uuid::Uuid,
    caps: disco::Capabilities,
    chats: chat::Chats,
    blocking: blocking::Blocklist,
    rooms: muc::Rooms,
    bookmarks: bookmarks::Bookmarks,
    now_ms: u64,
    liveness: stream::Liveness,
}

impl Session {
    /// A session for `config`, not yet connected.
    pub fn new(config: Config) -> Self {
        Self {
            jid: config.jid,
            login: auth::Login::new(config.credential, config.secure_transport),
            id_prefix: config.id_prefix,
            next_id: 0,
            state: State::Idle,
            full_jid: None,
            out: VecDeque::new(),
            events: VecDeque::new(),
            pending: iq::Requests::default(),
            presences: presence::PresenceState::default(),
            sm: StreamManagement::default(),
            roster: roster::RosterState::default(),
            archive: mam::Archive::default(),
            device_id: config.device_id,
            caps: disco::Capabilities::default(),
            chats: chat::Chats::default(),
            blocking: blocking::Blocklist::default(),
            rooms: muc::Rooms::default(),
            bookmarks: bookmarks::Bookmarks::default(),
            now_ms: 0,
            liveness: stream::Liveness::default(),
        }
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

    /// Whether stanzas can be sent.
    pub fn is_ready(&self) -> bool {
        matches!(self.state, State::Ready)
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        format!("{}{}", self.id_prefix, self.next_id)
    }

    fn send(&mut self, el: Element) {
        self.liveness.sent(self.now_ms);
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
        let Some(command) = self.refuse_offline(command) else {
            return;
        };
        match command {
            Command::Connect { nonce } => self.connect(nonce),
            Command::ConnectionLost => self.connection_lost(),
            Command::Disconnect => self.disconnect(),
            Command::Tick { now_ms } => self.tick(now_ms),
            Command::SendMessage { .. }
            | Command::CorrectMessage { .. }
            | Command::SendChatState { .. }
            | Command::MarkDisplayed { .. } => self.chat_command(command),
            Command::FetchHistory { with, before, max } => self.fetch_history(with, before, max),
            Command::CatchUp { after } => self.catch_up(Some(after)),
            Command::Discover { jid } => self.discover(jid, None, None),
            Command::FetchBlocklist | Command::Block { .. } | Command::Unblock { .. } => {
                self.blocking(command)
            }
            Command::ChangePassword { id, new_password } => self.change_password(id, new_password),
            Command::JoinRoom { .. }
            | Command::LeaveRoom { .. }
            | Command::ChangeNick { .. }
            | Command::SetSubject { .. }
            | Command::Invite { .. }
            | Command::SetBookmark { .. }
            | Command::RemoveBookmark { .. }
            | Command::Moderate { .. }
            | Command::FetchRoomConfig { .. }
            | Command::ConfigureRoom { .. }
            | Command::FetchAffiliations { .. }
            | Command::FindRoomServices
            | Command::ListRooms { .. }
            | Command::DescribeRoom { .. } => self.room_command(command),
            Command::SetContact { jid, name, groups } => self.set_contact(jid, name, groups),
            Command::RemoveContact { jid } => self.remove_contact(jid),
            Command::Subscribe { to } => self.subscribe(to),
            Command::ApproveSubscription { from } => self.subscription(from, PresenceType::Subscribed),
            Command::DenySubscription { from } => self.subscription(from, PresenceType::Unsubscribed),
            Command::Unsubscribe { from } => self.subscription(from, PresenceType::Unsubscribe),
            Command::SetPresence {
                show,
                status,
                priority,
            } => self.set_presence(show, status, priority),
        }
    }

    /// What cannot be asked offline: sent now, it would go out before
    /// authentication. What the person waits for fails, unsent; the rest
    /// is asked again once connected. Gives back what may go ahead.
    fn refuse_offline(&mut self, command: Command) -> Option<Command> {
        if self.is_ready() {
            return Some(command);
        }
        let (id, request) = match command {
            Command::FetchHistory { with, .. } => (String::new(), Request::Mam(mam::Query::History(with))),
            Command::ChangePassword { id, new_password } => (id, Request::ChangePassword(new_password)),
            Command::CatchUp { .. } | Command::Discover { .. } | Command::FetchBlocklist => {
                self.ignore("a request while offline; ask again once connected");
                return None;
            }
            other => return Some(other),
        };
        self.request_failed(id, request, RequestError::NotConnected, None);
        None
    }

    /// Handles one element from the server. Nothing here can panic on bad
    /// input: what cannot be understood becomes [`Event::Ignored`].
    ///
    /// While a large roster result is being converted, elements wait their
    /// turn for [`Self::work`].
    pub fn handle_incoming(&mut self, el: Element) {
        self.liveness.heard();
        if let Some(el) = self.roster.hold(el) {
            self.handle_now(el);
        }
    }

    /// Does one short batch of the work put off by [`Self::handle_incoming`]:
    /// 100 roster items, or one waiting element. False when none was left.
    /// A browser calls it between tasks, so that none runs long.
    pub fn work(&mut self) -> bool {
        if self.roster.importing() {
            self.import_roster();
        } else if let Some(el) = self.roster.next_held() {
            self.handle_now(el);
        } else {
            return false;
        }
        true
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
