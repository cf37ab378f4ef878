//! What the session tells its owner, in the past tense.
//!
//! Events carry conditions, never English: the owner words them.

use xmpp_parsers::jid::{BareJid, FullJid, Jid};
use xmpp_parsers::message::MessageType;

use super::conversation::{ConversationId, Sender};
use xmpp_parsers::{sasl, stanza_error, stream_error};

/// Why authentication failed.
#[derive(Debug, Clone, PartialEq)]
pub enum AuthError {
    /// The server refused (RFC 6120 §6.5); an unknown or missing condition
    /// is `not-authorized`.
    Sasl(sasl::DefinedCondition),
    /// The server offers no mechanism we can use safely.
    NoSupportedMechanism,
    /// The stored SCRAM keys do not fit what the server offers now: the
    /// password must be asked again.
    PasswordNeeded,
    /// SASLprep refused the password.
    InvalidPassword,
    /// The server failed to prove it knows the password (SCRAM server
    /// signature), or sent an invalid SASL2 success: it may be an impostor.
    ServerNotTrusted,
}

/// Why a request of ours got no useful answer.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestError {
    /// The stanza error's condition (RFC 6120 §8.3.3).
    Stanza(stanza_error::DefinedCondition),
    /// The session ended without resumption before the answer came.
    SessionEnded,
    /// Asked while not connected: nothing was sent.
    NotConnected,
}

/// Where a message is in its life, as far as we know.
#[derive(Debug, Clone, PartialEq)]
pub enum Delivery {
    /// Queued, not yet acknowledged by our server.
    Pending,
    /// Acknowledged by our server (XEP-0198).
    Sent,
    /// The recipient's client got it (XEP-0184).
    Delivered,
    /// The recipient read it (XEP-0333).
    Displayed,
    /// It will not arrive.
    Failed {
        /// The error the recipient or a server returned.
        error: RequestError,
    },
}

/// Who sent a message we learnt about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From a contact to us.
    Incoming,
    /// From us, on another of our devices (XEP-0280 sent carbon).
    Outgoing,
}

/// A chat message, received live or copied from another of our devices.
#[derive(Debug, Clone, PartialEq)]
pub struct ChatMessage {
    /// The conversation it belongs to.
    pub conversation: ConversationId,
    /// Who sent it: for our own, our account.
    pub sender: Sender,
    /// Incoming, or sent by us from another device or before.
    pub direction: Direction,
    /// Chat, groupchat or normal (RFC 6121 §5.2.2).
    pub kind: MessageType,
    /// A stable id for deduplication: our server's stanza-id (XEP-0359), else
    /// the origin-id, else the message id.
    pub stable_id: Option<String>,
    /// Our server's archive id: its stanza-id, or the archive result's id
    /// (XEP-0313), to page the archive back from.
    pub archive_id: Option<String>,
    /// The id the sender gave it, which receipts and corrections refer to.
    pub id: Option<String>,
    /// The text, never HTML.
    pub body: String,
    /// When it was sent (XEP-0203 delay), or received, in Unix milliseconds.
    pub timestamp_ms: u64,
    /// The sender asked for a receipt.
    pub receipt_requested: bool,
    /// The sender asked for read markers (XEP-0333 `<markable/>`): only
    /// then may we send one for it.
    pub markable: bool,
    /// The id of the message this one corrects (XEP-0308).
    pub replaces: Option<String>,
    /// It is history from the archive (XEP-0313), which the person asked
    /// for: not new. What catch-up finds after a gap is new, as if live.
    pub archived: bool,
    /// It came from the archive, asked for or caught up: its stamp is the
    /// archive's, and it may arrive after messages sent later.
    pub from_archive: bool,
}

impl ChatMessage {
    /// XEP-0245: the action of a `/me …` message, to show as "* name …".
    pub fn action(&self) -> Option<&str> {
        self.body.strip_prefix("/me ")
    }
}

/// A limit of the Parlons gateway, named in its stream errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GatewayLimit {
    /// The server sent a stanza larger than the gateway relays.
    StanzaTooLarge,
}

impl GatewayLimit {
    /// The limit an application-specific condition (RFC 6120 §4.9.4)
    /// names, if it is the gateway's.
    pub fn from_condition(el: &minidom::Element) -> Option<Self> {
        match (el.ns().as_str(), el.name()) {
            (crate::ns::PARLONS_GATEWAY, "stanza-too-large") => Some(Self::StanzaTooLarge),
            _ => None,
        }
    }
}

/// What happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// Authenticated and bound: the session is ready.
    Connected {
        /// Our full JID, with the resource the server chose.
        jid: FullJid,
    },
    /// The password or account was refused.
    AuthFailed {
        /// Why.
        error: AuthError,
        /// The server's own `<text/>`, if any; never ours.
        text: Option<String>,
    },
    /// The server ended the stream with an error.
    StreamError {
        /// The RFC 6120 condition; `undefined-condition` when unknown.
        condition: stream_error::DefinedCondition,
        /// The server's text, if any.
        text: Option<String>,
        /// The Parlons gateway's limit that was hit, if it said so.
        limit: Option<GatewayLimit>,
    },
    /// The stream is closed; the owner may reconnect.
    Disconnected,
    /// XEP-0198: the previous session was resumed.
    Resumed,
    /// XEP-0198: resumption failed; a new session is being set up. These
    /// messages may not have reached the server: they are sent again, with
    /// the same ids, once it is.
    ResumeFailed {
        /// Ids of messages that were never acknowledged.
        unacknowledged: Vec<String>,
    },
    /// The roster arrived (RFC 6121 §2.1.3).
    RosterReceived {
        /// Every contact.
        items: Vec<xmpp_parsers::roster::Item>,
        /// Its version, to ask for changes only next time.
        ver: Option<String>,
    },
    /// One contact was added, changed or removed (roster push).
    RosterItemChanged {
        /// The item; subscription `remove` means removed.
        item: xmpp_parsers::roster::Item,
    },
    /// A contact's aggregated presence changed.
    PresenceChanged {
        /// The contact.
        jid: BareJid,
        /// Its best resource's availability, `None` when offline.
        show: Option<crate::session::presence::Availability>,
        /// That resource's status text.
        status: Option<String>,
    },
    /// Someone asks to see our presence.
    SubscriptionRequested {
        /// Who.
        from: BareJid,
    },
    /// A chat message arrived.
    MessageReceived(ChatMessage),
    /// A contact is typing, paused, left… (XEP-0085).
    ChatStateChanged {
        /// The contact.
        from: BareJid,
        /// The state.
        state: xmpp_parsers::chatstates::ChatState,
    },
    /// What an entity supports (XEP-0030, or cached XEP-0115 caps).
    FeaturesDiscovered {
        /// The entity.
        jid: Jid,
        /// Its features.
        features: std::collections::BTreeSet<String>,
    },
    /// A page of history arrived; its messages came before as
    /// [`Event::MessageReceived`].
    HistoryFetched(crate::session::mam::Page),
    /// A history query failed, or went unanswered when its session ended:
    /// no page will come for it.
    HistoryFailed {
        /// The conversation, or `None` for catch-up.
        with: Option<ConversationId>,
        /// Why.
        error: RequestError,
    },
    /// One of our messages moved on.
    MessageStateChanged {
        /// Where it was sent.
        conversation: ConversationId,
        /// Its id.
        id: String,
        /// Where it is now.
        state: Delivery,
    },
    /// A request of ours failed (RFC 6120 §8.3), or went unanswered when
    /// its session ended without resumption.
    RequestFailed {
        /// The request's id.
        id: String,
        /// Why.
        error: RequestError,
        /// The server's text, if any.
        text: Option<String>,
    },
    /// A change to a contact (adding, renaming, removing: RFC 6121 §2.3)
    /// was refused, got no answer, or was asked for offline. These no
    /// longer come as [`Event::RequestFailed`].
    ContactChangeFailed {
        /// The contact.
        jid: BareJid,
        /// Why.
        error: RequestError,
    },
    /// The password was changed (XEP-0077 §3.3); the next login uses it.
    PasswordChanged {
        /// The request's id.
        id: String,
    },
    /// The blocklist arrived (XEP-0191).
    BlocklistReceived {
        /// Every blocked address; `None` when the server cannot block.
        jids: Option<Vec<Jid>>,
    },
    /// Addresses were blocked or unblocked, from this device or another.
    BlocklistChanged {
        /// Newly blocked.
        blocked: Vec<Jid>,
        /// Newly unblocked.
        unblocked: Vec<Jid>,
    },
    /// Blocking or unblocking an address failed.
    BlockingFailed {
        /// The address.
        jid: Jid,
        /// Whether it was to block it.
        block: bool,
        /// Why.
        error: RequestError,
    },
    /// We are in a room: our own presence came back (XEP-0045 §7.2).
    RoomJoined {
        /// The room.
        room: BareJid,
        /// Our nick there, which the room may have changed (210).
        nick: String,
        /// We created it (201): it waits for its configuration.
        created: bool,
        /// Every status code of our presence.
        statuses: Vec<crate::session::muc::Status>,
    },
    /// Joining a room failed; it is forgotten.
    RoomJoinFailed {
        /// The room.
        room: BareJid,
        /// Why.
        error: crate::session::muc::RoomError,
    },
    /// The room refused our new nick; the old one stands.
    NickChangeFailed {
        /// The room.
        room: BareJid,
        /// Why.
        error: crate::session::muc::RoomError,
    },
    /// Our nick in a room changed.
    OwnNickChanged {
        /// The room.
        room: BareJid,
        /// The new nick.
        nick: String,
    },
    /// We are no longer in a room: we left, or were removed.
    RoomLeft {
        /// The room.
        room: BareJid,
        /// Why.
        why: crate::session::muc::Departure,
    },
    /// Someone came into a room, or changed (role, affiliation, presence).
    OccupantChanged {
        /// The room.
        room: BareJid,
        /// The occupant as they are now.
        occupant: crate::session::muc::Occupant,
    },
    /// Someone left a room.
    OccupantLeft {
        /// The room.
        room: BareJid,
        /// Their nick.
        nick: String,
        /// Why.
        why: crate::session::muc::Departure,
    },
    /// A room's subject changed, or came on joining (XEP-0045 §8.1).
    SubjectChanged {
        /// The room.
        room: BareJid,
        /// The subject; `None` when cleared.
        subject: Option<String>,
        /// Who set it, by nick.
        by: Option<String>,
    },
    /// A room's configuration changed (status codes 104, 170–174).
    RoomChanged {
        /// The room.
        room: BareJid,
        /// What changed.
        statuses: Vec<crate::session::muc::Status>,
    },
    /// Someone invites us to a room (XEP-0249, or XEP-0045 §7.8.2).
    RoomInvitation {
        /// The room.
        room: BareJid,
        /// Who invites, when said.
        from: Option<Jid>,
        /// Why, when said.
        reason: Option<String>,
        /// The room's password, when it has one.
        password: Option<String>,
    },
    /// A change to a room (XEP-0045 §8–10) was made.
    ModerationDone {
        /// The room.
        room: BareJid,
        /// The owner's id for it.
        id: String,
    },
    /// A change to a room was refused.
    ModerationFailed {
        /// The room.
        room: BareJid,
        /// The owner's id for it.
        id: String,
        /// Why.
        error: crate::session::muc::ModerationError,
    },
    /// A room's configuration form (XEP-0045 §10.2).
    RoomConfigReceived {
        /// The room.
        room: BareJid,
        /// Its fields, with their current values.
        form: crate::session::register::Form,
    },
    /// The room would not give its configuration form.
    RoomConfigFailed {
        /// The room.
        room: BareJid,
        /// Why.
        error: crate::session::muc::ModerationError,
    },
    /// Who has an affiliation in a room.
    AffiliationsReceived {
        /// The room.
        room: BareJid,
        /// Which affiliation.
        affiliation: crate::session::muc::Affiliation,
        /// Who.
        jids: Vec<crate::session::muc::Affiliated>,
    },
    /// The room would not say who has an affiliation.
    AffiliationsFailed {
        /// The room.
        room: BareJid,
        /// Which affiliation.
        affiliation: crate::session::muc::Affiliation,
        /// Why.
        error: crate::session::muc::ModerationError,
    },
    /// One of our server's items is a room service.
    RoomServiceFound {
        /// The service.
        service: BareJid,
    },
    /// A room service's public rooms.
    RoomsListed {
        /// The service.
        service: BareJid,
        /// Its rooms; empty when it would not say.
        rooms: Vec<crate::session::muc::ListedRoom>,
    },
    /// What a room says of itself.
    RoomDescribed {
        /// The room.
        room: BareJid,
        /// What it said; `None` when it would not say.
        info: Option<crate::session::muc::RoomInfo>,
    },
    /// The account's bookmarks were read; those marked autojoin are being
    /// joined.
    BookmarksReceived {
        /// Every bookmark.
        bookmarks: Vec<crate::session::bookmarks::Bookmark>,
    },
    /// A bookmark was added or changed, here or on another device.
    BookmarkChanged {
        /// The bookmark as it is now.
        bookmark: crate::session::bookmarks::Bookmark,
    },
    /// A bookmark was removed, here or on another device.
    BookmarkRemoved {
        /// Its room.
        room: BareJid,
    },
    /// Something invalid arrived and was ignored; the session goes on.
    Ignored {
        /// What and why, for logs.
        reason: String,
    },
}
