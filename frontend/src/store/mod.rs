//! The client's state, shaped for the views: the account and its
//! connection, the contacts with their presence, and the conversations.
//! Only [`Store::apply`] changes it from session events; it knows no XML.

pub mod contacts;
pub mod conversation;
mod logs;
pub mod rooms;
pub mod strangers;

use std::collections::{BTreeSet, HashMap};

use parlons_shared::session::presence::Availability;
use parlons_shared::session::{
    AuthError, Command, ConversationId, Delivery, Event, GatewayLimit, RequestError, StreamCondition,
};
use xmpp_parsers::jid::{BareJid, FullJid, Jid};

use contacts::Contacts;
use conversation::{Conversation, Message};
use rooms::{Invitation, Room};
use strangers::Strangers;

/// Why signing in or staying connected failed, as the person sees it.
#[derive(Debug, Clone, PartialEq)]
pub enum Problem {
    /// The server refused the address or password.
    WrongPassword,
    /// The server refused in another way (account disabled, …).
    AuthRefused(AuthError),
    /// No such server, or it cannot be reached.
    ServerUnreachable,
    /// The gateway does not serve that domain.
    DomainRefused,
    /// The server sent a stanza larger than the gateway relays: trying again
    /// by itself would meet it again.
    StanzaTooLarge,
    /// The server ended the stream.
    StreamClosed(Option<StreamCondition>),
    /// The gateway itself could not be reached.
    GatewayUnreachable,
}

/// A request of the person's that failed, shown until dismissed.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Adding, renaming or removing this contact did not go through.
    Contact(BareJid, RequestError),
    /// The history with this contact could not be loaded.
    History(BareJid, RequestError),
    /// Blocking (`true`) or unblocking this address did not go through.
    Blocking(Jid, bool, RequestError),
}

/// Where a change of our password is (XEP-0077).
#[derive(Debug, Clone, Default, PartialEq)]
pub enum PasswordChange {
    /// None asked for.
    #[default]
    Idle,
    /// Asked, as the request with this id.
    Asked(String),
    /// Done: the next sign-in uses the new one.
    Changed,
    /// Refused, or unanswered.
    Failed(RequestError),
}

/// Where the connection is.
#[derive(Debug, Clone, PartialEq)]
pub enum Connection {
    /// No account.
    SignedOut,
    /// Signing in for the first time on this page.
    SigningIn,
    /// Ready.
    Online,
    /// It was up and dropped; the person can reconnect, and a try may be
    /// planned ([`Store::retry_at`]).
    Lost(Option<Problem>),
    /// Reconnecting after a drop.
    Reconnecting,
    /// Signing in failed; back to the form.
    Failed(Problem),
}

/// Everything the views show.
#[derive(Debug, Clone, PartialEq)]
pub struct Store {
    /// The account, once a sign-in was asked for.
    pub account: Option<BareJid>,
    /// The connection.
    pub connection: Connection,
    /// When the next try to reconnect is due, in Unix milliseconds.
    pub retry_at: Option<u64>,
    /// The contacts.
    pub contacts: Contacts,
    /// People who asked to see our presence.
    pub requests: BTreeSet<BareJid>,
    /// Conversations by contact.
    pub conversations: HashMap<BareJid, Conversation>,
    /// Rooms, joined or bookmarked.
    pub rooms: HashMap<BareJid, Room>,
    /// Private conversations with room occupants.
    pub private: HashMap<FullJid, Conversation>,
    /// Invitations to rooms, waiting for an answer.
    pub invitations: Vec<Invitation>,
    /// Rooms whose messages notify only when they name us.
    pub muted: Vec<BareJid>,
    /// A room that an `xmpp:…?join` link asked to join, until its view
    /// joins it.
    pub join_asked: Option<BareJid>,
    /// Room services and their public rooms.
    pub directory: rooms::Directory,
    /// Message requests: what strangers sent.
    pub strangers: Strangers,
    /// What our server blocks (XEP-0191), sorted; `None` until known, or
    /// when it cannot block.
    pub blocked: Option<Vec<Jid>>,
    /// The server said it cannot block.
    pub blocking_unsupported: bool,
    /// Conversations started from message requests since the offline
    /// store last took them.
    pub adopted: Vec<BareJid>,
    /// The conversation on screen.
    pub open: Option<ConversationId>,
    /// The page is visible and focused: messages in the open conversation
    /// are read as they come.
    pub attentive: bool,
    /// Our own availability and status message.
    pub own_status: (Availability, Option<String>),
    /// The last failure of a request of the person's.
    pub notice: Option<Notice>,
    /// Where a change of our password is.
    pub password: PasswordChange,
}

impl Default for Store {
    fn default() -> Self {
        Self {
            account: None,
            connection: Connection::SignedOut,
            retry_at: None,
            contacts: Contacts::default(),
            requests: BTreeSet::new(),
            conversations: HashMap::new(),
            rooms: HashMap::new(),
            private: HashMap::new(),
            invitations: Vec::new(),
            muted: Vec::new(),
            join_asked: None,
            directory: rooms::Directory::default(),
            strangers: Strangers::default(),
            blocked: None,
            blocking_unsupported: false,
            adopted: Vec::new(),
            open: None,
            attentive: true,
            own_status: (Availability::Available, None),
            notice: None,
            password: PasswordChange::Idle,
        }
    }
}

/// What an applied event means beyond the store, for the page to act on.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Nothing more.
    Nothing,
    /// A new message arrived live.
    NewMessage {
        /// In which conversation.
        from: ConversationId,
        /// Its text.
        body: String,
    },
    /// A history page arrived or failed for this conversation.
    HistoryDone(ConversationId),
}

impl Store {
    /// A sign-in was asked for.
    pub fn signing_in(&mut self, account: BareJid) {
        *self = Self {
            account: Some(account),
            connection: Connection::SigningIn,
            attentive: self.attentive,
            // The page's route, which may have been read first.
            open: self.open.take(),
            ..Self::default()
        };
    }

    /// The transport could not reach the gateway, or it closed.
    pub fn transport_closed(&mut self, reached: bool) {
        let problem = (!reached).then_some(Problem::GatewayUnreachable);
        self.connection_dropped(problem);
    }

    fn connection_dropped(&mut self, problem: Option<Problem>) {
        self.connection = match &self.connection {
            Connection::SigningIn => Connection::Failed(problem.unwrap_or(Problem::StreamClosed(None))),
            Connection::Online | Connection::Reconnecting => Connection::Lost(problem),
            other => other.clone(),
        };
        if !matches!(self.connection, Connection::Online) {
            self.contacts.all_offline();
        }
    }

    /// Lost, for a reason that may pass: worth trying again by itself. A
    /// domain the gateway refuses, or another client that took our place,
    /// is not.
    pub fn should_retry(&self) -> bool {
        match &self.connection {
            Connection::Lost(problem) => !matches!(
                problem,
                Some(
                    Problem::DomainRefused
                        | Problem::StanzaTooLarge
                        | Problem::StreamClosed(Some(StreamCondition::Conflict))
                )
            ),
            _ => false,
        }
    }

    /// What the offline store kept, shown while the connection comes up.
    pub fn restore(
        &mut self,
        contacts: Vec<contacts::Contact>,
        conversations: Vec<(BareJid, Conversation)>,
        requests: Vec<strangers::Request>,
    ) {
        self.contacts.restore(contacts);
        self.conversations.extend(conversations);
        self.strangers.restore(requests);
        if self.connection == Connection::SigningIn {
            self.connection = Connection::Reconnecting;
        }
        self.read_open();
    }

    /// Our messages and corrections still pending, in order in each
    /// conversation, to be sent again with their ids.
    pub fn pending(&self) -> Vec<Command> {
        self.conversations
            .iter()
            .flat_map(|(to, c)| {
                c.messages.iter().filter(|m| m.mine).filter_map(move |m| {
                    let to = ConversationId::Chat(to.clone());
                    let (id, body) = (m.id.clone()?, m.body.clone());
                    match &m.correction {
                        _ if m.delivery == Some(Delivery::Pending) => {
                            Some(Command::SendMessage { id, to, body })
                        }
                        Some(correction) => Some(Command::CorrectMessage {
                            id: correction.clone(),
                            to,
                            replaces: id,
                            body,
                        }),
                        None => None,
                    }
                })
            })
            .collect()
    }

    /// The conversation holding our message `id`.
    pub fn conversation_of(&self, id: &str) -> Option<BareJid> {
        self.conversations
            .iter()
            .find(|(_, c)| c.messages.iter().any(|m| m.mine && m.id.as_deref() == Some(id)))
            .map(|(jid, _)| jid.clone())
    }

    /// A try to reconnect starts.
    pub fn retrying(&mut self) {
        if matches!(self.connection, Connection::Lost(_)) {
            self.connection = Connection::Reconnecting;
        }
        self.retry_at = None;
    }

    /// The conversation with `jid`, created when first needed: from its
    /// message request, if it sent one.
    pub fn conversation(&mut self, jid: &BareJid) -> &mut Conversation {
        if !self.conversations.contains_key(jid) {
            self.start_conversation(jid);
        }
        let c = self.conversations.entry(jid.clone()).or_default();
        c.revision += 1;
        c
    }

    // Once per conversation: not worth a copy at each caller.
    #[inline(never)]
    fn start_conversation(&mut self, jid: &BareJid) {
        let mut c = Conversation::default();
        if let Some(request) = self.strangers.take(jid) {
            c.adopt(request.messages);
            self.adopted.push(jid.clone());
        }
        self.conversations.insert(jid.clone(), c);
    }

    /// Opens a conversation: its messages count as read while attentive.
    pub fn open(&mut self, id: Option<ConversationId>) {
        self.open = id;
        self.read_open();
    }

    /// The page gained or lost the person's attention.
    pub fn set_attentive(&mut self, attentive: bool) {
        self.attentive = attentive;
        self.read_open();
    }

    fn read_open(&mut self) {
        let Some(id) = self.open.clone().filter(|_| self.attentive) else {
            return;
        };
        if let ConversationId::Room(jid) = &id
            && let Some(room) = self.rooms.get_mut(jid)
        {
            room.mentioned = false;
        }
        self.log_mut(&id).mark_read();
    }

    /// Signing in failed because the server refused the credentials.
    pub fn credentials_refused(&self) -> bool {
        matches!(
            self.connection,
            Connection::Failed(Problem::WrongPassword | Problem::AuthRefused(_))
        )
    }

    /// Unread messages in all conversations.
    pub fn total_unread(&self) -> usize {
        let private: usize = self.private.values().map(|c| c.unread).sum();
        self.conversations.values().map(|c| c.unread).sum::<usize>() + self.rooms_unread() + private
    }

    /// Our own message, typed on this device.
    pub fn sent(&mut self, to: &ConversationId, id: String, body: String, now_ms: u64) {
        self.log_mut(to).send(Message::outgoing(id, body, now_ms));
    }

    /// Applies one session event, in tests, at a fixed time.
    #[cfg(test)]
    pub fn apply(&mut self, event: Event) -> Outcome {
        self.apply_at(event, 1)
    }

    /// Applies one session event; what happens in rooms is dated `now_ms`.
    pub fn apply_at(&mut self, event: Event, now_ms: u64) -> Outcome {
        match event {
            Event::Connected { .. } | Event::Resumed => {
                self.connection = Connection::Online;
                self.retry_at = None;
            }
            Event::AuthFailed { error, .. } => self.connection = Connection::Failed(auth_problem(error)),
            Event::StreamError { condition, limit, .. } => self.stream_ended(condition, limit),
            Event::Disconnected => self.connection_dropped(None),
            Event::RosterReceived { items, .. } => {
                self.contacts.replace(items);
                self.adopt_known();
            }
            Event::RosterItemChanged { item } => {
                self.contacts.update(item);
                self.adopt_known();
            }
            Event::PresenceChanged { jid, show, status } => self.contacts.set_presence(&jid, show, status),
            Event::SubscriptionRequested { from } => {
                self.requests.insert(from);
            }
            Event::MessageReceived(m) => return self.message(m),
            // A stranger's typing starts no conversation.
            Event::ChatStateChanged { from, state } if !self.is_stranger(&from) => {
                let typing = state == xmpp_parsers::chatstates::ChatState::Composing;
                self.conversation(&from).typing = typing;
            }
            Event::HistoryFetched(_) | Event::HistoryFailed { .. } => return self.history(event),
            Event::MessageStateChanged {
                conversation,
                id,
                state,
                ..
            } => {
                if let Some(c) = self.existing_log(&conversation)
                    && c.delivery_changed(&id, &state)
                {
                    c.revision += 1;
                }
            }
            Event::ContactChangeFailed { jid, error } => self.notice = Some(Notice::Contact(jid, error)),
            Event::PasswordChanged { id } => self.password_answered(&id, PasswordChange::Changed),
            Event::BlocklistReceived { .. }
            | Event::BlocklistChanged { .. }
            | Event::BlockingFailed { .. } => self.blocking(event),
            // Other requests are the session's own, not the person's.
            Event::RequestFailed { id, error, .. } => {
                self.password_answered(&id, PasswordChange::Failed(error))
            }
            other => return self.room_event(other, now_ms),
        }
        Outcome::Nothing
    }

    /// A page of a conversation's history arrived, or will not.
    fn history(&mut self, event: Event) -> Outcome {
        match event {
            Event::HistoryFetched(page) => {
                let Some(with) = page.with else {
                    return Outcome::Nothing;
                };
                let c = self.log_mut(&with);
                c.loading_history = false;
                c.history_complete |= page.complete;
                if page.first.is_some() {
                    c.oldest_archive_id = page.first;
                }
                Outcome::HistoryDone(with)
            }
            Event::HistoryFailed {
                with: Some(with),
                error,
            } => {
                self.log_mut(&with).loading_history = false;
                // The next session asks for the first page again.
                if error != RequestError::SessionEnded {
                    self.notice = Some(Notice::History(with.bare(), error));
                }
                Outcome::HistoryDone(with)
            }
            _ => Outcome::Nothing,
        }
    }

    /// The stream ended with an error: what it means, and whether to retry.
    fn stream_ended(&mut self, condition: StreamCondition, limit: Option<GatewayLimit>) {
        self.connection_dropped(Some(stream_problem(condition, limit)));
    }

    /// The answer to request `id`: the password change's, if it is that.
    fn password_answered(&mut self, id: &str, outcome: PasswordChange) {
        if matches!(&self.password, PasswordChange::Asked(asked) if asked == id) {
            self.password = outcome;
        }
    }
}

/// What a refused sign-in means to the person.
fn auth_problem(error: AuthError) -> Problem {
    match error {
        AuthError::Sasl(parlons_shared::session::SaslCondition::NotAuthorized) => Problem::WrongPassword,
        other => Problem::AuthRefused(other),
    }
}

/// What a stream error means to the person.
pub fn stream_problem(condition: StreamCondition, limit: Option<GatewayLimit>) -> Problem {
    if limit == Some(GatewayLimit::StanzaTooLarge) {
        return Problem::StanzaTooLarge;
    }
    match condition {
        StreamCondition::HostUnknown
        | StreamCondition::RemoteConnectionFailed
        | StreamCondition::ConnectionTimeout
        | StreamCondition::HostGone => Problem::ServerUnreachable,
        StreamCondition::PolicyViolation => Problem::DomainRefused,
        other => Problem::StreamClosed(Some(other)),
    }
}

#[cfg(test)]
mod hostile_tests;
#[cfg(test)]
mod rooms_tests;
#[cfg(test)]
pub(crate) mod tests;
