//! The stages an incoming chat message goes through before it is reported,
//! each a function of its own: the ids it carries (XEP-0359), when it was
//! sent (XEP-0203) and what it corrects (XEP-0308). The sender check and
//! the carbon (XEP-0280) and archive (XEP-0313) unwrapping come before
//! them, in `chat` and `mam`; receipts, markers and chat states after, in
//! `chat`. Every copy of a message is reported: the owner's store keeps
//! one.

use xmpp_parsers::date::DateTime;
use xmpp_parsers::delay::Delay;
use xmpp_parsers::jid::BareJid;
use xmpp_parsers::message::Message;

use crate::ns;

/// The ids a message carries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(in crate::session) struct Ids {
    /// Its `id` attribute.
    pub id: Option<String>,
    /// The `<stanza-id/>` that our own server gave it: others' can be forged.
    pub stanza_id: Option<String>,
    /// The sender's `<origin-id/>`.
    pub origin_id: Option<String>,
}

/// The ids of `m`, for an account whose server is `own`.
pub(in crate::session) fn ids(m: &Message, own: &BareJid) -> Ids {
    // Read by hand: xmpp-parsers' parsers cost 6 KB of the first load.
    let stanza_id = m
        .payloads
        .iter()
        .filter(|p| p.is("stanza-id", ns::SID))
        .find(|p| p.attr("by") == Some(own.as_str()))
        .and_then(|p| p.attr("id"))
        .map(str::to_owned);
    let origin_id = m
        .payloads
        .iter()
        .find(|p| p.is("origin-id", ns::SID))
        .and_then(|p| p.attr("id"))
        .map(str::to_owned);
    Ids {
        id: m.id.as_ref().map(|i| i.0.clone()),
        stanza_id,
        origin_id,
    }
}

/// When a message was sent, in Unix milliseconds: our archive's stamp as
/// it is; else the sender's `<delay/>`, where one from the future (a wrong
/// clock, or a bid to stay at the bottom of the chat) counts as now; else
/// now. A `now_ms` of 0 means the clock is not known yet.
pub(in crate::session) fn sent_at(m: &Message, archive_stamp: Option<DateTime>, now_ms: u64) -> u64 {
    let millis = |s: DateTime| u64::try_from(s.0.timestamp_millis()).ok();
    let delayed = m
        .payloads
        .iter()
        .find(|p| p.is("delay", ns::DELAY))
        .and_then(|p| Delay::try_from(p.clone()).ok())
        .and_then(|d| millis(d.stamp))
        .map(|t| if now_ms > 0 { t.min(now_ms) } else { t });
    archive_stamp.and_then(millis).or(delayed).unwrap_or(now_ms)
}

/// XEP-0308: the id of the message this one corrects.
pub(in crate::session) fn replaces(m: &Message) -> Option<String> {
    m.payloads
        .iter()
        .find(|p| p.is("replace", ns::MESSAGE_CORRECT))
        .and_then(|p| p.attr("id"))
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(xml: &str) -> Message {
        let Ok(el) = xml.parse::<minidom::Element>() else {
            panic!("literal XML")
        };
        let Ok(m) = Message::try_from(el) else {
            panic!("a message")
        };
        m
    }

    fn jid(s: &str) -> BareJid {
        let Ok(j) = s.parse() else { panic!("a JID") };
        j
    }

    #[test]
    fn only_our_servers_stanza_id_counts() {
        let m = message(
            "<message xmlns='jabber:client' id='m1'>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='juliet@example.net'/>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='s1' by='romeo@example.com'/>\
             <origin-id xmlns='urn:xmpp:sid:0' id='o1'/></message>",
        );
        assert_eq!(
            ids(&m, &jid("romeo@example.com")),
            Ids {
                id: Some("m1".into()),
                stanza_id: Some("s1".into()),
                origin_id: Some("o1".into()),
            }
        );
        assert_eq!(ids(&m, &jid("other@example.com")).stanza_id, None);
    }

    #[test]
    fn a_delay_from_the_future_is_now_and_the_archive_is_trusted() {
        // 2010-07-10T23:08:25Z
        let stamp_ms = 1_278_803_305_000;
        let delayed = message(
            "<message xmlns='jabber:client'>\
             <delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/></message>",
        );
        assert_eq!(sent_at(&delayed, None, stamp_ms + 1), stamp_ms);
        assert_eq!(sent_at(&delayed, None, stamp_ms - 1), stamp_ms - 1);
        assert_eq!(sent_at(&delayed, None, 0), stamp_ms);
        let Ok(archived) = "2030-01-01T00:00:00Z".parse::<DateTime>() else {
            panic!("a date")
        };
        assert!(sent_at(&delayed, Some(archived), stamp_ms) > stamp_ms);
        let plain = message("<message xmlns='jabber:client'/>");
        assert_eq!(sent_at(&plain, None, 42), 42);
    }

    #[test]
    fn a_correction_names_the_message_it_replaces() {
        let fix = message(
            "<message xmlns='jabber:client'><replace xmlns='urn:xmpp:message-correct:0' id='m1'/></message>",
        );
        assert_eq!(replaces(&fix).as_deref(), Some("m1"));
        assert_eq!(replaces(&message("<message xmlns='jabber:client'/>")), None);
    }
}
