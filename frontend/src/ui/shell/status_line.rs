//! The connection line: says when the connection is lost and when the next
//! try is, and offers to reconnect now (resuming the XEP-0198 session when
//! the server kept it).

use leptos::prelude::*;

use crate::client::now_ms;
use crate::controller::actions;
use crate::controller::use_store;
use crate::i18n::{t, t_with};
use crate::store::Connection;
use crate::ui::account::sign_in::problem_key;

/// The connection line (role `status`).
#[component]
pub fn StatusLine() -> impl IntoView {
    let store = use_store();
    let connection = move || store.with(|s| s.connection.clone());
    // The countdown to the next try, redrawn each second while one is due.
    let now = RwSignal::new(now_ms());
    let clock = set_interval_with_handle(
        move || {
            if store.with_untracked(|s| s.retry_at.is_some()) {
                now.set(now_ms());
            }
        },
        std::time::Duration::from_secs(1),
    )
    .ok();
    on_cleanup(move || {
        if let Some(c) = clock {
            c.clear();
        }
    });
    let next_try = move || {
        let at = store.with(|s| s.retry_at)?;
        let seconds = at.saturating_sub(now.get()).div_ceil(1000);
        Some(t_with("retry-in", &[("seconds", &seconds.to_string())]))
    };
    let message = move || match connection() {
        Connection::Lost(problem) => {
            let mut line = t("connection-lost");
            for part in [problem.map(|p| t(problem_key(&p))), next_try()]
                .into_iter()
                .flatten()
            {
                line.push(' ');
                line.push_str(&part);
            }
            Some(line)
        }
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
