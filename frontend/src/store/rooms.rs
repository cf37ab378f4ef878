//! Rooms (XEP-0045) as the views show them: bookmarked (XEP-0402) or
//! joined, with their occupants, subject, log, unread count and mentions,
//! and the invitations waiting for an answer (XEP-0249).

use std::collections::HashMap;

use parlons_shared::session::bookmarks::Bookmark;
use parlons_shared::session::muc::{
    Affiliated, Affiliation, Departure, ListedRoom, ModerationError, Occupant, RoomError, RoomInfo,
};
use parlons_shared::session::register::Form;
use parlons_shared::session::{ChatMessage, ConversationId, Direction, Event};
use xmpp_parsers::jid::{BareJid, Jid};

use super::conversation::{Conversation, Message, RoomNotice};
use super::{Outcome, Store};

/// Entries a room's log keeps; older ones come back from the archive.
pub const MAX_LOG: usize = 3_000;
/// Invitations kept waiting for an answer; the oldest goes first.
pub const MAX_INVITATIONS: usize = 20;

/// Where we are with a room.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Stage {
    /// Not in it: only bookmarked.
    #[default]
    Out,
    /// Asked to join.
    Joining,
    /// In it.
    In,
    /// We left or were removed, and why.
    Left(Departure),
    /// It would not let us in, and why.
    Refused(RoomError),
}

/// A room.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Room {
    /// Its name, from the bookmark.
    pub name: Option<String>,
    /// Our nick there, once asked for.
    pub nick: Option<String>,
    /// Where we are with it.
    pub stage: Stage,
    /// Its subject.
    pub subject: Option<String>,
    /// Who is in it, by nick.
    pub occupants: HashMap<String, Occupant>,
    /// Counts changes to [`Self::occupants`], for views to follow.
    pub occupants_revision: u64,
    /// Its messages and notices.
    pub log: Conversation,
    /// A message named us since it was last read.
    pub mentioned: bool,
    /// Its bookmark, if it has one.
    pub bookmark: Option<Bookmark>,
    /// Its configuration form, once asked for and answered.
    pub config: Option<Result<Form, ModerationError>>,
    /// Why the last change we asked of it was refused, until the next.
    pub refused: Option<ModerationError>,
    /// Its members, once asked for and answered.
    pub members: Option<Result<Vec<Affiliated>, ModerationError>>,
}

impl Room {
    /// Its name, else its address.
    pub fn title(&self, jid: &BareJid) -> String {
        self.name
            .clone()
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| jid.to_string())
    }

    fn occupants_changed(&mut self) {
        self.occupants_revision += 1;
    }

    /// Whether it is on screen in the sidebar: joined, on the way, or
    /// bookmarked.
    pub fn listed(&self) -> bool {
        self.bookmark.is_some() || matches!(self.stage, Stage::In | Stage::Joining)
    }
}

/// An invitation to a room.
#[derive(Debug, Clone, PartialEq)]
pub struct Invitation {
    /// The room.
    pub room: BareJid,
    /// Who invites, when said.
    pub from: Option<Jid>,
    /// Why, when said.
    pub reason: Option<String>,
    /// The room's password, when it has one.
    pub password: Option<String>,
    /// From someone who is not a contact: shown as a request.
    pub stranger: bool,
}

/// Our server's room services and their public rooms (XEP-0030), for the
/// room browser and for creating rooms.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Directory {
    /// The services found.
    pub services: Vec<BareJid>,
    /// Their public rooms, by service, in the order they came.
    pub rooms: Vec<(BareJid, Vec<ListedRoom>)>,
    /// What rooms asked about said of themselves (`None`: nothing), the
    /// latest last.
    pub described: Vec<(BareJid, Option<RoomInfo>)>,
}

/// Services kept at most.
const MAX_SERVICES: usize = 20;
/// Rooms' descriptions kept at most; the oldest goes first.
pub const MAX_DESCRIBED: usize = 50;

/// Whether `body` names `nick` as a word, whatever the case.
pub fn mentions(body: &str, nick: &str) -> bool {
    let nick = nick.trim().to_lowercase();
    if nick.is_empty() {
        return false;
    }
    let body = body.to_lowercase();
    // Letters beyond ASCII count as word characters without Unicode's
    // tables, which would weigh on the first load.
    let word = |c: Option<char>| {
        c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || !(c.is_ascii() || c.is_whitespace()))
    };
    body.match_indices(&nick).any(|(at, _)| {
        let before = body[..at].chars().next_back();
        let after = body[at + nick.len()..].chars().next();
        !word(before) && !word(after)
    })
}

impl Store {
    /// The room `jid`, created when first needed. Its log is not counted
    /// as changed: an occupant's presence leaves it as it was.
    pub fn room(&mut self, jid: &BareJid) -> &mut Room {
        self.rooms.entry(jid.clone()).or_default()
    }

    /// We asked to join a room.
    pub fn joining(&mut self, jid: &BareJid, nick: String) {
        let room = self.room(jid);
        room.nick = Some(nick);
        room.stage = Stage::Joining;
    }

    /// We left a room: it goes from the sidebar unless bookmarked.
    pub fn leaving(&mut self, jid: &BareJid) {
        let room = self.room(jid);
        room.stage = Stage::Out;
        room.occupants.clear();
        room.occupants_changed();
        self.forget_unlisted(jid);
    }

    fn forget_unlisted(&mut self, jid: &BareJid) {
        // The open room stays, to say why we are out of it.
        let open = matches!(&self.open, Some(ConversationId::Room(r)) if r == jid);
        if !open && self.rooms.get(jid).is_some_and(|r| !r.listed()) {
            self.rooms.remove(jid);
        }
    }

    /// Unread messages in rooms, muted ones aside unless they named us.
    pub fn rooms_unread(&self) -> usize {
        self.rooms
            .iter()
            .filter(|(jid, r)| !self.is_muted(jid) || r.mentioned)
            .map(|(_, r)| r.log.unread)
            .sum()
    }

    /// Whether a room's messages notify only when they name us.
    pub fn is_muted(&self, room: &BareJid) -> bool {
        self.muted.contains(room)
    }

    /// Applies an event about rooms, bookmarks or invitations.
    pub(super) fn room_event(&mut self, event: Event, now_ms: u64) -> Outcome {
        match event {
            Event::RoomJoined { room, nick, .. } => {
                let r = self.room(&room);
                r.nick = Some(nick);
                r.stage = Stage::In;
            }
            Event::RoomJoinFailed { room, error } => {
                let r = self.room(&room);
                r.stage = Stage::Refused(error);
                r.occupants.clear();
            }
            Event::OwnNickChanged { room, nick } => self.room(&room).nick = Some(nick),
            Event::RoomLeft { room, why } => {
                let r = self.room(&room);
                r.stage = Stage::Left(why);
                r.occupants.clear();
                r.occupants_changed();
            }
            Event::OccupantChanged { room, occupant } => self.occupant_changed(room, occupant, now_ms),
            Event::OccupantLeft { room, nick, why } => self.occupant_left(room, nick, why, now_ms),
            Event::SubjectChanged { room, subject, by } => {
                let r = self.room(&room);
                let live = r.stage == Stage::In && r.subject != subject;
                r.subject = subject;
                if let (true, Some(by)) = (live, by) {
                    r.log.note(by, RoomNotice::Subject, now_ms);
                }
            }
            Event::RoomConfigReceived { room, form } => self.room(&room).config = Some(Ok(form)),
            Event::RoomConfigFailed { room, error } => self.room(&room).config = Some(Err(error)),
            Event::AffiliationsReceived {
                room,
                affiliation: Affiliation::Member,
                jids,
            } => self.room(&room).members = Some(Ok(jids)),
            Event::AffiliationsFailed {
                room,
                affiliation: Affiliation::Member,
                error,
            } => self.room(&room).members = Some(Err(error)),
            Event::ModerationDone { room, .. } => self.room(&room).refused = None,
            Event::ModerationFailed { room, error, .. } => self.room(&room).refused = Some(error),
            other => self.around_rooms(other),
        }
        Outcome::Nothing
    }

    /// Bookmarks, invitations and the room services' directory.
    fn around_rooms(&mut self, event: Event) {
        match event {
            Event::BookmarksReceived { bookmarks } => self.bookmarks(bookmarks),
            Event::BookmarkChanged { bookmark } => self.bookmark(bookmark),
            Event::BookmarkRemoved { room } => {
                if let Some(r) = self.rooms.get_mut(&room) {
                    r.bookmark = None;
                }
                self.forget_unlisted(&room);
            }
            Event::RoomInvitation {
                room,
                from,
                reason,
                password,
            } => {
                // Mediated invitations name the inviter; none named is a
                // stranger too.
                let stranger = from.as_ref().is_none_or(|f| self.is_stranger(&f.to_bare()));
                self.invited(Invitation {
                    room,
                    from,
                    reason,
                    password,
                    stranger,
                })
            }
            Event::RoomServiceFound { service } => {
                let d = &mut self.directory;
                if !d.services.contains(&service) && d.services.len() < MAX_SERVICES {
                    d.services.push(service);
                }
            }
            Event::RoomDescribed { room, info } => {
                let d = &mut self.directory.described;
                d.retain(|(r, _)| *r != room);
                if d.len() == MAX_DESCRIBED {
                    d.remove(0);
                }
                d.push((room, info));
            }
            Event::RoomsListed { service, rooms } => {
                let d = &mut self.directory;
                d.rooms.retain(|(s, _)| *s != service);
                if d.services.contains(&service) {
                    d.rooms.push((service, rooms));
                }
            }
            _ => {}
        }
    }

    fn occupant_changed(&mut self, room: BareJid, occupant: Occupant, now_ms: u64) {
        let r = self.room(&room);
        let nick = occupant.nick.clone();
        // Those already there when we came in are not news.
        let arrived = r.occupants.insert(nick.clone(), occupant).is_none() && r.stage == Stage::In;
        r.occupants_changed();
        if arrived && r.nick.as_ref() != Some(&nick) {
            r.log.note(nick, RoomNotice::Joined, now_ms);
            r.log.keep_latest(MAX_LOG);
        }
    }

    fn occupant_left(&mut self, room: BareJid, nick: String, why: Departure, now_ms: u64) {
        let r = self.room(&room);
        if r.occupants.remove(&nick).is_none() {
            return;
        }
        r.occupants_changed();
        if r.stage == Stage::In {
            r.log.note(nick, RoomNotice::of(why), now_ms);
            r.log.keep_latest(MAX_LOG);
        }
    }

    fn bookmarks(&mut self, bookmarks: Vec<Bookmark>) {
        let kept: Vec<BareJid> = bookmarks.iter().map(|b| b.room.clone()).collect();
        let gone: Vec<BareJid> = self
            .rooms
            .keys()
            .filter(|jid| !kept.contains(jid))
            .cloned()
            .collect();
        for jid in gone {
            if let Some(r) = self.rooms.get_mut(&jid) {
                r.bookmark = None;
            }
            self.forget_unlisted(&jid);
        }
        for b in bookmarks {
            self.bookmark(b);
        }
    }

    fn bookmark(&mut self, bookmark: Bookmark) {
        let jid = bookmark.room.clone();
        let r = self.room(&jid);
        r.name = bookmark.name.clone();
        // The session joins those marked autojoin.
        if bookmark.autojoin && matches!(r.stage, Stage::Out) {
            r.stage = Stage::Joining;
            r.nick = bookmark.nick.clone().or(r.nick.take());
        }
        r.bookmark = Some(bookmark);
    }

    fn invited(&mut self, invitation: Invitation) {
        let joined = self
            .rooms
            .get(&invitation.room)
            .is_some_and(|r| matches!(r.stage, Stage::In | Stage::Joining));
        if joined || self.invitations.iter().any(|i| i.room == invitation.room) {
            return;
        }
        if self.invitations.len() >= MAX_INVITATIONS {
            self.invitations.remove(0);
        }
        self.invitations.push(invitation);
    }

    /// An invitation was answered.
    pub fn invitation_answered(&mut self, room: &BareJid) {
        self.invitations.retain(|i| &i.room != room);
    }

    /// A message in a room: unread unless on screen, and a mention when it
    /// names us.
    pub(super) fn room_message(&mut self, m: ChatMessage, room: BareJid) -> Outcome {
        let muted = self.is_muted(&room);
        let seen = self.attentive && self.open == Some(ConversationId::Room(room.clone()));
        let live_incoming = !m.archived && m.direction == Direction::Incoming;
        let body = m.body.clone();
        let r = self.room(&room);
        r.log.revision += 1;
        let mention = live_incoming && r.nick.as_deref().is_some_and(|n| mentions(&body, n));
        let key = Message::key_of(&m);
        let new = r.log.receive(m, !seen);
        if new
            && mention
            && let Some(msg) = r.log.messages.iter_mut().rev().find(|x| x.key == key)
        {
            msg.mention = true;
        }
        r.log.keep_latest(MAX_LOG);
        if !new || !live_incoming {
            return Outcome::Nothing;
        }
        if mention && !seen {
            r.mentioned = true;
        }
        if muted && !mention {
            return Outcome::Nothing;
        }
        Outcome::NewMessage {
            from: ConversationId::Room(room),
            body,
        }
    }
}
