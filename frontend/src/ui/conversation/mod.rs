//! The conversation pane: the contact's header, the message log grouped by
//! day and sender with a new-messages divider, older history from the
//! archive (XEP-0313) as the log scrolls up, and the composer.

mod anchor;
pub mod composer;
mod header;
mod log;
pub mod message_row;
mod rename;
mod rows;
mod span;

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use xmpp_parsers::jid::BareJid;

use self::header::ConversationHeader;
use self::log::{MessageLog, first_span, jump_to_latest, scroll_to_bottom};
use crate::controller::actions;
use crate::controller::use_store;
use crate::i18n::t;
use crate::store::conversation::Conversation;
use crate::store::{Connection, Store};
use crate::ui::conversation::composer::Composer;

/// How long messages must pause before the latest gets a read marker.
const MARKER_PAUSE: Duration = Duration::from_secs(1);

/// The open conversation.
#[component]
pub fn ConversationPane(
    /// The contact.
    jid: BareJid,
) -> impl IntoView {
    let store = use_store();
    let log = NodeRef::<html::Div>::new();
    let at_bottom = RwSignal::new(true);
    let name = contact_name(store, jid.clone());
    let conv = ConversationView::new(store, jid.clone());
    let span = RwSignal::new(first_span(conv));
    fetch_first_page(store, conv, jid.clone());
    follow_latest(conv, at_bottom, log);
    mark_read(store, conv, at_bottom, jid.clone());

    view! {
        <section class="conversation" aria-labelledby="conversation-title">
            <ConversationHeader jid=jid.clone() name=name conv=conv />
            <MessageLog jid=jid.clone() name=name conv=conv log=log at_bottom=at_bottom span=span />
            <Show when=move || !at_bottom.get()>
                <button type="button" class="jump" on:click=move |_| jump_to_latest(span, log, at_bottom)>
                    {move || t("jump-latest")}
                </button>
            </Show>
            <Composer jid=jid />
        </section>
    }
}

/// The open conversation as views read it: they follow its revision rather
/// than a copy, which for thousands of messages would cost on every change
/// to the store.
#[derive(Clone, Copy)]
pub struct ConversationView {
    store: RwSignal<Store>,
    jid: StoredValue<BareJid>,
    revision: Memo<u64>,
}

impl ConversationView {
    fn new(store: RwSignal<Store>, jid: BareJid) -> Self {
        let revision = {
            let jid = jid.clone();
            Memo::new(move |_| store.with(|s| s.conversations.get(&jid).map_or(0, |c| c.revision)))
        };
        Self {
            store,
            jid: StoredValue::new(jid),
            revision,
        }
    }

    /// Reads the conversation (empty until it has anything), tracking it.
    pub fn with<R>(&self, f: impl FnOnce(&Conversation) -> R) -> R {
        // Read, not only tracked: a memo computes (and follows the store)
        // when read.
        self.revision.get();
        self.store.with_untracked(|s| {
            self.jid.with_value(|jid| match s.conversations.get(jid) {
                Some(c) => f(c),
                None => f(&Conversation::default()),
            })
        })
    }

    /// Re-runs the caller on every change to the conversation.
    pub fn track(&self) {
        self.revision.get();
    }
}

/// The contact's name, or its address when it has none.
fn contact_name(store: RwSignal<Store>, jid: BareJid) -> Memo<String> {
    Memo::new(move |_| {
        store.with(|s| {
            s.contacts
                .get(&jid)
                .map_or_else(|| jid.to_string(), |c| c.display_name().to_owned())
        })
    })
}

/// The first page of history, once per conversation and session.
fn fetch_first_page(store: RwSignal<Store>, conv: ConversationView, jid: BareJid) {
    Effect::new(move |_| {
        let online = store.with(|s| s.connection == Connection::Online);
        let empty = conv.with(|c| c.oldest_archive_id.is_none() && !c.history_complete);
        if online && empty {
            actions::fetch_history(jid.clone());
        }
    });
}

/// Keeps the latest message in view, unless the person scrolled up.
fn follow_latest(conv: ConversationView, at_bottom: RwSignal<bool>, log: NodeRef<html::Div>) {
    Effect::new(move |_| {
        conv.track();
        if at_bottom.get_untracked() {
            scroll_to_bottom(log);
        }
    });
}

/// A read marker only for what is on screen in a focused tab, and, while
/// messages keep coming, only for the latest once they pause: servers
/// archive each marker.
fn mark_read(store: RwSignal<Store>, conv: ConversationView, at_bottom: RwSignal<bool>, jid: BareJid) {
    let marked = StoredValue::new(None::<String>);
    let planned = StoredValue::new_local(None::<TimeoutHandle>);
    // Actions find the client in the context, which a timer lacks.
    let owner = Owner::current();
    Effect::new(move |_| {
        let attentive = store.with(|s| s.attentive);
        let last = conv.with(|c| c.last_markable().and_then(|m| m.id.clone()));
        if !attentive || !at_bottom.get() || marked.get_value() == last {
            return;
        }
        let Some(id) = last.clone() else { return };
        marked.set_value(last);
        if let Some(timer) = planned.get_value() {
            timer.clear();
        }
        let (to, owner) = (jid.clone(), owner.clone());
        let send = move || actions::in_owner(owner.as_ref(), || actions::mark_displayed(to, id));
        planned.set_value(set_timeout_with_handle(send, MARKER_PAUSE).ok());
    });
}
