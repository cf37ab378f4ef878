//! Add contact: a dialog with an address and an optional name; it adds the
//! contact to the roster and asks to see its presence.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use xmpp_parsers::jid::BareJid;

use super::actions;
use super::route::{self, Route};
use crate::address;
use crate::i18n::t;

/// The Add contact button and its dialog.
#[component]
pub fn AddContact() -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let address_input = NodeRef::<html::Input>::new();
    let name_input = NodeRef::<html::Input>::new();
    let (error, set_error) = signal(None::<String>);
    let close = move || {
        if let Some(d) = dialog.get() {
            d.close();
        }
    };
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (Some(a), Some(n)) = (address_input.get(), name_input.get()) else {
            return;
        };
        let jid = address::parse(&a.value())
            .ok()
            .and_then(|p| BareJid::new(&format!("{}@{}", p.local, p.domain)).ok());
        let Some(jid) = jid else {
            set_error.set(Some(t("address-not-an-address")));
            let _ = a.focus();
            return;
        };
        let name = Some(n.value().trim().to_owned()).filter(|n| !n.is_empty());
        actions::add_contact(jid.clone(), name);
        a.set_value("");
        n.set_value("");
        set_error.set(None);
        close();
        route::go(&Route::Chat(jid));
    };
    view! {
        <button
            type="button"
            on:click=move |_| {
                if let Some(d) = dialog.get() {
                    let _ = d.show_modal();
                }
            }
        >
            {move || t("add-contact")}
        </button>
        <dialog node_ref=dialog class="dialog" aria-labelledby="add-title">
            <form on:submit=submit novalidate>
                <h2 id="add-title">{move || t("add-contact")}</h2>
                <label for="add-address">{move || t("address")}</label>
                <input
                    id="add-address"
                    type="text"
                    inputmode="email"
                    autocapitalize="none"
                    spellcheck="false"
                    placeholder="name@example.org"
                    node_ref=address_input
                />
                <label for="add-name">{move || t("contact-name")}</label>
                <input id="add-name" type="text" node_ref=name_input />
                <p class="error" role="alert">{move || error.get()}</p>
                <div class="actions">
                    <button type="button" on:click=move |_| close()>
                        {move || t("cancel")}
                    </button>
                    <button type="submit" class="primary">{move || t("add")}</button>
                </div>
            </form>
        </dialog>
    }
}
