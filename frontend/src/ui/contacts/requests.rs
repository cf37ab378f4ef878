//! RFC 6121 §3: people who asked to see our presence, with Accept and
//! Decline.

use leptos::prelude::*;

use crate::controller::actions;

use crate::controller::use_store;
use crate::i18n::{t, t_with};

/// Pending subscription requests.
#[component]
pub fn SubscriptionRequests() -> impl IntoView {
    let store = use_store();
    let requests = Memo::new(move |_| store.with(|s| s.requests.iter().cloned().collect::<Vec<_>>()));
    view! {
        <Show when=move || !requests.with(Vec::is_empty)>
            <section class="requests" aria-labelledby="requests-title">
                <h2 id="requests-title">{move || t("requests")}</h2>
                <ul>
                    <For each=move || requests.get() key=|j| j.clone() let:jid>
                        <li class="request">
                            <span>
                                {
                                    let jid = jid.clone();
                                    move || t_with("wants-to-see", &[("jid", jid.as_str())])
                                }
                            </span>
                            <button
                                type="button"
                                class="primary"
                                on:click={
                                    let jid = jid.clone();
                                    move |_| actions::answer_request(jid.clone(), true)
                                }
                            >
                                {move || t("accept")}
                            </button>
                            <button
                                type="button"
                                on:click={
                                    let jid = jid.clone();
                                    move |_| actions::answer_request(jid.clone(), false)
                                }
                            >
                                {move || t("decline")}
                            </button>
                        </li>
                    </For>
                </ul>
            </section>
        </Show>
    }
}
