//! Rooms in the store, from literal session events.

use parlons_shared::session::bookmarks::Bookmark;
use parlons_shared::session::muc::{Affiliation, Departure, Occupant, Role};
use parlons_shared::session::presence::Availability;
use parlons_shared::session::{ChatMessage, Delivery, Direction, Sender};

use super::conversation::RoomNotice;
use super::rooms::{MAX_DESCRIBED, MAX_INVITATIONS, MAX_LOG, Stage, mentions};
use super::tests::{jid, online};
use super::*;

fn team() -> BareJid {
    jid("team@conference.localhost")
}

fn occupant(nick: &str) -> Event {
    Event::OccupantChanged {
        room: team(),
        occupant: Occupant {
            nick: nick.into(),
            role: Role::Participant,
            affiliation: Affiliation::None,
            jid: None,
            occupant_id: None,
            show: Availability::Available,
            status: None,
        },
    }
}

fn said(nick: &str, id: &str, body: &str, mine: bool) -> Event {
    Event::MessageReceived(ChatMessage {
        conversation: ConversationId::Room(team()),
        sender: Sender::Occupant {
            nick: nick.into(),
            occupant_id: None,
        },
        direction: if mine {
            Direction::Outgoing
        } else {
            Direction::Incoming
        },
        kind: xmpp_parsers::message::MessageType::Groupchat,
        stable_id: None,
        archive_id: None,
        id: Some(id.into()),
        body: body.into(),
        timestamp_ms: 10,
        receipt_requested: false,
        markable: false,
        replaces: None,
        archived: false,
        from_archive: false,
    })
}

/// In the room as alice, with bob there before us.
fn in_team() -> Store {
    let mut s = online();
    s.joining(&team(), "alice".into());
    s.apply(occupant("bob"));
    s.apply(Event::RoomJoined {
        room: team(),
        nick: "alice".into(),
        created: false,
        statuses: vec![],
    });
    s
}

fn log(s: &Store) -> &conversation::Conversation {
    &s.rooms[&team()].log
}

#[test]
fn bookmarks_list_rooms_and_autojoin_ones_are_joining() {
    let mut s = online();
    let mark = |room: &str, autojoin| Bookmark {
        room: jid(room),
        name: Some("Team".into()),
        autojoin,
        nick: Some("al".into()),
        password: None,
    };
    s.apply(Event::BookmarksReceived {
        bookmarks: vec![
            mark("team@conference.localhost", true),
            mark("quiet@conference.localhost", false),
        ],
    });
    assert_eq!(s.rooms[&team()].stage, Stage::Joining);
    assert_eq!(s.rooms[&team()].nick.as_deref(), Some("al"));
    assert_eq!(s.title_of(&ConversationId::Room(team())), "Team");
    assert_eq!(s.rooms[&jid("quiet@conference.localhost")].stage, Stage::Out);
    // Removed on another device: a room we are not in goes.
    s.apply(Event::BookmarkRemoved {
        room: jid("quiet@conference.localhost"),
    });
    assert!(!s.rooms.contains_key(&jid("quiet@conference.localhost")));
    // One we are in stays, without its bookmark.
    s.apply(Event::RoomJoined {
        room: team(),
        nick: "al".into(),
        created: false,
        statuses: vec![],
    });
    s.apply(Event::BookmarksReceived { bookmarks: vec![] });
    assert!(s.rooms[&team()].listed());
    s.leaving(&team());
    assert!(!s.rooms.contains_key(&team()));
}

#[test]
fn who_was_there_is_no_news_but_comings_and_goings_are() {
    let mut s = in_team();
    assert!(log(&s).messages.is_empty());
    assert_eq!(s.rooms[&team()].occupants.len(), 1);
    s.apply(occupant("carol"));
    s.apply(Event::OccupantLeft {
        room: team(),
        nick: "bob".into(),
        why: Departure::Kicked {
            by: None,
            reason: None,
        },
    });
    let notices: Vec<_> = log(&s)
        .messages
        .iter()
        .map(|m| (m.sender.clone().unwrap(), m.notice.clone().unwrap()))
        .collect();
    assert_eq!(
        notices,
        vec![
            ("carol".into(), RoomNotice::Joined),
            ("bob".into(), RoomNotice::Kicked)
        ]
    );
    // Notices are not unread, and their keys differ.
    assert_eq!(log(&s).unread, 0);
    assert_ne!(log(&s).messages[0].key, log(&s).messages[1].key);
    // Someone who was not there cannot leave.
    s.apply(Event::OccupantLeft {
        room: team(),
        nick: "nobody".into(),
        why: Departure::Left,
    });
    assert_eq!(log(&s).messages.len(), 2);
}

#[test]
fn messages_are_unread_and_those_naming_us_are_mentions() {
    let mut s = in_team();
    let out = s.apply(said("bob", "b1", "hello all", false));
    assert!(matches!(out, Outcome::NewMessage { .. }));
    s.apply(said("bob", "b2", "Alice: look", false));
    let r = &s.rooms[&team()];
    assert_eq!(r.log.unread, 2);
    assert!(r.mentioned);
    assert_eq!(
        r.log.messages.iter().map(|m| m.mention).collect::<Vec<_>>(),
        [false, true]
    );
    assert_eq!(r.log.messages[0].sender.as_deref(), Some("bob"));
    assert_eq!(s.total_unread(), 2);
    // Opening it reads it all.
    s.open(Some(ConversationId::Room(team())));
    assert!(!s.rooms[&team()].mentioned);
    assert_eq!(s.total_unread(), 0);
}

#[test]
fn a_muted_room_notifies_only_mentions() {
    let mut s = in_team();
    s.muted.push(team());
    assert_eq!(s.apply(said("bob", "b1", "hello all", false)), Outcome::Nothing);
    assert_eq!(s.total_unread(), 0);
    let out = s.apply(said("bob", "b2", "thanks alice!", false));
    assert!(matches!(
        out,
        Outcome::NewMessage {
            from: ConversationId::Room(_),
            ..
        }
    ));
    assert_eq!(s.total_unread(), 2);
}

#[test]
fn our_message_reflected_by_the_room_shows_once() {
    let mut s = in_team();
    s.sent(&ConversationId::Room(team()), "m1".into(), "hi".into(), 5);
    s.apply(said("alice", "m1", "hi", true));
    assert_eq!(log(&s).messages.len(), 1);
    assert_eq!(log(&s).messages[0].delivery, Some(Delivery::Sent));
    // Two people may use the same id: both messages stay.
    s.apply(said("bob", "1", "one", false));
    s.apply(said("carol", "1", "two", false));
    assert_eq!(log(&s).messages.len(), 3);
    // The same one again (no archive) is dropped by id and nick.
    s.apply(said("carol", "1", "two", false));
    assert_eq!(log(&s).messages.len(), 3);
}

#[test]
fn a_hostile_room_is_bounded() {
    let mut s = in_team();
    for n in 0..MAX_LOG + 50 {
        s.apply(occupant(&format!("n{n}")));
    }
    assert_eq!(log(&s).messages.len(), MAX_LOG);
    for n in 0..MAX_INVITATIONS + 5 {
        s.apply(Event::RoomInvitation {
            room: jid(&format!("r{n}@conference.evil")),
            from: None,
            reason: None,
            password: None,
        });
    }
    assert_eq!(s.invitations.len(), MAX_INVITATIONS);
    // The newest are kept; a room we are in invites nothing.
    assert_eq!(
        s.invitations.last().unwrap().room.as_str(),
        format!("r{}@conference.evil", MAX_INVITATIONS + 4)
    );
    s.apply(Event::RoomInvitation {
        room: team(),
        from: None,
        reason: None,
        password: None,
    });
    assert!(s.invitations.iter().all(|i| i.room != team()));
}

#[test]
fn refusals_and_removals_are_kept_for_the_view() {
    let mut s = in_team();
    s.apply(Event::RoomLeft {
        room: team(),
        why: Departure::Banned {
            by: None,
            reason: Some("spam".into()),
        },
    });
    assert!(matches!(
        s.rooms[&team()].stage,
        Stage::Left(Departure::Banned { .. })
    ));
    assert!(s.rooms[&team()].occupants.is_empty());
    s.apply(Event::RoomJoinFailed {
        room: team(),
        error: parlons_shared::session::muc::RoomError::PasswordRequired,
    });
    assert!(matches!(s.rooms[&team()].stage, Stage::Refused(_)));
}

#[test]
fn a_mention_is_the_nick_as_a_word() {
    assert!(mentions("alice: hi", "Alice"));
    assert!(mentions("hi @alice!", "alice"));
    assert!(mentions("merci Élodie", "élodie"));
    assert!(!mentions("malice", "alice"));
    assert!(!mentions("alice_2 hi", "alice"));
    assert!(!mentions("anything", " "));
}

#[test]
fn presences_leave_the_log_as_it_was() {
    let mut s = in_team();
    let before = log(&s).revision;
    // Bob changes his status: the log's views need not look again.
    s.apply(occupant("bob"));
    assert_eq!(log(&s).revision, before);
    s.apply(occupant("carol"));
    assert!(log(&s).revision > before, "a notice changes the log");
}

#[test]
fn an_invitation_from_a_stranger_is_a_request() {
    let mut s = Store::default();
    s.contacts.update(xmpp_parsers::roster::Item {
        jid: jid("friend@example.org"),
        name: None,
        subscription: xmpp_parsers::roster::Subscription::Both,
        ask: Default::default(),
        groups: vec![],
        approved: None,
    });
    for (room, from) in [
        ("a@rooms.example", Some("friend@example.org/phone")),
        ("b@rooms.example", Some("spammer@evil.example/x")),
        ("c@rooms.example", None),
    ] {
        s.apply(Event::RoomInvitation {
            room: jid(room),
            from: from.map(|f| Jid::new(f).unwrap()),
            reason: None,
            password: None,
        });
    }
    let strangers: Vec<bool> = s.invitations.iter().map(|i| i.stranger).collect();
    assert_eq!(strangers, [false, true, true]);
}

#[test]
fn an_open_room_that_was_destroyed_still_says_so_once_its_bookmark_goes() {
    let mut s = in_team();
    s.open = Some(ConversationId::Room(team()));
    s.apply(Event::BookmarksReceived {
        bookmarks: vec![Bookmark {
            room: team(),
            name: None,
            autojoin: true,
            nick: Some("alice".into()),
            password: None,
        }],
    });
    let destroyed = Departure::Destroyed {
        alternative: None,
        reason: Some("moved".into()),
    };
    s.apply(Event::RoomLeft {
        room: team(),
        why: destroyed.clone(),
    });
    s.apply(Event::BookmarkRemoved { room: team() });
    assert_eq!(s.rooms[&team()].stage, Stage::Left(destroyed));
    assert!(!s.rooms[&team()].listed());
    // Once another conversation is open, leaving it forgets it.
    s.open = None;
    s.leaving(&team());
    assert!(!s.rooms.contains_key(&team()));
}

#[test]
fn rooms_described_are_kept_bounded_and_the_latest_wins() {
    let mut s = Store::default();
    for n in 0..MAX_DESCRIBED + 5 {
        s.apply(Event::RoomDescribed {
            room: jid(&format!("r{n}@conference.example")),
            info: None,
        });
    }
    assert_eq!(s.directory.described.len(), MAX_DESCRIBED);
    let info = parlons_shared::session::muc::RoomInfo {
        occupants: Some(3),
        ..Default::default()
    };
    s.apply(Event::RoomDescribed {
        room: jid("r60@conference.example"),
        info: Some(info.clone()),
    });
    s.apply(Event::RoomDescribed {
        room: jid("r60@conference.example"),
        info: Some(info.clone()),
    });
    assert_eq!(s.directory.described.len(), MAX_DESCRIBED);
    assert_eq!(
        s.directory.described.last(),
        Some(&(jid("r60@conference.example"), Some(info)))
    );
}
