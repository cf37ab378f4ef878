//! XEP-0184: Message Delivery Receipts, and the displayed marker of
//! XEP-0333: Chat Markers. Only whom a message went to may acknowledge it.

use minidom::Element;
use xmpp_parsers::jid::{BareJid, Jid};
use xmpp_parsers::message::{Id, Message, MessageType};
use xmpp_parsers::receipts;

use crate::element::ToElement;
use crate::ns;
use crate::session::{Delivery, Session};

/// Our messages whose recipient is remembered, to check who acknowledges
/// them.
const SENT_CAPACITY: usize = 1_000;

/// Whom each of our recent messages went to, by id.
pub(in crate::session) type Recipients =
    crate::session::recent::Recent<crate::session::ConversationId, SENT_CAPACITY>;

/// The message that `p` acknowledges, and how far it got.
fn acknowledged(p: &Element) -> Option<(String, Delivery)> {
    let state = if p.is("received", ns::RECEIPTS) {
        Delivery::Delivered
    } else if p.is("displayed", ns::CHAT_MARKERS) {
        Delivery::Displayed
    } else {
        return None;
    };
    p.attr("id").map(|id| (id.to_owned(), state))
}

impl Session {
    /// A receipt or displayed marker in a live message from `from`.
    pub(in crate::session) fn acknowledgement(&mut self, p: &Element, from: &Jid) {
        let Some((id, state)) = acknowledged(p) else {
            return;
        };
        let sent_to = self.chats.recipients.get(&id).and_then(|c| c.chat());
        if sent_to == Some(&from.to_bare()) {
            self.delivery(id, state);
        } else {
            self.ignore("a receipt or marker from someone the message was not sent to");
        }
    }

    /// XEP-0184 §5.4: a receipt for a live message that asks for one,
    /// except from ourselves or a room. A resent message gets one again,
    /// since the first may have been lost.
    pub(in crate::session) fn send_receipt(&mut self, m: &Message, peer: &Jid) {
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

    /// XEP-0333: we read up to `id`; stored, so our other devices learn it
    /// too.
    pub(in crate::session) fn mark_displayed(&mut self, to: BareJid, id: String) {
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
}

#[cfg(test)]
mod tests {
    use crate::session::tests::*;
    use crate::session::*;

    #[test]
    fn marks_messages_displayed() {
        let mut s = logged_in();
        s.handle_command(Command::MarkDisplayed {
            to: "juliet@example.net".parse().unwrap(),
            id: "j1".into(),
        });
        expect_out(
            &mut s,
            &[&format!(
                "<message {C} to='juliet@example.net' id='t6' type='chat'>\
                 <displayed xmlns='urn:xmpp:chat-markers:0' id='j1'/><store xmlns='urn:xmpp:hints'/></message>"
            )],
        );
    }

    #[test]
    fn receipts_go_only_to_others_for_live_messages() {
        let mut s = logged_in();
        let carbon = format!(
            "<message {C} from='user@example.com' type='chat'><received xmlns='urn:xmpp:carbons:2'>\
             <forwarded xmlns='urn:xmpp:forward:0'><message {C} from='juliet@example.net/a' \
             to='user@example.com/phone' type='chat' id='c1'><body>to my phone</body>\
             <request xmlns='urn:xmpp:receipts'/></message></forwarded></received></message>"
        );
        feed(&mut s, &carbon);
        feed(
            &mut s,
            &format!(
                "<message {C} from='user@example.com/laptop' type='chat' id='self1'><body>note to self</body>\
                 <request xmlns='urn:xmpp:receipts'/></message>"
            ),
        );
        assert!(out(&mut s).is_empty());
        assert_eq!(
            events(&mut s)
                .iter()
                .filter(|e| matches!(e, Event::MessageReceived(_)))
                .count(),
            2
        );
    }

    #[test]
    fn only_the_recipient_acknowledges_a_message() {
        let mut s = logged_in();
        send_to_juliet(&mut s, "m1");
        for (from, payload) in [
            (
                "mallory@example.org/x",
                "<received xmlns='urn:xmpp:receipts' id='m1'/>",
            ),
            (
                "mallory@example.org/x",
                "<displayed xmlns='urn:xmpp:chat-markers:0' id='m1'/>",
            ),
            (
                "juliet@example.net/phone",
                "<received xmlns='urn:xmpp:receipts' id='other'/>",
            ),
        ] {
            feed(&mut s, &format!("<message {C} from='{from}'>{payload}</message>"));
            assert_eq!(
                ignored(&mut s),
                ["a receipt or marker from someone the message was not sent to"],
                "{payload}"
            );
        }
        let error = |from: &str, id: &str| {
            format!(
                "<message {C} type='error' id='{id}' from='{from}'><error type='cancel'>\
                 <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>"
            )
        };
        feed(&mut s, &error("mallory@example.org", "m1"));
        assert_eq!(ignored(&mut s), ["an error about our message from someone else"]);
        feed(&mut s, &error("example.net", "unknown"));
        assert_eq!(ignored(&mut s), ["an error about a message we did not send"]);
        feed(
            &mut s,
            &format!(
                "<message {C} from='juliet@example.net/phone'><received xmlns='urn:xmpp:receipts' id='m1'/></message>"
            ),
        );
        // Her server answers for her.
        feed(&mut s, &error("example.net", "m1"));
        assert_eq!(
            events(&mut s),
            [
                moved("m1", Delivery::Delivered),
                moved(
                    "m1",
                    Delivery::Failed {
                        error: RequestError::Stanza(StanzaCondition::ItemNotFound)
                    }
                ),
            ]
        );
    }
}
