//! RFC 6120 §7: resource binding, and what a new session starts with:
//! the roster first (RFC 6121 §2.2), carbons (XEP-0280), then our presence
//! once the roster is in, and archive catch-up (XEP-0313) after it. A session that cannot be resumed (XEP-0198) ends
//! here too.

use xmpp_parsers::bind::BindQuery;
use xmpp_parsers::jid::FullJid;

use super::presence::presence_element;
use super::{Event, Request, RequestError, Session, State};
use crate::element::{self, ToElement};

impl Session {
    /// A new XMPP session instead of a resumed one: stream management starts
    /// over, and messages the old one never acknowledged are reported.
    pub(super) fn new_session(&mut self) {
        let unacknowledged = self.previous_session_ended();
        if !unacknowledged.is_empty() {
            self.event(Event::ResumeFailed { unacknowledged });
        }
    }

    /// The previous session is gone for good: the requests it never answered
    /// fail, and the messages it never acknowledged wait to be sent again;
    /// returns their ids.
    pub(super) fn previous_session_ended(&mut self) -> Vec<String> {
        let waiting = self.archive_session_ended();
        for (id, request) in self.pending.drain_in_order() {
            self.request_failed(id, request, RequestError::SessionEnded, None);
        }
        for with in waiting {
            self.event(Event::HistoryFailed {
                with: Some(with),
                error: RequestError::SessionEnded,
            });
        }
        let unacknowledged = self.sm.resume_failed();
        let ids = unacknowledged.iter().map(|(_, id)| id.clone()).collect();
        self.chats.resend_later(unacknowledged);
        ids
    }

    /// RFC 6120 §7: let the server choose the resource.
    pub(super) fn bind(&mut self) {
        self.state = State::Binding;
        let id = self.ask(Request::Bind);
        let iq = element::set(id, &BindQuery::new(None));
        self.send(iq.to_element());
    }

    pub(super) fn bound(&mut self, jid: FullJid) {
        if let Some(enable) = self.sm.enable_request() {
            self.send(enable);
        }
        self.bound_with(jid, false);
    }

    /// Bound; carbons already on when enabled inline (Bind 2).
    pub(super) fn bound_with(&mut self, jid: FullJid, carbons_enabled: bool) {
        self.full_jid = Some(jid.clone());
        self.state = State::Ready;
        self.archive.new_session();
        self.chats.new_session();
        self.rooms.new_session();
        for contact in self.presences.new_session() {
            self.event(Event::PresenceChanged {
                jid: contact,
                show: None,
                status: None,
            });
        }
        // The roster first (RFC 6121 §2.2); presence once it is in.
        let id = self.ask(Request::Roster);
        let roster = self.roster.query();
        self.send_stanza(element::get(id, &roster).to_element(), None);
        if !carbons_enabled {
            let id = self.ask(Request::EnableCarbons);
            self.send_stanza(
                element::set(id, &xmpp_parsers::carbons::Enable).to_element(),
                None,
            );
        }
        self.event(Event::Connected { jid });
        self.flush_outbox();
    }

    /// Initial presence (RFC 6121 §4.2), once the roster is in. While the
    /// stream is down it waits: a resumed session sends it then.
    pub(super) fn announce(&mut self) {
        if !self.is_ready() {
            return;
        }
        if let Some(p) = self.presences.announce() {
            self.send_stanza(presence_element(p), None);
            // Only now: until we are available, the server archives what
            // comes for us without delivering it, and the archive is asked
            // after that.
            self.sync_archive();
            self.rejoin_rooms();
            self.fetch_bookmarks();
        }
    }

    /// The roster result has been handled: no request or import under way.
    pub(super) fn roster_in(&self) -> bool {
        !self.roster.importing() && !self.pending.asks(|r| matches!(r, Request::Roster))
    }
}
