//! The sign-in screen. It takes over the static form of `index.html`,
//! keeping what was typed while the client loaded.

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;

use crate::address::{self, AddressError};
use crate::controller::sink::LoginRequest;
use crate::controller::use_store;
use crate::i18n::t;
use crate::store::{Connection, Store};
use crate::ui::account::sign_in::problem_key;
use crate::ui::shell::chunks;

/// What was typed into the static form before the client took over.
#[derive(Debug, Clone, Default)]
pub struct Typed {
    /// The address field.
    pub address: String,
    /// The password field.
    pub password: String,
    /// The id of the field that had the focus.
    pub focused: Option<String>,
}

/// Reads and removes the static form of `index.html`.
pub fn take_static_form() -> Typed {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return Typed::default();
    };
    let value = |id: &str| {
        doc.get_element_by_id(id)
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok())
            .map(|i| i.value())
            .unwrap_or_default()
    };
    let typed = Typed {
        address: value("login-address"),
        password: value("login-password"),
        focused: doc
            .active_element()
            .map(|e| e.id())
            .filter(|id| id == "login-address" || id == "login-password"),
    };
    if let Some(boot) = doc.get_element_by_id("boot") {
        boot.remove();
    }
    typed
}

fn address_error_key(e: AddressError) -> &'static str {
    match e {
        AddressError::Empty => "address-empty",
        AddressError::NotAnAddress => "address-not-an-address",
        AddressError::BadCharacter => "address-bad-character",
        AddressError::TooLong => "address-too-long",
    }
}

/// The sign-in form, or the account creation form.
#[component]
pub fn LoginPage(
    /// Called with a request; an error sentence comes back when the
    /// address cannot be used.
    on_login: impl Fn(LoginRequest) -> Result<(), String> + Clone + Send + Sync + 'static,
    /// What the static form held.
    typed: Typed,
) -> impl IntoView {
    let creating = RwSignal::new(false);
    let login = on_login.clone();
    let on_login = Callback::new(on_login);
    view! {
        <Show
            when=move || creating.get()
            fallback=move || {
                view! { <LoginForm on_login=login.clone() typed=typed.clone() creating=creating /> }
            }
        >
            // A chunk of its own, fetched when first shown.
            {move || chunks::on_demand(move || chunks::register_view(on_login, creating))}
        </Show>
    }
}

/// The sign-in form's inputs.
#[derive(Clone, Copy, Default)]
struct LoginInputs {
    address: NodeRef<html::Input>,
    password: NodeRef<html::Input>,
    keep: NodeRef<html::Input>,
    url: NodeRef<html::Input>,
}

impl LoginInputs {
    /// Another WebSocket URL than the default, if one was typed.
    fn url(self) -> Option<String> {
        self.url
            .get()
            .map(|u| u.value().trim().to_owned())
            .filter(|u| !u.is_empty())
    }

    /// Whether "Keep me signed in" is checked.
    fn keep(self) -> bool {
        self.keep.get().is_some_and(|k| k.checked())
    }
}

#[component]
fn LoginForm(
    on_login: impl Fn(LoginRequest) -> Result<(), String> + Send + Sync + 'static,
    typed: Typed,
    creating: RwSignal<bool>,
) -> impl IntoView {
    let store = use_store();
    let inputs = LoginInputs::default();
    let LoginInputs { keep, url, .. } = inputs;
    let error_el = NodeRef::<html::P>::new();
    let error = RwSignal::new(None::<String>);
    // Only an address that cannot be used marks the field invalid.
    let invalid = RwSignal::new(false);
    let busy = move || store.with(|s| s.connection == Connection::SigningIn);
    say_failure(store, error, error_el);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        submit(inputs, invalid, error, &on_login);
    };

    view! {
        <main class="login" aria-labelledby="login-title">
            <h1 id="login-title">"Parlons"</h1>
            <p class="tagline">{move || t("tagline")}</p>
            <form class="login-form" on:submit=on_submit novalidate>
                <AccountFields inputs=inputs typed=typed invalid=invalid />
                <label class="check">
                    <input type="checkbox" node_ref=keep />
                    {move || t("keep-signed-in")}
                </label>
                <AdvancedFields url=url />
                <p id="login-error" class="error" role="alert" tabindex="-1" node_ref=error_el>
                    {move || error.get()}
                </p>
                <button type="submit" class="primary" disabled=busy>
                    {move || t("log-in")}
                </button>
                <p class="status" role="status">{move || busy().then(|| t("signing-in"))}</p>
            </form>
            <p class="alt">
                {move || t("no-account")} " "
                <button type="button" class="link" on:click=move |_| creating.set(true)>
                    {move || t("create-account")}
                </button>
            </p>
        </main>
    }
}

/// A failed sign-in is said beside the form, and focus moves to it.
fn say_failure(store: RwSignal<Store>, error: RwSignal<Option<String>>, error_el: NodeRef<html::P>) {
    Effect::new(move |_| {
        let failed = store.with(|s| match &s.connection {
            Connection::Failed(p) => Some(problem_key(p)),
            _ => None,
        });
        if let Some(key) = failed {
            error.set(Some(t(key)));
            if let Some(el) = error_el.get() {
                let _ = el.focus();
            }
        }
    });
}

/// Gives the focus back to the field that had it in the static form, with
/// the caret at the end, in the task that replaced the form: keys typed
/// next land where they were going.
pub fn restore_focus(typed: &Typed) {
    let input = typed
        .focused
        .as_deref()
        .and_then(|id| document().get_element_by_id(id))
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlInputElement>(e).ok());
    if let Some(input) = input {
        let _ = input.focus();
        let end = u32::try_from(input.value().encode_utf16().count()).unwrap_or(0);
        let _ = input.set_selection_range(end, end);
    }
}

/// Checks the form, then hands the request on; a problem is said beside
/// the form and its field gets the focus.
fn submit(
    inputs: LoginInputs,
    invalid: RwSignal<bool>,
    error: RwSignal<Option<String>>,
    on_login: &impl Fn(LoginRequest) -> Result<(), String>,
) {
    let (Some(addr), Some(pw)) = (inputs.address.get(), inputs.password.get()) else {
        return;
    };
    let fail = |msg: String, field: &web_sys::HtmlInputElement| {
        error.set(Some(msg));
        let _ = field.focus();
    };
    let parsed = address::parse(&addr.value());
    invalid.set(parsed.is_err());
    match parsed {
        Err(e) => fail(t(address_error_key(e)), &addr),
        Ok(_) if pw.value().is_empty() => fail(t("password-empty"), &pw),
        Ok(a) => {
            error.set(None);
            let request = LoginRequest {
                local: a.local,
                domain: a.domain,
                password: pw.value(),
                keep: inputs.keep(),
                url: inputs.url(),
            };
            if let Err(msg) = on_login(request) {
                fail(msg, &addr);
            }
        }
    }
}

/// The address and the password, as the static form had them.
#[component]
fn AccountFields(inputs: LoginInputs, typed: Typed, invalid: RwSignal<bool>) -> impl IntoView {
    view! {
        <label for="login-address">{move || t("address")}</label>
        <input
            id="login-address"
            name="username"
            type="text"
            inputmode="email"
            autocomplete="username"
            autocapitalize="none"
            spellcheck="false"
            placeholder="name@example.org"
            value=typed.address
            aria-invalid=move || invalid.get().to_string()
            aria-describedby="login-error"
            node_ref=inputs.address
        />
        <label for="login-password">{move || t("password")}</label>
        <input
            id="login-password"
            name="password"
            type="password"
            autocomplete="current-password"
            value=typed.password
            node_ref=inputs.password
        />
    }
}

/// Advanced: another WebSocket endpoint.
#[component]
fn AdvancedFields(url: NodeRef<html::Input>) -> impl IntoView {
    view! {
        <details class="advanced">
            <summary>{move || t("advanced")}</summary>
            <label for="login-url">{move || t("websocket-url")}</label>
            <input
                id="login-url"
                type="url"
                placeholder="wss://example.org/xmpp-websocket"
                node_ref=url
            />
        </details>
    }
}
