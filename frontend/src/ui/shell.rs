//! The signed-in layout: contacts beside the conversation; below 700 px,
//! one pane at a time.

use leptos::html;
use leptos::prelude::*;

use super::contact_list::ContactList;
use super::conversation::ConversationPane;
use super::own_status::OwnStatus;
use super::requests::SubscriptionRequests;
use super::settings::SettingsDialog;
use super::status_line::StatusLine;
use super::use_store;
use crate::i18n::t;

/// The signed-in screen.
#[component]
pub fn Shell() -> impl IntoView {
    let store = use_store();
    let settings = NodeRef::<html::Dialog>::new();
    // Only a change of conversation renders the pane anew.
    let open = Memo::new(move |_| store.with(|s| s.open.clone()));
    let open = move || open.get();
    view! {
        <main class="shell" class:chat-open=move || open().is_some()>
            <header class="topbar">
                <h1 class="brand">"Parlons"</h1>
                <OwnStatus settings=settings />
            </header>
            <StatusLine />
            <aside class="sidebar">
                <SubscriptionRequests />
                <ContactList />
            </aside>
            <div class="pane">
                {move || match open() {
                    Some(jid) => view! { <ConversationPane jid=jid /> }.into_any(),
                    None => view! { <p class="empty">{move || t("pick-contact")}</p> }.into_any(),
                }}
            </div>
            <SettingsDialog dialog=settings />
        </main>
    }
}
