//! Literal XML transcripts of XEP-0045 flows: joining, status codes,
//! errors, messages, invitations, rejoining and the bounds.

use super::*;
use crate::session::register::FieldKind;
use crate::session::tests::*;
use crate::session::{ChatMessage, Command, ConversationId, Delivery, Direction, Sender, StanzaCondition};

const ROOM: &str = "room@conference.example.com";
const MUC_USER_NS: &str = "xmlns='http://jabber.org/protocol/muc#user'";

fn room() -> BareJid {
    ROOM.parse().unwrap()
}

fn join(s: &mut Session, nick: &str, password: Option<&str>) {
    s.handle_command(Command::JoinRoom {
        room: room(),
        nick: nick.into(),
        password: password.map(Into::into),
    });
}

/// Answers the room's disco#info query, archiving or not; returns what
/// went out next.
fn answer_info(s: &mut Session, mam: bool) -> Vec<Element> {
    let sent = out(s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let query = &sent[0];
    assert_eq!(query.attr("to"), Some(ROOM));
    assert!(query.has_child("query", "http://jabber.org/protocol/disco#info"));
    let id = query.attr("id").unwrap();
    let feature = if mam {
        "<feature var='urn:xmpp:mam:2'/>"
    } else {
        ""
    };
    feed(
        s,
        &format!(
            "<iq {C} type='result' id='{id}' from='{ROOM}'><query xmlns='http://jabber.org/protocol/disco#info'>\
             <identity category='conference' type='text'/><feature var='http://jabber.org/protocol/muc'/>{feature}\
             </query></iq>"
        ),
    );
    out(s)
}

/// A presence from `nick` in the room, with `x` inside the muc#user `<x/>`.
fn occupant(nick: &str, type_: &str, x: &str) -> String {
    let type_ = if type_.is_empty() {
        String::new()
    } else {
        format!(" type='{type_}'")
    };
    format!("<presence {C} from='{ROOM}/{nick}'{type_}><x {MUC_USER_NS}>{x}</x></presence>")
}

const MEMBER: &str = "<item affiliation='member' role='participant'/>";

/// Joined as `romeo` in a room that archives, with juliet in it.
fn joined() -> Session {
    let mut s = logged_in();
    join(&mut s, "romeo", None);
    answer_info(&mut s, true);
    feed(
        &mut s,
        &occupant("juliet", "", "<item affiliation='owner' role='moderator'/>"),
    );
    feed(
        &mut s,
        &occupant("romeo", "", &format!("{MEMBER}<status code='110'/>")),
    );
    events(&mut s);
    s
}

fn departures(s: &mut Session) -> Vec<Event> {
    events(s)
        .into_iter()
        .filter(|e| matches!(e, Event::OccupantLeft { .. } | Event::RoomLeft { .. }))
        .collect()
}

#[test]
fn joins_a_room_that_archives_without_asking_its_history() {
    let mut s = logged_in();
    join(&mut s, "romeo", None);
    let sent = answer_info(&mut s, true);
    assert_eq!(
        sent,
        [el(&own_presence("")
            .replace(
                "</presence>",
                "<x xmlns='http://jabber.org/protocol/muc'><history maxstanzas='0'/></x></presence>"
            )
            .replace(
                &format!("<presence {C}>"),
                &format!("<presence {C} to='{ROOM}/romeo'>")
            ))]
    );
    feed(
        &mut s,
        &occupant(
            "juliet",
            "",
            "<item affiliation='owner' role='moderator' jid='juliet@example.net/balcony'/>",
        ),
    );
    feed(
        &mut s,
        &format!(
            "<presence {C} from='{ROOM}/romeo'><x {MUC_USER_NS}>{MEMBER}\
             <status code='110'/><status code='201'/><status code='100'/></x>\
             <occupant-id xmlns='urn:xmpp:occupant-id:0' id='occ-r'/></presence>"
        ),
    );
    // Created: the room is locked until configured; we take the defaults.
    let sent = out(&mut s);
    let id = sent[0].attr("id").unwrap();
    assert_eq!(
        sent,
        [el(&format!(
            "<iq {C} type='set' id='{id}' to='{ROOM}'><query xmlns='http://jabber.org/protocol/muc#owner'>\
             <x xmlns='jabber:x:data' type='submit'/></query></iq>"
        ))]
    );
    let ev = events(&mut s);
    assert_eq!(ev.len(), 3, "{ev:?}");
    assert_eq!(
        ev[0],
        Event::OccupantChanged {
            room: room(),
            occupant: Occupant {
                nick: "juliet".into(),
                role: Role::Moderator,
                affiliation: Affiliation::Owner,
                jid: Some("juliet@example.net/balcony".parse().unwrap()),
                occupant_id: None,
                show: crate::session::presence::Availability::Available,
                status: None,
            }
        }
    );
    assert!(
        matches!(&ev[1], Event::OccupantChanged { occupant, .. }
            if occupant.nick == "romeo" && occupant.occupant_id.as_deref() == Some("occ-r")),
        "{ev:?}"
    );
    assert_eq!(
        ev[2],
        Event::RoomJoined {
            room: room(),
            nick: "romeo".into(),
            created: true,
            statuses: vec![
                Status::SelfPresence,
                Status::RoomHasBeenCreated,
                Status::NonAnonymousRoom
            ],
        }
    );
}

#[test]
fn a_room_without_an_archive_or_info_sends_its_history_and_takes_a_password() {
    let mut s = logged_in();
    join(&mut s, "romeo", Some("secret"));
    // No such room yet: joining creates it.
    let sent = out(&mut s);
    let id = sent[0].attr("id").unwrap();
    feed(
        &mut s,
        &format!(
            "<iq {C} type='error' id='{id}' from='{ROOM}'><error type='cancel'>\
             <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        ),
    );
    let sent = out(&mut s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    let x = sent[0].get_child("x", "http://jabber.org/protocol/muc").unwrap();
    assert_eq!(
        x.get_child("password", "http://jabber.org/protocol/muc")
            .unwrap()
            .text(),
        "secret"
    );
    assert!(x.get_child("history", "http://jabber.org/protocol/muc").is_none());
    assert!(events(&mut s).is_empty());
}

/// A join error from the room: the room is forgotten and the error typed.
fn refused(condition: &str, nick: &str) -> Vec<Event> {
    let mut s = logged_in();
    join(&mut s, nick, None);
    answer_info(&mut s, false);
    feed(
        &mut s,
        &format!(
            "<presence {C} from='{ROOM}/{nick}' type='error'><x xmlns='http://jabber.org/protocol/muc'/>\
             <error type='cancel'><{condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>"
        ),
    );
    let ev = events(&mut s);
    // Forgotten: a later presence from it is not ours to handle.
    feed(&mut s, &occupant(nick, "", MEMBER));
    assert!(
        !events(&mut s)
            .iter()
            .any(|e| matches!(e, Event::RoomJoined { .. }))
    );
    ev
}

#[test]
fn each_join_error_is_typed() {
    let failed = |error| vec![Event::RoomJoinFailed { room: room(), error }];
    assert_eq!(
        refused("conflict", "romeo"),
        failed(RoomError::NickConflict {
            suggestion: "romeo_".into()
        })
    );
    assert_eq!(
        refused("not-authorized", "romeo"),
        failed(RoomError::PasswordRequired)
    );
    assert_eq!(refused("forbidden", "romeo"), failed(RoomError::Banned));
    assert_eq!(
        refused("registration-required", "romeo"),
        failed(RoomError::MembersOnly)
    );
    assert_eq!(refused("service-unavailable", "romeo"), failed(RoomError::Full));
    assert_eq!(refused("item-not-found", "romeo"), failed(RoomError::NotFound));
    assert_eq!(refused("not-acceptable", "romeo"), failed(RoomError::NickLocked));
    assert_eq!(
        refused("jid-malformed", "romeo"),
        failed(RoomError::Other(StanzaCondition::JidMalformed))
    );
}

#[test]
fn a_taken_nick_suggests_the_next_one() {
    assert_eq!(next_nick("romeo"), "romeo_");
    assert_eq!(next_nick("romeo_"), "romeo_2");
    assert_eq!(next_nick("romeo_2"), "romeo_3");
    assert_eq!(next_nick("a_b"), "a_b_");
}

#[test]
fn the_room_may_assign_our_nick() {
    let mut s = logged_in();
    join(&mut s, "Romeo", None);
    answer_info(&mut s, true);
    feed(
        &mut s,
        &occupant(
            "romeo",
            "",
            &format!("{MEMBER}<status code='110'/><status code='210'/>"),
        ),
    );
    let ev = events(&mut s);
    assert!(
        matches!(ev.last(), Some(Event::RoomJoined { nick, statuses, .. })
            if nick == "romeo" && statuses.contains(&Status::AssignedNick)),
        "{ev:?}"
    );
}

#[test]
fn others_leave_change_nick_and_are_kicked_or_banned() {
    let mut s = joined();
    feed(&mut s, &occupant("mercutio", "", MEMBER));
    feed(&mut s, &occupant("tybalt", "", MEMBER));
    feed(&mut s, &occupant("benvolio", "", MEMBER));
    events(&mut s);
    feed(
        &mut s,
        &occupant(
            "juliet",
            "unavailable",
            "<item affiliation='owner' role='none' nick='jules'/><status code='303'/>",
        ),
    );
    feed(
        &mut s,
        &occupant("jules", "", "<item affiliation='owner' role='moderator'/>"),
    );
    feed(
        &mut s,
        &occupant(
            "mercutio",
            "unavailable",
            "<item affiliation='member' role='none'><actor nick='jules'/><reason>Too loud</reason></item><status code='307'/>",
        ),
    );
    feed(
        &mut s,
        &occupant(
            "tybalt",
            "unavailable",
            "<item affiliation='outcast' role='none'/><status code='301'/>",
        ),
    );
    feed(
        &mut s,
        &occupant(
            "benvolio",
            "unavailable",
            "<item affiliation='member' role='none'/>",
        ),
    );
    let ev = events(&mut s);
    let left = |nick: &str, why| Event::OccupantLeft {
        room: room(),
        nick: nick.into(),
        why,
    };
    assert_eq!(ev.len(), 5, "{ev:?}");
    assert_eq!(
        ev[0],
        left("juliet", Departure::NickChanged { nick: "jules".into() })
    );
    assert!(matches!(&ev[1], Event::OccupantChanged { occupant, .. } if occupant.nick == "jules"));
    assert_eq!(
        ev[2],
        left(
            "mercutio",
            Departure::Kicked {
                by: Some("jules".into()),
                reason: Some("Too loud".into())
            }
        )
    );
    assert_eq!(
        ev[3],
        left(
            "tybalt",
            Departure::Banned {
                by: None,
                reason: None
            }
        )
    );
    assert_eq!(ev[4], left("benvolio", Departure::Left));
}

#[test]
fn we_are_removed_for_each_reason() {
    let cases = [
        (
            "<status code='307'/>",
            Departure::Kicked {
                by: None,
                reason: None,
            },
        ),
        (
            "<status code='301'/>",
            Departure::Banned {
                by: None,
                reason: None,
            },
        ),
        ("<status code='321'/>", Departure::AffiliationChanged),
        ("<status code='322'/>", Departure::MembersOnly),
        ("<status code='332'/>", Departure::Shutdown),
        ("<status code='333'/>", Departure::Error),
        (
            "<destroy jid='new@conference.example.com'><reason>Moved</reason></destroy>",
            Departure::Destroyed {
                alternative: Some("new@conference.example.com".parse().unwrap()),
                reason: Some("Moved".into()),
            },
        ),
    ];
    for (x, why) in cases {
        let mut s = joined();
        feed(
            &mut s,
            &occupant(
                "romeo",
                "unavailable",
                &format!("<item affiliation='none' role='none'/><status code='110'/>{x}"),
            ),
        );
        assert_eq!(departures(&mut s), [Event::RoomLeft { room: room(), why }], "{x}");
        // Forgotten: its messages are no longer taken.
        feed(
            &mut s,
            &format!("<message {C} from='{ROOM}/juliet' type='groupchat'><body>hi</body></message>"),
        );
        assert_eq!(ignored(&mut s), ["a groupchat message from a room we are not in"]);
    }
}

#[test]
fn changes_our_nick_and_hears_a_refusal() {
    let mut s = joined();
    s.handle_command(Command::ChangeNick {
        room: room(),
        nick: "juliet".into(),
    });
    let sent = out(&mut s);
    assert_eq!(sent[0].attr("to"), Some(&*format!("{ROOM}/juliet")));
    feed(
        &mut s,
        &format!(
            "<presence {C} from='{ROOM}/juliet' type='error'><error type='cancel'>\
             <conflict xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></presence>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [Event::NickChangeFailed {
            room: room(),
            error: RoomError::NickConflict {
                suggestion: "juliet_".into()
            }
        }]
    );
    s.handle_command(Command::ChangeNick {
        room: room(),
        nick: "montague".into(),
    });
    out(&mut s);
    feed(
        &mut s,
        &occupant(
            "romeo",
            "unavailable",
            &format!("{MEMBER}<status code='303'/><status code='110'/>")
                .replace("<item ", "<item nick='montague' "),
        ),
    );
    feed(
        &mut s,
        &occupant("montague", "", &format!("{MEMBER}<status code='110'/>")),
    );
    let ev = events(&mut s);
    assert!(
        matches!(ev.last(), Some(Event::OwnNickChanged { nick, .. }) if nick == "montague"),
        "{ev:?}"
    );
    assert_eq!(s.rooms.nick(&room()), Some("montague"));
}

#[test]
fn groupchat_messages_carry_the_room_and_the_nick_and_our_echo_is_ours() {
    let mut s = joined();
    feed(
        &mut s,
        &format!(
            "<message {C} from='{ROOM}/juliet' type='groupchat' id='j1'><body>Hello all</body>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='user@example.com'/>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='r-1' by='{ROOM}'/>\
             <occupant-id xmlns='urn:xmpp:occupant-id:0' id='occ-j'/></message>"
        ),
    );
    let ev = events(&mut s);
    let Event::MessageReceived(m) = &ev[0] else {
        panic!("{ev:?}")
    };
    assert_eq!(
        m,
        &ChatMessage {
            conversation: ConversationId::Room(room()),
            sender: Sender::Occupant {
                nick: "juliet".into(),
                occupant_id: Some("occ-j".into())
            },
            direction: Direction::Incoming,
            kind: xmpp_parsers::message::MessageType::Groupchat,
            stable_id: Some("r-1".into()),
            archive_id: Some("r-1".into()),
            id: Some("j1".into()),
            body: "Hello all".into(),
            timestamp_ms: m.timestamp_ms,
            receipt_requested: false,
            markable: false,
            replaces: None,
            archived: false,
            from_archive: false,
        }
    );
    s.handle_command(Command::SendMessage {
        id: "m1".into(),
        to: ConversationId::Room(room()),
        body: "Hi".into(),
    });
    let sent = out(&mut s);
    assert_eq!(sent[0].attr("type"), Some("groupchat"));
    assert_eq!(sent[0].attr("to"), Some(ROOM));
    // No receipts or markers in rooms.
    assert!(!sent[0].has_child("request", "urn:xmpp:receipts"));
    events(&mut s);
    feed(
        &mut s,
        &format!(
            "<message {C} from='{ROOM}/romeo' type='groupchat' id='m1'><body>Hi</body>\
             <origin-id xmlns='urn:xmpp:sid:0' id='m1'/><stanza-id xmlns='urn:xmpp:sid:0' id='r-2' by='{ROOM}'/></message>"
        ),
    );
    let ev = events(&mut s);
    assert_eq!(
        ev[0],
        Event::MessageStateChanged {
            conversation: ConversationId::Room(room()),
            id: "m1".into(),
            state: Delivery::Delivered
        }
    );
    assert!(
        matches!(&ev[1], Event::MessageReceived(m) if m.direction == Direction::Outgoing && m.id.as_deref() == Some("m1"))
    );
    // History the room sends on joining is not new.
    feed(
        &mut s,
        &format!(
            "<message {C} from='{ROOM}/juliet' type='groupchat'><body>Earlier</body>\
             <delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z' from='{ROOM}'/></message>"
        ),
    );
    let ev = events(&mut s);
    assert!(
        matches!(&ev[0], Event::MessageReceived(m) if m.archived && m.timestamp_ms == 1_278_803_305_000),
        "{ev:?}"
    );
}

#[test]
fn the_subject_and_configuration_notices() {
    let mut s = joined();
    let long = "x".repeat(MAX_SUBJECT + 50);
    feed(
        &mut s,
        &format!("<message {C} from='{ROOM}/juliet' type='groupchat'><subject>{long}</subject></message>"),
    );
    feed(
        &mut s,
        &format!("<message {C} from='{ROOM}/juliet' type='groupchat'><subject/></message>"),
    );
    feed(
        &mut s,
        &format!(
            "<message {C} from='{ROOM}' type='groupchat'><x {MUC_USER_NS}><status code='104'/><status code='170'/></x></message>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [
            Event::SubjectChanged {
                room: room(),
                subject: Some("x".repeat(MAX_SUBJECT)),
                by: Some("juliet".into())
            },
            Event::SubjectChanged {
                room: room(),
                subject: None,
                by: Some("juliet".into())
            },
            Event::RoomChanged {
                room: room(),
                statuses: vec![Status::ConfigNonPrivacyRelated, Status::ConfigRoomLoggingEnabled]
            }
        ]
    );
    s.handle_command(Command::SetSubject {
        room: room(),
        subject: "Verona".into(),
    });
    let sent = out(&mut s);
    assert_eq!(sent[0].attr("type"), Some("groupchat"));
    assert_eq!(
        sent[0].get_child("subject", "jabber:client").unwrap().text(),
        "Verona"
    );
}

#[test]
fn private_messages_are_a_conversation_of_their_own() {
    let mut s = joined();
    feed(
        &mut s,
        &format!(
            "<message {C} from='{ROOM}/juliet' type='chat' id='p1'><body>Psst</body>\
             <x {MUC_USER_NS}/></message>"
        ),
    );
    let ev = events(&mut s);
    let Event::MessageReceived(m) = &ev[0] else {
        panic!("{ev:?}")
    };
    let private = ConversationId::Private(format!("{ROOM}/juliet").parse().unwrap());
    assert_eq!(m.conversation, private);
    assert_eq!(
        m.sender,
        Sender::Occupant {
            nick: "juliet".into(),
            occupant_id: None
        }
    );
    s.handle_command(Command::SendMessage {
        id: "p2".into(),
        to: private,
        body: "Yes?".into(),
    });
    let sent = out(&mut s);
    assert_eq!(sent[0].attr("type"), Some("chat"));
    assert_eq!(sent[0].attr("to"), Some(&*format!("{ROOM}/juliet")));
}

#[test]
fn invitations_direct_and_mediated() {
    let mut s = logged_in();
    feed(
        &mut s,
        &format!(
            "<message {C} from='juliet@example.net/balcony'>\
             <x xmlns='jabber:x:conference' jid='{ROOM}' reason='Come' password='pw'/></message>"
        ),
    );
    feed(
        &mut s,
        &format!(
            "<message {C} from='{ROOM}'><x {MUC_USER_NS}><invite from='juliet@example.net/balcony'>\
             <reason>Join us</reason></invite><password>pw2</password></x></message>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [
            Event::RoomInvitation {
                room: room(),
                from: Some("juliet@example.net/balcony".parse().unwrap()),
                reason: Some("Come".into()),
                password: Some("pw".into())
            },
            Event::RoomInvitation {
                room: room(),
                from: Some("juliet@example.net/balcony".parse().unwrap()),
                reason: Some("Join us".into()),
                password: Some("pw2".into())
            }
        ]
    );
    s.handle_command(Command::Invite {
        room: room(),
        to: "juliet@example.net".parse().unwrap(),
        reason: Some("Come".into()),
    });
    let sent = out(&mut s);
    let x = sent[0].get_child("x", "jabber:x:conference").unwrap();
    assert_eq!((x.attr("jid"), x.attr("reason")), (Some(ROOM), Some("Come")));
}

#[test]
fn rooms_follow_our_presence_and_are_left_cleanly() {
    let mut s = joined();
    s.handle_command(Command::SetPresence {
        show: crate::session::presence::Availability::Away,
        status: None,
        priority: 0,
    });
    let sent = out(&mut s);
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert_eq!(sent[0].attr("to"), None);
    assert_eq!(sent[1].attr("to"), Some(&*format!("{ROOM}/romeo")));
    assert!(sent[1].get_child("x", "http://jabber.org/protocol/muc").is_none());
    s.handle_command(Command::LeaveRoom { room: room() });
    expect_out(
        &mut s,
        &[&format!("<presence {C} to='{ROOM}/romeo' type='unavailable'/>")],
    );
    assert_eq!(
        events(&mut s),
        [Event::RoomLeft {
            room: room(),
            why: Departure::Left
        }]
    );
}

#[test]
fn rooms_are_joined_again_in_a_new_session_but_not_after_resumption() {
    let mut s = joined();
    // Resumed: the room still has us.
    s.handle_command(Command::ConnectionLost);
    authenticate(&mut s);
    feed(&mut s, FEATURES_BIND);
    out(&mut s);
    // It had everything: roster, carbons, presence, archive, bookmarks,
    // the room's disco, the join.
    feed(&mut s, "<resumed xmlns='urn:xmpp:sm:3' previd='sm-1' h='7'/>");
    let sent = out(&mut s);
    assert!(!sent.iter().any(|e| e.name() == "presence"), "{sent:?}");
    // A new session: joined again once our presence is out, asking no
    // history of a room known to archive.
    s.handle_command(Command::ConnectionLost);
    authenticate(&mut s);
    feed(&mut s, FEATURES_BIND);
    out(&mut s);
    feed(&mut s, "<failed xmlns='urn:xmpp:sm:3'/>");
    let bind = out(&mut s);
    let id = bind[0].attr("id").unwrap();
    feed(&mut s, &bind_result().replace("id='t1'", &format!("id='{id}'")));
    let sent = out(&mut s);
    let roster = sent
        .iter()
        .find(|e| e.has_child("query", "jabber:iq:roster"))
        .unwrap();
    let id = roster.attr("id").unwrap();
    feed(&mut s, &format!("<iq {C} type='result' id='{id}'/>"));
    let sent = out(&mut s);
    let joins: Vec<_> = sent
        .iter()
        .filter(|e| e.attr("to") == Some(&*format!("{ROOM}/romeo")))
        .collect();
    assert_eq!(joins.len(), 1, "{sent:?}");
    let x = joins[0].get_child("x", "http://jabber.org/protocol/muc").unwrap();
    assert!(x.get_child("history", "http://jabber.org/protocol/muc").is_some());
}

#[test]
fn a_hostile_room_is_bounded() {
    let mut s = joined();
    for i in 0..MAX_OCCUPANTS + 5 {
        feed(&mut s, &occupant(&format!("n{i}"), "", MEMBER));
    }
    let ev = events(&mut s);
    let added = ev
        .iter()
        .filter(|e| matches!(e, Event::OccupantChanged { .. }))
        .count();
    // juliet and romeo were in already.
    assert_eq!(added, MAX_OCCUPANTS - 2);
    let long = "n".repeat(MAX_NICK * 2);
    feed(
        &mut s,
        &format!("<message {C} from='{ROOM}/{long}' type='groupchat'><body>hi</body></message>"),
    );
    let ev = events(&mut s);
    assert!(
        matches!(&ev[0], Event::MessageReceived(m) if matches!(&m.sender, Sender::Occupant { nick, .. } if nick.chars().count() == MAX_NICK)),
        "{ev:?}"
    );
    // Groupchat from rooms we are not in, and presences that repeat, are nothing.
    feed(
        &mut s,
        &format!(
            "<message {C} from='other@conference.example.com/x' type='groupchat'><body>hi</body></message>"
        ),
    );
    assert_eq!(ignored(&mut s), ["a groupchat message from a room we are not in"]);
    feed(&mut s, &occupant("n1", "", MEMBER));
    assert!(events(&mut s).is_empty());
}

#[test]
fn history_comes_from_the_rooms_own_archive() {
    let mut s = joined();
    s.handle_command(Command::FetchHistory {
        with: ConversationId::Room(room()),
        before: None,
        max: 20,
    });
    let sent = out(&mut s);
    let id = sent[0].attr("id").unwrap().to_owned();
    // To the room, with no `with`: its archive holds only the room.
    assert_eq!(
        String::from(&sent[0]),
        format!(
            "<iq xmlns='jabber:client' id='{id}' to='{ROOM}' type='set'><query xmlns='urn:xmpp:mam:2' queryid='{id}'>\
             <x xmlns='jabber:x:data' type='submit'>\
             <field type='hidden' var='FORM_TYPE'><value>urn:xmpp:mam:2</value></field></x>\
             <set xmlns='http://jabber.org/protocol/rsm'><max>20</max><before></before></set></query></iq>"
        )
    );
    let result = |from: &str, archive_id: &str| {
        format!(
            "<message {C} from='{from}' to='user@example.com/abc'>\
             <result xmlns='urn:xmpp:mam:2' queryid='{id}' id='{archive_id}'>\
             <forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>\
             <message {C} from='{ROOM}/juliet' type='groupchat' id='h-{archive_id}'><body>Earlier</body></message>\
             </forwarded></result></message>"
        )
    };
    // Only the room answers for its archive.
    feed(&mut s, &result("user@example.com", "forged"));
    feed(&mut s, &result(ROOM, "r-0"));
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='{id}' from='{ROOM}'><fin xmlns='urn:xmpp:mam:2' complete='true'>\
             <set xmlns='http://jabber.org/protocol/rsm'><first>r-0</first><last>r-0</last></set></fin></iq>"
        ),
    );
    let ev = events(&mut s);
    assert_eq!(ev.len(), 3, "{ev:?}");
    assert_eq!(
        ev[0],
        Event::Ignored {
            reason: "archive result from a foreign JID".into()
        }
    );
    let Event::MessageReceived(m) = &ev[1] else {
        panic!("{ev:?}")
    };
    assert_eq!(m.conversation, ConversationId::Room(room()));
    assert_eq!(
        (m.archive_id.as_deref(), m.archived, m.from_archive),
        (Some("r-0"), true, true)
    );
    assert_eq!(m.timestamp_ms, 1_278_803_305_000);
    assert!(
        matches!(&ev[2], Event::HistoryFetched(p) if p.with == Some(ConversationId::Room(room())) && p.complete)
    );
}

/// Ticks to `now_ms`; returns the self-ping sent, if any.
fn tick(s: &mut Session, now_ms: u64) -> Vec<Element> {
    s.handle_command(Command::Tick { now_ms });
    out(s)
        .into_iter()
        .filter(|e| e.has_child("ping", "urn:xmpp:ping"))
        .collect()
}

#[test]
fn a_silent_room_is_pinged_and_joined_again_when_it_lost_us() {
    use super::self_ping::SILENCE_MS;
    let mut s = joined();
    // Heard from lately: no ping.
    assert!(tick(&mut s, SILENCE_MS - 1).is_empty());
    let pings = tick(&mut s, SILENCE_MS);
    assert_eq!(pings.len(), 1, "{pings:?}");
    assert_eq!(pings[0].attr("to"), Some(&*format!("{ROOM}/romeo")));
    // One at a time.
    assert!(tick(&mut s, SILENCE_MS + 1).is_empty());
    let answer = |id: &str, condition: &str| {
        format!(
            "<iq {C} type='error' id='{id}' from='{ROOM}/romeo'><error type='cancel'>\
             <{condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        )
    };
    // Our client does not answer pings: we are still in.
    let id = pings[0].attr("id").unwrap();
    feed(&mut s, &answer(id, "service-unavailable"));
    assert!(out(&mut s).is_empty());
    assert!(events(&mut s).is_empty());
    // Later, the room no longer knows us: we join again, quietly.
    let pings = tick(&mut s, 3 * SILENCE_MS);
    let id = pings[0].attr("id").unwrap();
    feed(&mut s, &answer(id, "not-acceptable"));
    let sent = out(&mut s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert_eq!(sent[0].attr("to"), Some(&*format!("{ROOM}/romeo")));
    assert!(sent[0].has_child("x", "http://jabber.org/protocol/muc"));
    assert!(events(&mut s).is_empty());
    feed(
        &mut s,
        &occupant("romeo", "", &format!("{MEMBER}<status code='110'/>")),
    );
    assert!(matches!(events(&mut s).last(), Some(Event::RoomJoined { .. })));
    // A result: still in, and nothing more.
    let pings = tick(&mut s, 5 * SILENCE_MS);
    let id = pings[0].attr("id").unwrap();
    feed(
        &mut s,
        &format!("<iq {C} type='result' id='{id}' from='{ROOM}/romeo'/>"),
    );
    assert!(out(&mut s).is_empty());
    // From anyone else, the answer does not count.
    let pings = tick(&mut s, 7 * SILENCE_MS);
    let id = pings[0].attr("id").unwrap();
    feed(
        &mut s,
        &answer(id, "not-acceptable").replace(&format!("{ROOM}/romeo"), "mallory@evil.example"),
    );
    assert_eq!(ignored(&mut s), ["iq error from an unexpected sender"]);
    assert!(out(&mut s).is_empty());
}

/// Sends `change` to the room under "c1"; returns the iq sent.
fn moderate(s: &mut Session, change: Moderation) -> Element {
    s.handle_command(Command::Moderate {
        room: room(),
        id: "c1".into(),
        change,
    });
    let sent = out(s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    sent[0].clone()
}

#[test]
fn moderation_sends_each_change_and_types_each_refusal() {
    let mut s = joined();
    let admin = "xmlns='http://jabber.org/protocol/muc#admin'";
    let kick = moderate(
        &mut s,
        Moderation::Kick {
            nick: "tybalt".into(),
            reason: Some("Too loud".into()),
        },
    );
    let id = kick.attr("id").unwrap().to_owned();
    assert_eq!(
        kick,
        el(&format!(
            "<iq {C} type='set' id='{id}' to='{ROOM}'><query {admin}>\
             <item nick='tybalt' role='none'><reason>Too loud</reason></item></query></iq>"
        ))
    );
    feed(
        &mut s,
        &format!("<iq {C} type='result' id='{id}' from='{ROOM}'/>"),
    );
    assert_eq!(
        events(&mut s),
        [Event::ModerationDone {
            room: room(),
            id: "c1".into()
        }]
    );
    let voice = moderate(
        &mut s,
        Moderation::SetRole {
            nick: "benvolio".into(),
            role: Role::Visitor,
            reason: None,
        },
    );
    assert_eq!(
        voice
            .get_child("query", "http://jabber.org/protocol/muc#admin")
            .unwrap()
            .get_child("item", "http://jabber.org/protocol/muc#admin")
            .unwrap()
            .attr("role"),
        Some("visitor")
    );
    out(&mut s);
    let ban = moderate(
        &mut s,
        Moderation::SetAffiliation {
            jid: "tybalt@example.net".parse().unwrap(),
            affiliation: Affiliation::Outcast,
            reason: Some("Again".into()),
        },
    );
    let id = ban.attr("id").unwrap().to_owned();
    assert_eq!(
        ban,
        el(&format!(
            "<iq {C} type='set' id='{id}' to='{ROOM}'><query {admin}>\
             <item jid='tybalt@example.net' affiliation='outcast'><reason>Again</reason></item></query></iq>"
        ))
    );
    let refuse = |id: &str, condition: &str| {
        format!(
            "<iq {C} type='error' id='{id}' from='{ROOM}'><error type='cancel'>\
             <{condition} xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        )
    };
    feed(&mut s, &refuse(&id, "not-allowed"));
    let failed = |error| Event::ModerationFailed {
        room: room(),
        id: "c1".into(),
        error,
    };
    assert_eq!(events(&mut s), [failed(ModerationError::NotAllowed)]);
    let destroy = moderate(
        &mut s,
        Moderation::Destroy {
            alternative: Some("new@conference.example.com".parse().unwrap()),
            reason: Some("Moved".into()),
        },
    );
    let id = destroy.attr("id").unwrap().to_owned();
    assert_eq!(
        destroy,
        el(&format!(
            "<iq {C} type='set' id='{id}' to='{ROOM}'><query xmlns='http://jabber.org/protocol/muc#owner'>\
             <destroy jid='new@conference.example.com'><reason>Moved</reason></destroy></query></iq>"
        ))
    );
    // Only the room answers for itself.
    feed(
        &mut s,
        &refuse(&id, "forbidden").replace(&format!("from='{ROOM}'"), "from='mallory@evil.example'"),
    );
    assert_eq!(ignored(&mut s), ["iq error from an unexpected sender"]);
    feed(&mut s, &refuse(&id, "conflict"));
    assert_eq!(events(&mut s), [failed(ModerationError::LastOwner)]);
    // Offline: nothing is sent, and it fails at once.
    s.handle_command(Command::ConnectionLost);
    events(&mut s);
    s.handle_command(Command::Moderate {
        room: room(),
        id: "c1".into(),
        change: Moderation::Kick {
            nick: "x".into(),
            reason: None,
        },
    });
    assert!(out(&mut s).is_empty());
    assert_eq!(events(&mut s), [failed(ModerationError::Unanswered)]);
}

#[test]
fn lists_an_affiliation() {
    let mut s = joined();
    s.handle_command(Command::FetchAffiliations {
        room: room(),
        affiliation: Affiliation::Outcast,
    });
    let sent = out(&mut s);
    let id = sent[0].attr("id").unwrap().to_owned();
    let admin = "xmlns='http://jabber.org/protocol/muc#admin'";
    assert_eq!(
        sent[0],
        el(&format!(
            "<iq {C} type='get' id='{id}' to='{ROOM}'><query {admin}><item affiliation='outcast'/></query></iq>"
        ))
    );
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='{id}' from='{ROOM}'><query {admin}>\
             <item affiliation='outcast' jid='tybalt@example.net'><reason>Again</reason></item>\
             <item affiliation='outcast' jid='not a jid@'/></query></iq>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [Event::AffiliationsReceived {
            room: room(),
            affiliation: Affiliation::Outcast,
            jids: vec![Affiliated {
                jid: "tybalt@example.net".parse().unwrap(),
                nick: None,
                reason: Some("Again".into())
            }]
        }]
    );
}

#[test]
fn finds_room_services_their_rooms_and_what_a_room_says_of_itself() {
    let mut s = logged_in();
    out(&mut s);
    s.handle_command(Command::FindRoomServices);
    let sent = out(&mut s);
    let id = sent[0].attr("id").unwrap().to_owned();
    let items = "xmlns='http://jabber.org/protocol/disco#items'";
    let info = "xmlns='http://jabber.org/protocol/disco#info'";
    assert_eq!(
        sent[0],
        el(&format!(
            "<iq {C} type='get' id='{id}' to='example.com'><query {items}/></iq>"
        ))
    );
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='{id}' from='example.com'><query {items}>\
             <item jid='conference.example.com'/><item jid='upload.example.com'/></query></iq>"
        ),
    );
    let asks = out(&mut s);
    assert_eq!(asks.len(), 2, "{asks:?}");
    let answer = |e: &Element, identity: &str| {
        format!(
            "<iq {C} type='result' id='{}' from='{}'><query {info}>{identity}</query></iq>",
            e.attr("id").unwrap(),
            e.attr("to").unwrap()
        )
    };
    feed(
        &mut s,
        &answer(
            &asks[0],
            "<identity category='conference' type='text' name='Rooms'/>",
        ),
    );
    feed(
        &mut s,
        &answer(&asks[1], "<identity category='store' type='file'/>"),
    );
    assert_eq!(
        events(&mut s),
        [Event::RoomServiceFound {
            service: "conference.example.com".parse().unwrap()
        }]
    );
    s.handle_command(Command::ListRooms {
        service: "conference.example.com".parse().unwrap(),
    });
    let sent = out(&mut s);
    let id = sent[0].attr("id").unwrap().to_owned();
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='{id}' from='conference.example.com'><query {items}>\
             <item jid='{ROOM}' name='Verona'/><item jid='not a jid@'/></query></iq>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [Event::RoomsListed {
            service: "conference.example.com".parse().unwrap(),
            rooms: vec![ListedRoom {
                room: room(),
                name: Some("Verona".into())
            }]
        }]
    );
    s.handle_command(Command::DescribeRoom { room: room() });
    let sent = out(&mut s);
    let id = sent[0].attr("id").unwrap().to_owned();
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='{id}' from='{ROOM}'><query {info}>\
             <identity category='conference' type='text' name='Verona'/>\
             <feature var='http://jabber.org/protocol/muc'/><feature var='muc_passwordprotected'/>\
             <feature var='muc_public'/><feature var='muc_persistent'/><feature var='urn:xmpp:mam:2'/>\
             <x xmlns='jabber:x:data' type='result'>\
             <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roominfo</value></field>\
             <field var='muc#roominfo_occupants'><value>3</value></field>\
             <field var='muc#roominfo_description'><value>Fair Verona</value></field></x></query></iq>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [Event::RoomDescribed {
            room: room(),
            info: Some(RoomInfo {
                name: Some("Verona".into()),
                description: Some("Fair Verona".into()),
                occupants: Some(3),
                password: true,
                public: true,
                persistent: true,
                archived: true,
                ..RoomInfo::default()
            })
        }]
    );
    // A room that will not say, or someone else answering for it.
    s.handle_command(Command::DescribeRoom { room: room() });
    let id = out(&mut s)[0].attr("id").unwrap().to_owned();
    feed(
        &mut s,
        &format!("<iq {C} type='result' id='{id}' from='mallory@evil.example'/>"),
    );
    assert_eq!(ignored(&mut s), ["iq result from an unexpected sender"]);
    feed(
        &mut s,
        &format!(
            "<iq {C} type='error' id='{id}' from='{ROOM}'><error type='cancel'>\
             <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [Event::RoomDescribed {
            room: room(),
            info: None
        }]
    );
}

/// A new session for `s`: resumption fails, we bind again, the roster
/// comes; returns what went out then.
fn new_session(s: &mut Session) -> Vec<Element> {
    s.handle_command(Command::ConnectionLost);
    authenticate(s);
    feed(s, FEATURES_BIND);
    out(s);
    feed(s, "<failed xmlns='urn:xmpp:sm:3'/>");
    let bind = out(s);
    let id = bind[0].attr("id").unwrap();
    feed(s, &bind_result().replace("id='t1'", &format!("id='{id}'")));
    let sent = out(s);
    let roster = sent
        .iter()
        .find(|e| e.has_child("query", "jabber:iq:roster"))
        .unwrap();
    let id = roster.attr("id").unwrap();
    feed(s, &format!("<iq {C} type='result' id='{id}'/>"));
    events(s);
    out(s)
}

#[test]
fn a_new_session_catches_up_on_what_the_room_archived_meanwhile() {
    let mut s = joined();
    feed(
        &mut s,
        &format!(
            "<message {C} from='{ROOM}/juliet' type='groupchat'><body>Before</body>\
             <stanza-id xmlns='urn:xmpp:sid:0' id='r-5' by='{ROOM}'/></message>"
        ),
    );
    events(&mut s);
    new_session(&mut s);
    feed(
        &mut s,
        &occupant("romeo", "", &format!("{MEMBER}<status code='110'/>")),
    );
    let sent = out(&mut s);
    let query = sent
        .iter()
        .find(|e| e.has_child("query", "urn:xmpp:mam:2"))
        .expect("a catch-up");
    assert_eq!(query.attr("to"), Some(ROOM));
    let id = query.attr("id").unwrap().to_owned();
    let set = query
        .get_child("query", "urn:xmpp:mam:2")
        .unwrap()
        .get_child("set", "http://jabber.org/protocol/rsm")
        .unwrap();
    assert_eq!(
        set.get_child("after", "http://jabber.org/protocol/rsm")
            .unwrap()
            .text(),
        "r-5"
    );
    events(&mut s);
    feed(
        &mut s,
        &format!(
            "<message {C} from='{ROOM}'><result xmlns='urn:xmpp:mam:2' queryid='{id}' id='r-6'>\
             <forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>\
             <message {C} from='{ROOM}/juliet' type='groupchat'><body>Meanwhile</body></message>\
             </forwarded></result></message>"
        ),
    );
    let ev = events(&mut s);
    // New to the person, as if live.
    assert!(
        matches!(&ev[0], Event::MessageReceived(m) if m.from_archive && !m.archived && m.body == "Meanwhile"),
        "{ev:?}"
    );
    // Not complete: the next page follows, after the last.
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='{id}' from='{ROOM}'><fin xmlns='urn:xmpp:mam:2'>\
             <set xmlns='http://jabber.org/protocol/rsm'><first>r-6</first><last>r-6</last></set></fin></iq>"
        ),
    );
    let sent = out(&mut s);
    let next = sent[0]
        .get_child("query", "urn:xmpp:mam:2")
        .unwrap()
        .get_child("set", "http://jabber.org/protocol/rsm")
        .unwrap();
    assert_eq!(
        next.get_child("after", "http://jabber.org/protocol/rsm")
            .unwrap()
            .text(),
        "r-6"
    );
    // No page event: catch-up is bookkeeping.
    assert!(events(&mut s).is_empty());
}

#[test]
fn an_owner_reads_the_rooms_form_and_answers_it() {
    let mut s = joined();
    s.handle_command(Command::FetchRoomConfig { room: room() });
    let sent = out(&mut s);
    let id = sent[0].attr("id").unwrap().to_owned();
    let owner = "xmlns='http://jabber.org/protocol/muc#owner'";
    let data = "xmlns='jabber:x:data'";
    assert_eq!(
        sent[0],
        el(&format!(
            "<iq {C} type='get' id='{id}' to='{ROOM}'><query {owner}/></iq>"
        ))
    );
    feed(
        &mut s,
        &format!(
            "<iq {C} type='result' id='{id}' from='{ROOM}'><query {owner}><x {data} type='form'>\
             <instructions>Configure the room</instructions>\
             <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value></field>\
             <field var='muc#roomconfig_roomname' type='text-single' label='Name'><value>Hall</value></field>\
             <field var='muc#roomconfig_membersonly' type='boolean' label='Members only'><value>0</value></field>\
             <field var='muc#roomconfig_whois' type='list-single' label='Who may see real JIDs'>\
             <value>moderators</value><option label='Moderators'><value>moderators</value></option>\
             <option><value>anyone</value></option><option label='broken'/></field>\
             <field var='muc#roomconfig_roomsecret' type='text-private'><required/></field>\
             </x></query></iq>"
        ),
    );
    let [Event::RoomConfigReceived { room: r, form }] = &events(&mut s)[..] else {
        panic!("no form")
    };
    assert_eq!(r, &room());
    assert_eq!(form.instructions.as_deref(), Some("Configure the room"));
    let kinds: Vec<_> = form
        .fields
        .iter()
        .map(|f| (f.var.as_str(), f.values.clone(), f.required))
        .collect();
    assert_eq!(
        kinds,
        [
            ("FORM_TYPE", vec![super::ROOMCONFIG.to_owned()], false),
            ("muc#roomconfig_roomname", vec!["Hall".to_owned()], false),
            ("muc#roomconfig_membersonly", vec!["0".to_owned()], false),
            ("muc#roomconfig_whois", vec!["moderators".to_owned()], false),
            ("muc#roomconfig_roomsecret", vec![], true),
        ]
    );
    let FieldKind::ListSingle { options } = &form.fields[3].kind else {
        panic!("not a list")
    };
    assert_eq!(options.len(), 2, "an option without a value is dropped");
    assert_eq!(form.fields[4].kind, FieldKind::TextPrivate);

    // The answers go back as a submitted form, with its type.
    s.handle_command(Command::ConfigureRoom {
        room: room(),
        id: "c2".into(),
        answers: vec![
            ("muc#roomconfig_roomname".into(), vec!["Great <Hall>".into()]),
            ("muc#roomconfig_membersonly".into(), vec!["1".into()]),
        ],
    });
    let sent = out(&mut s);
    let id = sent[0].attr("id").unwrap().to_owned();
    assert_eq!(
        sent[0],
        el(&format!(
            "<iq {C} type='set' id='{id}' to='{ROOM}'><query {owner}><x {data} type='submit'>\
             <field var='FORM_TYPE' type='hidden'><value>http://jabber.org/protocol/muc#roomconfig</value></field>\
             <field var='muc#roomconfig_roomname'><value>Great &lt;Hall&gt;</value></field>\
             <field var='muc#roomconfig_membersonly'><value>1</value></field>\
             </x></query></iq>"
        ))
    );
    feed(
        &mut s,
        &format!("<iq {C} type='result' id='{id}' from='{ROOM}'/>"),
    );
    assert_eq!(
        events(&mut s),
        [Event::ModerationDone {
            room: room(),
            id: "c2".into()
        }]
    );

    // Not an owner: refused, and typed.
    s.handle_command(Command::FetchRoomConfig { room: room() });
    let id = out(&mut s)[0].attr("id").unwrap().to_owned();
    feed(
        &mut s,
        &format!(
            "<iq {C} type='error' id='{id}' from='{ROOM}'><error type='auth'>\
             <forbidden xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [Event::RoomConfigFailed {
            room: room(),
            error: ModerationError::NotAllowed
        }]
    );
}
