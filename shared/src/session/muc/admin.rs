//! XEP-0045 §8–10: what moderators, admins and owners do — kick, voice,
//! affiliations (ban, member, admin, owner), the lists of each
//! affiliation, and destroying a room — each answered by a typed outcome.

use minidom::Element;
use xmpp_parsers::jid::{BareJid, Jid};

use super::{Affiliation, MAX_NICK, MAX_SUBJECT, Role, cut};
use crate::element::{self, ToElement, name};
use crate::ns;
use crate::session::{Event, Request, RequestError, Session, StanzaCondition};

/// Affiliations listed at most.
pub const MAX_LISTED: usize = 10_000;

/// A change to a room or one of its people.
#[derive(Debug, Clone, PartialEq)]
pub enum Moderation {
    /// §8.2: a moderator removes an occupant, who may come back.
    Kick {
        /// Their nick.
        nick: String,
        /// Why, shown to them.
        reason: Option<String>,
    },
    /// §8.3–8.5: give or take voice (participant or visitor), or make a
    /// moderator.
    SetRole {
        /// Their nick.
        nick: String,
        /// The new role.
        role: Role,
        /// Why.
        reason: Option<String>,
    },
    /// §9.1–10.7: ban (outcast), make member, admin or owner, or none.
    SetAffiliation {
        /// Their account.
        jid: BareJid,
        /// The new affiliation.
        affiliation: Affiliation,
        /// Why.
        reason: Option<String>,
    },
    /// §10.9: destroy the room.
    Destroy {
        /// Where its people may go instead.
        alternative: Option<BareJid>,
        /// Why.
        reason: Option<String>,
    },
}

/// Why the room refused a change.
#[derive(Debug, Clone, PartialEq)]
pub enum ModerationError {
    /// We may not do it (`forbidden`, `not-allowed`): not a moderator,
    /// admin or owner enough, or the other is above us.
    NotAllowed,
    /// No such occupant or room.
    NotFound,
    /// The room would be left without an owner (`conflict`).
    LastOwner,
    /// It did not answer: the session ended, or we were offline.
    Unanswered,
    /// Another stanza error.
    Other(StanzaCondition),
}

impl ModerationError {
    pub(in crate::session) fn from_request(error: &RequestError) -> Self {
        match error {
            RequestError::Stanza(StanzaCondition::Forbidden | StanzaCondition::NotAllowed) => {
                Self::NotAllowed
            }
            RequestError::Stanza(StanzaCondition::ItemNotFound) => Self::NotFound,
            RequestError::Stanza(StanzaCondition::Conflict) => Self::LastOwner,
            RequestError::Stanza(other) => Self::Other(other.clone()),
            RequestError::SessionEnded | RequestError::NotConnected => Self::Unanswered,
        }
    }
}

fn role_str(role: &Role) -> &'static str {
    match role {
        Role::Moderator => "moderator",
        Role::Participant => "participant",
        Role::Visitor => "visitor",
        Role::None => "none",
    }
}

fn affiliation_str(a: &Affiliation) -> &'static str {
    match a {
        Affiliation::Owner => "owner",
        Affiliation::Admin => "admin",
        Affiliation::Member => "member",
        Affiliation::Outcast => "outcast",
        Affiliation::None => "none",
    }
}

fn with_reason(item: minidom::ElementBuilder, reason: Option<String>, ns: &str) -> Element {
    match reason {
        Some(r) => item.append(Element::builder("reason", ns).append(crate::element::xml_text(r))),
        None => item,
    }
    .build()
}

/// The query a change sends, in muc#admin or, to destroy, muc#owner.
fn query(change: Moderation) -> Element {
    let item =
        |attr: &'static str, value: String| Element::builder("item", ns::MUC_ADMIN).attr(name(attr), value);
    let (ns, child) = match change {
        Moderation::Kick { nick, reason } => {
            let it = item("nick", nick).attr(name("role"), "none");
            (ns::MUC_ADMIN, with_reason(it, reason, ns::MUC_ADMIN))
        }
        Moderation::SetRole { nick, role, reason } => {
            let it = item("nick", nick).attr(name("role"), role_str(&role));
            (ns::MUC_ADMIN, with_reason(it, reason, ns::MUC_ADMIN))
        }
        Moderation::SetAffiliation {
            jid,
            affiliation,
            reason,
        } => {
            let it = item("jid", jid.to_string()).attr(name("affiliation"), affiliation_str(&affiliation));
            (ns::MUC_ADMIN, with_reason(it, reason, ns::MUC_ADMIN))
        }
        Moderation::Destroy { alternative, reason } => {
            let mut d = Element::builder("destroy", ns::MUC_OWNER);
            if let Some(alt) = alternative {
                d = d.attr(name("jid"), alt.to_string());
            }
            (ns::MUC_OWNER, with_reason(d, reason, ns::MUC_OWNER))
        }
    };
    Element::builder("query", ns).append(child).build()
}

impl Session {
    /// Sends a change to `room`, reported under `id`.
    pub(super) fn moderate(&mut self, room: BareJid, id: String, change: Moderation) {
        if !self.is_ready() {
            let error = ModerationError::Unanswered;
            return self.event(Event::ModerationFailed { room, id, error });
        }
        let asked = self.ask(Request::Moderation {
            room: room.clone(),
            id,
        });
        let iq = element::set_element(asked, query(change)).with_to(Jid::from(room));
        self.send_stanza(iq.to_element(), None);
    }

    /// Asks who has `affiliation` in `room` (§9.5, §10.5, §10.8).
    pub(super) fn fetch_affiliations(&mut self, room: BareJid, affiliation: Affiliation) {
        if !self.is_ready() {
            return self.ignore("a request while offline; ask again once connected");
        }
        let item =
            Element::builder("item", ns::MUC_ADMIN).attr(name("affiliation"), affiliation_str(&affiliation));
        let q = Element::builder("query", ns::MUC_ADMIN).append(item).build();
        let asked = self.ask(Request::Affiliations {
            room: room.clone(),
            affiliation,
        });
        let iq = element::get_element(asked, q).with_to(Jid::from(room));
        self.send_stanza(iq.to_element(), None);
    }

    /// The answer to a change: `None` when it was done.
    pub(in crate::session) fn moderated(&mut self, room: BareJid, id: String, error: Option<&RequestError>) {
        match error {
            None => self.event(Event::ModerationDone { room, id }),
            Some(e) => {
                let error = ModerationError::from_request(e);
                self.event(Event::ModerationFailed { room, id, error });
            }
        }
    }

    /// The list of an affiliation, or `None` when refused.
    pub(in crate::session) fn affiliations_received(
        &mut self,
        room: BareJid,
        affiliation: Affiliation,
        payload: Option<Element>,
        error: Option<&RequestError>,
    ) {
        if let Some(e) = error {
            let error = ModerationError::from_request(e);
            return self.event(Event::AffiliationsFailed {
                room,
                affiliation,
                error,
            });
        }
        let jids = payload
            .filter(|p| p.is("query", ns::MUC_ADMIN))
            .map(|q| {
                q.children()
                    .filter(|i| i.is("item", ns::MUC_ADMIN))
                    .take(MAX_LISTED)
                    .filter_map(|i| {
                        let jid = i.attr("jid")?.parse::<BareJid>().ok()?;
                        let nick = i.attr("nick").map(|n| cut(n, MAX_NICK));
                        let reason = i
                            .get_child("reason", ns::MUC_ADMIN)
                            .map(|r| cut(&r.text(), MAX_SUBJECT));
                        Some(Affiliated { jid, nick, reason })
                    })
                    .collect()
            })
            .unwrap_or_default();
        self.event(Event::AffiliationsReceived {
            room,
            affiliation,
            jids,
        });
    }
}

/// Someone with an affiliation, as the room lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Affiliated {
    /// Their account.
    pub jid: BareJid,
    /// Their registered nick, if any.
    pub nick: Option<String>,
    /// Why, as given (bans carry one).
    pub reason: Option<String>,
}
