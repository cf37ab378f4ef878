//! XEP-0045: Multi-User Chat, as an occupant. This machine owns every
//! room's state: joining with a nick (and a password), leaving, changing
//! nick, the occupants with their roles and affiliations (`occupants`),
//! the subject, groupchat and private messages and invitations, XEP-0249
//! and mediated (`messages`). Rooms are joined again after a new session,
//! not after a resumption, and follow our presence.
//!
//! What a room sends is bounded: rooms joined, occupants kept per room,
//! and the length of nicks and subjects.

mod admin;
mod config;
mod discovery;
mod messages;
mod occupants;
mod self_ping;

use std::collections::HashMap;

use minidom::Element;
use xmpp_parsers::jid::{BareJid, FullJid, Jid};
use xmpp_parsers::presence::{Presence, Type as PresenceType};

pub use admin::{Affiliated, Moderation, ModerationError};
pub use config::{ROOMCONFIG, read_form};
pub(super) use discovery::Discovery;
pub use discovery::{ListedRoom, RoomInfo};
pub(super) use messages::FromArchive;
pub use occupants::{Departure, Occupant};
pub use xmpp_parsers::muc::user::{Affiliation, Role, Status};

use super::{Event, Request, Session, StanzaCondition};
use crate::ns;

/// Rooms we are in or joining, at most.
pub const MAX_ROOMS: usize = 500;
/// Occupants kept per room, at most: a room of 10,000 shows the first.
pub const MAX_OCCUPANTS: usize = 10_000;
/// A nick's length in characters, at most; longer ones are cut.
pub const MAX_NICK: usize = 128;
/// A subject's length in characters, at most; longer ones are cut.
pub const MAX_SUBJECT: usize = 1_000;

/// Why joining a room, or changing our nick in it, failed (XEP-0045 §7.2).
#[derive(Debug, Clone, PartialEq)]
pub enum RoomError {
    /// The nick is taken; this one may be free.
    NickConflict {
        /// A nick to try instead.
        suggestion: String,
    },
    /// The room wants a password, or another one.
    PasswordRequired,
    /// We are banned from it.
    Banned,
    /// It is for members only, and we are not one.
    MembersOnly,
    /// It is full.
    Full,
    /// It does not exist, and we may not create it.
    NotFound,
    /// We must use the nick we registered with it.
    NickLocked,
    /// We are in too many rooms ([`MAX_ROOMS`]).
    TooManyRooms,
    /// Another stanza error.
    Other(StanzaCondition),
}

impl RoomError {
    fn from_condition(condition: StanzaCondition, nick: &str) -> Self {
        match condition {
            StanzaCondition::Conflict => Self::NickConflict {
                suggestion: next_nick(nick),
            },
            StanzaCondition::NotAuthorized => Self::PasswordRequired,
            StanzaCondition::Forbidden => Self::Banned,
            StanzaCondition::RegistrationRequired => Self::MembersOnly,
            StanzaCondition::ServiceUnavailable => Self::Full,
            StanzaCondition::ItemNotFound => Self::NotFound,
            StanzaCondition::NotAcceptable => Self::NickLocked,
            other => Self::Other(other),
        }
    }
}

/// A nick to try when `nick` is taken: "nick" gives "nick_", "nick_" gives
/// "nick_2", "nick_2" gives "nick_3".
fn next_nick(nick: &str) -> String {
    match nick.rsplit_once('_') {
        Some((base, "")) => format!("{base}_2"),
        Some((base, n)) => match n.parse::<u32>() {
            Ok(n) => format!("{base}_{}", n.saturating_add(1)),
            Err(_) => format!("{nick}_"),
        },
        None => format!("{nick}_"),
    }
}

/// Whether `from` is the room itself, not one of its occupants.
pub(super) fn is_room(from: Option<&Jid>, room: &BareJid) -> bool {
    from.is_some_and(|f| f.resource().is_none() && f.to_bare() == *room)
}

/// `s` cut to `max` characters.
pub(super) fn cut(s: &str, max: usize) -> String {
    s.chars().take(max).collect()
}

/// Where we are with a room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// Waiting for the session, or for the room's features.
    Waiting,
    /// Our join presence went out.
    Joining,
    /// Our own presence came back.
    Joined,
}

/// One room we are in or joining.
#[derive(Debug)]
struct Room {
    nick: String,
    /// A nick we asked for and the room has not confirmed yet.
    new_nick: Option<String>,
    password: Option<String>,
    stage: Stage,
    /// The room archives its messages (XEP-0313): then no history is asked
    /// for on joining. `None` until its features are known.
    mam: Option<bool>,
    occupants: HashMap<String, Occupant>,
    /// The room's archive id of the newest message seen live: a new
    /// session catches up from there.
    last_archived: Option<String>,
    /// When the room was last heard from (XEP-0410).
    heard_ms: u64,
    /// A self-ping is under way.
    pinging: bool,
}

impl Room {
    fn full_jid(&self, room: &BareJid) -> Option<FullJid> {
        room.with_resource_str(&self.nick).ok()
    }
}

/// Every room we are in or joining.
#[derive(Debug, Default)]
pub(super) struct Rooms {
    /// Few enough that a list is quicker, and smaller, than a map.
    rooms: Vec<(BareJid, Room)>,
}

impl Rooms {
    fn get(&self, jid: &BareJid) -> Option<&Room> {
        self.rooms.iter().find(|(j, _)| j == jid).map(|(_, r)| r)
    }

    fn get_mut(&mut self, jid: &BareJid) -> Option<&mut Room> {
        self.rooms.iter_mut().find(|(j, _)| j == jid).map(|(_, r)| r)
    }

    fn insert(&mut self, jid: BareJid, room: Room) {
        match self.get_mut(&jid) {
            Some(r) => *r = room,
            None => self.rooms.push((jid, room)),
        }
    }

    fn remove(&mut self, jid: &BareJid) -> Option<Room> {
        let at = self.rooms.iter().position(|(j, _)| j == jid)?;
        Some(self.rooms.remove(at).1)
    }

    /// Whether `jid` is a room we are in or joining.
    pub fn is_room(&self, jid: &BareJid) -> bool {
        self.get(jid).is_some()
    }

    /// Our nick in `room`.
    pub fn nick(&self, room: &BareJid) -> Option<&str> {
        self.get(room).map(|r| r.nick.as_str())
    }

    /// Something came from `room`, at `now_ms`.
    pub fn heard(&mut self, room: &BareJid, now_ms: u64) {
        if let Some(r) = self.get_mut(room) {
            r.heard_ms = now_ms;
        }
    }

    /// The room archived a message we saw live as `id`.
    pub fn archived_live(&mut self, room: &BareJid, id: &str) {
        if let Some(r) = self.get_mut(room) {
            r.last_archived = Some(id.to_owned());
        }
    }

    /// A new session: no room has us any more, until we join again.
    pub fn new_session(&mut self) {
        for (_, room) in &mut self.rooms {
            room.stage = Stage::Waiting;
            room.new_nick = None;
            room.occupants.clear();
            room.pinging = false;
        }
    }

    /// Where our presence goes besides our contacts: our nick in every room
    /// we are in.
    fn joined(&self) -> Vec<FullJid> {
        self.rooms
            .iter()
            .filter(|(_, r)| r.stage == Stage::Joined)
            .filter_map(|(jid, r)| r.full_jid(jid))
            .collect()
    }
}

impl Session {
    /// A command about rooms.
    pub(super) fn room_command(&mut self, command: super::Command) {
        use super::Command;
        match command {
            Command::JoinRoom { room, nick, password } => self.join_room(room, nick, password),
            Command::LeaveRoom { room } => self.leave_room(room),
            Command::ChangeNick { room, nick } => self.change_nick(room, nick),
            Command::SetSubject { room, subject } => self.set_subject(room, subject),
            Command::Invite { room, to, reason } => self.invite(room, to, reason),
            Command::SetBookmark { bookmark } => self.set_bookmark(bookmark),
            Command::RemoveBookmark { room } => self.remove_bookmark(room),
            Command::Moderate { room, id, change } => self.moderate(room, id, change),
            Command::FetchRoomConfig { room } => self.fetch_room_config(room),
            Command::ConfigureRoom { room, id, answers } => self.configure_room(room, id, answers),
            Command::FetchAffiliations { room, affiliation } => self.fetch_affiliations(room, affiliation),
            Command::FindRoomServices => self.find_room_services(),
            Command::ListRooms { service } => self.list_rooms(service),
            Command::DescribeRoom { room } => self.describe_room(room),
            _ => {}
        }
    }

    /// Joins `room` as `nick`: once the session is ready, and once the
    /// room's features are known (XEP-0030), so that a room that archives
    /// (XEP-0313) is asked for no history.
    pub(super) fn join_room(&mut self, room: BareJid, nick: String, password: Option<String>) {
        if let Some(r) = self.rooms.get(&room) {
            if r.nick == nick && r.stage != Stage::Waiting {
                return self.ignore("already in this room");
            }
        } else if self.rooms.rooms.len() >= MAX_ROOMS {
            return self.event(Event::RoomJoinFailed {
                room,
                error: RoomError::TooManyRooms,
            });
        }
        let nick = cut(&nick, MAX_NICK);
        let mam = self.rooms.get(&room).and_then(|r| r.mam);
        self.rooms.insert(
            room.clone(),
            Room {
                nick,
                new_nick: None,
                password,
                stage: Stage::Waiting,
                mam,
                occupants: HashMap::new(),
                last_archived: None,
                heard_ms: self.now_ms,
                pinging: false,
            },
        );
        if self.is_ready() {
            self.enter(room);
        }
    }

    /// Asks the room's features, or joins if they are known.
    pub(super) fn enter(&mut self, room: BareJid) {
        let Some(r) = self.rooms.get_mut(&room) else {
            return;
        };
        r.stage = Stage::Joining;
        if r.mam.is_some() {
            return self.send_join(&room);
        }
        let id = self.ask(Request::RoomInfo(room.clone()));
        let query = xmpp_parsers::disco::DiscoInfoQuery { node: None };
        let iq = crate::element::get(id, &query).with_to(Jid::from(room));
        self.send_stanza(crate::element::ToElement::to_element(&iq), None);
    }

    /// The room's disco#info answer, or `None` when it failed: a room that
    /// does not exist yet is created by joining it.
    pub(super) fn room_info(&mut self, room: BareJid, payload: Option<Element>) {
        let features = payload
            .filter(|p| p.is("query", ns::DISCO_INFO))
            .map(|q| super::caps::read_info(&q).0)
            .unwrap_or_default();
        let Some(r) = self.rooms.get_mut(&room) else {
            return;
        };
        r.mam = Some(features.iter().any(|f| f == ns::MAM));
        if r.stage == Stage::Joining {
            self.send_join(&room);
        }
    }

    /// XEP-0045 §7.2.1: presence to room/nick with `<x/>`.
    fn send_join(&mut self, room: &BareJid) {
        let Some(r) = self.rooms.get(room) else {
            return;
        };
        let Some(to) = r.full_jid(room) else {
            let error = RoomError::Other(StanzaCondition::JidMalformed);
            self.rooms.remove(room);
            return self.event(Event::RoomJoinFailed {
                room: room.clone(),
                error,
            });
        };
        let mut x = Element::builder("x", ns::MUC);
        if let Some(password) = &r.password {
            x = x.append(Element::builder("password", ns::MUC).append(password.clone()));
        }
        if r.mam == Some(true) {
            x = x.append(Element::builder("history", ns::MUC).attr(crate::element::name("maxstanzas"), "0"));
        }
        let mut p = self.presences.current();
        p.to = Some(Jid::from(to));
        p.payloads.push(x.build());
        self.send_stanza(super::presence::presence_element(p), None);
    }

    /// XEP-0045 §10.1.2: creates an instant room, with the service's
    /// default configuration.
    pub(super) fn accept_defaults(&mut self, room: &BareJid) {
        let form = Element::builder("x", ns::DATA_FORMS).attr(crate::element::name("type"), "submit");
        let query = Element::builder("query", ns::MUC_OWNER).append(form).build();
        let id = self.ask(Request::RoomConfig(room.clone()));
        let iq = crate::element::set_element(id, query).with_to(Jid::from(room.clone()));
        self.send_stanza(crate::element::ToElement::to_element(&iq), None);
    }

    /// Joins again every room of a new session, once our presence is out.
    pub(super) fn rejoin_rooms(&mut self) {
        let waiting: Vec<BareJid> = self
            .rooms
            .rooms
            .iter()
            .filter(|(_, r)| r.stage == Stage::Waiting)
            .map(|(jid, _)| jid.clone())
            .collect();
        for room in waiting {
            self.enter(room);
        }
    }

    /// Our presence changed: the rooms we are in are told too.
    pub(super) fn tell_rooms(&mut self, p: &Presence) {
        for to in self.rooms.joined() {
            let mut p = p.clone();
            p.to = Some(Jid::from(to));
            self.send_stanza(super::presence::presence_element(p), None);
        }
    }

    /// Leaves `room` (XEP-0045 §7.14). It is forgotten at once.
    pub(super) fn leave_room(&mut self, room: BareJid) {
        let Some(r) = self.rooms.remove(&room) else {
            return self.ignore("not in this room");
        };
        if self.is_ready()
            && r.stage != Stage::Waiting
            && let Some(to) = r.full_jid(&room)
        {
            let p = Presence::new(PresenceType::Unavailable).with_to(Jid::from(to));
            self.send_stanza(super::presence::presence_element(p), None);
        }
        self.event(Event::RoomLeft {
            room,
            why: Departure::Left,
        });
    }

    /// Asks for a new nick in `room` (XEP-0045 §7.6).
    pub(super) fn change_nick(&mut self, room: BareJid, nick: String) {
        let nick = cut(&nick, MAX_NICK);
        let Some(r) = self.rooms.get_mut(&room).filter(|r| r.stage == Stage::Joined) else {
            return self.ignore("a nick change for a room we are not in");
        };
        let Ok(to) = room.with_resource_str(&nick) else {
            let error = RoomError::Other(StanzaCondition::JidMalformed);
            return self.event(Event::NickChangeFailed { room, error });
        };
        r.new_nick = Some(nick);
        let mut p = self.presences.current();
        p.to = Some(Jid::from(to));
        self.send_stanza(super::presence::presence_element(p), None);
    }

    /// Sets the room's subject (XEP-0045 §8.1).
    pub(super) fn set_subject(&mut self, room: BareJid, subject: String) {
        if !self.rooms.is_room(&room) {
            return self.ignore("a subject for a room we are not in");
        }
        let mut m = xmpp_parsers::message::Message::groupchat(Some(Jid::from(room)));
        m.subjects.insert(
            xmpp_parsers::message::Lang::default(),
            crate::element::xml_text(subject),
        );
        m.id = Some(xmpp_parsers::message::Id(self.id()));
        self.send_stanza(crate::element::ToElement::to_element(&m), None);
    }

    /// Invites `to` to `room` directly (XEP-0249).
    pub(super) fn invite(&mut self, room: BareJid, to: BareJid, reason: Option<String>) {
        let mut x = Element::builder("x", ns::CONFERENCE).attr(crate::element::name("jid"), room.as_str());
        if let Some(reason) = reason {
            x = x.attr(crate::element::name("reason"), crate::element::xml_text(reason));
        }
        if let Some(password) = self.rooms.get(&room).and_then(|r| r.password.clone()) {
            x = x.attr(crate::element::name("password"), password);
        }
        let mut m = xmpp_parsers::message::Message::new(Some(Jid::from(to)));
        m.id = Some(xmpp_parsers::message::Id(self.id()));
        m.payloads.push(x.build());
        self.send_stanza(crate::element::ToElement::to_element(&m), None);
    }
}

#[cfg(test)]
mod tests;
