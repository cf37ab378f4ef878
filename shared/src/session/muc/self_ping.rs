//! XEP-0410: MUC Self-Ping. A room that has been silent for a while is
//! asked whether we are still in it, by pinging our own occupant JID; if
//! the room says we are not, we join again, quietly.

use xmpp_parsers::jid::{BareJid, Jid};

use super::Stage;
use crate::element::{self, ToElement};
use crate::session::{Request, RequestError, Session, StanzaCondition};

/// How long a room may be silent before we ask.
pub const SILENCE_MS: u64 = 5 * 60_000;

impl Session {
    /// The clock: pings the rooms that have been silent too long.
    pub(in crate::session) fn ping_rooms(&mut self) {
        let now = self.now_ms;
        let due: Vec<(BareJid, Jid)> = self
            .rooms
            .rooms
            .iter_mut()
            .filter(|(_, r)| r.stage == Stage::Joined && !r.pinging)
            .filter(|(_, r)| now.saturating_sub(r.heard_ms) >= SILENCE_MS)
            .filter_map(|(jid, r)| {
                r.pinging = true;
                Some((jid.clone(), Jid::from(r.full_jid(jid)?)))
            })
            .collect();
        for (room, to) in due {
            let id = self.ask(Request::SelfPing(room));
            let iq = element::get(id, &xmpp_parsers::ping::Ping).with_to(to);
            self.send_stanza(iq.to_element(), None);
        }
    }

    /// The answer to a self-ping: `None` when it was a result (§3.3).
    pub(in crate::session) fn self_ping_answered(&mut self, room: BareJid, error: Option<&RequestError>) {
        let now = self.now_ms;
        let Some(r) = self.rooms.get_mut(&room) else {
            return;
        };
        r.pinging = false;
        let still_in = match error {
            None => true,
            // §3.4: the ping reached our client, which does not answer it.
            Some(RequestError::Stanza(
                StanzaCondition::ServiceUnavailable | StanzaCondition::FeatureNotImplemented,
            )) => true,
            // The room's server is away: we cannot tell; ask again later.
            Some(RequestError::Stanza(
                StanzaCondition::RemoteServerNotFound | StanzaCondition::RemoteServerTimeout,
            ))
            | Some(RequestError::SessionEnded | RequestError::NotConnected) => true,
            Some(RequestError::Stanza(_)) => false,
        };
        r.heard_ms = now;
        if !still_in && r.stage == Stage::Joined {
            r.stage = Stage::Waiting;
            self.enter(room);
        }
    }
}
