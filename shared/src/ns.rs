//! The XML namespaces the crate uses: one table. Those that
//! `xmpp_parsers::ns` defines are taken from it.

pub use xmpp_parsers::ns::{
    BIND2, BOB, BOOKMARKS, BOOKMARKS2, BOOKMARKS2_COMPAT, CARBONS, CHATSTATES, DATA_FORMS, DELAY, DISCO_INFO,
    DISCO_ITEMS, MAM, MESSAGE_CORRECT, MUC, MUC_USER, PING, PRIVATE, PUBSUB, PUBSUB_EVENT, RECEIPTS,
    REGISTER, ROSTER, SASL, SASL2, SID, SM,
};

/// RFC 7395: the WebSocket framing namespace of `<open/>` and `<close/>`.
pub const FRAMING: &str = xmpp_parsers::ns::WEBSOCKET;

/// RFC 6120: the namespace of the stream prefix.
pub const STREAM: &str = xmpp_parsers::ns::STREAM;

/// RFC 6120: the default namespace of client stanzas.
pub const JABBER_CLIENT: &str = xmpp_parsers::ns::DEFAULT_NS;

/// XEP-0333: Chat Markers.
pub const CHAT_MARKERS: &str = xmpp_parsers::ns::DISPLAYED_MARKERS;

/// XEP-0045: what a room's owner configures.
pub const MUC_OWNER: &str = "http://jabber.org/protocol/muc#owner";

/// XEP-0045: what a room's moderators and admins change.
pub const MUC_ADMIN: &str = "http://jabber.org/protocol/muc#admin";

/// XEP-0249: direct invitations.
pub const CONFERENCE: &str = "jabber:x:conference";

/// XEP-0421: anonymous unique occupant identifiers.
pub const OCCUPANT_ID: &str = "urn:xmpp:occupant-id:0";

/// XEP-0334: Message Processing Hints.
pub const HINTS: &str = "urn:xmpp:hints";

/// The Parlons gateway's application-specific stream error conditions
/// (RFC 6120 §4.9.4).
pub const PARLONS_GATEWAY: &str = "urn:parlons:gateway:0";

/// RFC 7395: the WebSocket subprotocol name.
pub const WEBSOCKET_SUBPROTOCOL: &str = "xmpp";
