//! Add contact: a dialog with an address and an optional name; it adds the
//! contact to the roster and asks to see its presence.

use leptos::html;
use leptos::prelude::*;
use xmpp_parsers::jid::BareJid;

use crate::address;
use crate::controller::actions;
use crate::controller::route::{self, Route};
use crate::i18n::t;
use crate::ui::dialog::{self, FormDialog};

/// The Add contact button and its dialog.
#[component]
pub fn AddContact() -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let address_input = NodeRef::<html::Input>::new();
    let name_input = NodeRef::<html::Input>::new();
    let error = RwSignal::new(None::<String>);
    let submit = move || {
        if let (Some(a), Some(n)) = (address_input.get(), name_input.get()) {
            add(&a, &n, error, dialog);
        }
    };
    view! {
        <FormDialog
            dialog=dialog
            title_id="add-title"
            title=|| t("add-contact")
            submit=|| t("add")
            on_submit=submit
        >
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
        </FormDialog>
    }
}

/// Adds the contact typed and opens its conversation, or says why the
/// address cannot be used.
fn add(
    address_input: &web_sys::HtmlInputElement,
    name_input: &web_sys::HtmlInputElement,
    error: RwSignal<Option<String>>,
    dialog: NodeRef<html::Dialog>,
) {
    let jid = address::parse(&address_input.value())
        .ok()
        .and_then(|p| BareJid::new(&format!("{}@{}", p.local, p.domain)).ok());
    let Some(jid) = jid else {
        error.set(Some(t("address-not-an-address")));
        let _ = address_input.focus();
        return;
    };
    let name = Some(name_input.value().trim().to_owned()).filter(|n| !n.is_empty());
    actions::add_contact(jid.clone(), name);
    address_input.set_value("");
    name_input.set_value("");
    error.set(None);
    dialog::close(dialog);
    route::go(&Route::Chat(jid));
}
