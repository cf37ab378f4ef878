//! The sign-in screen.

use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::address;

/// What the person asked to sign in with.
#[derive(Clone)]
pub struct LoginRequest {
    /// The local part of the address.
    pub local: String,
    /// The server's domain.
    pub domain: String,
    /// The password, handed straight to the session and never stored.
    pub password: String,
}

/// The sign-in form: an address, a password and a button.
#[component]
pub fn LoginPage(
    /// Called with a valid request.
    on_login: impl Fn(LoginRequest) + 'static,
    /// A message about the attempt under way, if any.
    #[prop(into)]
    status: Signal<Option<String>>,
) -> impl IntoView {
    let address_input = NodeRef::<leptos::html::Input>::new();
    let password_input = NodeRef::<leptos::html::Input>::new();
    let (error, set_error) = signal(None::<&'static str>);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let (Some(addr), Some(pw)) = (address_input.get(), password_input.get()) else {
            return;
        };
        match address::parse(&addr.value()) {
            Err(e) => {
                set_error.set(Some(e.message()));
                let _ = addr.focus();
            }
            Ok(_) if pw.value().is_empty() => {
                set_error.set(Some("Enter your password."));
                let _ = pw.focus();
            }
            Ok(a) => {
                set_error.set(None);
                on_login(LoginRequest {
                    local: a.local,
                    domain: a.domain,
                    password: pw.value(),
                });
            }
        }
    };

    view! {
        <section class="login" aria-labelledby="login-title">
            <h1 id="login-title">"Parlons"</h1>
            <p class="tagline">"Chat with anyone on any XMPP server."</p>
            <form class="login-form" on:submit=on_submit novalidate>
                <label for="login-address">"Address"</label>
                <input
                    id="login-address"
                    name="username"
                    type="text"
                    inputmode="email"
                    autocomplete="username"
                    autocapitalize="none"
                    spellcheck="false"
                    placeholder="name@example.org"
                    aria-invalid=move || error.get().is_some().to_string()
                    aria-describedby="login-error"
                    node_ref=address_input
                />
                <label for="login-password">"Password"</label>
                <input
                    id="login-password"
                    name="password"
                    type="password"
                    autocomplete="current-password"
                    node_ref=password_input
                />
                <p id="login-error" class="error" role="alert">{move || error.get()}</p>
                <button type="submit">"Log in"</button>
                <p class="status" role="status">{move || status.get()}</p>
            </form>
        </section>
    }
}
