//! The sidebar's rooms: "Join room" and "Create room", invitations with
//! Join and Decline, and the rooms from bookmarks with their unread count,
//! a mention marker and their latest activity.

use leptos::prelude::*;
use parlons_shared::session::ConversationId;
use parlons_shared::session::muc::Departure;
use xmpp_parsers::jid::BareJid;

use super::room_dialog::RoomDialogHandle;
use crate::controller::route::Route;
use crate::controller::{actions, rooms, use_store};
use crate::i18n::{t, t_with};
use crate::store::Store;
use crate::store::rooms::Stage;
use crate::ui::conversation::message_row::short_time;

/// One room's line.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Line {
    id: ConversationId,
    title: String,
    unread: usize,
    mentioned: bool,
    latest: u64,
    open: bool,
}

fn lines(s: &Store) -> Vec<Line> {
    let rooms = s.rooms.iter().filter(|(_, r)| r.listed()).map(|(jid, r)| Line {
        id: ConversationId::Room(jid.clone()),
        title: r.title(jid),
        unread: r.log.unread,
        mentioned: r.mentioned,
        latest: r.log.last().map_or(0, |m| m.timestamp_ms),
        open: s.open == Some(ConversationId::Room(jid.clone())),
    });
    // Private chats with occupants, under their room's name.
    let private = s.private.iter().map(|(jid, c)| {
        let id = ConversationId::Private(jid.clone());
        Line {
            title: format!(
                "{} ({})",
                jid.resource(),
                s.title_of(&ConversationId::Room(jid.to_bare()))
            ),
            unread: c.unread,
            mentioned: false,
            latest: c.last().map_or(0, |m| m.timestamp_ms),
            open: s.open.as_ref() == Some(&id),
            id,
        }
    });
    let mut out: Vec<Line> = rooms.chain(private).collect();
    out.sort_by_cached_key(|l| (l.title.to_lowercase(), l.id.jid().to_string()));
    out
}

/// Rooms that were destroyed and are still bookmarked.
fn destroyed(s: &Store) -> Vec<BareJid> {
    s.rooms
        .iter()
        .filter(|(_, r)| r.bookmark.is_some() && matches!(r.stage, Stage::Left(Departure::Destroyed { .. })))
        .map(|(jid, _)| jid.clone())
        .collect()
}

/// The rooms, with the buttons that join and create them. Rooms that were
/// destroyed lose their bookmark here, where the list is always shown.
#[component]
pub fn RoomList(
    /// The dialog that joins and creates rooms.
    dialog: RoomDialogHandle,
) -> impl IntoView {
    let store = use_store();
    let all = Memo::new(move |_| store.with(lines));
    let gone = Memo::new(move |_| store.with(destroyed));
    Effect::new(move |_| {
        let gone = gone.get();
        if !gone.is_empty() {
            rooms::forget_bookmarks(gone);
        }
    });
    let open = move |create: bool| dialog.open(create);
    view! {
        <nav class="rooms" aria-label=move || t("rooms")>
            <div class="rooms-tools">
                <h2>{move || t("rooms")}</h2>
                <button type="button" aria-haspopup="dialog" on:click=move |_| open(false)>{move || t("join-room")}</button>
                <button type="button" aria-haspopup="dialog" on:click=move |_| open(true)>{move || t("create-room")}</button>
            </div>
            <Invitations />
            <ul>
                <For each=move || all.get() key=|l| l.clone() let:line>
                    <RoomLine line=line />
                </For>
            </ul>
        </nav>
    }
}

#[component]
fn RoomLine(line: Line) -> impl IntoView {
    let href = match &line.id {
        ConversationId::Private(jid) => Route::Private(jid.clone()).hash(),
        other => Route::Room(other.bare()).hash(),
    };
    let unread = (line.unread > 0).then(|| {
        view! {
            <span class="unread">
                {line.unread.to_string()}
                <span class="visually-hidden">" " {move || t("unread")}</span>
            </span>
        }
    });
    let mention = line.mentioned.then(|| {
        view! {
            <span class="mention-marker">
                <span aria-hidden="true">"@"</span>
                <span class="visually-hidden">{move || t("mentioned")}</span>
            </span>
        }
    });
    view! {
        <li>
            <a href=href class="room-line" aria-current=line.open.then_some("page")>
                <span class="name">{line.title.clone()}</span>
                <time>{short_time(line.latest)}</time>
                {mention}
                {unread}
            </a>
        </li>
    }
}

/// Invitations to rooms, each with Join and Decline; one from a stranger
/// is a request, which says so and offers Block.
#[component]
fn Invitations() -> impl IntoView {
    let store = use_store();
    let all = Memo::new(move |_| store.with(|s| s.invitations.clone()));
    view! {
        <ul class="invitations" aria-label=move || t("invitations") hidden=move || all.with(Vec::is_empty)>
            <For each=move || all.get() key=|i| (i.room.clone(), i.stranger) let:invitation>
                {
                    let sender = invitation.from.as_ref().map(|j| j.to_bare());
                    let from = sender.as_ref().map(ToString::to_string).unwrap_or_default();
                    let key = if invitation.stranger { "invited-stranger" } else { "invited" };
                    let text = t_with(key, &[("from", &from), ("room", invitation.room.as_str())]);
                    let room = StoredValue::new(invitation.room.clone());
                    let block = invitation.stranger.then_some(sender).flatten().map(|jid| {
                        let label = t_with("block-address", &[("jid", jid.as_str())]);
                        view! {
                            <button type="button" aria-label=label on:click=move |_| {
                                rooms::answer_invitation(room.get_value(), false);
                                actions::block(jid.clone());
                            }>
                                {move || t("block")}
                            </button>
                        }
                    });
                    view! {
                        <li class="invitation" class:request=invitation.stranger>
                            <p>{text}</p>
                            {invitation.reason.clone().map(|r| view! { <p class="reason" dir="auto">{r}</p> })}
                            <button type="button" class="primary" on:click=move |_| rooms::answer_invitation(room.get_value(), true)>
                                {move || t("join")}
                            </button>
                            <button type="button" on:click=move |_| rooms::answer_invitation(room.get_value(), false)>
                                {move || t("decline")}
                            </button>
                            {block}
                        </li>
                    }
                }
            </For>
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use parlons_shared::session::Event;
    use parlons_shared::session::bookmarks::Bookmark;

    use super::*;

    #[test]
    fn a_destroyed_room_that_is_bookmarked_is_to_forget() {
        let room = BareJid::new("team@rooms.example").unwrap();
        let mut s = Store::default();
        s.room(&room).bookmark = Some(Bookmark {
            room: room.clone(),
            name: None,
            autojoin: true,
            nick: None,
            password: None,
        });
        assert!(destroyed(&s).is_empty());
        s.apply(Event::RoomLeft {
            room: room.clone(),
            why: Departure::Kicked {
                by: None,
                reason: None,
            },
        });
        assert!(destroyed(&s).is_empty());
        s.apply(Event::RoomLeft {
            room: room.clone(),
            why: Departure::Destroyed {
                alternative: None,
                reason: None,
            },
        });
        assert_eq!(destroyed(&s), std::slice::from_ref(&room));
        s.room(&room).bookmark = None;
        assert!(destroyed(&s).is_empty());
    }
}
