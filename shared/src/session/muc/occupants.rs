//! XEP-0045 §7.2 and §9: a room's presences. Our own tells that we are in,
//! that our nick changed or that we were removed; others' tell who is in
//! the room, with their role, affiliation and, in some rooms, real JID.

use minidom::Element;
use xmpp_parsers::jid::{BareJid, FullJid};
use xmpp_parsers::presence::{Presence, Type as PresenceType};

use super::{Affiliation, MAX_NICK, MAX_OCCUPANTS, Role, RoomError, Stage, Status, cut};
use crate::ns;
use crate::session::presence::Availability;
use crate::session::{Event, Session};

/// Someone in a room.
#[derive(Debug, Clone, PartialEq)]
pub struct Occupant {
    /// Their nick, unique in the room.
    pub nick: String,
    /// What they may do now (XEP-0045 §5.1).
    pub role: Role,
    /// What they are to the room for good (§5.2).
    pub affiliation: Affiliation,
    /// Their real JID, when the room shows it.
    pub jid: Option<FullJid>,
    /// The room's stable id for them (XEP-0421).
    pub occupant_id: Option<String>,
    /// Their availability.
    pub show: Availability,
    /// Their status text.
    pub status: Option<String>,
}

/// Why someone, or we, left a room (XEP-0045 §15.6 status codes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Departure {
    /// They left.
    Left,
    /// They are still there, under a new nick (303).
    NickChanged {
        /// The new nick.
        nick: String,
    },
    /// A moderator kicked them (307).
    Kicked {
        /// The moderator's nick, if given.
        by: Option<String>,
        /// The reason, if given.
        reason: Option<String>,
    },
    /// An admin banned them (301).
    Banned {
        /// The admin's nick, if given.
        by: Option<String>,
        /// The reason, if given.
        reason: Option<String>,
    },
    /// Their affiliation changed and lets them in no more (321).
    AffiliationChanged,
    /// The room became members-only (322).
    MembersOnly,
    /// The service is shutting down (332).
    Shutdown,
    /// The room removed them after an error (333).
    Error,
    /// The room was destroyed (§10.9).
    Destroyed {
        /// Where its people went, if said.
        alternative: Option<BareJid>,
        /// Why, if said.
        reason: Option<String>,
    },
}

/// What a room's `<x xmlns='…muc#user'/>` says.
#[derive(Debug, Default)]
struct UserInfo {
    statuses: Vec<Status>,
    affiliation: Option<Affiliation>,
    role: Option<Role>,
    jid: Option<FullJid>,
    /// The new nick, with 303.
    nick: Option<String>,
    actor: Option<String>,
    reason: Option<String>,
    destroyed: Option<(Option<BareJid>, Option<String>)>,
}

impl UserInfo {
    fn read(p: &Presence) -> Self {
        let Some(x) = p.payloads.iter().find(|e| e.is("x", ns::MUC_USER)) else {
            return Self::default();
        };
        let mut info = Self {
            statuses: statuses(x),
            ..Self::default()
        };
        if let Some(item) = x.get_child("item", ns::MUC_USER) {
            info.affiliation = item.attr("affiliation").and_then(|a| a.parse().ok());
            info.role = item.attr("role").and_then(|r| r.parse().ok());
            info.jid = item.attr("jid").and_then(|j| j.parse().ok());
            info.nick = item.attr("nick").map(|n| cut(n, MAX_NICK));
            info.actor = item
                .get_child("actor", ns::MUC_USER)
                .and_then(|a| a.attr("nick"))
                .map(|n| cut(n, MAX_NICK));
            info.reason = reason(item);
        }
        if let Some(d) = x.get_child("destroy", ns::MUC_USER) {
            info.destroyed = Some((d.attr("jid").and_then(|j| j.parse().ok()), reason(d)));
        }
        info
    }

    fn has(&self, status: Status) -> bool {
        self.statuses.contains(&status)
    }

    /// Why an unavailable presence left.
    fn departure(self) -> Departure {
        if let Some((alternative, reason)) = self.destroyed {
            return Departure::Destroyed { alternative, reason };
        }
        let (by, reason) = (self.actor, self.reason);
        if self.statuses.contains(&Status::NewNick)
            && let Some(nick) = self.nick
        {
            Departure::NickChanged { nick }
        } else if self.statuses.contains(&Status::Banned) {
            Departure::Banned { by, reason }
        } else if self.statuses.contains(&Status::Kicked) {
            Departure::Kicked { by, reason }
        } else if self.statuses.contains(&Status::RemovalFromRoom) {
            Departure::AffiliationChanged
        } else if self.statuses.contains(&Status::ConfigMembersOnly) {
            Departure::MembersOnly
        } else if self.statuses.contains(&Status::ServiceShutdown) {
            Departure::Shutdown
        } else if self.statuses.contains(&Status::ServiceErrorKick) {
            Departure::Error
        } else {
            Departure::Left
        }
    }
}

/// The status codes in a muc#user `<x/>`; unknown ones are left out.
pub(super) fn statuses(x: &Element) -> Vec<Status> {
    x.children()
        .filter(|c| c.is("status", ns::MUC_USER))
        .filter_map(|c| Status::try_from(c.clone()).ok())
        .collect()
}

fn reason(el: &Element) -> Option<String> {
    el.get_child("reason", ns::MUC_USER)
        .map(|r| cut(&r.text(), super::MAX_SUBJECT))
        .filter(|r| !r.is_empty())
}

impl Session {
    /// A presence from `room`, a room we are in or joining.
    pub(in crate::session) fn room_presence(&mut self, room: BareJid, p: Presence) {
        // The room's own presence (its avatar, XEP-0486) is not an occupant's.
        let Some(nick) = p.from.as_ref().and_then(|f| f.resource()).map(|r| r.to_string()) else {
            return;
        };
        self.rooms.heard(&room, self.now_ms);
        if p.type_ == PresenceType::Error {
            return self.room_error(room, &p);
        }
        let info = UserInfo::read(&p);
        let Some(r) = self.rooms.get(&room) else {
            return;
        };
        // Old services send no 110: our nick tells.
        let own =
            info.has(Status::SelfPresence) || nick == r.nick || r.new_nick.as_deref() == Some(nick.as_str());
        match p.type_ {
            PresenceType::None if own => self.own_presence(room, nick, info, &p),
            PresenceType::None => self.occupant_presence(room, nick, info, &p),
            PresenceType::Unavailable if own => {
                // Our nick change: the available presence under the new nick follows.
                if info.has(Status::NewNick) {
                    return self.left(room, nick, info.departure());
                }
                self.rooms.remove(&room);
                self.event(Event::RoomLeft {
                    room,
                    why: info.departure(),
                });
            }
            PresenceType::Unavailable => self.left(room, nick, info.departure()),
            _ => self.ignore("an unexpected presence type from a room"),
        }
    }

    /// Our own presence in the room: we are in, or under a new nick.
    fn own_presence(&mut self, room: BareJid, nick: String, info: UserInfo, p: &Presence) {
        let Some(r) = self.rooms.get_mut(&room) else {
            return;
        };
        let renamed = r.nick != nick;
        r.nick = nick.clone();
        r.new_nick = None;
        let joining = r.stage != Stage::Joined;
        r.stage = Stage::Joined;
        let created = info.has(Status::RoomHasBeenCreated);
        let statuses = info.statuses.clone();
        self.occupant_presence(room.clone(), nick.clone(), info, p);
        // A new session: what the room archived while we were away.
        if joining
            && let Some(r) = self.rooms.get(&room)
            && r.mam == Some(true)
            && let Some(after) = r.last_archived.clone()
        {
            self.room_catch_up(room.clone(), after);
        }
        if created {
            // §10.1.2: a new room is locked until configured; we take the
            // defaults (an instant room).
            self.accept_defaults(&room);
        }
        if joining {
            self.event(Event::RoomJoined {
                room,
                nick,
                created,
                statuses,
            });
        } else if renamed {
            self.event(Event::OwnNickChanged { room, nick });
        }
    }

    /// Someone is in the room, or changed.
    fn occupant_presence(&mut self, room: BareJid, nick: String, info: UserInfo, p: &Presence) {
        let Some(r) = self.rooms.get_mut(&room) else {
            return;
        };
        let nick = cut(&nick, MAX_NICK);
        if !r.occupants.contains_key(&nick) && r.occupants.len() >= MAX_OCCUPANTS {
            return self.ignore("too many occupants in a room");
        }
        let occupant = Occupant {
            nick: nick.clone(),
            role: info.role.unwrap_or_default(),
            affiliation: info.affiliation.unwrap_or_default(),
            jid: info.jid,
            occupant_id: occupant_id(&p.payloads),
            show: Availability::from_show(p.show.as_ref()),
            status: p.statuses.values().next().map(|s| cut(s, super::MAX_SUBJECT)),
        };
        if r.occupants.get(&nick) == Some(&occupant) {
            return;
        }
        r.occupants.insert(nick, occupant.clone());
        self.event(Event::OccupantChanged { room, occupant });
    }

    /// Someone left the room, or now goes by another nick.
    fn left(&mut self, room: BareJid, nick: String, why: Departure) {
        let Some(r) = self.rooms.get_mut(&room) else {
            return;
        };
        if r.occupants.remove(&nick).is_none() {
            return;
        }
        self.event(Event::OccupantLeft { room, nick, why });
    }

    /// The room refused our join or our new nick.
    fn room_error(&mut self, room: BareJid, p: &Presence) {
        let condition = p
            .payloads
            .iter()
            .find(|e| e.is("error", ns::JABBER_CLIENT))
            .map_or(
                crate::session::StanzaCondition::UndefinedCondition,
                crate::session::stanza_condition,
            );
        let Some(r) = self.rooms.get_mut(&room) else {
            return;
        };
        if let Some(asked) = r.new_nick.take() {
            let error = RoomError::from_condition(condition, &asked);
            return self.event(Event::NickChangeFailed { room, error });
        }
        if r.stage == Stage::Joined {
            return self.ignore("an error presence from a room we are in");
        }
        let error = RoomError::from_condition(condition, &r.nick);
        self.rooms.remove(&room);
        self.event(Event::RoomJoinFailed { room, error });
    }
}

/// The occupant-id a room stamped (XEP-0421).
pub(super) fn occupant_id(payloads: &[Element]) -> Option<String> {
    payloads
        .iter()
        .find(|e| e.is("occupant-id", ns::OCCUPANT_ID))
        .and_then(|e| e.attr("id"))
        .map(|id| cut(id, MAX_NICK))
}
