//! The room view, a chunk: its name and subject, where we stand (joining,
//! refused, removed) with Join, Invite, Mute and Leave, the shared log and
//! composer, and the occupants beside them.

use leptos::html;
use leptos::prelude::*;
use parlons_shared::session::ConversationId;
use parlons_shared::session::muc::{Affiliation, Departure, RoomError};
use xmpp_parsers::jid::BareJid;

use super::occupants::Occupants;
use super::settings::RoomSettings;
use crate::controller::{rooms, use_store};
use crate::i18n::{t, t_with};
use crate::store::Connection;
use crate::store::rooms::Stage;
use crate::ui::conversation::header::Title;
use crate::ui::conversation::{ConversationBody, ConversationView};
use crate::ui::dialog::{self, FormDialog};

/// The open room.
#[component]
pub fn RoomPane(
    /// The room.
    room: BareJid,
) -> impl IntoView {
    let store = use_store();
    let id = ConversationId::Room(room.clone());
    let name = Memo::new({
        let id = id.clone();
        move |_| store.with(|s| s.title_of(&id))
    });
    let conv = ConversationView::new(store, id.clone());
    let show_occupants = RwSignal::new(false);
    join_when_asked(room.clone());
    view! {
        <section class="conversation room" class:occupants-open=move || show_occupants.get() aria-labelledby="conversation-title">
            <RoomHeader room=room.clone() name=name show_occupants=show_occupants />
            <RoomStage room=room.clone() />
            <Refusal room=room.clone() />
            <ConversationBody id=id name=name conv=conv />
            <Occupants room=room />
        </section>
    }
}

/// Joins the room once online, when an `xmpp:…?join` link asked to.
fn join_when_asked(room: BareJid) {
    let store = use_store();
    Effect::new(move |_| {
        let asked =
            store.with(|s| s.connection == Connection::Online && s.join_asked.as_ref() == Some(&room));
        if asked {
            rooms::take_join(room.clone());
        }
    });
}

#[component]
fn RoomHeader(room: BareJid, name: Memo<String>, show_occupants: RwSignal<bool>) -> impl IntoView {
    let store = use_store();
    let room = StoredValue::new(room);
    let subject =
        Memo::new(move |_| store.with(|s| s.rooms.get(&room.get_value()).and_then(|r| r.subject.clone())));
    let muted = Memo::new(move |_| store.with(|s| s.is_muted(&room.get_value())));
    let joined = Memo::new(move |_| {
        store.with(|s| {
            s.rooms
                .get(&room.get_value())
                .is_some_and(|r| r.stage == Stage::In)
        })
    });
    let owner = Memo::new(move |_| {
        store.with(|s| {
            let r = s.rooms.get(&room.get_value())?;
            let me = r.occupants.get(r.nick.as_ref()?)?;
            Some(me.affiliation == Affiliation::Owner)
        }) == Some(true)
    });
    view! {
        <header class="conversation-header">
            <Title name=name>
                <p class="subject" dir="auto">{move || subject.get()}</p>
            </Title>
            <button
                type="button"
                class="occupants-toggle"
                aria-expanded=move || show_occupants.get().to_string()
                on:click=move |_| show_occupants.update(|s| *s = !*s)
            >
                {move || t("occupants")}
            </button>
            <Show when=move || joined.get()>
                <Invite room=room.get_value() />
            </Show>
            <Show when=move || owner.get()>
                <RoomSettings room=room.get_value() />
            </Show>
            <button
                type="button"
                aria-pressed=move || muted.get().to_string()
                on:click=move |_| rooms::set_muted(room.get_value(), !muted.get_untracked())
            >
                {move || t("mute")}
            </button>
            <button type="button" on:click=move |_| rooms::leave_room(room.get_value())>
                {move || t("leave-room")}
            </button>
        </header>
    }
}

/// A change we asked of the room that it refused, until dismissed.
#[component]
fn Refusal(room: BareJid) -> impl IntoView {
    let store = use_store();
    let room = StoredValue::new(room);
    let refused =
        Memo::new(move |_| store.with(|s| s.rooms.get(&room.get_value()).and_then(|r| r.refused.clone())));
    view! {
        {move || refused.get().map(|e| view! {
            <div class="room-stage">
                <p role="alert">{t(super::moderation_reason(&e))}</p>
                <button type="button" on:click=move |_| rooms::dismiss_refusal(room.get_value())>{move || t("dismiss")}</button>
            </div>
        })}
    }
}

/// Where we stand with the room, when not simply in it: a sentence, and
/// Join where that may help.
#[component]
fn RoomStage(room: BareJid) -> impl IntoView {
    let store = use_store();
    let room = StoredValue::new(room);
    let stage = Memo::new(move |_| store.with(|s| s.rooms.get(&room.get_value()).map(|r| r.stage.clone())));
    let password = NodeRef::<html::Input>::new();
    let join = move || {
        let pass = password
            .get_untracked()
            .map(|p| p.value())
            .filter(|p| !p.is_empty());
        rooms::join_room(room.get_value(), None, pass);
    };
    view! {
        {move || {
            let (key, args, retry, ask_password) = match stage.get() {
                Some(Stage::In) => return None,
                Some(Stage::Joining) => ("room-joining", vec![], false, false),
                Some(Stage::Refused(e)) => refusal(&e),
                Some(Stage::Left(why)) => departure(&why),
                Some(Stage::Out) | None => ("room-not-joined", vec![], true, false),
            };
            let text = t_with(key, &args.iter().map(|(k, v): &(&str, String)| (*k, v.as_str())).collect::<Vec<_>>());
            Some(view! {
                <div class="room-stage" role="status">
                    <p>{text}</p>
                    {ask_password.then(|| view! {
                        <label for="room-stage-password">{move || t("room-password")}</label>
                        <input id="room-stage-password" type="password" autocomplete="off" node_ref=password />
                    })}
                    {retry.then(|| view! {
                        <button type="button" class="primary" on:click=move |_| join()>{move || t("join")}</button>
                    })}
                </div>
            })
        }}
    }
}

type Sentence = (&'static str, Vec<(&'static str, String)>, bool, bool);

/// Why the room would not let us in: the sentence, and whether Join (with
/// a password) may help.
fn refusal(e: &RoomError) -> Sentence {
    match e {
        RoomError::NickConflict { suggestion } => (
            "room-nick-taken",
            vec![("suggestion", suggestion.clone())],
            true,
            false,
        ),
        RoomError::PasswordRequired => ("room-password-needed", vec![], true, true),
        RoomError::Banned => ("room-banned", vec![], false, false),
        RoomError::MembersOnly => ("room-members-only", vec![], false, false),
        RoomError::Full => ("room-full", vec![], true, false),
        RoomError::NotFound => ("room-not-found", vec![], false, false),
        RoomError::NickLocked => ("room-nick-locked", vec![], false, false),
        RoomError::TooManyRooms => ("room-too-many", vec![], false, false),
        RoomError::Other(_) => ("room-refused", vec![], true, false),
    }
}

/// Why we are out of the room.
fn departure(why: &Departure) -> Sentence {
    let with_reason = |key, reason: &Option<String>| {
        (
            key,
            vec![("reason", reason.clone().unwrap_or_default())],
            true,
            false,
        )
    };
    match why {
        Departure::Kicked { reason, .. } => with_reason("room-you-were-kicked", reason),
        Departure::Banned { reason, .. } => (
            "room-you-were-banned",
            vec![("reason", reason.clone().unwrap_or_default())],
            false,
            false,
        ),
        Departure::Destroyed { reason, .. } => (
            "room-destroyed",
            vec![("reason", reason.clone().unwrap_or_default())],
            false,
            false,
        ),
        Departure::Shutdown => ("room-shutdown", vec![], true, false),
        Departure::MembersOnly | Departure::AffiliationChanged => {
            ("room-no-longer-member", vec![], false, false)
        }
        _ => ("room-not-joined", vec![], true, false),
    }
}

/// "Invite": picks a contact, who gets a direct invitation (XEP-0249).
#[component]
fn Invite(room: BareJid) -> impl IntoView {
    let store = use_store();
    let dialog = NodeRef::<html::Dialog>::new();
    let input = NodeRef::<html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let contacts = Memo::new(move |_| {
        store.with(|s| {
            s.contacts
                .iter()
                .map(|c| (c.jid.to_string(), c.display_name().to_owned()))
                .collect::<Vec<_>>()
        })
    });
    let room = StoredValue::new(room);
    let submit = move || {
        let Some(el) = input.get() else { return };
        let Some(to) = super::join::room_address(&el.value()) else {
            error.set(Some(t("address-not-an-address")));
            let _ = el.focus();
            return;
        };
        rooms::invite(room.get_value(), to);
        el.set_value("");
        error.set(None);
        dialog::close(dialog);
    };
    view! {
        <FormDialog dialog=dialog title_id="invite-title" title=|| t("invite") submit=|| t("invite") on_submit=submit>
            <label for="invite-address">{move || t("invite-whom")}</label>
            <input id="invite-address" type="text" list="invite-contacts" autocapitalize="none" spellcheck="false" node_ref=input />
            <datalist id="invite-contacts">
                <For each=move || contacts.get() key=|c| c.0.clone() let:c>
                    <option value=c.0>{c.1}</option>
                </For>
            </datalist>
            <p class="error" role="alert">{move || error.get()}</p>
        </FormDialog>
    }
}
