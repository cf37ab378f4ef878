//! The composer: Enter sends, Shift+Enter adds a line, Up edits our last
//! message (XEP-0308), Escape stops editing; chat states go out as we type
//! (XEP-0085); each conversation keeps its own draft. In a room, Tab
//! completes an occupant's nick.

use leptos::ev::{KeyboardEvent, SubmitEvent};
use leptos::html;
use leptos::prelude::*;
use parlons_shared::session::ConversationId;
use xmpp_parsers::chatstates::ChatState;

use crate::controller::actions;

use crate::controller::use_store;
use crate::i18n::t;
use crate::store::Store;

/// The message box and Send.
#[component]
pub fn Composer(
    /// The conversation.
    id: ConversationId,
) -> impl IntoView {
    let composer = MessageBox {
        id,
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
    id: ConversationId,
    store: RwSignal<Store>,
    input: NodeRef<html::Textarea>,
    /// The id of our message being corrected, if any.
    editing: RwSignal<Option<String>>,
}

impl MessageBox {
    /// The conversation's draft, as it was left.
    fn draft(&self) -> String {
        self.store
            .with_untracked(|s| s.log(&self.id).map(|c| c.draft.clone()).unwrap_or_default())
    }

    /// Sends what is typed, or the correction being edited.
    fn send(&self) {
        let Some(el) = self.input.get() else { return };
        let body = el.value();
        if body.trim().is_empty() {
            return;
        }
        match self.editing.get_untracked() {
            Some(id) => actions::correct(self.id.clone(), id, body),
            None => actions::send_message(self.id.clone(), body),
        }
        self.editing.set(None);
        el.set_value("");
        actions::keep_draft(&self.id, String::new());
    }

    /// Says whether we are typing, and keeps the draft.
    fn typed(&self) {
        let text = self.input.get().map(|e| e.value()).unwrap_or_default();
        let state = if text.is_empty() {
            ChatState::Active
        } else {
            ChatState::Composing
        };
        if let Some(jid) = self.id.chat() {
            actions::chat_state(jid.clone(), state);
        }
        actions::keep_draft(&self.id, text);
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
            "Tab" if !ev.shift_key() && self.complete(&el) => ev.prevent_default(),
            _ => {}
        }
    }

    /// Completes the nick being typed before the caret, in a room.
    fn complete(&self, el: &web_sys::HtmlTextAreaElement) -> bool {
        let ConversationId::Room(room) = &self.id else {
            return false;
        };
        let text = el.value();
        // The caret, in UTF-16 units, read through `Reflect` as other
        // properties are: no JS glue of its own.
        let caret = js_sys::Reflect::get(el, &"selectionStart".into())
            .ok()
            .and_then(|v| v.as_f64())
            .map_or(text.len(), |c| c as usize);
        let caret = text
            .char_indices()
            .scan(0, |units, (at, c)| {
                let here = (*units, at);
                *units += c.len_utf16();
                Some(here)
            })
            .find(|(units, _)| *units >= caret)
            .map_or(text.len(), |(_, at)| at);
        let completed = self.store.with_untracked(|s| {
            let room = s.rooms.get(room)?;
            let own = room.nick.as_deref();
            let nicks = room
                .occupants
                .keys()
                .map(String::as_str)
                .filter(|n| Some(*n) != own);
            complete_nick(&text[..caret], nicks)
        });
        let Some(before) = completed else { return false };
        let after = &text[caret..];
        el.set_value(&format!("{before}{after}"));
        let at = wasm_bindgen::JsValue::from_f64(before.encode_utf16().count() as f64);
        for end in ["selectionStart", "selectionEnd"] {
            let _ = js_sys::Reflect::set(el, &end.into(), &at);
        }
        true
    }

    /// The id and text of our last message, to correct it.
    fn last_own(&self) -> Option<(String, String)> {
        self.store.with_untracked(|s| {
            s.log(&self.id)
                .and_then(|c| c.last_own())
                .and_then(|m| Some((m.id.clone()?, m.body.clone())))
        })
    }
}

/// `typed` with its last word completed to the first nick, in natural
/// order, that starts with it (case aside); at the start of the message,
/// followed by ": " as people address each other in rooms.
pub fn complete_nick<'a>(typed: &str, nicks: impl Iterator<Item = &'a str>) -> Option<String> {
    let start = typed
        .char_indices()
        .rev()
        .find(|(_, c)| c.is_whitespace())
        .map_or(0, |(i, c)| i + c.len_utf8());
    let word = typed[start..].to_lowercase();
    if word.is_empty() {
        return None;
    }
    let nick = nicks
        .filter(|n| n.to_lowercase().starts_with(&word))
        .min_by(|a, b| a.to_lowercase().cmp(&b.to_lowercase()).then(a.cmp(b)))?;
    let tail = if start == 0 { ": " } else { " " };
    Some(format!("{}{nick}{tail}", &typed[..start]))
}

#[cfg(test)]
mod tests {
    use super::complete_nick;

    #[test]
    fn tab_completes_the_last_word_to_a_nick() {
        let nicks = ["Alice", "alfred", "Bob", "Élodie"];
        let complete = |typed: &str| complete_nick(typed, nicks.iter().copied());
        assert_eq!(complete("al").as_deref(), Some("alfred: "));
        assert_eq!(complete("ali").as_deref(), Some("Alice: "));
        assert_eq!(complete("thanks bo").as_deref(), Some("thanks Bob "));
        assert_eq!(complete("merci él").as_deref(), Some("merci Élodie "));
        assert_eq!(complete("zed"), None);
        assert_eq!(complete("hello "), None);
        assert_eq!(complete(""), None);
    }
}
