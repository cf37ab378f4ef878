//! Settings, kept in `localStorage`: theme, language and desktop
//! notifications; also the `xmpp:` handler and the password change.

use leptos::html;
use leptos::prelude::*;
use xmpp_parsers::jid::BareJid;

use super::blocked::BlockedList;
use super::reasons::request_reason;
use super::{actions, dialog};
use crate::client::storage::{self, key};
use crate::i18n::{Lang, browser_lang, t};
use crate::store::{PasswordChange, Store};
use parlons_shared::session::RequestError;

/// The colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    /// Follow `prefers-color-scheme`.
    System,
    /// Light.
    Light,
    /// Dark.
    Dark,
}

impl Theme {
    const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    fn value(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    fn label_key(self) -> &'static str {
        match self {
            Self::System => "theme-system",
            Self::Light => "theme-light",
            Self::Dark => "theme-dark",
        }
    }

    fn from_value(v: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|t| t.value() == v)
            .unwrap_or(Self::System)
    }
}

/// The settings, as a context.
#[derive(Clone, Copy)]
pub struct Settings {
    /// The theme.
    pub theme: RwSignal<Theme>,
    /// The interface language.
    pub lang: RwSignal<Lang>,
    /// Desktop notifications while the tab is hidden.
    pub notify: RwSignal<bool>,
}

impl Settings {
    /// From storage, with the browser's language by default.
    pub fn load() -> Self {
        let lang = storage::get(key::LANG)
            .and_then(|l| Lang::from_tag(&l))
            .unwrap_or_else(browser_lang);
        Self {
            theme: RwSignal::new(Theme::from_value(&storage::get(key::THEME).unwrap_or_default())),
            lang: RwSignal::new(lang),
            notify: RwSignal::new(storage::get(key::NOTIFY).as_deref() == Some("on")),
        }
    }

    /// Applies the theme and language to the page, and stores changes.
    pub fn apply_effects(self) {
        Effect::new(move |_| {
            let theme = self.theme.get();
            if let Some(root) = document_element() {
                let _ = root.set_attribute("data-theme", theme.value());
            }
            storage::set(key::THEME, theme.value());
        });
        Effect::new(move |prev: Option<()>| {
            let lang = self.lang.get();
            if let Some(root) = document_element() {
                let _ = root.set_attribute("lang", lang.tag());
            }
            // The browser's language stays the default until one is chosen.
            if prev.is_some() {
                storage::set(key::LANG, lang.tag());
            }
        });
        Effect::new(move |_| {
            storage::set(key::NOTIFY, if self.notify.get() { "on" } else { "off" });
        });
    }

    /// A desktop notification for a new message, while the tab is hidden.
    pub fn notify(self, store: RwSignal<Store>, from: &BareJid, body: &str) {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden());
        // The permission last: asking the browser is the costly part.
        if !(hidden
            && self.notify.get_untracked()
            && web_sys::Notification::permission() == web_sys::NotificationPermission::Granted)
        {
            return;
        }
        let title = store.with_untracked(|s| {
            s.contacts
                .get(from)
                .map_or_else(|| from.to_string(), |c| c.display_name().to_owned())
        });
        let options = web_sys::NotificationOptions::new();
        options.set_body(body);
        options.set_tag(from.as_str());
        let _ = web_sys::Notification::new_with_options(&title, &options);
    }
}

fn document_element() -> Option<web_sys::Element> {
    web_sys::window()?.document()?.document_element()
}

/// The settings, from context.
pub fn use_settings() -> Settings {
    use_context::<Settings>().unwrap_or_else(Settings::load)
}

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
    let store = super::use_store();
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
