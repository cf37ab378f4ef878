//! One-to-one chat (RFC 6121 §5) with XEP-0359 ids, XEP-0184 receipts,
//! XEP-0333 displayed markers, XEP-0085 chat states and XEP-0280 carbons.

use minidom::Element;
use xmpp_parsers::carbons;
use xmpp_parsers::chatstates::ChatState;
use xmpp_parsers::delay::Delay;
use xmpp_parsers::jid::{BareJid, Jid};
use xmpp_parsers::message::{Lang, Message, MessageType};
use xmpp_parsers::receipts;
use xmpp_parsers::stanza_id::{OriginId, StanzaId};

use super::{ChatMessage, Delivery, Direction, Event, NS_CARBONS, Session};

/// XEP-0333: Chat Markers.
const NS_MARKERS: &str = "urn:xmpp:chat-markers:0";

impl Session {
    /// Sends, or queues until the session is ready.
    pub(super) fn send_message(&mut self, id: String, to: BareJid, body: String) {
        self.event(Event::MessageStateChanged {
            id: id.clone(),
            state: Delivery::Pending,
        });
        if self.is_ready() {
            self.transmit_message(id, to, body);
        } else {
            self.outbox.push((id, to, body));
        }
    }

    /// Sends what was queued while offline.
    pub(super) fn flush_outbox(&mut self) {
        for (id, to, body) in std::mem::take(&mut self.outbox) {
            self.transmit_message(id, to, body);
        }
    }

    fn transmit_message(&mut self, id: String, to: BareJid, body: String) {
        let mut m = Message::chat(Jid::from(to)).with_body(Lang::default(), body);
        m.id = Some(xmpp_parsers::message::Id(id.clone()));
        m.payloads.push(OriginId { id: id.clone() }.into());
        m.payloads.push(receipts::Request.into());
        m.payloads.push(xmpp_parsers::displayed_markers::Markable.into());
        m.payloads.push(ChatState::Active.into());
        self.send_stanza(m.into(), Some(id));
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
        // XEP-0280 §11: a carbon must come from our own bare JID.
        if let Some(carbon) = m.payloads.iter().find(|p| p.ns() == NS_CARBONS) {
            if !m
                .from
                .as_ref()
                .is_some_and(|f| f.resource().is_none() && f.to_bare() == self.jid)
            {
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
            return self.chat_message(inner, direction);
        }
        self.chat_message(m, Direction::Incoming);
    }

    fn chat_message(&mut self, m: Message, direction: Direction) {
        let peer_jid = match direction {
            Direction::Incoming => m.from.clone(),
            Direction::Outgoing => m.to.clone(),
        };
        let Some(peer_jid) = peer_jid else {
            return self.ignore("message without a peer");
        };
        if direction == Direction::Incoming {
            for p in &m.payloads {
                let acked = if p.is("received", "urn:xmpp:receipts") {
                    p.attr("id").map(|id| (id.to_owned(), Delivery::Delivered))
                } else if p.is("displayed", NS_MARKERS) {
                    p.attr("id").map(|id| (id.to_owned(), Delivery::Displayed))
                } else {
                    None
                };
                if let Some((id, state)) = acked {
                    self.event(Event::MessageStateChanged { id, state });
                }
            }
        }
        let Some((_, body)) = m.get_best_body_cloned(vec![]) else {
            return;
        };
        let id = m.id.as_ref().map(|i| i.0.clone());
        let own = self.jid.clone();
        let payload = |name: &str, ns: &str| m.payloads.iter().find(|p| p.is(name, ns)).cloned();
        // Our server's archive id is the stable one; others' can be forged.
        let stanza_id = m
            .payloads
            .iter()
            .filter(|p| p.is("stanza-id", "urn:xmpp:sid:0"))
            .filter_map(|p| StanzaId::try_from(p.clone()).ok())
            .find(|s| s.by.as_str() == own.as_str())
            .map(|s| s.id);
        let origin_id = payload("origin-id", "urn:xmpp:sid:0")
            .and_then(|p| OriginId::try_from(p).ok())
            .map(|o| o.id);
        let receipt_requested = payload("request", "urn:xmpp:receipts").is_some();
        let timestamp_ms = payload("delay", "urn:xmpp:delay")
            .and_then(|p| Delay::try_from(p).ok())
            .and_then(|d| u64::try_from(d.stamp.0.timestamp_millis()).ok())
            .unwrap_or(self.now_ms);
        let wants_receipt =
            receipt_requested && direction == Direction::Incoming && m.type_ != MessageType::Groupchat;
        if let Some(id) = id.as_ref().filter(|_| wants_receipt) {
            let mut receipt = Message::new(Some(peer_jid.clone()));
            receipt.type_ = m.type_.clone();
            receipt.id = Some(xmpp_parsers::message::Id(self.id()));
            receipt
                .payloads
                .push(receipts::Received { id: id.clone() }.into());
            self.send_stanza(receipt.into(), None);
        }
        self.event(Event::MessageReceived(ChatMessage {
            peer: peer_jid.to_bare(),
            from: Some(peer_jid),
            direction,
            stable_id: stanza_id.or(origin_id).or_else(|| id.clone()),
            id,
            body,
            timestamp_ms,
            receipt_requested,
        }));
    }

    fn message_error(&mut self, m: &Message) {
        let Some(id) = m.id.as_ref().map(|i| i.0.clone()) else {
            return;
        };
        let reason = m
            .payloads
            .iter()
            .find(|p| p.name() == "error")
            .and_then(|e| {
                e.children()
                    .find(|c| c.ns() == "urn:ietf:params:xml:ns:xmpp-stanzas" && c.name() != "text")
            })
            .map_or_else(
                || "the message could not be delivered".to_owned(),
                |c| c.name().to_owned(),
            );
        self.event(Event::MessageStateChanged {
            id,
            state: Delivery::Failed { reason },
        });
    }
}
