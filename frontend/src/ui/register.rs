//! Create account (XEP-0077): a server, a name and a password; when the
//! server asks for more, its data form (XEP-0004) as it comes, CAPTCHA
//! image included (XEP-0158). Then it signs in with the new account.

use std::collections::HashMap;

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use parlons_shared::session::register::{
    Field, FieldKind, Form, Registration, RegistrationError, RegistrationEvent,
};
use xmpp_parsers::jid::BareJid;

use super::login::{LoginRequest, problem_key};
use crate::client::register::Registrar;
use crate::client::{Notice, default_url, random};
use crate::i18n::t;
use crate::store::{Problem, stream_problem};

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
        RegistrationError::Stream(c) => match stream_problem(c.clone()) {
            p @ (Problem::ServerUnreachable | Problem::DomainRefused) => problem_key(&p),
            _ => "register-failed",
        },
        _ => "register-failed",
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
    let step = RwSignal::new(Step::Start);
    let error = RwSignal::new(None::<String>);
    let server = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let answers = RwSignal::new(HashMap::<String, Vec<String>>::new());
    let error_el = NodeRef::<leptos::html::P>::new();
    let fail = move |key: &str| {
        error.set(Some(t(key)));
        if let Some(el) = error_el.get_untracked() {
            let _ = el.focus();
        }
    };

    let registrar_slot = StoredValue::new_local(None::<Registrar>);
    let ours = move || {
        vec![
            ("username".to_owned(), vec![name.get_untracked()]),
            ("password".to_owned(), vec![password.get_untracked()]),
        ]
    };
    let on_event = {
        let on_login = on_login.clone();
        move |notice: Notice<RegistrationEvent>| match notice {
            Notice::Event(RegistrationEvent::FormReceived(form)) => {
                if needs_person(&form) {
                    step.set(Step::Form(form));
                } else if let Some(r) = registrar_slot.get_value() {
                    r.with_machine(|m| m.submit(ours()));
                }
            }
            Notice::Event(RegistrationEvent::Registered) => {
                if let Some(r) = registrar_slot.get_value() {
                    r.with_machine(Registration::close);
                    r.stop();
                }
                let request = LoginRequest {
                    local: name.get_untracked(),
                    domain: server.get_untracked(),
                    password: password.get_untracked(),
                    keep: false,
                    url: None,
                };
                if let Err(msg) = on_login(request) {
                    error.set(Some(msg));
                }
            }
            Notice::Event(RegistrationEvent::Failed(e)) => {
                // A refused answer lets the person try the form again.
                if !matches!(step.get_untracked(), Step::Form(_)) {
                    step.set(Step::Start);
                }
                fail(error_key(&e));
            }
            Notice::Event(RegistrationEvent::Ignored { .. }) => {}
            Notice::Closed { reached } => {
                if step.get_untracked() == Step::Waiting {
                    step.set(Step::Start);
                    fail(if reached {
                        "error-stream-closed"
                    } else {
                        "error-gateway-unreachable"
                    });
                }
            }
        }
    };
    registrar_slot.set_value(Some(Registrar::new(on_event)));
    on_cleanup(move || {
        if let Some(r) = registrar_slot.try_get_value().flatten() {
            r.stop();
        }
    });

    let start = {
        move |ev: SubmitEvent| {
            ev.prevent_default();
            error.set(None);
            let domain = server.get_untracked().trim().to_lowercase();
            server.set(domain.clone());
            let Ok(jid) = BareJid::new(&format!("{}@{domain}", name.get_untracked())) else {
                return fail("address-bad-character");
            };
            if password.get_untracked().is_empty() {
                return fail("password-empty");
            }
            let Some(prefix) = random::token(8) else {
                return fail("error-gateway-unreachable");
            };
            step.set(Step::Waiting);
            let started = registrar_slot
                .get_value()
                .map(|r| r.start(Registration::new(jid, prefix), default_url()));
            if !matches!(started, Some(Ok(()))) {
                step.set(Step::Start);
                fail("error-gateway-unreachable");
            }
        }
    };
    let submit_form = {
        move |ev: SubmitEvent| {
            ev.prevent_default();
            error.set(None);
            let mut all = answers.get_untracked();
            all.extend(ours());
            if let Some(r) = registrar_slot.get_value() {
                r.with_machine(|m| m.submit(all.into_iter().collect()));
            }
        }
    };

    view! {
        <main class="login" aria-labelledby="register-title">
            <h1 id="register-title">{move || t("create-account")}</h1>
            <Show
                when=move || matches!(step.get(), Step::Form(_))
                fallback=move || {
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
                            <p class="error" role="alert" tabindex="-1" node_ref=error_el>
                                {move || error.get()}
                            </p>
                            <button type="submit" class="primary" disabled=move || step.get() == Step::Waiting>
                                {move || t("create-account")}
                            </button>
                        </form>
                    }
                }
            >
                <form class="login-form" on:submit=submit_form novalidate>
                    {move || match step.get() {
                        Step::Form(form) => view! { <ServerForm form=form answers=answers /> }.into_any(),
                        _ => ().into_any(),
                    }}
                    <p class="error" role="alert">{move || error.get()}</p>
                    <button type="submit" class="primary">{move || t("create-account")}</button>
                </form>
            </Show>
            <p class="alt">
                <button type="button" class="link" on:click=move |_| creating.set(false)>
                    {move || t("have-account")}
                </button>
            </p>
        </main>
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
        .map(|(i, f)| view! { <FormField field=f index=i answers=answers /> })
        .collect();
    view! {
        {form.instructions.map(|i| view! { <p class="instructions">{i}</p> })}
        {fields}
    }
}

#[component]
fn FormField(field: Field, index: usize, answers: RwSignal<HashMap<String, Vec<String>>>) -> impl IntoView {
    let id = format!("reg-field-{index}");
    let label = field.label.clone().unwrap_or_else(|| field.var.clone());
    let var = field.var.clone();
    let set = move |values: Vec<String>| {
        let var = var.clone();
        answers.update(|a| {
            a.insert(var, values);
        })
    };
    let first = field.values.first().cloned().unwrap_or_default();
    if !field.values.is_empty() {
        set(field.values.clone());
    }
    let media = field
        .media
        .clone()
        .and_then(|m| m.data_uri.or(m.http_uri))
        .map(|src| {
            view! { <img class="captcha" src=src alt=t("captcha-image") /> }
        });
    let input = match field.kind {
        FieldKind::Fixed => return view! { <p>{field.values.join("\n")}</p> }.into_any(),
        FieldKind::Boolean => view! {
            <input
                id=id.clone()
                type="checkbox"
                checked=first == "1" || first == "true"
                on:change=move |ev| set(vec![if event_target_checked(&ev) { "1" } else { "0" }.to_owned()])
            />
        }
        .into_any(),
        FieldKind::ListSingle { options } => view! {
            <select id=id.clone() on:change=move |ev| set(vec![event_target_value(&ev)])>
                {options
                    .into_iter()
                    .map(|o| {
                        let selected = o.value == first;
                        view! {
                            <option value=o.value.clone() selected=selected>
                                {o.label.unwrap_or_else(|| o.value.clone())}
                            </option>
                        }
                    })
                    .collect::<Vec<_>>()}
            </select>
        }
        .into_any(),
        FieldKind::TextMulti | FieldKind::ListMulti { .. } => view! {
            <textarea
                id=id.clone()
                prop:value=field.values.join("\n")
                on:input=move |ev| set(event_target_value(&ev).lines().map(str::to_owned).collect())
            ></textarea>
        }
        .into_any(),
        kind => {
            let kind = if kind == FieldKind::TextPrivate {
                "password"
            } else {
                "text"
            };
            view! {
                <input
                    id=id.clone()
                    type=kind
                    required=field.required
                    value=first
                    on:input=move |ev| set(vec![event_target_value(&ev)])
                />
            }
            .into_any()
        }
    };
    view! {
        {media}
        <label for=id>{label}</label>
        {input}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

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
