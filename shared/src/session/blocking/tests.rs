//! XEP-0191 transcripts: the list, our changes, and pushes from our server.

use super::super::tests::{expect_out, ignored};
use super::super::transcript::*;
use super::*;
use crate::session::Command;

fn jid(s: &str) -> Jid {
    s.parse().unwrap()
}

#[test]
fn the_blocklist_is_asked_for_and_a_bad_item_is_left_out() {
    let mut s = logged_in();
    s.handle_command(Command::FetchBlocklist);
    expect_out(
        &mut s,
        &[&format!(
            "<iq {C} type='get' id='t6'><blocklist xmlns='urn:xmpp:blocking'/></iq>"
        )],
    );
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='t6'><blocklist xmlns='urn:xmpp:blocking'>\
             <item jid='spam@evil.example'/><item jid='not a jid@@'/><item jid='evil.example'/>\
             </blocklist></iq>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [Event::BlocklistReceived {
            jids: Some(vec![jid("evil.example"), jid("spam@evil.example")])
        }]
    );
}

#[test]
fn a_server_without_blocking_says_so_once() {
    let mut s = logged_in();
    s.handle_command(Command::FetchBlocklist);
    out(&mut s);
    feed(
        &mut s,
        &format!(
            "<iq {C} type='error' id='t6'><error type='cancel'>\
             <service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        ),
    );
    assert_eq!(events(&mut s), [Event::BlocklistReceived { jids: None }]);
}

#[test]
fn blocking_sends_one_item_and_the_push_that_follows_tells_nothing_twice() {
    let mut s = logged_in();
    s.handle_command(Command::Block {
        jid: jid("spam@evil.example"),
    });
    expect_out(
        &mut s,
        &[&format!(
            "<iq {C} type='set' id='t6'><block xmlns='urn:xmpp:blocking'>\
             <item jid='spam@evil.example'/></block></iq>"
        )],
    );
    feed(&mut s, &format!("<iq {C} type='result' id='t6'/>"));
    assert_eq!(
        events(&mut s),
        [Event::BlocklistChanged {
            blocked: vec![jid("spam@evil.example")],
            unblocked: vec![]
        }]
    );
    // The server tells every device, us included; we acknowledge it.
    feed(
        &mut s,
        &format!(
            "<iq {C} type='set' id='push1' from='user@example.com'><block xmlns='urn:xmpp:blocking'>\
             <item jid='spam@evil.example'/></block></iq>"
        ),
    );
    assert!(events(&mut s).is_empty());
    expect_out(
        &mut s,
        &[&format!(
            "<iq {C} type='result' id='push1' to='user@example.com'/>"
        )],
    );
}

#[test]
fn unblocking_with_no_item_unblocks_everyone() {
    let mut s = logged_in();
    s.handle_command(Command::FetchBlocklist);
    out(&mut s);
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='t6'><blocklist xmlns='urn:xmpp:blocking'>\
             <item jid='a@evil.example'/><item jid='b@evil.example'/></blocklist></iq>"
        ),
    );
    events(&mut s);
    feed(
        &mut s,
        &format!("<iq {C} type='set' id='push2'><unblock xmlns='urn:xmpp:blocking'/></iq>"),
    );
    assert_eq!(
        events(&mut s),
        [Event::BlocklistChanged {
            blocked: vec![],
            unblocked: vec![jid("a@evil.example"), jid("b@evil.example")]
        }]
    );
    expect_out(&mut s, &[&format!("<iq {C} type='result' id='push2'/>")]);
}

#[test]
fn pushes_from_strangers_are_ignored_and_bad_ones_refused() {
    let mut s = logged_in();
    feed(
        &mut s,
        &format!(
            "<iq {C} type='set' id='x1' from='mallory@evil.example'><unblock xmlns='urn:xmpp:blocking'/></iq>"
        ),
    );
    assert_eq!(ignored(&mut s), ["blocklist push from a foreign JID"]);
    assert!(out(&mut s).is_empty());
    feed(
        &mut s,
        &format!("<iq {C} type='set' id='x2'><block xmlns='urn:xmpp:blocking'><item/></block></iq>"),
    );
    assert!(events(&mut s).is_empty());
    let sent = out(&mut s);
    assert_eq!(
        (sent.len(), sent[0].attr("type"), sent[0].attr("id")),
        (1, Some("error"), Some("x2"))
    );
    let error = sent[0].get_child("error", crate::ns::JABBER_CLIENT).unwrap();
    assert!(error.has_child("bad-request", "urn:ietf:params:xml:ns:xmpp-stanzas"));
}

#[test]
fn a_refused_or_offline_change_fails_with_its_address() {
    let mut s = logged_in();
    s.handle_command(Command::Unblock {
        jid: jid("a@evil.example"),
    });
    out(&mut s);
    feed(
        &mut s,
        &format!(
            "<iq {C} type='error' id='t6'><error type='modify'>\
             <bad-request xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [Event::BlockingFailed {
            jid: jid("a@evil.example"),
            block: false,
            error: RequestError::Stanza(DefinedCondition::BadRequest)
        }]
    );
    let mut offline = session();
    offline.handle_command(Command::Block {
        jid: jid("a@evil.example"),
    });
    assert!(out(&mut offline).is_empty());
    assert_eq!(
        events(&mut offline),
        [Event::BlockingFailed {
            jid: jid("a@evil.example"),
            block: true,
            error: RequestError::NotConnected
        }]
    );
}

#[test]
fn the_list_is_capped() {
    let mut list = Blocklist::default();
    let many = (0..MAX_BLOCKED + 5)
        .map(|i| jid(&format!("u{i}@evil.example")))
        .collect();
    assert_eq!(list.received(many).len(), MAX_BLOCKED);
    let (blocked, _) = list.apply(vec![jid("one@more.example")], None);
    assert!(blocked.is_empty());
}
