//! XEP-0280: Message Carbons: the copies of what our other devices sent
//! and received. Carbons are enabled at session start, in `bind`.

use xmpp_parsers::carbons::{Received, Sent};
use xmpp_parsers::message::Message;

use crate::ns;
use crate::session::Direction;

/// The message that a carbon `m` carries, and which way it went; `None`
/// when `m` is no carbon. `from_own_account` says whether `m` came from
/// our bare JID, as XEP-0280 §11 requires.
pub(in crate::session) fn unwrap(
    m: &Message,
    from_own_account: bool,
) -> Option<Result<(Message, Direction), String>> {
    let carbon = m
        .payloads
        .iter()
        .find(|p| p.ns() == ns::CARBONS && matches!(p.name(), "received" | "sent"))?;
    if m.from.is_none() || !from_own_account {
        return Some(Err("carbon from a foreign JID".into()));
    }
    let unwrapped = if carbon.name() == "received" {
        Received::try_from(carbon.clone()).map(|r| (r.forwarded.message, Direction::Incoming))
    } else {
        Sent::try_from(carbon.clone()).map(|s| (s.forwarded.message, Direction::Outgoing))
    };
    Some(unwrapped.map_err(|e| format!("invalid carbon: {e}")))
}

#[cfg(test)]
mod tests {
    use crate::session::tests::*;
    use crate::session::*;

    #[test]
    fn carbons_are_accepted_only_from_our_bare_jid() {
        let carbon = |from: &str| {
            format!(
                "<message {C} from='{from}' to='user@example.com/abc' type='chat'>\
                 <sent xmlns='urn:xmpp:carbons:2'><forwarded xmlns='urn:xmpp:forward:0'>\
                 <message {C} from='user@example.com/phone' to='juliet@example.net' type='chat' id='c1'>\
                 <body>from my phone</body></message></forwarded></sent></message>"
            )
        };
        let mut s = logged_in();
        feed(&mut s, &carbon("mallory@evil.example"));
        feed(&mut s, &carbon("user@example.com/other"));
        assert_eq!(ignored(&mut s), ["carbon from a foreign JID"; 2]);
        feed(&mut s, &carbon("user@example.com"));
        let ev = events(&mut s);
        assert!(
            matches!(&ev[..], [Event::MessageReceived(m)]
                if m.direction == Direction::Outgoing && m.conversation.bare().as_str() == "juliet@example.net" && m.body == "from my phone"),
            "{ev:?}"
        );
    }

    #[test]
    fn unwraps_received_carbons_and_refuses_broken_ones() {
        let message = |xml: &str| {
            let Ok(Ok(m)) = xml
                .parse::<minidom::Element>()
                .map(xmpp_parsers::message::Message::try_from)
            else {
                panic!("a literal message")
            };
            m
        };
        let received = message(&format!(
            "<message {C} from='user@example.com'><received xmlns='urn:xmpp:carbons:2'>\
             <forwarded xmlns='urn:xmpp:forward:0'><message {C} from='juliet@example.net/a' id='r1'>\
             <body>hi</body></message></forwarded></received></message>"
        ));
        let Some(Ok((inner, direction))) = super::unwrap(&received, true) else {
            panic!("a received carbon")
        };
        assert_eq!(
            (inner.id.map(|i| i.0), direction),
            (Some("r1".into()), Direction::Incoming)
        );
        let broken = message(&format!(
            "<message {C} from='user@example.com'><sent xmlns='urn:xmpp:carbons:2'/></message>"
        ));
        assert!(matches!(super::unwrap(&broken, true), Some(Err(e)) if e.starts_with("invalid carbon: ")));
        let private = message(&format!(
            "<message {C} from='juliet@example.net/a'><private xmlns='urn:xmpp:carbons:2'/></message>"
        ));
        assert!(super::unwrap(&private, false).is_none());
    }
}
