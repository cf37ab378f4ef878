//! The records of the offline store: arrays of strings, numbers and
//! booleans, by position, as IndexedDB clones them. Schema version 1.

use js_sys::Array;
use parlons_shared::session::{Delivery, RequestError, StanzaCondition};
use wasm_bindgen::{JsCast, JsValue};
use xmpp_parsers::jid::BareJid;
use xmpp_parsers::roster::Subscription;

use crate::store::contacts::Contact;
use crate::store::conversation::{Conversation, Message};
use crate::store::strangers::Request;

/// A string, or null.
pub(super) fn opt(s: Option<&str>) -> JsValue {
    s.map_or(JsValue::NULL, JsValue::from_str)
}

fn string(a: &Array, i: u32) -> Option<String> {
    a.get(i).as_string()
}

fn number(a: &Array, i: u32) -> Option<u64> {
    // Unix milliseconds and counts fit a double exactly.
    a.get(i).as_f64().map(|n| n as u64)
}

fn flag(a: &Array, i: u32) -> bool {
    a.get(i).as_bool().unwrap_or(false)
}

fn array(values: impl IntoIterator<Item = JsValue>) -> JsValue {
    values.into_iter().collect::<Array>().into()
}

const SUBSCRIPTIONS: [(Subscription, &str); 4] = [
    (Subscription::None, "none"),
    (Subscription::From, "from"),
    (Subscription::To, "to"),
    (Subscription::Both, "both"),
];

/// `[jid, name, subscription, pending_out, [group…]]`.
pub fn contact(c: &Contact) -> JsValue {
    let subscription = SUBSCRIPTIONS
        .iter()
        .find(|(s, _)| *s == c.subscription)
        .map_or("none", |(_, name)| name);
    array([
        JsValue::from_str(c.jid.as_str()),
        opt(c.name()),
        JsValue::from_str(subscription),
        JsValue::from_bool(c.pending_out),
        array(c.groups.iter().map(|g| JsValue::from_str(g))),
    ])
}

/// A contact record, or `None` if it is not one.
pub fn read_contact(v: JsValue) -> Option<Contact> {
    let a: Array = v.dyn_into().ok()?;
    let mut c = Contact::new(BareJid::new(&string(&a, 0)?).ok()?);
    c.set_name(string(&a, 1));
    let subscription = string(&a, 2)?;
    c.subscription = SUBSCRIPTIONS.iter().find(|(_, n)| *n == subscription)?.0.clone();
    c.pending_out = flag(&a, 3);
    c.groups = a
        .get(4)
        .dyn_into::<Array>()
        .ok()?
        .iter()
        .filter_map(|g| g.as_string())
        .collect();
    Some(c)
}

/// Delivery states as numbers; a failure keeps no detail.
fn delivery(d: Option<&Delivery>) -> JsValue {
    let n = match d {
        None => return JsValue::NULL,
        Some(Delivery::Pending) => 0,
        Some(Delivery::Sent) => 1,
        Some(Delivery::Delivered) => 2,
        Some(Delivery::Displayed) => 3,
        Some(Delivery::Failed { .. }) => 4,
    };
    JsValue::from_f64(n.into())
}

fn read_delivery(v: JsValue) -> Option<Delivery> {
    Some(match v.as_f64()? as u8 {
        0 => Delivery::Pending,
        1 => Delivery::Sent,
        2 => Delivery::Delivered,
        3 => Delivery::Displayed,
        // Its reason was not kept: none in particular.
        _ => Delivery::Failed {
            error: RequestError::Stanza(StanzaCondition::UndefinedCondition),
        },
    })
}

/// `[key, id, stable_id, mine, body, timestamp, delivery, edited,
/// correction, archive_id, markable]`; records written before the last
/// three were added read as without them.
fn message(m: &Message) -> JsValue {
    array([
        JsValue::from_str(&m.key),
        opt(m.id.as_deref()),
        opt(m.stable_id.as_deref()),
        JsValue::from_bool(m.mine),
        JsValue::from_str(&m.body),
        JsValue::from_f64(m.timestamp_ms as f64),
        delivery(m.delivery.as_ref()),
        JsValue::from_bool(m.edited),
        opt(m.correction.as_deref()),
        opt(m.archive_id.as_deref()),
        JsValue::from_bool(m.markable),
    ])
}

fn read_message(v: JsValue) -> Option<Message> {
    let a: Array = v.dyn_into().ok()?;
    Some(Message {
        key: string(&a, 0)?,
        id: string(&a, 1),
        stable_id: string(&a, 2),
        mine: flag(&a, 3),
        body: string(&a, 4)?,
        timestamp_ms: number(&a, 5)?,
        delivery: read_delivery(a.get(6)),
        edited: flag(&a, 7),
        correction: string(&a, 8),
        archive_id: string(&a, 9),
        markable: flag(&a, 10),
        ..Message::default()
    })
}

/// `[peer, [message…], unread, first_unread, draft, history_complete,
/// oldest_archive_id]`, of what [`Conversation::kept`] keeps.
pub fn conversation(peer: &BareJid, c: &Conversation) -> JsValue {
    array([
        JsValue::from_str(peer.as_str()),
        array(c.messages.iter().map(message)),
        JsValue::from_f64(c.unread as f64),
        opt(c.first_unread.as_deref()),
        JsValue::from_str(&c.draft),
        JsValue::from_bool(c.history_complete),
        opt(c.oldest_archive_id.as_deref()),
    ])
}

/// An array of message records; what is not one is left out.
fn read_messages(v: JsValue) -> Option<Vec<Message>> {
    Some(
        v.dyn_into::<Array>()
            .ok()?
            .iter()
            .filter_map(read_message)
            .collect(),
    )
}

/// A conversation record, or `None` if it is not one.
pub fn read_conversation(v: JsValue) -> Option<(BareJid, Conversation)> {
    let a: Array = v.dyn_into().ok()?;
    let peer = BareJid::new(&string(&a, 0)?).ok()?;
    let messages = read_messages(a.get(1))?;
    let c = Conversation {
        messages,
        unread: number(&a, 2).unwrap_or(0) as usize,
        first_unread: string(&a, 3),
        draft: string(&a, 4).unwrap_or_default(),
        history_complete: flag(&a, 5),
        oldest_archive_id: string(&a, 6),
        ..Conversation::default()
    };
    Some((peer, c))
}

/// `[[jid, [message…]]…]`: the message requests, oldest first.
pub fn requests<'a>(requests: impl Iterator<Item = &'a Request>) -> JsValue {
    array(requests.map(|r| {
        array([
            JsValue::from_str(r.jid.as_str()),
            array(r.messages.iter().map(message)),
        ])
    }))
}

/// The message requests of a record; what is not one is left out.
pub fn read_requests(v: JsValue) -> Vec<Request> {
    let Ok(all) = v.dyn_into::<Array>() else {
        return Vec::new();
    };
    all.iter()
        .filter_map(|r| {
            let a: Array = r.dyn_into().ok()?;
            let jid = BareJid::new(&string(&a, 0)?).ok()?;
            let messages = read_messages(a.get(1))?;
            Some(Request { jid, messages })
        })
        .collect()
}
