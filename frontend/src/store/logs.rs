//! Conversations by [`ConversationId`]: a contact's, a room's or a room
//! occupant's log, where messages are routed, and what each is called.

use parlons_shared::session::{ChatMessage, ConversationId, Direction};

use super::conversation::Conversation;
use super::{Outcome, Store};

impl Store {
    /// A conversation's log, if it has one yet.
    pub fn log(&self, id: &ConversationId) -> Option<&Conversation> {
        match id {
            ConversationId::Chat(jid) => self.conversations.get(jid),
            ConversationId::Room(jid) => self.rooms.get(jid).map(|r| &r.log),
            ConversationId::Private(jid) => self.private.get(jid),
        }
    }

    /// A conversation's log, created when first needed, counted as changed.
    pub fn log_mut(&mut self, id: &ConversationId) -> &mut Conversation {
        match id {
            ConversationId::Chat(jid) => self.conversation(jid),
            ConversationId::Room(jid) => {
                let log = &mut self.room(jid).log;
                log.revision += 1;
                log
            }
            ConversationId::Private(jid) => {
                let c = self.private.entry(jid.clone()).or_default();
                c.revision += 1;
                c
            }
        }
    }

    /// A conversation's log, only if it exists.
    pub(super) fn existing_log(&mut self, id: &ConversationId) -> Option<&mut Conversation> {
        match id {
            ConversationId::Chat(jid) => self.conversations.get_mut(jid),
            ConversationId::Room(jid) => self.rooms.get_mut(jid).map(|r| &mut r.log),
            ConversationId::Private(jid) => self.private.get_mut(jid),
        }
    }

    /// What a conversation is called: the contact's name, the room's, or
    /// an occupant's nick; else the address.
    pub fn title_of(&self, id: &ConversationId) -> String {
        match id {
            ConversationId::Chat(jid) => self
                .contacts
                .get(jid)
                .map_or_else(|| jid.to_string(), |c| c.display_name().to_owned()),
            ConversationId::Room(jid) => self
                .rooms
                .get(jid)
                .map_or_else(|| jid.to_string(), |r| r.title(jid)),
            ConversationId::Private(jid) => jid.resource().to_string(),
        }
    }

    pub(super) fn message(&mut self, m: ChatMessage) -> Outcome {
        let peer = match m.conversation.clone() {
            ConversationId::Chat(peer) => peer,
            ConversationId::Room(room) => return self.room_message(m, room),
            // A room's occupant is no stranger: the room vouches for them.
            ConversationId::Private(_) => return self.private_message(m),
        };
        let body = m.body.clone();
        let live_incoming = !m.archived && m.direction == Direction::Incoming;
        if m.direction == Direction::Incoming && self.is_stranger(&peer) {
            // No notification: a request waits to be looked at.
            self.strangers.add(m);
            return Outcome::Nothing;
        }
        let seen = self.attentive && self.open.as_ref().and_then(ConversationId::chat) == Some(&peer);
        let new = self.conversation(&peer).receive(m, !seen);
        if new && live_incoming {
            Outcome::NewMessage {
                from: ConversationId::Chat(peer),
                body,
            }
        } else {
            Outcome::Nothing
        }
    }

    fn private_message(&mut self, m: ChatMessage) -> Outcome {
        let id = m.conversation.clone();
        let live_incoming = !m.archived && m.direction == Direction::Incoming;
        let body = m.body.clone();
        let seen = self.attentive && self.open.as_ref() == Some(&id);
        let new = self.log_mut(&id).receive(m, !seen);
        if new && live_incoming {
            Outcome::NewMessage { from: id, body }
        } else {
            Outcome::Nothing
        }
    }
}
