//! One-to-one chat (RFC 6121 §5): sending with XEP-0359 ids and XEP-0308
//! corrections, and the path of an incoming message, from its sender check
//! through carbon (`carbons`) and archive (`mam`) unwrapping to the stages
//! in `incoming`, receipts and markers (`receipts`) and chat states
//! (`chatstates`).

use crate::element::ToElement;
use minidom::Element;
use xmpp_parsers::chatstates::ChatState;
use xmpp_parsers::date::DateTime;
use xmpp_parsers::jid::Jid;
use xmpp_parsers::message::{Id, Lang, Message, MessageType};
use xmpp_parsers::message_correct::Replace;
use xmpp_parsers::stanza_id::OriginId;

use super::{
    ChatMessage, ConversationId, Delivery, Direction, Event, RequestError, Sender, Session, StanzaCondition,
};
use crate::ns;

/// What chat keeps: messages waiting for the session, whom our recent
/// messages went to, and our chat state to each contact.
#[derive(Debug, Default)]
pub(super) struct Chats {
    outbox: Vec<Outgoing>,
    /// Messages of a session that ended before the server acknowledged
    /// them, to send again as they were.
    resend: Vec<(Element, String)>,
    recipients: receipts::Recipients,
    states: chatstates::OwnChatStates,
}

impl Chats {
    /// A new session: contacts saw us go, not whether we were typing.
    pub fn new_session(&mut self) {
        self.states.clear();
    }

    /// Whether `id` is one of our recent messages'.
    pub fn is_ours(&self, id: &str) -> bool {
        self.recipients.get(id).is_some()
    }

    /// Messages the last session did not get acknowledged, to send again
    /// once the next one is ready.
    pub fn resend_later(&mut self, unacknowledged: Vec<(Element, String)>) {
        self.resend.extend(unacknowledged);
    }
}

/// A message waiting for the session to be ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Outgoing {
    id: String,
    to: ConversationId,
    body: String,
    replaces: Option<String>,
}

/// How a message reached us.
enum Via {
    /// Sent to us.
    Live,
    /// Copied from another of our devices (XEP-0280).
    Carbon,
    /// From the archive (XEP-0313).
    Archive(Archived),
}

/// Where a message came from, when not live.
struct Archived {
    id: String,
    stamp: Option<DateTime>,
    /// Found by catch-up: new to the person, unlike history.
    new: bool,
}

impl Session {
    /// A command about one-to-one chat, or a room's messages.
    pub(super) fn chat_command(&mut self, command: super::Command) {
        use super::Command;
        match command {
            Command::SendMessage { id, to, body } => self.send_message(id, to, body, None),
            Command::CorrectMessage {
                id,
                to,
                replaces,
                body,
            } => self.send_message(id, to, body, Some(replaces)),
            Command::SendChatState { to, state } => self.send_chat_state(to, state),
            Command::MarkDisplayed { to, id } => self.mark_displayed(to, id),
            _ => {}
        }
    }

    /// Sends, or queues until the session is ready.
    pub(super) fn send_message(
        &mut self,
        id: String,
        to: ConversationId,
        body: String,
        replaces: Option<String>,
    ) {
        self.chats.recipients.insert(&id, to.clone());
        self.delivery(id.clone(), Delivery::Pending);
        let m = Outgoing {
            id,
            to,
            body: crate::element::xml_text(body),
            replaces,
        };
        if self.is_ready() {
            self.transmit_message(m);
        } else {
            self.chats.outbox.push(m);
        }
    }

    /// Sends again what the last session did not get acknowledged, then
    /// what was queued while offline.
    pub(super) fn flush_outbox(&mut self) {
        let resend = std::mem::take(&mut self.chats.resend);
        let again = !resend.is_empty();
        for (el, id) in resend {
            self.send_stanza(el, Some(id));
        }
        if again && self.sm.is_enabled() {
            self.send(super::sm::request());
        }
        for m in std::mem::take(&mut self.chats.outbox) {
            self.transmit_message(m);
        }
    }

    /// One of our messages moved on: told with its conversation, while
    /// we remember where it went.
    pub(super) fn delivery(&mut self, id: String, state: Delivery) {
        if let Some(conversation) = self.chats.recipients.get(&id).cloned() {
            self.event(Event::MessageStateChanged {
                conversation,
                id,
                state,
            });
        }
    }

    fn transmit_message(&mut self, out: Outgoing) {
        self.chats.recipients.insert(&out.id, out.to.clone());
        let mut m = Message::new(Some(out.to.jid())).with_body(Lang::default(), out.body);
        m.type_ = out.to.message_type();
        m.id = Some(Id(out.id.clone()));
        m.payloads.push(OriginId { id: out.id.clone() }.to_element());
        if let Some(replaces) = out.replaces {
            m.payloads.push(Replace { id: Id(replaces) }.to_element());
        }
        // XEP-0184 §5.3: no receipts in rooms.
        if let Some(contact) = out.to.chat() {
            // The message says active.
            self.chats.states.remove(contact);
            m.payloads.push(xmpp_parsers::receipts::Request.to_element());
            m.payloads.push(xmpp_parsers::displayed_markers::Markable.into());
            m.payloads.push(ChatState::Active.into());
        }
        self.send_stanza(m.to_element(), Some(out.id));
        if self.sm.is_enabled() {
            self.send(super::sm::request());
        }
    }

    pub(super) fn message(&mut self, el: Element) {
        let m = match Message::try_from(el) {
            Ok(m) => m,
            Err(e) => return self.ignore(format!("invalid message: {e}")),
        };
        if m.type_ == MessageType::Error {
            return self.message_error(&m);
        }
        let from_own_account = m
            .from
            .as_ref()
            .is_none_or(|f| f.resource().is_none() && f.to_bare() == self.jid);
        if let Some(result) = m.payloads.iter().find(|p| p.is("result", ns::MAM)) {
            return self.mam_result(m.from.as_ref(), result.clone());
        }
        if let Some(event) = m.payloads.iter().find(|p| p.is("event", ns::PUBSUB_EVENT))
            && self.bookmarks_pushed(from_own_account, event)
        {
            return;
        }
        let Some(m) = self.room_message(m) else {
            return;
        };
        match carbons::unwrap(&m, from_own_account) {
            Some(Ok((inner, direction))) => self.chat_message(inner, direction, Via::Carbon),
            Some(Err(reason)) => self.ignore(reason),
            None => self.chat_message(m, Direction::Incoming, Via::Live),
        }
    }

    /// A message archived under `id` (MAM); `new` when catch-up found it.
    pub(super) fn archived_message(
        &mut self,
        m: Message,
        direction: Direction,
        id: String,
        stamp: Option<DateTime>,
        new: bool,
    ) {
        self.chat_message(m, direction, Via::Archive(Archived { id, stamp, new }));
    }

    /// A chat message, unwrapped: reported once, after its receipt is sent.
    fn chat_message(&mut self, m: Message, direction: Direction, via: Via) {
        let peer_jid = match direction {
            Direction::Incoming => m.from.clone(),
            Direction::Outgoing => m.to.clone(),
        };
        let Some(peer_jid) = peer_jid else {
            return self.ignore("message without a peer");
        };
        let live = matches!(via, Via::Live);
        let archived = matches!(via, Via::Archive(Archived { new: false, .. }));
        let from_archive = matches!(via, Via::Archive(_));
        if direction == Direction::Incoming && live {
            for p in &m.payloads {
                self.acknowledgement(p, &peer_jid);
                self.chat_state(p, &peer_jid);
            }
        }
        let Some((_, body)) = m.get_best_body_cloned(vec![]) else {
            return;
        };
        let receipt_requested = m.payloads.iter().any(|p| p.is("request", ns::RECEIPTS));
        let markable = m.payloads.iter().any(|p| p.is("markable", ns::CHAT_MARKERS));
        if receipt_requested && live && direction == Direction::Incoming {
            self.send_receipt(&m, &peer_jid);
        }
        let ids = incoming::ids(&m, &self.jid);
        self.note_ids(&ids, direction, &peer_jid, &via);
        let (archive_id, archive_stamp) = match via {
            Via::Archive(a) => (Some(a.id), a.stamp),
            Via::Live | Via::Carbon => (None, None),
        };
        let server_id = archive_id.or(ids.stanza_id);
        let sender_id = ids.origin_id.or_else(|| ids.id.clone());
        let timestamp_ms = incoming::sent_at(&m, archive_stamp, self.now_ms);
        let replaces = incoming::replaces(&m);
        let (conversation, sender) = self.conversation_of(&m, direction, peer_jid);
        self.event(Event::MessageReceived(ChatMessage {
            conversation,
            sender,
            direction,
            kind: m.type_.clone(),
            stable_id: server_id.clone().or(sender_id),
            archive_id: server_id,
            id: ids.id,
            body,
            timestamp_ms,
            receipt_requested,
            markable,
            replaces,
            archived,
            from_archive,
        }));
    }

    /// Where a one-to-one message belongs, and who sent it: a private
    /// message with a room's occupant (XEP-0045 §7.5) is apart from the
    /// room, and its sender is a nick.
    fn conversation_of(&self, m: &Message, direction: Direction, peer: Jid) -> (ConversationId, Sender) {
        let ours = || Sender::Account(m.from.clone().unwrap_or_else(|| self.jid.clone().into()));
        if let Ok(occupant) = peer.clone().try_into_full()
            && self.rooms.is_room(&occupant.to_bare())
        {
            let sender = match direction {
                Direction::Incoming => Sender::Occupant {
                    nick: occupant.resource().to_string(),
                    occupant_id: None,
                },
                Direction::Outgoing => ours(),
            };
            return (ConversationId::Private(occupant), sender);
        }
        let sender = match direction {
            Direction::Incoming => Sender::Account(peer.clone()),
            Direction::Outgoing => ours(),
        };
        (ConversationId::Chat(peer.to_bare()), sender)
    }

    /// What a message's ids tell: how far our archive goes, and whom our
    /// own messages went to.
    fn note_ids(&mut self, ids: &incoming::Ids, direction: Direction, peer: &Jid, via: &Via) {
        if let (Some(archived_as), Via::Live | Via::Carbon) = (&ids.stanza_id, via) {
            self.archived_live(archived_as);
        }
        // Sent from another of our devices, or before a reload: its
        // recipient may still acknowledge it.
        if direction == Direction::Outgoing {
            for sent in [&ids.id, &ids.origin_id].into_iter().flatten() {
                self.chats
                    .recipients
                    .insert(sent, ConversationId::Chat(peer.to_bare()));
            }
        }
    }

    /// RFC 6120 §8.3: an error about one of our messages comes from its
    /// recipient, or from its server or ours on their behalf.
    fn message_error(&mut self, m: &Message) {
        let Some(id) = m.id.as_ref().map(|i| i.0.clone()) else {
            return;
        };
        let Some(to) = self.chats.recipients.get(&id).map(ConversationId::bare) else {
            return self.ignore("an error about a message we did not send");
        };
        let expected = self.is_server_or_self(m.from.as_ref())
            || m.from.as_ref().is_some_and(|f| {
                f.to_bare() == to
                    || (f.node().is_none() && f.resource().is_none() && f.domain() == to.domain())
            });
        if !expected {
            return self.ignore("an error about our message from someone else");
        }
        // No parseable condition: undefined-condition.
        let condition = m
            .payloads
            .iter()
            .find(|p| p.is("error", crate::ns::JABBER_CLIENT))
            .map_or(StanzaCondition::UndefinedCondition, super::stanza_condition);
        self.delivery(
            id,
            Delivery::Failed {
                error: RequestError::Stanza(condition),
            },
        );
    }
}

mod carbons;
mod chatstates;
pub(super) mod incoming;
mod receipts;

#[cfg(test)]
mod tests;
