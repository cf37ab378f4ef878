//! The Parlons web client: Leptos components rendering the chat store.

pub mod address;
pub mod pages;

use leptos::prelude::*;

use pages::login::{LoginPage, LoginRequest};

/// The whole client.
#[component]
pub fn App() -> impl IntoView {
    let (status, set_status) = signal(None::<String>);
    let on_login = move |req: LoginRequest| {
        // The session core and transport are not wired in yet.
        set_status.set(Some(format!(
            "Signing in to {} is not available in this build yet.",
            req.domain
        )));
    };
    view! {
        <main class="app">
            <LoginPage on_login=on_login status=status />
        </main>
    }
}

/// Mounts the client on `<body>`.
pub fn mount() {
    leptos::mount::mount_to_body(App);
}
