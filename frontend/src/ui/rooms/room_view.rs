//! The room view, a chunk: its name and subject, where we stand (joining,
//! refused, removed) with Join, Invite, Mute, Leave and the changes of
//! [`super::admin`], the shared log and composer, and the occupants.

use leptos::html;
use leptos::prelude::*;
use parlons_shared::session::ConversationId;
use parlons_shared::session::muc::{Affiliation, Departure, RoomError};
use xmpp_parsers::jid::BareJid;

use super::admin::{ChangeNick, ChangeSubject, DestroyRoom, Members};
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
    let mine = Memo::new(move |_| {
        store.with(|s| {
            let r = s.rooms.get(&room.get_value())?;
            Some(r.occupants.get(r.nick.as_ref()?)?.affiliation.clone())
        })
    });
    let owner = move || mine.get() == Some(Affiliation::Owner);
    let admin = move || owner() || mine.get() == Some(Affiliation::Admin);
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
                <ChangeNick room=room.get_value() />
                <ChangeSubject room=room.get_value() />
            </Show>
            <Show when=admin>
                <Members room=room.get_value() />
            </Show>
            <Show when=owner>
                <RoomSettings room=room.get_value() />
                <DestroyRoom room=room.get_value() />
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
/// Join where that may help, with a password or another nick when one is
/// needed.
#[component]
fn RoomStage(room: BareJid) -> impl IntoView {
    let store = use_store();
    let room = StoredValue::new(room);
    let stage = Memo::new(move |_| store.with(|s| s.rooms.get(&room.get_value()).map(|r| r.stage.clone())));
    let password = NodeRef::<html::Input>::new();
    let nick = NodeRef::<html::Input>::new();
    let join = move || {
        let value = |input: NodeRef<html::Input>| {
            input
                .get_untracked()
                .map(|i| i.value())
                .filter(|v| !v.trim().is_empty())
        };
        rooms::join_room(room.get_value(), value(nick), value(password));
    };
    view! {
        {move || {
            let said = match stage.get() {
                Some(Stage::In) => return None,
                Some(Stage::Joining) => Sentence::new("room-joining"),
                Some(Stage::Refused(e)) => refusal(&e),
                Some(Stage::Left(why)) => departure(&why),
                Some(Stage::Out) | None => Sentence::new("room-not-joined").retry(),
            };
            let text = t_with(said.key, &said.args.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>());
            Some(view! {
                <div class="room-stage" role="status">
                    <p>{text}</p>
                    {said.nick.map(|suggested| view! {
                        <label for="room-stage-nick">{move || t("nickname")}</label>
                        <input id="room-stage-nick" type="text" autocapitalize="none" spellcheck="false"
                            value=suggested node_ref=nick />
                    })}
                    {said.password.then(|| view! {
                        <label for="room-stage-password">{move || t("room-password")}</label>
                        <input id="room-stage-password" type="password" autocomplete="off" node_ref=password />
                    })}
                    {said.retry.then(|| view! {
                        <button type="button" class="primary" on:click=move |_| join()>{move || t("join")}</button>
                    })}
                </div>
            })
        }}
    }
}

/// What the room stage says, and what it offers.
struct Sentence {
    key: &'static str,
    args: Vec<(&'static str, String)>,
    /// Join may help.
    retry: bool,
    /// Join needs a password.
    password: bool,
    /// Join needs another nick: this one is suggested.
    nick: Option<String>,
}

impl Sentence {
    fn new(key: &'static str) -> Self {
        Self {
            key,
            args: Vec::new(),
            retry: false,
            password: false,
            nick: None,
        }
    }

    fn with(mut self, name: &'static str, value: Option<&String>) -> Self {
        self.args.push((name, value.cloned().unwrap_or_default()));
        self
    }

    fn retry(mut self) -> Self {
        self.retry = true;
        self
    }
}

/// Why the room would not let us in: the sentence, and whether Join (with
/// a password, or another nick) may help.
fn refusal(e: &RoomError) -> Sentence {
    match e {
        RoomError::NickConflict { suggestion } => Sentence {
            nick: Some(suggestion.clone()),
            ..Sentence::new("room-nick-taken")
                .with("suggestion", Some(suggestion))
                .retry()
        },
        RoomError::PasswordRequired => Sentence {
            password: true,
            ..Sentence::new("room-password-needed").retry()
        },
        RoomError::Banned => Sentence::new("room-banned"),
        RoomError::MembersOnly => Sentence::new("room-members-only"),
        RoomError::Full => Sentence::new("room-full").retry(),
        RoomError::NotFound => Sentence::new("room-not-found"),
        RoomError::NickLocked => Sentence::new("room-nick-locked"),
        RoomError::TooManyRooms => Sentence::new("room-too-many"),
        RoomError::Other(_) => Sentence::new("room-refused").retry(),
    }
}

/// Why we are out of the room.
fn departure(why: &Departure) -> Sentence {
    match why {
        Departure::Kicked { reason, .. } => Sentence::new("room-you-were-kicked")
            .with("reason", reason.as_ref())
            .retry(),
        Departure::Banned { reason, .. } => {
            Sentence::new("room-you-were-banned").with("reason", reason.as_ref())
        }
        Departure::Destroyed { reason, .. } => {
            Sentence::new("room-destroyed").with("reason", reason.as_ref())
        }
        Departure::Shutdown => Sentence::new("room-shutdown").retry(),
        Departure::MembersOnly | Departure::AffiliationChanged => Sentence::new("room-no-longer-member"),
        _ => Sentence::new("room-not-joined").retry(),
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
