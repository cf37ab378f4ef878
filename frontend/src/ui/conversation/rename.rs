//! Rename: a dialog with the contact's name, filled in; an empty name
//! clears it, so that the address shows instead.

use leptos::html;
use leptos::prelude::*;
use xmpp_parsers::jid::BareJid;

use crate::controller::actions;
use crate::i18n::t;
use crate::ui::dialog::{self, FormDialog};

/// The Rename button and its dialog.
#[component]
pub fn RenameContact(
    /// The contact.
    jid: BareJid,
    /// Its current name.
    name: Memo<String>,
) -> impl IntoView {
    let dialog = NodeRef::<html::Dialog>::new();
    let input = NodeRef::<html::Input>::new();
    let fill_in = move || {
        if let Some(i) = input.get() {
            i.set_value(&name.get_untracked());
            i.select();
        }
    };
    let submit = move || {
        let Some(i) = input.get() else { return };
        let n = i.value().trim().to_owned();
        actions::rename_contact(jid.clone(), (!n.is_empty()).then_some(n));
        dialog::close(dialog);
    };
    view! {
        <FormDialog
            dialog=dialog
            title_id="rename-title"
            title=|| t("rename")
            submit=|| t("save")
            on_open=fill_in
            on_submit=submit
        >
            <label for="rename-name">{move || t("name")}</label>
            <input id="rename-name" type="text" node_ref=input />
        </FormDialog>
    }
}
