//! Who a message is between: the conversation it belongs to, one-to-one
//! (RFC 6121 §5), in a room or privately with a room's occupant
//! (XEP-0045), and who sent it, with the occupant's XEP-0421 id.

use xmpp_parsers::jid::{BareJid, FullJid, Jid};
use xmpp_parsers::message::MessageType;

/// A conversation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ConversationId {
    /// With one person, by their bare JID.
    Chat(BareJid),
    /// A room, by its bare JID.
    Room(BareJid),
    /// With one occupant of a room, privately: the room's JID with their
    /// nick as resource.
    Private(FullJid),
}

impl ConversationId {
    /// Where its messages go.
    pub fn jid(&self) -> Jid {
        match self {
            Self::Chat(j) | Self::Room(j) => Jid::from(j.clone()),
            Self::Private(j) => Jid::from(j.clone()),
        }
    }

    /// The person's or the room's bare JID.
    pub fn bare(&self) -> BareJid {
        match self {
            Self::Chat(j) | Self::Room(j) => j.clone(),
            Self::Private(j) => j.to_bare(),
        }
    }

    /// The contact, for a one-to-one conversation.
    pub fn chat(&self) -> Option<&BareJid> {
        match self {
            Self::Chat(j) => Some(j),
            Self::Room(_) | Self::Private(_) => None,
        }
    }

    /// The type its messages are sent with.
    pub(super) fn message_type(&self) -> MessageType {
        match self {
            Self::Room(_) => MessageType::Groupchat,
            Self::Chat(_) | Self::Private(_) => MessageType::Chat,
        }
    }
}

/// Who sent a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sender {
    /// An account: its full JID when known, else its bare JID.
    Account(Jid),
    /// A room's occupant.
    Occupant {
        /// Their nick in the room, which may change.
        nick: String,
        /// The room's stable id for them (XEP-0421), when it gives one.
        occupant_id: Option<String>,
    },
}
