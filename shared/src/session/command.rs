//! What the owner asks the session to do, in the imperative.

use xmpp_parsers::jid::BareJid;

use crate::session::conversation::ConversationId;
use crate::session::presence::Availability;

/// A request to the session.
///
/// Rooms (XEP-0045): [`Command::JoinRoom`], [`Command::LeaveRoom`],
/// [`Command::ChangeNick`], [`Command::SetSubject`], [`Command::Invite`],
/// [`Command::SetBookmark`] and [`Command::RemoveBookmark`];
/// their messages go with [`Command::SendMessage`].
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Open a stream on a fresh connection, authenticating with `nonce` (at
    /// least 18 random printable characters, no comma) as the SCRAM client
    /// nonce. After a drop, this resumes the session when possible.
    Connect {
        /// The SCRAM client nonce.
        nonce: String,
    },
    /// The connection dropped without a close.
    ConnectionLost,
    /// End the session cleanly.
    Disconnect,
    /// The clock, in Unix milliseconds: drives pings and ack requests, and
    /// dates messages that carry no stamp. Send one before connecting.
    Tick {
        /// Now.
        now_ms: u64,
    },
    /// Send a chat message; it is queued until the session is ready.
    SendMessage {
        /// Its id, chosen by the owner (random), for local echo and receipts.
        id: String,
        /// The conversation.
        to: ConversationId,
        /// The text.
        body: String,
    },
    /// Join a room, now or once connected; joined again after every new
    /// session until left.
    JoinRoom {
        /// The room.
        room: BareJid,
        /// Our nick there.
        nick: String,
        /// Its password, if it has one.
        password: Option<String>,
    },
    /// Leave a room.
    LeaveRoom {
        /// The room.
        room: BareJid,
    },
    /// Change our nick in a room.
    ChangeNick {
        /// The room.
        room: BareJid,
        /// The new nick.
        nick: String,
    },
    /// Set a room's subject.
    SetSubject {
        /// The room.
        room: BareJid,
        /// The subject; empty clears it.
        subject: String,
    },
    /// Invite someone to a room (XEP-0249).
    Invite {
        /// The room.
        room: BareJid,
        /// Whom.
        to: BareJid,
        /// Why, if said.
        reason: Option<String>,
    },
    /// Kick, change a role or an affiliation, or destroy a room (XEP-0045
    /// §8–10); answered by [`crate::session::Event::ModerationDone`] or
    /// `ModerationFailed` under `id`.
    Moderate {
        /// The room.
        room: BareJid,
        /// The owner's id for it.
        id: String,
        /// What to change.
        change: crate::session::muc::Moderation,
    },
    /// Ask a room we own for its configuration form (XEP-0045 §10.2);
    /// answered by [`crate::session::Event::RoomConfigReceived`] or
    /// `RoomConfigFailed`.
    FetchRoomConfig {
        /// The room.
        room: BareJid,
    },
    /// Answer a room's configuration form; reported under `id` as a
    /// moderation (`ModerationDone` or `ModerationFailed`).
    ConfigureRoom {
        /// The room.
        room: BareJid,
        /// The owner's id for it.
        id: String,
        /// Each field's name and values; others keep theirs.
        answers: Vec<(String, Vec<String>)>,
    },
    /// Ask who has an affiliation in a room (members, admins, owners,
    /// outcasts).
    FetchAffiliations {
        /// The room.
        room: BareJid,
        /// Which.
        affiliation: crate::session::muc::Affiliation,
    },
    /// Find our server's room services (XEP-0030 items that are text
    /// conferences).
    FindRoomServices,
    /// List a room service's public rooms.
    ListRooms {
        /// The service.
        service: BareJid,
    },
    /// Ask a room about itself before joining: name, occupants, features.
    DescribeRoom {
        /// The room.
        room: BareJid,
    },
    /// Add or change a bookmark (XEP-0402, or XEP-0048 where the server
    /// lacks it).
    SetBookmark {
        /// The bookmark.
        bookmark: crate::session::bookmarks::Bookmark,
    },
    /// Remove a room's bookmark.
    RemoveBookmark {
        /// The room.
        room: BareJid,
    },
    /// Send a correction of our message `replaces` (XEP-0308).
    CorrectMessage {
        /// The correction's own id.
        id: String,
        /// The conversation.
        to: ConversationId,
        /// The id of the message it corrects.
        replaces: String,
        /// The new text.
        body: String,
    },
    /// Tell a contact we have read up to its message `id` (XEP-0333).
    MarkDisplayed {
        /// The contact.
        to: BareJid,
        /// The id of the last message read.
        id: String,
    },
    /// Tell a contact we are typing, paused, … (XEP-0085).
    SendChatState {
        /// The contact.
        to: BareJid,
        /// The state.
        state: xmpp_parsers::chatstates::ChatState,
    },
    /// Ask for older messages with a contact (XEP-0313).
    FetchHistory {
        /// The conversation: a room's comes from the room's own archive.
        with: ConversationId,
        /// The archive id to go back from; the newest when `None`.
        before: Option<String>,
        /// How many at most.
        max: usize,
    },
    /// Ask for everything archived after the archive id `after`, in every
    /// conversation (after a reconnection without resumption).
    CatchUp {
        /// The last archive id we know.
        after: String,
    },
    /// Add a contact, or change its name or groups.
    SetContact {
        /// The contact.
        jid: BareJid,
        /// The name we give it.
        name: Option<String>,
        /// Its groups.
        groups: Vec<String>,
    },
    /// Remove a contact (and the subscriptions both ways).
    RemoveContact {
        /// The contact.
        jid: BareJid,
    },
    /// Ask to see a contact's presence, and pre-approve theirs (RFC 6121
    /// §3.4): adding someone is taken as mutual, as other clients do.
    Subscribe {
        /// The contact.
        to: BareJid,
    },
    /// Let someone who asked see our presence.
    ApproveSubscription {
        /// Who asked.
        from: BareJid,
    },
    /// Refuse (or revoke) someone's view of our presence.
    DenySubscription {
        /// Who.
        from: BareJid,
    },
    /// Stop seeing a contact's presence.
    Unsubscribe {
        /// The contact.
        from: BareJid,
    },
    /// Ask an entity what it supports (XEP-0030).
    Discover {
        /// The server, a contact's full JID, …
        jid: xmpp_parsers::jid::Jid,
    },
    /// Ask for the blocklist (XEP-0191), answered by
    /// [`crate::session::Event::BlocklistReceived`]; the server then tells
    /// us its changes too.
    FetchBlocklist,
    /// Block an address: the server drops what it sends us (XEP-0191).
    Block {
        /// The address.
        jid: xmpp_parsers::jid::Jid,
    },
    /// Unblock an address.
    Unblock {
        /// The address.
        jid: xmpp_parsers::jid::Jid,
    },
    /// Change the account's password (XEP-0077 §3.3); answered by
    /// [`crate::session::Event::PasswordChanged`] or
    /// [`crate::session::Event::RequestFailed`].
    ChangePassword {
        /// The request's id, chosen by the owner.
        id: String,
        /// The new password.
        new_password: Secret,
    },
    /// Set our availability.
    SetPresence {
        /// Available, away, …
        show: Availability,
        /// Free text.
        status: Option<String>,
        /// Resource priority (-128..=127).
        priority: i8,
    },
}

/// A password: it goes where it must, and never into `Debug` output.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The password itself, for where it must go.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl From<String> for Secret {
    fn from(s: String) -> Self {
        Self(s)
    }
}

impl From<&str> for Secret {
    fn from(s: &str) -> Self {
        Self(s.to_owned())
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_stays_out_of_debug_output() {
        let command = Command::ChangePassword {
            id: "pw1".into(),
            new_password: "hunter2".into(),
        };
        assert_eq!(
            format!("{command:?}"),
            "ChangePassword { id: \"pw1\", new_password: <redacted> }"
        );
        assert_eq!(Secret::from("hunter2".to_owned()).expose(), "hunter2");
    }
}
