//! Our own presence (available, away, do not disturb, extended away, with a
//! message), Settings and Log out.

use leptos::html;
use leptos::prelude::*;
use parlons_shared::session::presence::Availability;

use crate::controller::actions;
use crate::controller::use_store;
use crate::i18n::t;
use crate::ui::account::settings_dialog::SettingsDialogHandle;
use crate::ui::show::availability_key;

const CHOICES: [Availability; 4] = [
    Availability::Available,
    Availability::Away,
    Availability::DoNotDisturb,
    Availability::ExtendedAway,
];

fn value(a: Availability) -> &'static str {
    match a {
        Availability::Chat => "chat",
        Availability::Available => "available",
        Availability::Away => "away",
        Availability::DoNotDisturb => "dnd",
        Availability::ExtendedAway => "xa",
    }
}

/// Status, message, Settings and Log out.
#[component]
pub fn OwnStatus(
    /// The Settings dialog.
    settings: SettingsDialogHandle,
) -> impl IntoView {
    let store = use_store();
    let account = move || store.with(|s| s.account.as_ref().map(ToString::to_string));
    let message = NodeRef::<html::Input>::new();
    let current = move || store.with(|s| s.own_status.0);
    let set = move |show: Availability| {
        let text = message.get().map(|m| m.value()).filter(|m| !m.trim().is_empty());
        actions::set_presence(show, text);
    };
    view! {
        <div class="own-status">
            <span class="account">{account}</span>
            <select
                aria-label=move || t("status")
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    if let Some(a) = CHOICES.into_iter().find(|a| value(*a) == v) {
                        set(a);
                    }
                }
            >
                {CHOICES
                    .into_iter()
                    .map(|a| {
                        view! {
                            <option value=value(a) selected=move || current() == a>
                                {move || t(availability_key(a))}
                            </option>
                        }
                    })
                    .collect::<Vec<_>>()}
            </select>
            <input
                class="status-message"
                type="text"
                aria-label=move || t("status-message")
                placeholder=move || t("status-message")
                node_ref=message
                on:change=move |_| set(current())
            />
            <button
                type="button"
                on:click=move |_| settings.open()
            >
                {move || t("settings")}
            </button>
            <button type="button" on:click=move |_| actions::log_out()>
                {move || t("log-out")}
            </button>
        </div>
    }
}
