//! XEP-0191: the addresses our server blocks, in Settings, each with
//! Unblock.

use leptos::prelude::*;

use crate::controller::actions;

use crate::controller::use_store;
use crate::i18n::{t, t_with};

/// The blocked addresses, or why there are none to show.
#[component]
pub fn BlockedList() -> impl IntoView {
    let store = use_store();
    let blocked = Memo::new(move |_| store.with(|s| s.blocked.clone()));
    let unsupported = Memo::new(move |_| store.with(|s| s.blocking_unsupported));
    let empty = move || match blocked.with(|b| b.as_ref().map(Vec::is_empty)) {
        None if unsupported.get() => Some(t("blocking-unavailable")),
        None => None,
        Some(true) => Some(t("blocked-none")),
        Some(false) => None,
    };
    view! {
        <section class="blocked" aria-labelledby="blocked-title">
            <h3 id="blocked-title">{move || t("blocked")}</h3>
            <p class="hint">{empty}</p>
            <ul>
                <For each=move || blocked.get().unwrap_or_default() key=|j| j.clone() let:jid>
                    <li class="request">
                        <span>{jid.to_string()}</span>
                        <button
                            type="button"
                            aria-label={
                                let jid = jid.clone();
                                move || t_with("unblock-address", &[("jid", jid.as_str())])
                            }
                            on:click={
                                let jid = jid.clone();
                                move |_| actions::unblock(jid.clone())
                            }
                        >
                            {move || t("unblock")}
                        </button>
                    </li>
                </For>
            </ul>
        </section>
    }
}
