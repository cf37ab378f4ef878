//! The composer: Enter sends, Shift+Enter adds a line, Up edits our last
//! message (XEP-0308), Escape stops editing; chat states go out as we type
//! (XEP-0085); each conversation keeps its own draft.

use leptos::html;
use leptos::prelude::*;
use xmpp_parsers::chatstates::ChatState;
use xmpp_parsers::jid::BareJid;

use super::{actions, use_store};
use crate::i18n::t;

/// The message box and Send.
#[component]
pub fn Composer(
    /// The contact.
    jid: BareJid,
) -> impl IntoView {
    let store = use_store();
    let input = NodeRef::<html::Textarea>::new();
    // The id of our message being corrected, if any.
    let editing = RwSignal::new(None::<String>);
    let draft = {
        let jid = jid.clone();
        store.with_untracked(|s| {
            s.conversations
                .get(&jid)
                .map(|c| c.draft.clone())
                .unwrap_or_default()
        })
    };

    let send = {
        let jid = jid.clone();
        move || {
            let Some(el) = input.get() else { return };
            let body = el.value();
            if body.trim().is_empty() {
                return;
            }
            match editing.get_untracked() {
                Some(id) => actions::correct(jid.clone(), id, body),
                None => actions::send_message(jid.clone(), body),
            }
            editing.set(None);
            el.set_value("");
            store.update_untracked(|s| s.conversation(&jid).draft.clear());
        }
    };
    let on_input = {
        let jid = jid.clone();
        move |_| {
            let text = input.get().map(|e| e.value()).unwrap_or_default();
            let state = if text.is_empty() {
                ChatState::Active
            } else {
                ChatState::Composing
            };
            actions::chat_state(jid.clone(), state);
            store.update_untracked(|s| s.conversation(&jid).draft = text);
        }
    };
    let on_keydown = {
        let jid = jid.clone();
        let send = send.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let Some(el) = input.get() else { return };
            match ev.key().as_str() {
                "Enter" if !ev.shift_key() && !ev.is_composing() => {
                    ev.prevent_default();
                    send();
                }
                "ArrowUp" if el.value().is_empty() => {
                    let last = store.with_untracked(|s| {
                        s.conversations
                            .get(&jid)
                            .and_then(|c| c.last_own())
                            .and_then(|m| Some((m.id.clone()?, m.body.clone())))
                    });
                    if let Some((id, body)) = last {
                        ev.prevent_default();
                        editing.set(Some(id));
                        el.set_value(&body);
                    }
                }
                "Escape" if editing.get_untracked().is_some() => {
                    editing.set(None);
                    el.set_value("");
                }
                _ => {}
            }
        }
    };
    view! {
        <form
            class="composer"
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                send();
            }
        >
            <Show when=move || editing.get().is_some()>
                <p class="editing">{move || t("editing")}</p>
            </Show>
            <textarea
                rows="2"
                aria-label=move || t("message")
                placeholder=move || t("message-placeholder")
                node_ref=input
                on:input=on_input
                on:keydown=on_keydown
                prop:value=draft
            ></textarea>
            <button type="submit" class="primary">{move || t("send")}</button>
        </form>
    }
}
