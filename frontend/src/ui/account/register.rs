//! Create account (XEP-0077): a server, a name and a password; when the
//! server asks for more, its data form (XEP-0004) as it comes, CAPTCHA
//! image included (XEP-0158). Then it signs in with the new account.

use std::collections::HashMap;

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;
use parlons_shared::session::register::{
    FieldKind, Form, Registration, RegistrationError, RegistrationEvent,
};
use xmpp_parsers::jid::BareJid;

use crate::client::register::Registrar;
use crate::client::{Notice, default_url, random};
use crate::controller::sink::LoginRequest;
use crate::i18n::t;
use crate::store::{Problem, stream_problem};
use crate::ui::account::sign_in::problem_key;
use crate::ui::forms::FormField;

/// Where the registration is.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    /// Filling in server, name and password.
    Start,
    /// Waiting for the server.
    Waiting,
    /// The server asks for more.
    Form(Form),
}

/// The fields we answer from the first step.
fn is_ours(var: &str) -> bool {
    matches!(var, "username" | "password")
}

/// Whether the form asks only what we already have.
fn needs_person(form: &Form) -> bool {
    form.fields
        .iter()
        .any(|f| f.required && !is_ours(&f.var) && !matches!(f.kind, FieldKind::Hidden | FieldKind::Fixed))
        || form.fields.iter().any(|f| f.media.is_some())
}

fn error_key(e: &RegistrationError) -> &'static str {
    match e {
        RegistrationError::NotAllowed => "register-not-allowed",
        RegistrationError::Conflict => "register-conflict",
        RegistrationError::NotAcceptable => "register-not-acceptable",
        // The same sentence as signing in, where one applies.
        RegistrationError::Stream(c) => match stream_problem(c.clone(), None) {
            p @ (Problem::ServerUnreachable | Problem::DomainRefused) => problem_key(&p),
            _ => "register-failed",
        },
        _ => "register-failed",
    }
}

/// One registration: what was typed, where it stands, and the connection
/// that carries it.
#[derive(Clone, Copy)]
struct Registering {
    step: RwSignal<Step>,
    error: RwSignal<Option<String>>,
    error_el: NodeRef<html::P>,
    server: RwSignal<String>,
    name: RwSignal<String>,
    password: RwSignal<String>,
    /// The answers to the server's own questions.
    answers: RwSignal<HashMap<String, Vec<String>>>,
    registrar: StoredValue<Option<Registrar>, LocalStorage>,
}

impl Registering {
    fn new() -> Self {
        Self {
            step: RwSignal::new(Step::Start),
            error: RwSignal::new(None),
            error_el: NodeRef::new(),
            server: RwSignal::new(String::new()),
            name: RwSignal::new(String::new()),
            password: RwSignal::new(String::new()),
            answers: RwSignal::new(HashMap::new()),
            registrar: StoredValue::new_local(None),
        }
    }

    /// Says what went wrong, and moves the focus there.
    fn fail(self, key: &str) {
        self.error.set(Some(t(key)));
        if let Some(el) = self.error_el.get_untracked() {
            let _ = el.focus();
        }
    }

    /// The answers we give from the first step.
    fn ours(self) -> Vec<(String, Vec<String>)> {
        vec![
            ("username".to_owned(), vec![self.name.get_untracked()]),
            ("password".to_owned(), vec![self.password.get_untracked()]),
        ]
    }

    /// What the server said.
    fn event(
        self,
        notice: Notice<RegistrationEvent>,
        on_login: &impl Fn(LoginRequest) -> Result<(), String>,
    ) {
        match notice {
            Notice::Event(RegistrationEvent::FormReceived(form)) => {
                if needs_person(&form) {
                    self.step.set(Step::Form(form));
                } else if let Some(r) = self.registrar.get_value() {
                    r.with_machine(|m| m.submit(self.ours()));
                }
            }
            Notice::Event(RegistrationEvent::Registered) => self.registered(on_login),
            Notice::Event(RegistrationEvent::Failed(e)) => {
                // A refused answer lets the person try the form again.
                if !matches!(self.step.get_untracked(), Step::Form(_)) {
                    self.step.set(Step::Start);
                }
                self.fail(error_key(&e));
            }
            Notice::Event(RegistrationEvent::Ignored { .. }) | Notice::Retrying => {}
            Notice::Closed { reached } => {
                if self.step.get_untracked() == Step::Waiting {
                    self.step.set(Step::Start);
                    self.fail(if reached {
                        "error-stream-closed"
                    } else {
                        "error-gateway-unreachable"
                    });
                }
            }
        }
    }

    /// The account exists: close this stream and sign in with it.
    fn registered(self, on_login: &impl Fn(LoginRequest) -> Result<(), String>) {
        if let Some(r) = self.registrar.get_value() {
            r.with_machine(Registration::close);
            r.stop();
        }
        let request = LoginRequest {
            local: self.name.get_untracked(),
            domain: self.server.get_untracked(),
            password: self.password.get_untracked(),
            keep: false,
            url: None,
        };
        if let Err(msg) = on_login(request) {
            self.error.set(Some(msg));
        }
    }

    /// Checks the first step, then asks the server what it needs.
    fn start(self) {
        self.error.set(None);
        let domain = self.server.get_untracked().trim().to_lowercase();
        self.server.set(domain.clone());
        let Ok(jid) = BareJid::new(&format!("{}@{domain}", self.name.get_untracked())) else {
            return self.fail("address-bad-character");
        };
        if self.password.get_untracked().is_empty() {
            return self.fail("password-empty");
        }
        let Some(prefix) = random::token(8) else {
            return self.fail("error-gateway-unreachable");
        };
        self.step.set(Step::Waiting);
        let started = self
            .registrar
            .get_value()
            .map(|r| r.start(Registration::new(jid, prefix), default_url()));
        if !matches!(started, Some(Ok(()))) {
            self.step.set(Step::Start);
            self.fail("error-gateway-unreachable");
        }
    }

    /// Sends the answers to the server's form, with ours.
    fn submit_answers(self) {
        self.error.set(None);
        let mut all = self.answers.get_untracked();
        all.extend(self.ours());
        if let Some(r) = self.registrar.get_value() {
            r.with_machine(|m| m.submit(all.into_iter().collect()));
        }
    }
}

/// The account creation form.
#[component]
pub fn RegisterPage(
    /// Signs in once the account exists.
    on_login: impl Fn(LoginRequest) -> Result<(), String> + Clone + Send + Sync + 'static,
    /// Set to false to go back to signing in.
    creating: RwSignal<bool>,
) -> impl IntoView {
    let reg = Registering::new();
    reg.registrar
        .set_value(Some(Registrar::new(move |notice| reg.event(notice, &on_login))));
    on_cleanup(move || {
        if let Some(r) = reg.registrar.try_get_value().flatten() {
            r.stop();
        }
    });

    view! {
        <main class="login" aria-labelledby="register-title">
            <h1 id="register-title">{move || t("create-account")}</h1>
            <Show
                when=move || matches!(reg.step.get(), Step::Form(_))
                fallback=move || view! { <StartForm reg=reg /> }
            >
                <AnswersForm reg=reg />
            </Show>
            <p class="alt">
                <button type="button" class="link" on:click=move |_| creating.set(false)>
                    {move || t("have-account")}
                </button>
            </p>
        </main>
    }
}

/// The first step: server, name and password.
#[component]
fn StartForm(reg: Registering) -> impl IntoView {
    let Registering {
        server,
        name,
        password,
        step,
        ..
    } = reg;
    let start = move |ev: SubmitEvent| {
        ev.prevent_default();
        reg.start();
    };
    view! {
        <form class="login-form" on:submit=start novalidate>
            <label for="reg-server">{move || t("server")}</label>
            <input
                id="reg-server"
                type="text"
                autocapitalize="none"
                spellcheck="false"
                placeholder="example.org"
                prop:value=move || server.get()
                on:input=move |ev| server.set(event_target_value(&ev))
            />
            <label for="reg-name">{move || t("user-name")}</label>
            <input
                id="reg-name"
                type="text"
                autocomplete="username"
                autocapitalize="none"
                spellcheck="false"
                prop:value=move || name.get()
                on:input=move |ev| name.set(event_target_value(&ev))
            />
            <label for="reg-password">{move || t("password")}</label>
            <input
                id="reg-password"
                type="password"
                autocomplete="new-password"
                on:input=move |ev| password.set(event_target_value(&ev))
            />
            <p class="error" role="alert" tabindex="-1" node_ref=reg.error_el>
                {move || reg.error.get()}
            </p>
            <button type="submit" class="primary" disabled=move || step.get() == Step::Waiting>
                {move || t("create-account")}
            </button>
        </form>
    }
}

/// The second step, when the server asks for more.
#[component]
fn AnswersForm(reg: Registering) -> impl IntoView {
    let submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        reg.submit_answers();
    };
    view! {
        <form class="login-form" on:submit=submit novalidate>
            {move || match reg.step.get() {
                Step::Form(form) => view! { <ServerForm form=form answers=reg.answers /> }.into_any(),
                _ => ().into_any(),
            }}
            <p class="error" role="alert">{move || reg.error.get()}</p>
            <button type="submit" class="primary">{move || t("create-account")}</button>
        </form>
    }
}

/// The server's own questions.
#[component]
fn ServerForm(form: Form, answers: RwSignal<HashMap<String, Vec<String>>>) -> impl IntoView {
    let fields: Vec<_> = form
        .fields
        .into_iter()
        .enumerate()
        .filter(|(_, f)| !is_ours(&f.var) && f.kind != FieldKind::Hidden)
        .map(|(i, f)| view! { <FormField field=f id=format!("reg-field-{i}") answers=answers /> })
        .collect();
    view! {
        {form.instructions.map(|i| view! { <p class="instructions">{i}</p> })}
        {fields}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use parlons_shared::session::register::Field;

    fn field(var: &str, kind: FieldKind, required: bool) -> Field {
        Field {
            var: var.into(),
            label: None,
            kind,
            required,
            values: vec![],
            media: None,
        }
    }

    #[test]
    fn only_forms_with_questions_of_their_own_are_shown() {
        let mut form = Form {
            instructions: None,
            fields: vec![
                field("FORM_TYPE", FieldKind::Hidden, false),
                field("username", FieldKind::TextSingle, true),
                field("password", FieldKind::TextPrivate, true),
                field("email", FieldKind::TextSingle, false),
            ],
            legacy: false,
        };
        assert!(!needs_person(&form));
        form.fields.push(field("ocr", FieldKind::TextSingle, true));
        assert!(needs_person(&form));
    }
}
