//! RFC 6120 §8.2.3: iq routing. Results and errors are matched to our
//! requests by id and sender; requests to us are answered: ping (XEP-0199),
//! our disco#info (XEP-0030, XEP-0115), roster pushes (RFC 6121 §2.1.6) and
//! blocklist pushes (XEP-0191),
//! and `service-unavailable` for the rest.

use minidom::Element;
use xmpp_parsers::bind::BindResponse;
use xmpp_parsers::iq::Iq;
use xmpp_parsers::jid::Jid;
use xmpp_parsers::stanza_error::{DefinedCondition, ErrorType, StanzaError};

use std::collections::HashMap;

use super::{Event, RequestError, Session, State, blocking, disco, mam};
use crate::element::{self, ToElement};
use crate::framing::Close;
use crate::ns;

/// What an iq of ours was for.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Request {
    Bind,
    Roster,
    EnableCarbons,
    Ping,
    Mam(mam::Query),
    RosterSet(xmpp_parsers::jid::BareJid),
    ChangePassword(super::Secret),
    Disco {
        jid: Jid,
        ver: Option<String>,
    },
    Blocklist,
    Blocking(blocking::Change),
    RoomInfo(xmpp_parsers::jid::BareJid),
    Bookmarks(super::bookmarks::Ask),
    RoomConfig(xmpp_parsers::jid::BareJid),
    RoomConfigForm(xmpp_parsers::jid::BareJid),
    SelfPing(xmpp_parsers::jid::BareJid),
    Discovery(super::muc::Discovery),
    Moderation {
        room: xmpp_parsers::jid::BareJid,
        id: String,
    },
    Affiliations {
        room: xmpp_parsers::jid::BareJid,
        affiliation: super::muc::Affiliation,
    },
}

/// Our iqs that await an answer, by id.
#[derive(Debug, Default)]
pub(super) struct Requests {
    by_id: HashMap<String, Request>,
}

impl Requests {
    /// Records a request sent under `id`.
    pub fn insert(&mut self, id: String, request: Request) {
        self.by_id.insert(id, request);
    }

    /// What the request under `id` was for.
    pub fn get(&self, id: &str) -> Option<&Request> {
        self.by_id.get(id)
    }

    /// The request under `id`, answered.
    pub fn take(&mut self, id: &str) -> Option<Request> {
        self.by_id.remove(id)
    }

    /// Whether a request is under way with this id.
    pub fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    /// Whether any request under way is one that `f` picks.
    pub fn asks(&self, f: impl Fn(&Request) -> bool) -> bool {
        self.by_id.values().any(f)
    }

    /// Every request under way, in the order asked: our ids count up.
    pub fn drain_in_order(&mut self) -> Vec<(String, Request)> {
        let mut all: Vec<_> = self.by_id.drain().collect();
        all.sort_by(|(a, _), (b, _)| a.len().cmp(&b.len()).then_with(|| a.cmp(b)));
        all
    }
}

impl Session {
    /// A fresh id for a request, recorded as under way.
    pub(super) fn ask(&mut self, request: Request) -> String {
        let id = self.id();
        self.pending.insert(id.clone(), request);
        id
    }

    /// RFC 6120 §8.1.2.1: whether `from` may answer `request`: whom we
    /// asked, else our server or account.
    fn answers(&self, request: &Request, from: Option<&Jid>) -> bool {
        match request {
            Request::Disco { jid, .. } => from == Some(jid),
            // Our account's disco#info comes from our bare JID.
            Request::Bookmarks(_) => self.is_server_or_self(from),
            Request::RoomInfo(room)
            | Request::RoomConfig(room)
            | Request::RoomConfigForm(room)
            | Request::Moderation { room, .. }
            | Request::Affiliations { room, .. } => super::muc::is_room(from, room),
            Request::Mam(query) if let Some(room) = query.room() => super::muc::is_room(from, room),
            Request::Discovery(what) => match what.peer() {
                Some(peer) => super::muc::is_room(from, peer),
                None => self.is_server_or_self(from),
            },
            // Answered by our own occupant JID, or by the room for it.
            Request::SelfPing(room) => from.is_some_and(|f| f.to_bare() == *room),
            _ => self.is_server_or_self(from),
        }
    }

    /// Reports a request that will get no answer, in the terms of what it
    /// was for.
    pub(super) fn request_failed(
        &mut self,
        id: String,
        request: Request,
        error: RequestError,
        text: Option<String>,
    ) {
        match request {
            Request::Mam(query) => {
                let with = query.with();
                // A catch-up that failed is over; one whose session ended
                // starts again with the next.
                let over = with.is_none() && error != RequestError::SessionEnded;
                self.event(Event::HistoryFailed { with, error });
                if over {
                    self.caught_up();
                }
                return;
            }
            Request::RosterSet(jid) => return self.event(Event::ContactChangeFailed { jid, error }),
            Request::Disco { ver: Some(ver), .. } => self.caps_failed(&ver),
            // A room that does not exist yet is created by joining it.
            Request::RoomInfo(room) => return self.room_info(room, None),
            // The next session reads them again.
            Request::Bookmarks(_) if error == RequestError::SessionEnded => return,
            Request::Bookmarks(ask) => return self.bookmarks_answer(ask, None),
            Request::SelfPing(room) => return self.self_ping_answered(room, Some(&error)),
            Request::Moderation { room, id } => return self.moderated(room, id, Some(&error)),
            Request::RoomConfigForm(room) => return self.room_config_answered(room, None, Some(&error)),
            Request::Discovery(what) => return self.discovered(what, None),
            Request::Affiliations { room, affiliation } => {
                return self.affiliations_received(room, affiliation, None, Some(&error));
            }
            // The next session asks again.
            Request::Blocklist if error == RequestError::SessionEnded => return,
            Request::Blocklist => return self.event(Event::BlocklistReceived { jids: None }),
            Request::Blocking(change) => return self.blocking_failed(change, error),
            _ => {}
        }
        self.event(Event::RequestFailed { id, error, text });
    }

    /// An iq from the server: an answer to one of ours, or a request.
    pub(super) fn iq(&mut self, el: Element) {
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
                    Some(request) => self.answers(request, from.as_ref()),
                    None => false,
                };
                if !expected {
                    return self.ignore("iq error from an unexpected sender");
                }
                let text = error.texts.values().next().cloned();
                let error = RequestError::Stanza(error.defined_condition);
                match self.pending.take(&id) {
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
            Some(request) => self.answers(request, from.as_ref()),
            None => self.is_server_or_self(from.as_ref()),
        };
        if !expected {
            return self.ignore("iq result from an unexpected sender");
        }
        match self.pending.take(&id) {
            Some(Request::Bind) => match payload.map(BindResponse::try_from) {
                Some(Ok(bound)) => self.bound(bound.into()),
                _ => {
                    self.state = State::Idle;
                    self.ignore("the bind result has no JID");
                }
            },
            Some(Request::Roster) => self.roster_result(payload),
            Some(Request::Mam(query)) => self.mam_fin(query, payload),
            Some(Request::Disco { jid, ver }) => self.disco_result(jid, ver, payload),
            Some(Request::RoomInfo(room)) => self.room_info(room, payload),
            Some(Request::Bookmarks(ask)) => self.bookmarks_answer(ask, payload),
            Some(Request::SelfPing(room)) => self.self_ping_answered(room, None),
            Some(Request::Moderation { room, id }) => self.moderated(room, id, None),
            Some(Request::RoomConfigForm(room)) => self.room_config_answered(room, payload, None),
            Some(Request::Discovery(what)) => self.discovered(what, payload),
            Some(Request::Affiliations { room, affiliation }) => {
                self.affiliations_received(room, affiliation, payload, None)
            }
            Some(Request::ChangePassword(new)) => self.password_changed(id, new),
            Some(Request::Blocklist) => self.blocklist_result(payload),
            Some(Request::Blocking(change)) => self.blocking_done(change),
            Some(Request::EnableCarbons | Request::Ping | Request::RosterSet(_) | Request::RoomConfig(_))
            | None => {}
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
        if payload.is("block", blocking::NS) || payload.is("unblock", blocking::NS) {
            return self.blocking_push(id, from, payload);
        }
        self.reply_error(id, from, DefinedCondition::ServiceUnavailable);
    }

    pub(super) fn reply_error(&mut self, id: String, to: Option<Jid>, condition: DefinedCondition) {
        let error = StanzaError::new(ErrorType::Cancel, condition, "en", "");
        let mut iq = Iq::from_error(id, error);
        if let Some(to) = to {
            iq = iq.with_to(to);
        }
        self.send_stanza(iq.to_element(), None);
    }
}

fn strip_to(iq: Iq) -> Iq {
    let mut iq = iq;
    *iq.to_mut() = None;
    iq
}
