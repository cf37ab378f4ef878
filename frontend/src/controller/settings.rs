//! The person's settings, kept in `localStorage`: theme, language and
//! desktop notifications, applied to the page and followed when a message
//! arrives.

use leptos::prelude::*;
use parlons_shared::session::ConversationId;

use crate::client::storage::{self, key};
use crate::i18n::{Lang, browser_lang};
use crate::store::Store;

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
    pub(crate) const ALL: [Theme; 3] = [Theme::System, Theme::Light, Theme::Dark];

    pub(crate) fn value(self) -> &'static str {
        match self {
            Self::System => "system",
            Self::Light => "light",
            Self::Dark => "dark",
        }
    }

    pub(crate) fn label_key(self) -> &'static str {
        match self {
            Self::System => "theme-system",
            Self::Light => "theme-light",
            Self::Dark => "theme-dark",
        }
    }

    pub(crate) fn from_value(v: &str) -> Self {
        Self::ALL
            .into_iter()
            .find(|t| t.value() == v)
            .unwrap_or(Self::System)
    }
}

/// The language chosen in Settings, else the browser's.
pub fn wanted_lang() -> Lang {
    storage::get(key::LANG)
        .and_then(|l| Lang::from_tag(&l))
        .unwrap_or_else(browser_lang)
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
        let lang = wanted_lang();
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
            // Until its table is fetched, English stands in; then the
            // views read the language again.
            if !lang.loaded() {
                crate::i18n::load(lang, move || {
                    if lang.loaded() {
                        self.lang.update(|_| {});
                    }
                });
            }
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
    pub fn notify(self, store: RwSignal<Store>, from: &ConversationId, body: &str) {
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
        let title = store.with_untracked(|s| s.title_of(from));
        let options = web_sys::NotificationOptions::new();
        options.set_body(body);
        options.set_tag(&from.jid().to_string());
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
