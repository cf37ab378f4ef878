//! The composer: Enter sends, Shift+Enter adds a line, Up edits our last
//! message (XEP-0308), Escape stops editing; chat states go out as we type
//! (XEP-0085); each conversation keeps its own draft.

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use xmpp_parsers::chatstates::ChatState;
use xmpp_parsers::jid::BareJid;

use crate::controller::actions;

use crate::controller::use_store;
use crate::i18n::t;
use crate::store::Store;

/// The message box and Send.
#[component]
pub fn Composer(
    /// The contact.
    jid: BareJid,
) -> impl IntoView {
    let composer = MessageBox {
        jid,
        store: use_store(),
        input: NodeRef::new(),
        editing: RwSignal::new(None),
    };
    let (input, editing, draft) = (composer.input, composer.editing, composer.draft());
    let (on_submit, on_input, on_keydown) = (composer.clone(), composer.clone(), composer);
    view! {
        <form
            class="composer"
            on:submit=move |ev: SubmitEvent| {
                ev.prevent_default();
                on_submit.send();
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
                on:input=move |_| on_input.typed()
                on:keydown=move |ev| on_keydown.key(&ev)
                prop:value=draft
            ></textarea>
            <button type="submit" class="primary">{move || t("send")}</button>
        </form>
    }
}

/// What the composer's handlers share.
#[derive(Clone)]
struct MessageBox {
    jid: BareJid,
    store: RwSignal<Store>,
    input: NodeRef<html::Textarea>,
    /// The id of our message being corrected, if any.
    editing: RwSignal<Option<String>>,
}

impl MessageBox {
    /// The conversation's draft, as it was left.
    fn draft(&self) -> String {
        self.store.with_untracked(|s| {
            s.conversations
                .get(&self.jid)
                .map(|c| c.draft.clone())
                .unwrap_or_default()
        })
    }

    /// Sends what is typed, or the correction being edited.
    fn send(&self) {
        let Some(el) = self.input.get() else { return };
        let body = el.value();
        if body.trim().is_empty() {
            return;
        }
        match self.editing.get_untracked() {
            Some(id) => actions::correct(self.jid.clone(), id, body),
            None => actions::send_message(self.jid.clone(), body),
        }
        self.editing.set(None);
        el.set_value("");
        actions::keep_draft(&self.jid, String::new());
    }

    /// Says whether we are typing, and keeps the draft.
    fn typed(&self) {
        let text = self.input.get().map(|e| e.value()).unwrap_or_default();
        let state = if text.is_empty() {
            ChatState::Active
        } else {
            ChatState::Composing
        };
        actions::chat_state(self.jid.clone(), state);
        actions::keep_draft(&self.jid, text);
    }

    /// Enter, Up and Escape.
    fn key(&self, ev: &KeyboardEvent) {
        let Some(el) = self.input.get() else { return };
        match ev.key().as_str() {
            "Enter" if !ev.shift_key() && !ev.is_composing() => {
                ev.prevent_default();
                self.send();
            }
            "ArrowUp" if el.value().is_empty() => {
                if let Some((id, body)) = self.last_own() {
                    ev.prevent_default();
                    self.editing.set(Some(id));
                    el.set_value(&body);
                }
            }
            "Escape" if self.editing.get_untracked().is_some() => {
                self.editing.set(None);
                el.set_value("");
            }
            _ => {}
        }
    }

    /// The id and text of our last message, to correct it.
    fn last_own(&self) -> Option<(String, String)> {
        self.store.with_untracked(|s| {
            s.conversations
                .get(&self.jid)
                .and_then(|c| c.last_own())
                .and_then(|m| Some((m.id.clone()?, m.body.clone())))
        })
    }
}
