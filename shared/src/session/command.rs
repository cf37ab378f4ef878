//! What the owner asks the session to do, in the imperative.

use xmpp_parsers::jid::BareJid;

use crate::session::presence::Availability;

/// A request to the session.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The clock, in Unix milliseconds: drives pings and ack requests.
    Tick {
        /// Now.
        now_ms: u64,
    },
    /// Send a chat message; it is queued until the session is ready.
    SendMessage {
        /// Its id, chosen by the owner (random), for local echo and receipts.
        id: String,
        /// The contact.
        to: BareJid,
        /// The text.
        body: String,
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
