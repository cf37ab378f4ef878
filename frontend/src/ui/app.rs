//! The whole client: its contexts, the controller started
//! ([`crate::controller::sink`]), and the choice between the sign-in page
//! and the signed-in shell.

use leptos::prelude::*;

use crate::client::storage;
use crate::controller::settings::Settings;
use crate::controller::sink::{resume_kept, start_client};
use crate::controller::{StoreHandle, page};
use crate::i18n::Locale;
use crate::store::{Connection, Store};
use crate::ui::account::login::LoginPage;
use crate::ui::shell::Shell;

/// The client.
#[component]
pub fn App(
    /// What the static form held before the client loaded.
    #[prop(optional)]
    typed: crate::ui::account::login::Typed,
) -> impl IntoView {
    let settings = Settings::load();
    provide_context(Locale(settings.lang));
    provide_context(settings);
    settings.apply_effects();

    let store = RwSignal::new(Store::default());
    provide_context(StoreHandle(store));
    let sink = start_client(store, settings);
    if let Some(kept) = storage::kept_login() {
        resume_kept(sink, kept);
    }
    page::follow_route(store);
    page::follow_attention(store);
    page::follow_unread(store);

    let signed_in = move || store.with(is_signed_in);
    let on_login = move |req| sink.log_in(req);
    view! {
        <Show when=signed_in fallback=move || view! { <LoginPage on_login=on_login typed=typed.clone() /> }>
            <Shell />
        </Show>
    }
}

/// Whether the shell shows: signed in, or getting back in.
fn is_signed_in(s: &Store) -> bool {
    matches!(
        s.connection,
        Connection::Online | Connection::Lost(_) | Connection::Reconnecting
    )
}
