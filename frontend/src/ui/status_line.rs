//! The connection line: says when the connection is lost, and offers to
//! reconnect (resuming the XEP-0198 session when the server kept it).

use leptos::prelude::*;

use super::sign_in::problem_key;
use super::{actions, use_store};
use crate::i18n::t;
use crate::store::Connection;

/// The connection line (role `status`).
#[component]
pub fn StatusLine() -> impl IntoView {
    let store = use_store();
    let connection = move || store.with(|s| s.connection.clone());
    let message = move || match connection() {
        Connection::Lost(None) => Some(t("connection-lost")),
        Connection::Lost(Some(p)) => Some(format!("{} {}", t("connection-lost"), t(problem_key(&p)))),
        Connection::Reconnecting => Some(t("reconnecting")),
        _ => None,
    };
    let lost = move || matches!(connection(), Connection::Lost(_));
    view! {
        <div class="status-line" role="status" class:visible=move || message().is_some()>
            <span>{message}</span>
            <Show when=lost>
                <button type="button" on:click=move |_| actions::reconnect()>
                    {move || t("reconnect")}
                </button>
            </Show>
        </div>
    }
}
