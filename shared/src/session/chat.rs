//! One-to-one chat (RFC 6121 §5) with XEP-0359 ids, XEP-0184 receipts,
//! XEP-0333 displayed markers, XEP-0085 chat states, XEP-0308 corrections,
//! XEP-0203 delays, XEP-0334 hints and XEP-0280 carbons.

use crate::element::ToElement;
use minidom::Element;
use xmpp_parsers::carbons;
use xmpp_parsers::chatstates::ChatState;
use xmpp_parsers::date::DateTime;
use xmpp_parsers::jid::{BareJid, Jid};
use xmpp_parsers::message::{Id, Lang, Message, MessageType};
use xmpp_parsers::message_correct::Replace;
use xmpp_parsers::receipts;
use xmpp_parsers::stanza_id::OriginId;

use super::{ChatMessage, Delivery, Direction, Event, RequestError, Session, StanzaCondition, incoming};
use crate::ns;

/// Our messages whose recipient is remembered, to check who acknowledges
/// them.
const SENT_CAPACITY: usize = 1_000;

/// Whom each of our recent messages went to, by id.
pub(super) type Recipients = super::recent::Recent<BareJid, SENT_CAPACITY>;

/// XEP-0085: typing stops counting as composing after this long.
const PAUSED_AFTER_MS: u64 = 30_000;

/// Contacts whose chat state we keep track of, at most.
const MAX_CHAT_STATES: usize = 256;

/// Our last chat state to each contact that is not simply active, and when
/// the owner last set it.
pub(super) type OwnChatStates = std::collections::HashMap<BareJid, (ChatState, u64)>;

/// What chat keeps: messages waiting for the session, whom our recent
/// messages went to, and our chat state to each contact.
#[derive(Debug, Default)]
pub(super) struct Chats {
    pub outbox: Vec<Outgoing>,
    pub recipients: Recipients,
    pub states: OwnChatStates,
}

/// A message waiting for the session to be ready.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Outgoing {
    id: String,
    to: BareJid,
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
}

impl Session {
    /// Sends, or queues until the session is ready.
    pub(super) fn send_message(&mut self, id: String, to: BareJid, body: String, replaces: Option<String>) {
        self.event(Event::MessageStateChanged {
            id: id.clone(),
            state: Delivery::Pending,
        });
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

    /// Sends what was queued while offline.
    pub(super) fn flush_outbox(&mut self) {
        for m in std::mem::take(&mut self.chats.outbox) {
            self.transmit_message(m);
        }
    }

    fn transmit_message(&mut self, out: Outgoing) {
        self.chats.recipients.insert(&out.id, out.to.clone());
        // The message says active.
        self.chats.states.remove(&out.to);
        let mut m = Message::chat(Jid::from(out.to)).with_body(Lang::default(), out.body);
        m.id = Some(Id(out.id.clone()));
        m.payloads.push(OriginId { id: out.id.clone() }.to_element());
        if let Some(replaces) = out.replaces {
            m.payloads.push(Replace { id: Id(replaces) }.to_element());
        }
        m.payloads.push(receipts::Request.to_element());
        m.payloads.push(xmpp_parsers::displayed_markers::Markable.into());
        m.payloads.push(ChatState::Active.into());
        self.send_stanza(m.to_element(), Some(out.id));
        if self.sm.is_enabled() {
            self.send(super::sm::request());
        }
    }

    /// A chat state on its own: transient, so not archived. Sent when it
    /// changes; the owner may repeat `composing` at every keystroke.
    pub(super) fn send_chat_state(&mut self, to: BareJid, state: ChatState) {
        if !self.is_ready() {
            return;
        }
        let tracked = matches!(state, ChatState::Composing | ChatState::Paused);
        let last = if tracked
            && (self.chats.states.contains_key(&to) || self.chats.states.len() < MAX_CHAT_STATES)
        {
            self.chats.states.insert(to.clone(), (state.clone(), self.now_ms))
        } else {
            self.chats.states.remove(&to)
        };
        if last.is_some_and(|(last, _)| last == state) {
            return;
        }
        let mut m = Message::chat(Jid::from(to));
        m.payloads.push(state.into());
        m.payloads.push(Element::builder("no-store", ns::HINTS).build());
        self.send_stanza(m.to_element(), None);
    }

    /// Composing that the owner stopped refreshing turns to paused.
    pub(super) fn pause_idle_typing(&mut self) {
        let now = self.now_ms;
        let idle: Vec<BareJid> = self
            .chats
            .states
            .iter()
            .filter(|(_, (state, since))| {
                *state == ChatState::Composing && now.saturating_sub(*since) >= PAUSED_AFTER_MS
            })
            .map(|(jid, _)| jid.clone())
            .collect();
        for jid in idle {
            self.send_chat_state(jid, ChatState::Paused);
        }
    }

    /// XEP-0333: we read up to `id`; stored, so our other devices learn it
    /// too.
    pub(super) fn mark_displayed(&mut self, to: BareJid, id: String) {
        if !self.is_ready() {
            return;
        }
        let mut m = Message::chat(Jid::from(to));
        m.id = Some(Id(self.id()));
        m.payloads
            .push(xmpp_parsers::displayed_markers::Displayed { id: Id(id) }.to_element());
        m.payloads.push(Element::builder("store", ns::HINTS).build());
        self.send_stanza(m.to_element(), None);
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
            return self.mam_result(from_own_account, result.clone());
        }
        // XEP-0280 §11: a carbon must come from our own bare JID.
        let carbon = m
            .payloads
            .iter()
            .find(|p| p.ns() == ns::CARBONS && matches!(p.name(), "received" | "sent"));
        if let Some(carbon) = carbon {
            if m.from.is_none() || !from_own_account {
                return self.ignore("carbon from a foreign JID");
            }
            let carbon = carbon.clone();
            let (inner, direction) = match carbon.name() {
                "received" => match carbons::Received::try_from(carbon) {
                    Ok(r) => (r.forwarded.message, Direction::Incoming),
                    Err(e) => return self.ignore(format!("invalid carbon: {e}")),
                },
                "sent" => match carbons::Sent::try_from(carbon) {
                    Ok(s) => (s.forwarded.message, Direction::Outgoing),
                    Err(e) => return self.ignore(format!("invalid carbon: {e}")),
                },
                _ => return,
            };
            return self.chat_message(inner, direction, Via::Carbon);
        }
        self.chat_message(m, Direction::Incoming, Via::Live);
    }

    /// A message archived under `archive` (MAM), or live when `None`.
    pub(super) fn archived_message(
        &mut self,
        m: Message,
        direction: Direction,
        id: String,
        stamp: Option<DateTime>,
    ) {
        self.chat_message(m, direction, Via::Archive(Archived { id, stamp }));
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
        let archived = matches!(via, Via::Archive(_));
        if direction == Direction::Incoming && live {
            self.markers_and_states(&m, &peer_jid);
        }
        let Some((_, body)) = m.get_best_body_cloned(vec![]) else {
            return;
        };
        let receipt_requested = m.payloads.iter().any(|p| p.is("request", ns::RECEIPTS));
        if receipt_requested && live && direction == Direction::Incoming {
            self.send_receipt(&m, &peer_jid);
        }
        let ids = incoming::ids(&m, &self.jid);
        // Sent from another of our devices, or before a reload: its
        // recipient may still acknowledge it.
        if direction == Direction::Outgoing {
            for sent in [&ids.id, &ids.origin_id].into_iter().flatten() {
                self.chats.recipients.insert(sent, peer_jid.to_bare());
            }
        }
        let (archive_id, archive_stamp) = match via {
            Via::Archive(a) => (Some(a.id), a.stamp),
            Via::Live | Via::Carbon => (None, None),
        };
        let server_id = archive_id.or(ids.stanza_id);
        let sender_id = ids.origin_id.or_else(|| ids.id.clone());
        let key = incoming::dedup_key(server_id.as_deref(), sender_id.as_deref(), &peer_jid.to_bare());
        if key.is_some_and(|k| !self.seen.insert(&k, ())) {
            return;
        }
        let timestamp_ms = incoming::sent_at(&m, archive_stamp, self.now_ms);
        let replaces = incoming::replaces(&m);
        self.event(Event::MessageReceived(ChatMessage {
            peer: peer_jid.to_bare(),
            // For our own messages, the sender is us, never the peer.
            from: match direction {
                Direction::Incoming => Some(peer_jid),
                Direction::Outgoing => m.from.clone(),
            },
            direction,
            stable_id: server_id.or(sender_id),
            id: ids.id,
            body,
            timestamp_ms,
            receipt_requested,
            replaces,
            archived,
        }));
    }

    /// XEP-0184 §5.4: a receipt for a live message that asks for one,
    /// except from ourselves or a room. A resent message gets one again,
    /// since the first may have been lost.
    fn send_receipt(&mut self, m: &Message, peer: &Jid) {
        let Some(id) = m.id.as_ref() else { return };
        if m.type_ == MessageType::Groupchat || peer.to_bare() == self.jid {
            return;
        }
        let mut receipt = Message::new(Some(peer.clone()));
        receipt.type_ = m.type_.clone();
        receipt.id = Some(Id(self.id()));
        receipt
            .payloads
            .push(receipts::Received { id: id.0.clone() }.to_element());
        // Stored, so that our other devices see it was delivered.
        receipt
            .payloads
            .push(Element::builder("store", ns::HINTS).build());
        self.send_stanza(receipt.to_element(), None);
    }

    /// Receipts, displayed markers and chat states of a live message.
    fn markers_and_states(&mut self, m: &Message, from: &Jid) {
        for p in &m.payloads {
            let acked = if p.is("received", "urn:xmpp:receipts") {
                p.attr("id").map(|id| (id.to_owned(), Delivery::Delivered))
            } else if p.is("displayed", ns::CHAT_MARKERS) {
                p.attr("id").map(|id| (id.to_owned(), Delivery::Displayed))
            } else {
                None
            };
            if let Some((id, state)) = acked {
                // Only whom we sent it to can say it arrived or was read.
                if self.chats.recipients.get(&id) == Some(&from.to_bare()) {
                    self.event(Event::MessageStateChanged { id, state });
                } else {
                    self.ignore("a receipt or marker from someone the message was not sent to");
                }
            }
            let state = (p.ns() == ns::CHATSTATES)
                .then(|| ChatState::try_from(p.clone()).ok())
                .flatten();
            if let Some(state) = state {
                self.event(Event::ChatStateChanged {
                    from: from.to_bare(),
                    state,
                });
            }
        }
    }

    /// RFC 6120 §8.3: an error about one of our messages comes from its
    /// recipient, or from its server or ours on their behalf.
    fn message_error(&mut self, m: &Message) {
        let Some(id) = m.id.as_ref().map(|i| i.0.clone()) else {
            return;
        };
        let Some(to) = self.chats.recipients.get(&id) else {
            return self.ignore("an error about a message we did not send");
        };
        let expected = self.is_server_or_self(m.from.as_ref())
            || m.from.as_ref().is_some_and(|f| {
                f.to_bare() == *to
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
        self.event(Event::MessageStateChanged {
            id,
            state: Delivery::Failed {
                error: RequestError::Stanza(condition),
            },
        });
    }
}

#[cfg(test)]
mod tests;
