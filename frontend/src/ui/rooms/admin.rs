//! What an occupant changes about a room, each in a dialog: our nick
//! (XEP-0045 §7.6) and the subject (§8.1) for anyone the room allows,
//! the member list (§9.5) for admins, and destroying it (§10.9) for
//! owners. A refusal shows as the room view's alert.

use leptos::html;
use leptos::prelude::*;
use xmpp_parsers::jid::BareJid;

use super::moderation_reason;
use crate::controller::{rooms, use_store};
use crate::i18n::{t, t_with};
use crate::ui::dialog::{self, FormDialog};

/// The input's value, trimmed; `None` when empty.
fn value(input: NodeRef<html::Input>) -> Option<String> {
    let v = input.get_untracked()?.value();
    let v = v.trim();
    (!v.is_empty()).then(|| v.to_owned())
}

/// "Change nickname".
#[component]
pub fn ChangeNick(room: BareJid) -> impl IntoView {
    let store = use_store();
    let dialog = NodeRef::<html::Dialog>::new();
    let input = NodeRef::<html::Input>::new();
    let room = StoredValue::new(room);
    let on_open = Callback::new(move |()| {
        let nick = store.with_untracked(|s| s.rooms.get(&room.get_value()).and_then(|r| r.nick.clone()));
        if let Some(el) = input.get_untracked() {
            el.set_value(&nick.unwrap_or_default());
        }
    });
    let submit = move || {
        if let Some(nick) = value(input) {
            rooms::change_nick(room.get_value(), nick);
            dialog::close(dialog);
        }
    };
    view! {
        <FormDialog dialog=dialog title_id="change-nick-title" title=|| t("change-nick") on_open=on_open submit=|| t("change") on_submit=submit>
            <label for="change-nick">{move || t("nickname")}</label>
            <input id="change-nick" type="text" autocapitalize="none" spellcheck="false" required node_ref=input />
        </FormDialog>
    }
}

/// "Change subject".
#[component]
pub fn ChangeSubject(room: BareJid) -> impl IntoView {
    let store = use_store();
    let dialog = NodeRef::<html::Dialog>::new();
    let input = NodeRef::<html::Input>::new();
    let room = StoredValue::new(room);
    let on_open = Callback::new(move |()| {
        let subject =
            store.with_untracked(|s| s.rooms.get(&room.get_value()).and_then(|r| r.subject.clone()));
        if let Some(el) = input.get_untracked() {
            el.set_value(&subject.unwrap_or_default());
        }
    });
    let submit = move || {
        // An empty subject clears it.
        rooms::set_subject(room.get_value(), value(input).unwrap_or_default());
        dialog::close(dialog);
    };
    view! {
        <FormDialog dialog=dialog title_id="change-subject-title" title=|| t("change-subject") on_open=on_open submit=|| t("save") on_submit=submit>
            <label for="change-subject">{move || t("subject")}</label>
            <input id="change-subject" type="text" dir="auto" node_ref=input />
        </FormDialog>
    }
}

/// "Members": the room's member list, with Remove for each and an address
/// to add.
#[component]
pub fn Members(room: BareJid) -> impl IntoView {
    let store = use_store();
    let dialog = NodeRef::<html::Dialog>::new();
    let input = NodeRef::<html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let room = StoredValue::new(room);
    let members =
        Memo::new(move |_| store.with(|s| s.rooms.get(&room.get_value()).and_then(|r| r.members.clone())));
    let on_open = Callback::new(move |()| {
        error.set(None);
        rooms::fetch_members(room.get_value());
    });
    let submit = move || {
        let Some(el) = input.get_untracked() else { return };
        match super::join::room_address(&el.value()) {
            Some(jid) => {
                rooms::set_member(room.get_value(), jid, true);
                el.set_value("");
                error.set(None);
            }
            None => {
                error.set(Some(t("address-not-an-address")));
                let _ = el.focus();
            }
        }
    };
    view! {
        <FormDialog dialog=dialog title_id="members-title" title=|| t("members") on_open=on_open submit=|| t("add") on_submit=submit>
            {move || match members.get() {
                None => view! { <p role="status">{move || t("room-settings-loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{t(moderation_reason(&e))}</p> }.into_any(),
                Some(Ok(list)) if list.is_empty() => view! { <p>{move || t("members-none")}</p> }.into_any(),
                Some(Ok(list)) => view! {
                    <ul class="members" aria-labelledby="members-title">
                        {list.into_iter().map(|m| {
                            let jid = m.jid.clone();
                            let label = t_with("remove-member", &[("address", jid.as_str())]);
                            view! {
                                <li>
                                    <span>{jid.to_string()}</span>
                                    <button type="button" aria-label=label
                                        on:click=move |_| rooms::set_member(room.get_value(), jid.clone(), false)>
                                        {move || t("remove")}
                                    </button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                }.into_any(),
            }}
            <label for="add-member">{move || t("add-member")}</label>
            <input id="add-member" type="text" autocapitalize="none" spellcheck="false"
                aria-invalid=move || error.get().is_some().to_string()
                aria-describedby="add-member-error" node_ref=input />
            <p id="add-member-error" class="error" role="alert">{move || error.get()}</p>
        </FormDialog>
    }
}

/// "Destroy room", with an optional reason shown to its occupants.
#[component]
pub fn DestroyRoom(room: BareJid) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let input = NodeRef::<html::Input>::new();
    let room = StoredValue::new(room);
    let submit = move || {
        rooms::destroy_room(room.get_value(), value(input));
        dialog::close(dialog);
    };
    view! {
        <FormDialog dialog=dialog title_id="destroy-room-title" title=|| t("destroy-room") submit=|| t("destroy") on_submit=submit>
            <p>{move || t("destroy-room-warning")}</p>
            <label for="destroy-reason">{move || t("reason-optional")}</label>
            <input id="destroy-reason" type="text" dir="auto" node_ref=input />
        </FormDialog>
    }
}
