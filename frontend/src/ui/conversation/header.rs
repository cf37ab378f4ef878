//! The conversation's header: Back, the contact's name, presence and
//! typing, Rename and Remove contact; Add contact for someone who is not one.

use leptos::prelude::*;
use xmpp_parsers::jid::BareJid;

use super::ConversationView;
use super::rename::RenameContact;
use crate::controller::actions;
use crate::controller::route::{self, Route};
use crate::controller::use_store;
use crate::i18n::t;
use crate::store::Store;
use crate::ui::show::availability_key;

/// The header of the open conversation.
#[component]
pub fn ConversationHeader(
    /// The contact.
    jid: BareJid,
    /// Its name.
    name: Memo<String>,
    /// The conversation, for typing.
    conv: ConversationView,
) -> impl IntoView {
    let store = use_store();
    let presence = {
        let jid = jid.clone();
        move || presence_line(store, &jid)
    };
    let remove = {
        let jid = jid.clone();
        move |_| {
            actions::remove_contact(jid.clone());
            route::go(&Route::Home);
        }
    };
    let known = {
        let jid = jid.clone();
        Memo::new(move |_| store.with(|s| s.contacts.get(&jid).is_some() || s.account.as_ref() == Some(&jid)))
    };
    let add = {
        let jid = jid.clone();
        move |_| actions::add_contact(jid.clone(), None)
    };
    view! {
        <header class="conversation-header">
            <Title name=name>
                <p class="presence">
                    {presence}
                    <span class="typing" aria-live="polite">
                        {move || conv.with(|c| c.typing).then(|| t("typing"))}
                    </span>
                </p>
            </Title>
            // Someone who is not a contact yet, as an accepted request.
            <Show
                when=move || known.get()
                fallback=move || view! { <button type="button" on:click=add.clone()>{move || t("add-contact")}</button> }
            >
                <RenameContact jid=jid.clone() name=name />
                <button type="button" on:click=remove.clone()>{move || t("remove-contact")}</button>
            </Show>
        </header>
    }
}

/// Back (on narrow screens), and the conversation's name, which names
/// its pane, with what `children` add under it.
#[component]
pub fn Title(
    /// The conversation's name.
    name: Memo<String>,
    /// Under the name.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    view! {
        <button type="button" class="back" on:click=move |_| route::go(&Route::Home)>
            {move || t("back")}
        </button>
        <div class="title">
            <h2 id="conversation-title">{move || name.get()}</h2>
            {children.map(|c| c())}
        </div>
    }
}

/// The contact's availability, then its status message: "Away · At lunch".
fn presence_line(store: RwSignal<Store>, jid: &BareJid) -> String {
    let (key, status) = store.with(|s| {
        let c = s.contacts.get(jid);
        let key = c.and_then(|c| c.show).map_or("show-offline", availability_key);
        let status = c.and_then(|c| c.status.clone());
        (key, status)
    });
    format!(
        "{}{}",
        t(key),
        status.map(|s| format!(" · {s}")).unwrap_or_default()
    )
}
