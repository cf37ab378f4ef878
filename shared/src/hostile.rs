//! For tests and fuzzing (feature `hostile`): stanzas built from a grammar
//! of what the session handles (RFC 6120/6121 stanzas, XEP-0280 carbons,
//! XEP-0313 results, XEP-0184/0333 receipts and markers, XEP-0308
//! corrections, XEP-0198 counters, roster pushes, replies to our own
//! requests, XEP-0045 rooms, XEP-0249 invitations, XEP-0402 pushes), each value drawn from ordinary and hostile ones: forged
//! senders, our own address, strangers by the thousand, absurd numbers and
//! dates, huge and deeply quoted text. Anyone on the federation can send
//! any of it; the session and the client's store must take all of it.

use proptest::prelude::*;

/// The transcript's own account, which a forger claims to be.
const OWN: [&str; 3] = [
    "user@example.com",
    "user@example.com/abc",
    "user@example.com/other",
];

/// Who a stanza says it is from (or `''` for no `from` at all).
pub fn sender() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => prop::sample::select(&OWN[..]).prop_map(str::to_owned),
        2 => "(juliet|romeo)@example\\.net(/[a-z]{1,6})?",
        3 => "stranger[0-9]{1,4}@spam\\.example/r",
        1 => Just(String::new()),
        1 => Just("example.com".to_owned()),
        1 => prop::sample::select(&["@@", "a@b@c", "user@example.com/", "x@ÿ\u{202e}.example", "conference.example.net/nick"][..])
            .prop_map(str::to_owned),
        1 => Just(format!("long@example.net/{}", "r".repeat(1100))),
    ]
}

/// Text, from plain to hostile.
pub fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[ -~]{0,40}",
        1 => "[\\p{L}\\p{N}\\p{P}\\p{S} ]{0,20}",
        1 => (1usize..4000).prop_map(|n| ">".repeat(n)),
        1 => (1usize..500).prop_map(|n| "*a _b ".repeat(n)),
        1 => (1usize..300).prop_map(|n| format!("{}x\n", "> ".repeat(n % 40)).repeat(n)),
        1 => Just("w".repeat(20_000)),
        1 => Just(String::new()),
    ]
}

/// Text short enough for an attribute: parsers bound a token's length.
pub fn short_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => "[ -~]{0,40}",
        1 => "[\\p{L}\\p{N}\\p{P}\\p{S} ]{0,20}",
        1 => Just("\u{202e}\u{200b}".repeat(100)),
    ]
}

/// An id: ours (the transcript's `t1`…), random, empty or absurd.
pub fn id() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => (1u8..12).prop_map(|n| format!("t{n}")),
        2 => "[a-z0-9-]{1,12}",
        1 => Just(String::new()),
        1 => Just("i".repeat(600)),
    ]
}

fn stamp() -> impl Strategy<Value = &'static str> {
    prop::sample::select(
        &[
            "2002-09-10T23:08:25Z",
            "2026-12-07T12:00:00.123456Z",
            "not a date",
            "9999-12-31T23:59:59Z",
            "1970-01-01T00:00:00Z",
            "2026-02-30T25:61:61+99:99",
        ][..],
    )
}

/// Escapes text for XML.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&apos;")
}

/// ` from='…'`, or nothing.
fn from_attr(from: &str) -> String {
    if from.is_empty() {
        String::new()
    } else {
        format!(" from='{}'", esc(from))
    }
}

/// What a message may carry beside its body.
fn payload() -> impl Strategy<Value = String> {
    let one = prop_oneof![
        (id()).prop_map(|i| format!("<received xmlns='urn:xmpp:receipts' id='{}'/>", esc(&i))),
        Just("<request xmlns='urn:xmpp:receipts'/>".to_owned()),
        Just("<markable xmlns='urn:xmpp:chat-markers:0'/>".to_owned()),
        (id()).prop_map(|i| format!("<displayed xmlns='urn:xmpp:chat-markers:0' id='{}'/>", esc(&i))),
        (id()).prop_map(|i| format!("<replace xmlns='urn:xmpp:message-correct:0' id='{}'/>", esc(&i))),
        prop::sample::select(&["active", "composing", "paused", "inactive", "gone"][..])
            .prop_map(|s| format!("<{s} xmlns='http://jabber.org/protocol/chatstates'/>")),
        (id()).prop_map(|i| format!("<origin-id xmlns='urn:xmpp:sid:0' id='{}'/>", esc(&i))),
        (id(), sender()).prop_map(|(i, by)| format!(
            "<stanza-id xmlns='urn:xmpp:sid:0' id='{}' by='{}'/>",
            esc(&i),
            esc(&by)
        )),
        (stamp()).prop_map(|s| format!("<delay xmlns='urn:xmpp:delay' stamp='{s}'/>")),
        Just("<store xmlns='urn:xmpp:hints'/>".to_owned()),
    ];
    prop::collection::vec(one, 0..4).prop_map(|v| v.concat())
}

/// A `<message/>` as a contact, a stranger or a forger sends it.
pub fn message() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["chat", "normal", "groupchat", "headline", "error", "", "bogus"][..]),
        sender(),
        id(),
        prop::option::weighted(0.8, text()),
        payload(),
    )
        .prop_map(|(kind, from, id, body, payload)| {
            let kind = if kind.is_empty() { String::new() } else { format!(" type='{kind}'") };
            let body = body.map(|b| format!("<body>{}</body>", esc(&b))).unwrap_or_default();
            format!(
                "<message xmlns='jabber:client'{kind}{} to='user@example.com/abc' id='{}'>{body}{payload}</message>",
                from_attr(&from),
                esc(&id)
            )
        })
}

/// A message wrapped as a carbon (XEP-0280) or an archive result (XEP-0313),
/// by our server or by a forger.
pub fn wrapped() -> impl Strategy<Value = String> {
    (
        prop::sample::select(&["received", "sent", "result"][..]),
        sender(),
        id(),
        stamp(),
        message(),
    )
        .prop_map(|(wrap, from, id, stamp, inner)| {
            let forwarded = format!(
                "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='{stamp}'/>{inner}</forwarded>"
            );
            let body = match wrap {
                "result" => format!(
                    "<result xmlns='urn:xmpp:mam:2' queryid='{}' id='{}'>{forwarded}</result>",
                    esc(&id),
                    esc(&id)
                ),
                _ => format!("<{wrap} xmlns='urn:xmpp:carbons:2'>{forwarded}</{wrap}>"),
            };
            format!("<message xmlns='jabber:client'{}>{body}</message>", from_attr(&from))
        })
}

/// A `<presence/>`: availability, subscriptions, errors, absurd priorities.
pub fn presence() -> impl Strategy<Value = String> {
    (
        prop::sample::select(
            &[
                "",
                "unavailable",
                "subscribe",
                "subscribed",
                "unsubscribe",
                "unsubscribed",
                "error",
                "probe",
            ][..],
        ),
        sender(),
        prop::option::of(prop::sample::select(&["away", "chat", "dnd", "xa", "bogus"][..])),
        prop::option::of(text()),
        prop::option::of(prop_oneof![
            (-128i32..=127).prop_map(|p| p.to_string()),
            Just("999".to_owned()),
            Just("x".to_owned())
        ]),
    )
        .prop_map(|(kind, from, show, status, priority)| {
            let kind = if kind.is_empty() {
                String::new()
            } else {
                format!(" type='{kind}'")
            };
            let show = show.map(|s| format!("<show>{s}</show>")).unwrap_or_default();
            let status = status
                .map(|s| format!("<status>{}</status>", esc(&s)))
                .unwrap_or_default();
            let priority = priority
                .map(|p| format!("<priority>{p}</priority>"))
                .unwrap_or_default();
            format!(
                "<presence xmlns='jabber:client'{kind}{}>{show}{status}{priority}</presence>",
                from_attr(&from)
            )
        })
}

/// A roster item, as a push or a result carries it.
fn roster_item() -> impl Strategy<Value = String> {
    (
        sender(),
        prop::sample::select(&["none", "to", "from", "both", "remove", "bogus"][..]),
        prop::option::of(short_text()),
        prop::collection::vec("[a-z ]{0,8}", 0..3),
        any::<bool>(),
    )
        .prop_map(|(jid, sub, name, groups, ask)| {
            let jid = jid.split('/').next().unwrap_or_default().to_owned();
            let name = name.map(|n| format!(" name='{}'", esc(&n))).unwrap_or_default();
            let ask = if ask { " ask='subscribe'" } else { "" };
            let groups: String = groups
                .iter()
                .map(|g| format!("<group>{}</group>", esc(g)))
                .collect();
            format!(
                "<item jid='{}' subscription='{sub}'{name}{ask}>{groups}</item>",
                esc(&jid)
            )
        })
}

/// XEP-0191 items: addresses, a bad one, or none.
fn blocked_items() -> impl Strategy<Value = String> {
    prop::collection::vec(prop_oneof![sender(), Just("not a jid@@".to_owned())], 0..4).prop_map(|v| {
        v.iter()
            .map(|j| format!("<item jid='{}'/>", esc(j)))
            .collect::<String>()
    })
}

/// An `<iq/>`: roster and blocklist pushes (from our server, or forged),
/// answers to our own requests by id, and requests of the kind servers and
/// contacts send.
pub fn iq() -> impl Strategy<Value = String> {
    let items = || prop::collection::vec(roster_item(), 0..4).prop_map(|v| v.concat());
    prop_oneof![
        (sender(), id(), prop::sample::select(&["block", "unblock"][..]), blocked_items()).prop_map(
            |(from, id, what, items)| format!(
                "<iq xmlns='jabber:client' type='set' id='{}'{}><{what} xmlns='urn:xmpp:blocking'>{items}</{what}></iq>",
                esc(&id),
                from_attr(&from)
            )
        ),
        (id(), blocked_items()).prop_map(|(id, items)| format!(
            "<iq xmlns='jabber:client' type='result' id='{}'><blocklist xmlns='urn:xmpp:blocking'>{items}</blocklist></iq>",
            esc(&id)
        )),
        (sender(), id(), items()).prop_map(|(from, id, items)| format!(
            "<iq xmlns='jabber:client' type='set' id='{}'{}><query xmlns='jabber:iq:roster'>{items}</query></iq>",
            esc(&id),
            from_attr(&from)
        )),
        (id(), items()).prop_map(|(id, items)| format!(
            "<iq xmlns='jabber:client' type='result' id='{}'><query xmlns='jabber:iq:roster' ver='v1'>{items}</query></iq>",
            esc(&id)
        )),
        (id(), any::<bool>()).prop_map(|(id, complete)| format!(
            "<iq xmlns='jabber:client' type='result' id='{}'><fin xmlns='urn:xmpp:mam:2' complete='{complete}'>\
             <set xmlns='http://jabber.org/protocol/rsm'><first>a</first><last>b</last></set></fin></iq>",
            esc(&id)
        )),
        (id(), prop::sample::select(&["item-not-found", "service-unavailable", "bogus"][..])).prop_map(|(id, c)| format!(
            "<iq xmlns='jabber:client' type='error' id='{}'><error type='cancel'><{c} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
            esc(&id)
        )),
        (id()).prop_map(|id| format!("<iq xmlns='jabber:client' type='result' id='{}'/>", esc(&id))),
        (sender(), id(), prop::sample::select(&["urn:xmpp:ping", "http://jabber.org/protocol/disco#info", "jabber:iq:version", "urn:example"][..]))
            .prop_map(|(from, id, ns)| format!(
                "<iq xmlns='jabber:client' type='get' id='{}'{}><query xmlns='{ns}'/></iq>",
                esc(&id),
                from_attr(&from)
            )),
    ]
}

use crate::session::transcript::ROOM;

/// A nick in the room: ours, others', empty, huge or strange.
fn nick() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(&["user", "juliet", "romeo"][..]).prop_map(str::to_owned),
        2 => "[a-z]{1,8}",
        1 => Just(String::new()),
        1 => Just("n".repeat(1000)),
        1 => "[\\p{L}\\p{S} ]{1,12}",
    ]
}

/// What a room's `<x xmlns='…muc#user'/>` carries: status codes, an item,
/// a destruction, an invitation.
fn muc_user() -> impl Strategy<Value = String> {
    let status = prop_oneof![
        prop::sample::select(&[100u32, 110, 170, 201, 210, 301, 303, 307, 321, 322, 332, 333][..]),
        any::<u32>(),
    ]
    .prop_map(|c| format!("<status code='{c}'/>"));
    let item = (
        prop::sample::select(&["owner", "admin", "member", "outcast", "none", "bogus"][..]),
        prop::sample::select(&["moderator", "participant", "visitor", "none", "bogus"][..]),
        sender(),
        nick(),
        prop::option::of(short_text()),
    )
        .prop_map(|(a, r, jid, nick, reason)| {
            let reason = reason
                .map(|t| format!("<reason>{}</reason>", esc(&t)))
                .unwrap_or_default();
            format!(
                "<item affiliation='{a}' role='{r}' jid='{}' nick='{}'><actor nick='{}'/>{reason}</item>",
                esc(&jid),
                esc(&nick),
                esc(&nick)
            )
        });
    let other = prop_oneof![
        sender().prop_map(|j| format!("<destroy jid='{}'><reason>gone</reason></destroy>", esc(&j))),
        sender().prop_map(|j| format!(
            "<invite from='{}'><reason>come</reason></invite><password>pw</password>",
            esc(&j)
        )),
        Just(String::new()),
    ];
    (prop::collection::vec(status, 0..4), prop::option::of(item), other).prop_map(|(s, i, o)| {
        format!(
            "<x xmlns='http://jabber.org/protocol/muc#user'>{}{}{o}</x>",
            s.concat(),
            i.unwrap_or_default()
        )
    })
}

/// A direct invitation (XEP-0249), to any address.
fn invitation() -> impl Strategy<Value = String> {
    (sender(), short_text()).prop_map(|(from, room)| {
        format!(
            "<message xmlns='jabber:client'{}><x xmlns='jabber:x:conference' jid='{}' reason='r'/></message>",
            from_attr(&from),
            esc(&room)
        )
    })
}

/// A bookmarks push (XEP-0402), ours or forged.
fn bookmark_push() -> impl Strategy<Value = String> {
    (sender(), short_text(), nick()).prop_map(|(from, id, nick)| {
        format!(
            "<message xmlns='jabber:client'{}><event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='urn:xmpp:bookmarks:1'><item id='{}'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'>\
             <nick>{}</nick></conference></item><retract id='{}'/></items></event></message>",
            from_attr(&from),
            esc(&id),
            esc(&nick),
            esc(&id)
        )
    })
}

/// What a room sends: occupants' presences and errors, groupchat messages
/// and subjects, its own notices, private messages, invitations and
/// bookmark pushes, from the room, another room or a forger.
pub fn room_stanza() -> impl Strategy<Value = String> {
    let from = prop_oneof![
        4 => nick().prop_map(|n| format!("{ROOM}/{n}")),
        1 => Just(ROOM.to_owned()),
        1 => sender(),
    ];
    let presence = (
        prop::sample::select(&["", "unavailable", "error"][..]),
        from.clone(),
        muc_user(),
    )
        .prop_map(|(kind, from, x)| {
            let kind = if kind.is_empty() {
                String::new()
            } else {
                format!(" type='{kind}'")
            };
            let error = if kind.contains("error") {
                "<error type='cancel'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
            } else {
                ""
            };
            format!(
                "<presence xmlns='jabber:client'{kind}{}>{x}{error}</presence>",
                from_attr(&from)
            )
        });
    let message = (
        prop::sample::select(&["groupchat", "chat", ""][..]),
        from,
        prop::option::of(text()),
        prop::option::of(text()),
        payload(),
        muc_user(),
    )
        .prop_map(|(kind, from, body, subject, payload, x)| {
            let kind = if kind.is_empty() {
                String::new()
            } else {
                format!(" type='{kind}'")
            };
            let body = body
                .map(|b| format!("<body>{}</body>", esc(&b)))
                .unwrap_or_default();
            let subject = subject
                .map(|s| format!("<subject>{}</subject>", esc(&s)))
                .unwrap_or_default();
            format!(
                "<message xmlns='jabber:client'{kind}{}>{body}{subject}{payload}{x}</message>",
                from_attr(&from)
            )
        });
    prop_oneof![4 => presence.boxed(), 4 => message.boxed(), 1 => invitation().boxed(), 1 => bookmark_push().boxed()]
}

/// XEP-0198 counters and stream-level elements.
pub fn stream_level() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("<r xmlns='urn:xmpp:sm:3'/>".to_owned()),
        prop_oneof![Just(0u64), Just(u64::from(u32::MAX)), any::<u64>(), 0u64..10]
            .prop_map(|h| format!("<a xmlns='urn:xmpp:sm:3' h='{h}'/>")),
        Just("<stream:error xmlns:stream='http://etherx.jabber.org/streams'><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>".to_owned()),
        Just("<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>".to_owned()),
    ]
}

/// One stanza of any kind, mostly messages.
pub fn stanza() -> impl Strategy<Value = String> {
    // Boxed: unboxed, the value trees of this grammar overflow a test
    // thread's stack in a debug build.
    prop_oneof![
        6 => message().boxed(),
        3 => wrapped().boxed(),
        3 => presence().boxed(),
        3 => iq().boxed(),
        3 => room_stanza().boxed(),
        1 => stream_level().boxed(),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    #[test]
    fn every_stanza_is_one_element() {
        let mut runner = TestRunner::deterministic();
        for _ in 0..500 {
            let xml = stanza().new_tree(&mut runner).unwrap().current();
            assert!(xml.parse::<minidom::Element>().is_ok(), "{xml}");
        }
    }
}
