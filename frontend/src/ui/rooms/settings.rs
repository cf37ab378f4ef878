//! "Room settings", for a room's owners: its configuration form (XEP-0045
//! §10.2, XEP-0004), asked for when the dialog opens and sent back whole.

use std::collections::HashMap;

use leptos::html;
use leptos::prelude::*;
use parlons_shared::session::register::FieldKind;
use xmpp_parsers::jid::BareJid;

use super::moderation_reason;
use crate::controller::{rooms, use_store};
use crate::i18n::t;
use crate::ui::dialog::{self, FormDialog};
use crate::ui::forms::FormField;

/// The button and its dialog.
#[component]
pub fn RoomSettings(
    /// The room.
    room: BareJid,
) -> impl IntoView {
    let store = use_store();
    let dialog = NodeRef::<html::Dialog>::new();
    let answers = RwSignal::new(HashMap::<String, Vec<String>>::new());
    let room = StoredValue::new(room);
    let config =
        Memo::new(move |_| store.with(|s| s.rooms.get(&room.get_value()).and_then(|r| r.config.clone())));
    let on_open = Callback::new(move |()| {
        answers.set(HashMap::new());
        rooms::fetch_config(room.get_value());
    });
    let submit = move || {
        if !matches!(config.get_untracked(), Some(Ok(_))) {
            return;
        }
        rooms::configure(room.get_value(), answers.get_untracked().into_iter().collect());
        dialog::close(dialog);
    };
    view! {
        <FormDialog
            dialog=dialog
            title_id="room-settings-title"
            title=|| t("room-settings")
            on_open=on_open
            submit=|| t("save")
            on_submit=submit
        >
            {move || match config.get() {
                None => view! { <p role="status">{move || t("room-settings-loading")}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{t(moderation_reason(&e))}</p> }.into_any(),
                Some(Ok(form)) => {
                    let fields: Vec<_> = form
                        .fields
                        .into_iter()
                        .enumerate()
                        .filter(|(_, f)| f.kind != FieldKind::Hidden)
                        .map(|(i, f)| view! { <FormField field=f id=format!("room-field-{i}") answers=answers /> })
                        .collect();
                    view! {
                        {form.instructions.map(|i| view! { <p class="instructions">{i}</p> })}
                        <div class="room-form">{fields}</div>
                    }
                    .into_any()
                }
            }}
        </FormDialog>
    }
}
