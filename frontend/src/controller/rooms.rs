//! What the views ask of rooms (XEP-0045): joining with a bookmark
//! (XEP-0402) so that the next sign-in joins again, leaving, invitations
//! (XEP-0249), muting, moderation and the room browser.

use leptos::prelude::*;
use parlons_shared::session::bookmarks::Bookmark;
use parlons_shared::session::muc::{Affiliation, Moderation};
use parlons_shared::session::{Command, ConversationId};
use xmpp_parsers::jid::BareJid;

use super::actions::{command, fresh_id};
use super::route::{self, Route};
use super::use_store;
use crate::client::storage;

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

/// Changes our nick in a room; the bookmark follows, so that the next
/// sign-in joins under it.
pub fn change_nick(room: BareJid, nick: String) {
    let bookmark = use_store().with_untracked(|s| s.rooms.get(&room).and_then(|r| r.bookmark.clone()));
    command(Command::ChangeNick {
        room,
        nick: nick.clone(),
    });
    if let Some(mut bookmark) = bookmark {
        bookmark.nick = Some(nick);
        command(Command::SetBookmark { bookmark });
    }
}

/// Forgets the bookmarks of rooms that were destroyed, so that no sign-in
/// makes them again by joining.
pub fn forget_bookmarks(rooms: Vec<BareJid>) {
    for room in rooms {
        use_store().update(|s| s.room(&room).bookmark = None);
        command(Command::RemoveBookmark { room });
    }
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
    forget_bookmarks(vec![room]);
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

/// Asks a room about itself (name, occupants, features) before joining.
pub fn describe_room(room: BareJid) {
    command(Command::DescribeRoom { room });
}
