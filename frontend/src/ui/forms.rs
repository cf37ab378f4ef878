//! XEP-0004 data forms as controls, one per field, for registration
//! (XEP-0077) and room configuration (XEP-0045 §10.2): each answer goes
//! into a map by field name, starting from the field's own values.

use std::collections::HashMap;

use leptos::prelude::*;
use parlons_shared::session::register::{Field, FieldKind};

use crate::i18n::t;

/// Where one field's answer goes.
#[derive(Clone)]
struct Answer {
    var: String,
    answers: RwSignal<HashMap<String, Vec<String>>>,
}

impl Answer {
    fn set(&self, values: Vec<String>) {
        self.answers.update(|a| {
            a.insert(self.var.clone(), values);
        });
    }
}

/// One of the server's questions: its image if any, its label and the
/// control for its kind; fixed text is only shown.
#[component]
pub fn FormField(
    /// The field.
    field: Field,
    /// Its control's id, unique in the page.
    id: String,
    /// Where the answers go, by field name.
    answers: RwSignal<HashMap<String, Vec<String>>>,
) -> impl IntoView {
    let answer = Answer {
        var: field.var.clone(),
        answers,
    };
    if !field.values.is_empty() {
        answer.set(field.values.clone());
    }
    if field.kind == FieldKind::Fixed {
        return view! { <p>{field.values.join("\n")}</p> }.into_any();
    }
    let label = field.label.clone().unwrap_or_else(|| field.var.clone());
    let media = field
        .media
        .clone()
        .and_then(|m| m.data_uri.or(m.http_uri))
        .map(|src| view! { <img class="captcha" src=src alt=t("captcha-image") /> });
    view! {
        {media}
        <label for=id.clone()>{label}</label>
        {field_control(id, field, answer)}
    }
    .into_any()
}

/// The control that answers `field`, by its kind.
fn field_control(id: String, field: Field, answer: Answer) -> AnyView {
    let first = field.values.first().cloned().unwrap_or_default();
    match field.kind {
        FieldKind::Boolean => view! {
            <input
                id=id
                type="checkbox"
                checked=first == "1" || first == "true"
                on:change=move |ev| answer.set(vec![if event_target_checked(&ev) { "1" } else { "0" }.to_owned()])
            />
        }
        .into_any(),
        FieldKind::ListSingle { options } => view! {
            <select id=id on:change=move |ev| answer.set(vec![event_target_value(&ev)])>
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
                id=id
                prop:value=field.values.join("\n")
                on:input=move |ev| answer.set(event_target_value(&ev).lines().map(str::to_owned).collect())
            ></textarea>
        }
        .into_any(),
        kind => {
            let kind = if kind == FieldKind::TextPrivate { "password" } else { "text" };
            view! {
                <input
                    id=id
                    type=kind
                    required=field.required
                    value=first
                    on:input=move |ev| answer.set(vec![event_target_value(&ev)])
                />
            }
            .into_any()
        }
    }
}
