//! The Settings dialog's content: theme, language and desktop
//! notifications (kept by [`crate::controller::settings`]), the `xmpp:`
//! handler, the password change and the blocked addresses.

use leptos::html;
use leptos::prelude::*;

use crate::controller::actions;
use crate::controller::settings::{Theme, use_settings};
use crate::i18n::{Lang, t};
use crate::store::PasswordChange;
use crate::ui::account::blocked::BlockedList;
use crate::ui::dialog;
use crate::ui::reasons::request_reason;
use parlons_shared::session::RequestError;

/// What the dialog holds: theme, language, notifications, `xmpp:` links,
/// the password, blocked addresses, and Close.
#[component]
pub fn SettingsContent(
    /// The dialog, closed by Close.
    dialog: NodeRef<html::Dialog>,
) -> impl IntoView {
    let settings = use_settings();
    view! {
        <ThemeChoice theme=settings.theme />
        <LanguageChoice lang=settings.lang />
        <NotifyChoice notify=settings.notify />
        <button type="button" on:click=move |_| register_handler()>
            {move || t("register-handler")}
        </button>
        <ChangePassword />
        <BlockedList />
        <button type="button" class="primary" on:click=move |_| dialog::close(dialog)>
            {move || t("close")}
        </button>
    }
}

/// The colour theme.
#[component]
fn ThemeChoice(theme: RwSignal<Theme>) -> impl IntoView {
    view! {
        <label for="settings-theme">{move || t("theme")}</label>
        <select id="settings-theme" on:change=move |ev| theme.set(Theme::from_value(&event_target_value(&ev)))>
            {Theme::ALL
                .into_iter()
                .map(|th| {
                    view! {
                        <option value=th.value() selected=move || theme.get() == th>
                            {move || t(th.label_key())}
                        </option>
                    }
                })
                .collect::<Vec<_>>()}
        </select>
    }
}

/// The interface language, each named in itself.
#[component]
fn LanguageChoice(lang: RwSignal<Lang>) -> impl IntoView {
    view! {
        <label for="settings-lang">{move || t("language")}</label>
        <select
            id="settings-lang"
            on:change=move |ev| {
                if let Some(l) = Lang::from_tag(&event_target_value(&ev)) {
                    lang.set(l);
                }
            }
        >
            {Lang::ALL
                .into_iter()
                .map(|l| {
                    view! {
                        <option value=l.tag() lang=l.tag() selected=move || lang.get() == l>
                            {l.name()}
                        </option>
                    }
                })
                .collect::<Vec<_>>()}
        </select>
    }
}

/// Desktop notifications; turning them on asks the browser's permission.
#[component]
fn NotifyChoice(notify: RwSignal<bool>) -> impl IntoView {
    view! {
        <label class="check">
            <input
                type="checkbox"
                prop:checked=move || notify.get()
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    notify.set(on);
                    if on {
                        // Asked on this click: a user gesture.
                        let _ = web_sys::Notification::request_permission();
                    }
                }
            />
            {move || t("notifications")}
        </label>
    }
}

/// Lets `xmpp:` links open Parlons.
fn register_handler() {
    let Some(w) = web_sys::window() else { return };
    let origin = w.location().origin().unwrap_or_default();
    let url = format!("{origin}/#/open?uri=%s");
    let _ = w.navigator().register_protocol_handler("xmpp", &url, "Parlons");
}

/// XEP-0077: a new password for the signed-in account.
#[component]
fn ChangePassword() -> impl IntoView {
    let input = NodeRef::<html::Input>::new();
    let store = crate::controller::use_store();
    let outcome = move || match store.with(|s| s.password.clone()) {
        PasswordChange::Changed => Some(t("password-changed")),
        // Unanswered, it may have been changed all the same.
        PasswordChange::Failed(RequestError::SessionEnded) => Some(t("reason-connection")),
        PasswordChange::Failed(error) => Some(format!(
            "{} {}",
            t("password-not-changed"),
            t(request_reason(&error))
        )),
        PasswordChange::Idle | PasswordChange::Asked(_) => None,
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if let Some(i) = input.get() {
            let pw = i.value();
            if !pw.is_empty() {
                actions::change_password(pw);
                i.set_value("");
            }
        }
    };
    view! {
        <form class="change-password" on:submit=submit>
            <label for="new-password">{move || t("new-password")}</label>
            <input id="new-password" type="password" autocomplete="new-password" node_ref=input />
            <button type="submit">{move || t("change-password")}</button>
            <p role="status">{outcome}</p>
        </form>
    }
}
