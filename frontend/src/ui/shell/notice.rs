//! The notice line: a request of the person's that failed (a contact
//! change, a page of history), with why, until dismissed. Only
//! the text is announced, not its button.

use leptos::prelude::*;

use crate::controller::actions;
use crate::controller::use_store;
use crate::i18n::{t, t_with};
use crate::store::Notice;
use crate::ui::reasons::request_reason;

/// The notice line (its text with role `alert`), empty when there is none.
#[component]
pub fn NoticeLine() -> impl IntoView {
    let store = use_store();
    let text = move || {
        let notice = store.with(|s| s.notice.clone())?;
        let (key, jid, error) = match &notice {
            Notice::Contact(jid, error) => ("notice-contact", jid.clone(), error),
            Notice::History(jid, error) => ("notice-history", jid.clone(), error),
            Notice::Blocking(jid, true, error) => ("notice-block", jid.to_bare(), error),
            Notice::Blocking(jid, false, error) => ("notice-unblock", jid.to_bare(), error),
        };
        let contact = store.with(|s| s.contacts.get(&jid).map(|c| c.display_name().to_owned()));
        let contact = contact.unwrap_or_else(|| jid.to_string());
        Some(format!(
            "{} {}",
            t_with(key, &[("contact", &contact)]),
            t(request_reason(error))
        ))
    };
    let shown = move || store.with(|s| s.notice.is_some());
    // One fixed shape, whose text and button show with the notice.
    view! {
        <div class="notice-line" class:visible=shown>
            <span role="alert">{text}</span>
            <button type="button" hidden=move || !shown() on:click=|_| actions::dismiss_notice()>
                {move || t("dismiss")}
            </button>
        </div>
    }
}
