//! What the views ask of rooms (XEP-0045): joining with a bookmark
//! (XEP-0402) so that the next sign-in joins again, leaving, invitations
//! (XEP-0249), muting, moderation and the room browser.

use leptos::prelude::*;
use parlons_shared::session::bookmarks::Bookmark;
use parlons_shared::session::muc::{Affiliation, Departure, Moderation};
use parlons_shared::session::{Command, ConversationId, Event};
use xmpp_parsers::jid::BareJid;

use super::actions::{command, fresh_id};
use super::route::{self, Route};
use super::use_store;
use crate::client::storage;
use crate::store::Store;

/// Where the muted rooms are kept, one address a line.
const MUTED: &str = "parlons.muted";

/// The nick we take when none is given: our account's local part.
pub fn default_nick() -> String {
    use_store().with_untracked(|s| {
        s.account
            .as_ref()
            .and_then(|a| a.node().map(|n| n.to_string()))
            .unwrap_or_else(|| "guest".to_owned())
    })
}

/// Joins a room and bookmarks it to join on every sign-in.
pub fn join_room(room: BareJid, nick: Option<String>, password: Option<String>) {
    let store = use_store();
    let known = store.with_untracked(|s| s.rooms.get(&room).and_then(|r| r.nick.clone()));
    let nick = nick
        .filter(|n| !n.trim().is_empty())
        .or(known)
        .unwrap_or_else(default_nick);
    let name = store.with_untracked(|s| s.rooms.get(&room).and_then(|r| r.name.clone()));
    store.update(|s| {
        s.joining(&room, nick.clone());
        s.invitation_answered(&room);
    });
    command(Command::JoinRoom {
        room: room.clone(),
        nick: nick.clone(),
        password: password.clone(),
    });
    command(Command::SetBookmark {
        bookmark: Bookmark {
            room,
            name,
            autojoin: true,
            nick: Some(nick),
            password,
        },
    });
}

/// Joins the room that an `xmpp:…?join` link asked for.
pub fn take_join(room: BareJid) {
    use_store().update(|s| s.join_asked = None);
    let joined = use_store().with_untracked(|s| {
        s.rooms.get(&room).is_some_and(|r| {
            matches!(
                r.stage,
                crate::store::rooms::Stage::In | crate::store::rooms::Stage::Joining
            )
        })
    });
    if !joined {
        join_room(room, None, None);
    }
}

/// Creates a room named `name`: joining a room that does not exist creates
/// it, with the service's defaults (XEP-0045 §10.1.2), and its bookmark
/// keeps the name.
pub fn create_room(room: BareJid, name: String, nick: String, password: Option<String>) {
    use_store().update(|s| s.room(&room).name = Some(name).filter(|n| !n.is_empty()));
    join_room(room, Some(nick), password);
}

/// Leaves a room, and forgets its bookmark.
pub fn leave_room(room: BareJid) {
    command(Command::LeaveRoom { room: room.clone() });
    command(Command::RemoveBookmark { room: room.clone() });
    let store = use_store();
    let open = store.with_untracked(|s| s.open == Some(ConversationId::Room(room.clone())));
    store.update(|s| s.leaving(&room));
    if open {
        route::go(&Route::Home);
    }
}

/// Changes our nick in a room.
pub fn change_nick(room: BareJid, nick: String) {
    command(Command::ChangeNick { room, nick });
}

/// Destroys a room we own (XEP-0045 §10.9); its bookmark goes with it.
pub fn destroy_room(room: BareJid, reason: Option<String>) {
    moderate(
        room.clone(),
        Moderation::Destroy {
            alternative: None,
            reason,
        },
    );
    command(Command::RemoveBookmark { room });
}

/// Asks a room for its member list; it comes into the store.
pub fn fetch_members(room: BareJid) {
    use_store().update(|s| s.room(&room).members = None);
    command(Command::FetchAffiliations {
        room,
        affiliation: Affiliation::Member,
    });
}

/// Makes `jid` a member of the room, or no longer one, then reads the
/// list again (the room answers in order, so it shows the change).
pub fn set_member(room: BareJid, jid: BareJid, member: bool) {
    let affiliation = if member {
        Affiliation::Member
    } else {
        Affiliation::None
    };
    moderate(
        room.clone(),
        Moderation::SetAffiliation {
            jid,
            affiliation,
            reason: None,
        },
    );
    fetch_members(room);
}

/// What a room event calls for beyond the store, read before it is
/// applied: the bookmark follows our new nick, and a destroyed room's
/// bookmark goes, so that no sign-in makes the room again by joining it.
pub fn follow_up(store: &Store, event: &Event) -> Option<Command> {
    match event {
        Event::OwnNickChanged { room, nick } => {
            let mut bookmark = store.rooms.get(room)?.bookmark.clone()?;
            (bookmark.nick.as_ref() != Some(nick)).then(|| {
                bookmark.nick = Some(nick.clone());
                Command::SetBookmark { bookmark }
            })
        }
        Event::RoomLeft {
            room,
            why: Departure::Destroyed { .. },
        } => store
            .rooms
            .get(room)
            .and_then(|r| r.bookmark.as_ref())
            .map(|_| Command::RemoveBookmark { room: room.clone() }),
        _ => None,
    }
}

/// Sets a room's subject.
pub fn set_subject(room: BareJid, subject: String) {
    command(Command::SetSubject { room, subject });
}

/// Invites a contact to a room.
pub fn invite(room: BareJid, to: BareJid) {
    command(Command::Invite {
        room,
        to,
        reason: None,
    });
}

/// Answers an invitation: joining opens the room.
pub fn answer_invitation(room: BareJid, join: bool) {
    let password = use_store().with_untracked(|s| {
        s.invitations
            .iter()
            .find(|i| i.room == room)
            .and_then(|i| i.password.clone())
    });
    use_store().update(|s| s.invitation_answered(&room));
    if join {
        join_room(room.clone(), None, password);
        route::go(&Route::Room(room));
    }
}

/// Mutes a room, or not; kept on this device.
pub fn set_muted(room: BareJid, muted: bool) {
    let store = use_store();
    store.update(|s| {
        s.muted.retain(|r| *r != room);
        if muted {
            s.muted.push(room);
        }
    });
    let list = store.with_untracked(|s| {
        s.muted
            .iter()
            .map(|r| r.to_string())
            .collect::<Vec<_>>()
            .join("\n")
    });
    storage::set(MUTED, &list);
}

/// The muted rooms kept on this device.
pub fn kept_muted() -> Vec<BareJid> {
    storage::get(MUTED)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| BareJid::new(l).ok())
        .collect()
}

/// Kicks, bans, or changes a role or an affiliation.
pub fn moderate(room: BareJid, change: Moderation) {
    let Some(id) = fresh_id() else { return };
    command(Command::Moderate { room, id, change });
}

/// Asks a room we own for its configuration form; it comes into the store.
pub fn fetch_config(room: BareJid) {
    use_store().update(|s| s.room(&room).config = None);
    command(Command::FetchRoomConfig { room });
}

/// Answers a room's configuration form.
pub fn configure(room: BareJid, answers: Vec<(String, Vec<String>)>) {
    let Some(id) = fresh_id() else { return };
    use_store().update(|s| s.room(&room).config = None);
    command(Command::ConfigureRoom { room, id, answers });
}

/// The refusal was read.
pub fn dismiss_refusal(room: BareJid) {
    use_store().update(|s| s.room(&room).refused = None);
}

/// Looks for our server's room services, whose public rooms then come.
pub fn find_rooms() {
    command(Command::FindRoomServices);
}

/// Lists a room service's public rooms.
pub fn list_rooms(service: BareJid) {
    command(Command::ListRooms { service });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bookmarked(room: &BareJid) -> Store {
        let mut s = Store::default();
        s.room(room).bookmark = Some(Bookmark {
            room: room.clone(),
            name: None,
            autojoin: true,
            nick: Some("old".into()),
            password: None,
        });
        s
    }

    #[test]
    fn the_bookmark_follows_our_nick_and_a_destroyed_room_loses_it() {
        let room = BareJid::new("team@rooms.example").unwrap();
        let s = bookmarked(&room);
        let renamed = Event::OwnNickChanged {
            room: room.clone(),
            nick: "new".into(),
        };
        match follow_up(&s, &renamed) {
            Some(Command::SetBookmark { bookmark }) => assert_eq!(bookmark.nick.as_deref(), Some("new")),
            other => panic!("{other:?}"),
        }
        let same = Event::OwnNickChanged {
            room: room.clone(),
            nick: "old".into(),
        };
        assert_eq!(follow_up(&s, &same), None);
        let destroyed = Event::RoomLeft {
            room: room.clone(),
            why: Departure::Destroyed {
                alternative: None,
                reason: None,
            },
        };
        assert_eq!(
            follow_up(&s, &destroyed),
            Some(Command::RemoveBookmark { room: room.clone() })
        );
        // Without a bookmark, nothing to follow.
        assert_eq!(follow_up(&Store::default(), &destroyed), None);
        let kicked = Event::RoomLeft {
            room,
            why: Departure::Kicked {
                by: None,
                reason: None,
            },
        };
        assert_eq!(follow_up(&s, &kicked), None);
    }
}
