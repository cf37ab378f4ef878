//! The conversation pane: the contact's header, the message log grouped by
//! day and sender with a new-messages divider, older history from the
//! archive (XEP-0313) as the log scrolls up, and the composer. Rooms and
//! private chats with their occupants share the log and composer
//! ([`ConversationBody`]).

mod anchor;
pub mod composer;
pub mod header;
mod log;
pub mod message_row;
mod rename;
mod rows;
mod span;

use std::time::Duration;

use leptos::html;
use leptos::prelude::*;
use parlons_shared::session::ConversationId;
use xmpp_parsers::jid::BareJid;

use self::header::{ConversationHeader, Title};
use self::log::{MessageLog, first_span, jump_to_latest, scroll_to_bottom};
use crate::controller::actions;
use crate::controller::use_store;
use crate::i18n::t;
use crate::store::conversation::Conversation;
use crate::store::{Connection, Store};
use crate::ui::conversation::composer::Composer;
use crate::ui::later::follow_memo;

/// How long messages must pause before the latest gets a read marker.
const MARKER_PAUSE: Duration = Duration::from_secs(1);

/// The open conversation with a contact, or with a room's occupant.
#[component]
pub fn ConversationPane(
    /// The conversation.
    id: ConversationId,
) -> impl IntoView {
    let store = use_store();
    let name = Memo::new({
        let id = id.clone();
        move |_| store.with(|s| s.title_of(&id))
    });
    let conv = ConversationView::new(store, id.clone());
    let header = match id.chat() {
        Some(jid) => view! { <ConversationHeader jid=jid.clone() name=name conv=conv /> }.into_any(),
        None => view! {
            <header class="conversation-header">
                <Title name=name />
            </header>
        }
        .into_any(),
    };
    view! {
        <section class="conversation" aria-labelledby="conversation-title">
            {header}
            <ConversationBody id=id name=name conv=conv />
        </section>
    }
}

/// The log, Jump to latest and the composer, of any conversation.
#[component]
pub fn ConversationBody(
    /// The conversation.
    id: ConversationId,
    /// What the other side is called, for its messages.
    name: Memo<String>,
    /// The conversation as views read it.
    conv: ConversationView,
) -> impl IntoView {
    let store = use_store();
    let log = NodeRef::<html::Div>::new();
    let at_bottom = RwSignal::new(true);
    let span = RwSignal::new(first_span(conv));
    fetch_first_page(store, conv, id.clone());
    follow_latest(conv, at_bottom, log);
    if let Some(jid) = id.chat() {
        mark_read(store, conv, at_bottom, jid.clone());
    }
    view! {
        <MessageLog id=id.clone() name=name conv=conv log=log at_bottom=at_bottom span=span />
        <Show when=move || !at_bottom.get()>
            <button type="button" class="jump" on:click=move |_| jump_to_latest(span, log, at_bottom)>
                {move || t("jump-latest")}
            </button>
        </Show>
        <Composer id=id />
    }
}

/// The open conversation as views read it: they follow its revision rather
/// than a copy, which for thousands of messages would cost on every change
/// to the store.
#[derive(Clone, Copy)]
pub struct ConversationView {
    store: RwSignal<Store>,
    id: StoredValue<ConversationId>,
    revision: ReadSignal<u64>,
}

/// How often the log follows a conversation that keeps changing: a busy
/// room's messages, each in a task of its own, are rendered together.
const EVERY: Duration = Duration::from_millis(100);

impl ConversationView {
    /// Follows the conversation `id`: a task after it changes, then at most
    /// every 100 ms.
    pub fn new(store: RwSignal<Store>, id: ConversationId) -> Self {
        let now = Memo::new({
            let id = id.clone();
            move |_| store.with(|s| s.log(&id).map_or(0, |c| c.revision))
        });
        let revision = follow_memo(now, EVERY);
        Self {
            store,
            id: StoredValue::new(id),
            revision,
        }
    }

    /// Reads the conversation (empty until it has anything), tracking it.
    pub fn with<R>(&self, f: impl FnOnce(&Conversation) -> R) -> R {
        // Read, not only tracked: a memo computes (and follows the store)
        // when read.
        self.revision.get();
        self.store.with_untracked(|s| {
            self.id.with_value(|id| match s.log(id) {
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

/// The first page of history, once per conversation and session; a
/// room's, once we are in it.
fn fetch_first_page(store: RwSignal<Store>, conv: ConversationView, id: ConversationId) {
    Effect::new(move |_| {
        let ready = store.with(|s| match &id {
            ConversationId::Room(room) => {
                s.connection == Connection::Online
                    && s.rooms
                        .get(room)
                        .is_some_and(|r| r.stage == crate::store::rooms::Stage::In)
            }
            _ => s.connection == Connection::Online,
        });
        let empty = conv.with(|c| c.oldest_archive_id.is_none() && !c.history_complete);
        if ready && empty {
            actions::fetch_history(id.clone());
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
