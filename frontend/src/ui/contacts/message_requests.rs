//! The sidebar's one entry for every message request, and its dialog; what
//! the dialog holds (`request_list`) is a chunk fetched on first opening.

use leptos::html;
use leptos::prelude::*;

use crate::ui::shell::chunks;

use crate::ui::dialog;

use crate::controller::use_store;
use crate::i18n::t;

/// "Message requests", with how many wait, when any do.
#[component]
pub fn MessageRequests() -> impl IntoView {
    let store = use_store();
    let count = Memo::new(move |_| store.with(|s| s.strangers.len()));
    let dialog = NodeRef::<html::Dialog>::new();
    let opened = RwSignal::new(false);
    let open = move |_| {
        opened.set(true);
        dialog::open(dialog);
    };
    view! {
        <button
            type="button"
            class="message-requests"
            aria-haspopup="dialog"
            hidden=move || count.get() == 0
            on:click=open
        >
            {move || t("message-requests")}
            <span class="badge">{move || count.get()}</span>
        </button>
        <dialog node_ref=dialog class="dialog" aria-labelledby="message-requests-title">
            <h2 id="message-requests-title">{move || t("message-requests")}</h2>
            {move || opened.get().then(|| chunks::on_demand(move || chunks::message_requests_view(dialog)))}
        </dialog>
    }
}
