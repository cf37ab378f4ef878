//! XEP-0045 §7.4 and §8: what a room sends as messages (groupchat
//! messages, its subject, notices of configuration changes), and
//! invitations to rooms, direct (XEP-0249) and mediated (XEP-0045 §7.8.2).

use minidom::Element;
use xmpp_parsers::jid::{BareJid, Jid};
use xmpp_parsers::message::{Message, MessageType};

use super::{MAX_NICK, MAX_SUBJECT, Status, cut};
use crate::ns;
use crate::session::chat::incoming;
use crate::session::{ChatMessage, ConversationId, Delivery, Direction, Event, Sender, Session};

/// Where a room message came from, when from the room's archive.
#[derive(Debug)]
pub(in crate::session) struct FromArchive {
    /// Its id in the room's archive.
    pub id: String,
    /// When the room archived it.
    pub stamp: Option<xmpp_parsers::date::DateTime>,
    /// Caught up after a new session: as new as if live.
    pub new: bool,
}

type Archived = Option<FromArchive>;

/// The invitation a message carries, if any.
fn invitation(m: &Message) -> Option<Event> {
    if let Some(x) = m.payloads.iter().find(|p| p.is("x", ns::CONFERENCE)) {
        let text = |name| x.attr(name).map(|s| cut(s, MAX_SUBJECT));
        return Some(Event::RoomInvitation {
            room: x.attr("jid")?.parse().ok()?,
            from: m.from.clone(),
            reason: text("reason"),
            password: text("password"),
        });
    }
    let x = m.payloads.iter().find(|p| p.is("x", ns::MUC_USER))?;
    let invite = x.get_child("invite", ns::MUC_USER)?;
    let child = |el: &Element, name| {
        el.get_child(name, ns::MUC_USER)
            .map(|c| cut(&c.text(), MAX_SUBJECT))
    };
    Some(Event::RoomInvitation {
        room: m.from.as_ref()?.to_bare(),
        from: invite.attr("from").and_then(|f| f.parse::<Jid>().ok()),
        reason: child(invite, "reason"),
        password: child(x, "password"),
    })
}

impl Session {
    /// A message from a room, or an invitation to one: handled here, or
    /// given back for one-to-one chat.
    pub(in crate::session) fn room_message(&mut self, m: Message) -> Option<Message> {
        if let Some(invitation) = invitation(&m) {
            self.event(invitation);
            return None;
        }
        let from = m.from.clone()?;
        let room = from.to_bare();
        if m.type_ != MessageType::Groupchat {
            return Some(m);
        }
        if !self.rooms.is_room(&room) {
            self.ignore("a groupchat message from a room we are not in");
            return None;
        }
        self.rooms.heard(&room, self.now_ms);
        match from.resource() {
            None => self.room_notice(room, &m),
            Some(nick) => {
                let nick = cut(nick.as_str(), MAX_NICK);
                self.groupchat(room, nick, m, None);
            }
        }
        None
    }

    /// What the room says itself: status codes of a configuration change.
    fn room_notice(&mut self, room: BareJid, m: &Message) {
        let statuses: Vec<Status> = m
            .payloads
            .iter()
            .find(|p| p.is("x", ns::MUC_USER))
            .map(super::occupants::statuses)
            .unwrap_or_default();
        if !statuses.is_empty() {
            self.event(Event::RoomChanged { room, statuses });
        }
    }

    /// A message of the room's own archive (XEP-0313), archived as `id`.
    pub(in crate::session) fn archived_groupchat(
        &mut self,
        room: BareJid,
        m: Message,
        archived: FromArchive,
    ) {
        let Some(nick) = m
            .from
            .as_ref()
            .and_then(|f| f.resource())
            .map(|n| cut(n.as_str(), MAX_NICK))
        else {
            return self.ignore("an archived room message from no occupant");
        };
        self.groupchat(room, nick, m, Some(archived));
    }

    /// §8.1: a subject without a body; an empty one clears it.
    fn subject(&mut self, room: BareJid, nick: String, m: &Message) {
        if let Some((_, subject)) = m.get_best_subject_cloned(vec![]) {
            let subject = cut(subject.trim(), MAX_SUBJECT);
            self.event(Event::SubjectChanged {
                room,
                subject: (!subject.is_empty()).then_some(subject),
                by: Some(nick),
            });
        }
    }

    /// An occupant's message, or the subject (§8.1); from the room's
    /// archive when `archived` names its id and stamp.
    fn groupchat(&mut self, room: BareJid, nick: String, m: Message, archived: Archived) {
        let Some((_, body)) = m.get_best_body_cloned(vec![]) else {
            return self.subject(room, nick, &m);
        };
        if archived.is_some() && m.type_ != MessageType::Groupchat {
            return self.ignore("a room's archive holds a message that is not groupchat");
        }
        let ids = incoming::ids(&m, &room);
        let sender_id = ids.origin_id.clone().or_else(|| ids.id.clone());
        let own = self.rooms.nick(&room) == Some(nick.as_str())
            || sender_id.as_deref().is_some_and(|id| self.chats.is_ours(id));
        let from_archive = archived.is_some();
        let history = archived.as_ref().is_some_and(|a| !a.new);
        let (archive_id, stamp) = match archived {
            Some(a) => (Some(a.id), a.stamp),
            None => (ids.stanza_id.clone(), None),
        };
        if let Some(id) = archive_id.as_ref().filter(|_| !from_archive) {
            self.rooms.archived_live(&room, id);
        }
        if own
            && !from_archive
            && let Some(id) = &sender_id
        {
            // The room took it and sent it to everyone.
            self.delivery(id.clone(), Delivery::Delivered);
        }
        let delayed = m.payloads.iter().any(|p| p.is("delay", ns::DELAY));
        self.event(Event::MessageReceived(ChatMessage {
            conversation: ConversationId::Room(room),
            sender: Sender::Occupant {
                nick,
                occupant_id: super::occupants::occupant_id(&m.payloads),
            },
            direction: if own {
                Direction::Outgoing
            } else {
                Direction::Incoming
            },
            kind: MessageType::Groupchat,
            stable_id: archive_id.clone().or(sender_id),
            archive_id,
            id: ids.id,
            body,
            timestamp_ms: incoming::sent_at(&m, stamp, self.now_ms),
            receipt_requested: false,
            markable: false,
            replaces: incoming::replaces(&m),
            // History the room sent on joining is not new.
            archived: (delayed && !from_archive) || history,
            from_archive,
        }));
    }
}
