//! Literal XML transcripts of both bookmark stores, pushes and bounds.

use super::*;
use crate::session::tests::*;
use crate::session::{Command, Event};

const DISCO: &str = "http://jabber.org/protocol/disco#info";

/// Logged in; answers where the bookmarks are kept (`compat`: in PEP) and
/// returns the fetch that follows.
fn placed(compat: bool) -> (Session, Element) {
    let mut s = logged_in();
    let feature = if compat {
        "<feature var='urn:xmpp:bookmarks:1#compat'/>"
    } else {
        ""
    };
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='t5' from='user@example.com'><query xmlns='{DISCO}'>\
             <identity category='account' type='registered'/>{feature}</query></iq>"
        ),
    );
    let sent = out(&mut s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    (s, sent[0].clone())
}

fn bookmark(room: &str, autojoin: bool) -> Bookmark {
    Bookmark {
        room: room.parse().unwrap(),
        name: None,
        autojoin,
        nick: None,
        password: None,
    }
}

#[test]
fn reads_pep_bookmarks_and_joins_those_marked_autojoin() {
    let (mut s, fetch) = placed(true);
    assert_eq!(
        fetch,
        el(&format!(
            "<iq {C} id='t6' type='get'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <items node='urn:xmpp:bookmarks:1'/></pubsub></iq>"
        ))
    );
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='t6'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <items node='urn:xmpp:bookmarks:1'>\
             <item id='team@conference.example.com'><conference xmlns='urn:xmpp:bookmarks:1' name='The team' autojoin='true'>\
             <nick>romeo</nick><password>pw</password></conference></item>\
             <item id='quiet@conference.example.com'><conference xmlns='urn:xmpp:bookmarks:1'/></item>\
             <item id='not a jid@'><conference xmlns='urn:xmpp:bookmarks:1'/></item>\
             <item id='nothing@conference.example.com'/>\
             </items></pubsub></iq>"
        ),
    );
    let team = Bookmark {
        name: Some("The team".into()),
        nick: Some("romeo".into()),
        password: Some("pw".into()),
        ..bookmark("team@conference.example.com", true)
    };
    assert_eq!(
        events(&mut s),
        [Event::BookmarksReceived {
            bookmarks: vec![team, bookmark("quiet@conference.example.com", false)]
        }]
    );
    // The autojoin room is joined: its features first.
    let sent = out(&mut s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].attr("to"), Some("team@conference.example.com"));
    assert!(sent[0].has_child("query", DISCO));
}

#[test]
fn writes_pep_bookmarks_one_item_at_a_time() {
    let (mut s, _) = placed(true);
    feed(
        &mut s,
        &format!(
            "<iq {C} type='error' id='t6'><error type='cancel'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        ),
    );
    assert_eq!(events(&mut s), [Event::BookmarksReceived { bookmarks: vec![] }]);
    let b = Bookmark {
        nick: Some("romeo".into()),
        ..bookmark("team@conference.example.com", true)
    };
    s.handle_command(Command::SetBookmark { bookmark: b.clone() });
    assert_eq!(events(&mut s), [Event::BookmarkChanged { bookmark: b }]);
    expect_out(
        &mut s,
        &[&format!(
            "<iq {C} id='t7' type='set'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <publish node='urn:xmpp:bookmarks:1'><item id='team@conference.example.com'>\
             <conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'><nick>romeo</nick></conference></item></publish>\
             <publish-options><x xmlns='jabber:x:data' type='submit'>\
             <field type='hidden' var='FORM_TYPE'><value>http://jabber.org/protocol/pubsub#publish-options</value></field>\
             <field var='pubsub#persist_items'><value>true</value></field>\
             <field var='pubsub#max_items'><value>max</value></field>\
             <field var='pubsub#send_last_published_item'><value>never</value></field>\
             <field var='pubsub#access_model'><value>whitelist</value></field></x></publish-options>\
             </pubsub></iq>"
        )],
    );
    s.handle_command(Command::RemoveBookmark {
        room: "team@conference.example.com".parse().unwrap(),
    });
    expect_out(
        &mut s,
        &[&format!(
            "<iq {C} id='t8' type='set'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <retract node='urn:xmpp:bookmarks:1' notify='true'><item id='team@conference.example.com'/></retract>\
             </pubsub></iq>"
        )],
    );
}

#[test]
fn without_pep_bookmarks_live_in_private_storage_written_whole() {
    let (mut s, fetch) = placed(false);
    assert_eq!(
        fetch,
        el(&format!(
            "<iq {C} id='t6' type='get'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'/></query></iq>"
        ))
    );
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='t6'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>\
             <conference jid='old@conference.example.com' name='Old' autojoin='1'/>\
             <url name='not a room' url='https://example.com'/></storage></query></iq>"
        ),
    );
    let old = Bookmark {
        name: Some("Old".into()),
        ..bookmark("old@conference.example.com", true)
    };
    assert_eq!(
        events(&mut s),
        [Event::BookmarksReceived { bookmarks: vec![old] }]
    );
    // Joined as our local part, having no nick.
    out(&mut s);
    feed(
        &mut s,
        "<iq xmlns='jabber:client' type='error' id='t7' from='old@conference.example.com'><error type='cancel'>\
         <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>",
    );
    let join = out(&mut s);
    assert_eq!(join[0].attr("to"), Some("old@conference.example.com/user"));
    events(&mut s);
    s.handle_command(Command::SetBookmark {
        bookmark: bookmark("new@conference.example.com", false),
    });
    expect_out(
        &mut s,
        &[&format!(
            "<iq {C} id='t8' type='set'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>\
             <conference autojoin='true' name='Old' jid='old@conference.example.com'/>\
             <conference autojoin='false' jid='new@conference.example.com'/></storage></query></iq>"
        )],
    );
    s.handle_command(Command::RemoveBookmark {
        room: "old@conference.example.com".parse().unwrap(),
    });
    expect_out(
        &mut s,
        &[&format!(
            "<iq {C} id='t9' type='set'><query xmlns='jabber:iq:private'><storage xmlns='storage:bookmarks'>\
             <conference autojoin='false' jid='new@conference.example.com'/></storage></query></iq>"
        )],
    );
}

#[test]
fn changes_from_our_other_devices_apply_live_and_others_are_ignored() {
    let (mut s, _) = placed(true);
    feed(&mut s, &format!("<iq {C} type='result' id='t6'/>"));
    events(&mut s);
    let push = |from: &str, inner: &str| {
        format!(
            "<message {C} from='{from}' type='headline'><event xmlns='http://jabber.org/protocol/pubsub#event'>\
             <items node='urn:xmpp:bookmarks:1'>{inner}</items></event></message>"
        )
    };
    let item = "<item id='team@conference.example.com'><conference xmlns='urn:xmpp:bookmarks:1' autojoin='true'>\
                <nick>romeo</nick></conference></item>";
    feed(&mut s, &push("mallory@evil.example", item));
    assert_eq!(ignored(&mut s), ["bookmarks from someone else"]);
    feed(&mut s, &push("user@example.com", item));
    let team = Bookmark {
        nick: Some("romeo".into()),
        ..bookmark("team@conference.example.com", true)
    };
    assert_eq!(events(&mut s), [Event::BookmarkChanged { bookmark: team }]);
    // Autojoin: the room is joined.
    assert!(
        out(&mut s)
            .iter()
            .any(|e| e.attr("to") == Some("team@conference.example.com"))
    );
    // The same again changes nothing.
    feed(&mut s, &push("user@example.com", item));
    assert!(events(&mut s).is_empty());
    feed(
        &mut s,
        &push("user@example.com", "<retract id='team@conference.example.com'/>"),
    );
    assert_eq!(
        events(&mut s),
        [Event::BookmarkRemoved {
            room: "team@conference.example.com".parse().unwrap()
        }]
    );
}

#[test]
fn a_hostile_store_is_bounded() {
    let (mut s, _) = placed(true);
    let long = "n".repeat(MAX_SUBJECT * 3);
    let items: String = (0..MAX_BOOKMARKS + 50)
        .map(|i| {
            format!(
                "<item id='r{i}@conference.example.com'><conference xmlns='urn:xmpp:bookmarks:1' name='{long}'/></item>"
            )
        })
        .collect();
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='t6'><pubsub xmlns='http://jabber.org/protocol/pubsub'>\
             <items node='urn:xmpp:bookmarks:1'>{items}</items></pubsub></iq>"
        ),
    );
    let ev = events(&mut s);
    let [Event::BookmarksReceived { bookmarks }] = &ev[..] else {
        panic!("{ev:?}")
    };
    assert_eq!(bookmarks.len(), MAX_BOOKMARKS);
    assert!(
        bookmarks
            .iter()
            .all(|b| b.name.as_ref().is_some_and(|n| n.chars().count() == MAX_SUBJECT))
    );
    // Full: a new one is not kept.
    s.handle_command(Command::SetBookmark {
        bookmark: bookmark("more@conference.example.com", false),
    });
    assert!(events(&mut s).is_empty());
}
