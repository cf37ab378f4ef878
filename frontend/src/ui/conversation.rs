//! The conversation pane: the contact's header, the message log grouped by
//! day and sender with a new-messages divider, older history from the
//! archive (XEP-0313) as the log scrolls up, and the composer.

use leptos::html;
use leptos::prelude::*;
use xmpp_parsers::jid::BareJid;

use super::composer::Composer;
use super::message_row::{MessageRow, day};
use super::own_status::availability_key;
use super::route::{self, Route};
use super::{actions, use_store};
use crate::i18n::t;
use crate::store::conversation::Message;

/// How close to the bottom, in pixels, counts as "at the latest message".
const NEAR_BOTTOM: i32 = 48;

/// One item of the log.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Day(String),
    NewMessages,
    Message { message: Message, first: bool },
}

fn items(messages: &[Message], first_unread: Option<&str>) -> Vec<Item> {
    let mut out = Vec::with_capacity(messages.len() + 4);
    let mut last_day = String::new();
    let mut last_mine = None;
    for m in messages {
        let d = day(m.timestamp_ms);
        let new_day = d != last_day;
        if new_day {
            out.push(Item::Day(d.clone()));
            last_day = d;
        }
        if first_unread == Some(m.key.as_str()) {
            out.push(Item::NewMessages);
        }
        let first = new_day || last_mine != Some(m.mine);
        last_mine = Some(m.mine);
        out.push(Item::Message {
            message: m.clone(),
            first,
        });
    }
    out
}

/// The open conversation.
#[component]
pub fn ConversationPane(
    /// The contact.
    jid: BareJid,
) -> impl IntoView {
    let store = use_store();
    let log = NodeRef::<html::Div>::new();
    let at_bottom = RwSignal::new(true);
    let peer = jid.clone();
    let name = {
        let jid = jid.clone();
        Memo::new(move |_| {
            store.with(|s| {
                s.contacts
                    .get(&jid)
                    .map_or_else(|| jid.to_string(), |c| c.display_name())
            })
        })
    };
    let own_name = move || t("me");
    let conv = {
        let jid = jid.clone();
        Memo::new(move |_| store.with(|s| s.conversations.get(&jid).cloned().unwrap_or_default()))
    };
    let presence = {
        let jid = jid.clone();
        move || {
            store.with(|s| {
                let c = s.contacts.get(&jid);
                let key = c.and_then(|c| c.show).map_or("show-offline", availability_key);
                let status = c.and_then(|c| c.status.clone());
                (key, status)
            })
        }
    };

    // The first page of history, once per conversation and session.
    {
        let jid = jid.clone();
        Effect::new(move |_| {
            let online = store.with(|s| s.connection == crate::store::Connection::Online);
            let empty = conv.with(|c| c.oldest_archive_id.is_none() && !c.history_complete);
            if online && empty {
                actions::fetch_history(jid.clone());
            }
        });
    }

    // Keep the latest message in view, unless the person scrolled up.
    Effect::new(move |_| {
        conv.track();
        if at_bottom.get_untracked() {
            scroll_to_bottom(log);
        }
    });

    // A read marker only for what is on screen in a focused tab.
    {
        let jid = jid.clone();
        let marked = StoredValue::new(None::<String>);
        Effect::new(move |_| {
            let attentive = store.with(|s| s.attentive);
            let last = conv.with(|c| c.last_incoming().and_then(|m| m.id.clone()));
            if attentive && at_bottom.get() && last.is_some() && marked.get_value() != last {
                marked.set_value(last.clone());
                if let Some(id) = last {
                    actions::mark_displayed(jid.clone(), id);
                }
            }
        });
    }

    let on_scroll = {
        let jid = jid.clone();
        move |_| {
            let Some(el) = log.get() else { return };
            let bottom = el.scroll_height() - el.scroll_top() - el.client_height() <= NEAR_BOTTOM;
            at_bottom.set(bottom);
            if el.scroll_top() < NEAR_BOTTOM {
                actions::fetch_history(jid.clone());
            }
        }
    };

    let remove = {
        let jid = jid.clone();
        move |_| {
            actions::remove_contact(jid.clone());
            route::go(&Route::Home);
        }
    };
    let rename = {
        let jid = jid.clone();
        move |_| {
            let current = name.get_untracked();
            let answer = web_sys::window()
                .and_then(|w| {
                    w.prompt_with_message_and_default(&t("rename-prompt"), &current)
                        .ok()
                })
                .flatten();
            if let Some(n) = answer {
                let n = n.trim().to_owned();
                actions::rename_contact(jid.clone(), (!n.is_empty()).then_some(n));
            }
        }
    };

    view! {
        <section class="conversation" aria-labelledby="conversation-title">
            <header class="conversation-header">
                <button type="button" class="back" on:click=move |_| route::go(&Route::Home)>
                    {move || t("back")}
                </button>
                <div class="title">
                    <h2 id="conversation-title">{move || name.get()}</h2>
                    <p class="presence">
                        {move || {
                            let (key, status) = presence();
                            format!("{}{}", t(key), status.map(|s| format!(" · {s}")).unwrap_or_default())
                        }}
                        <span class="typing" aria-live="polite">
                            {move || conv.with(|c| c.typing).then(|| t("typing"))}
                        </span>
                    </p>
                </div>
                <button type="button" on:click=rename>{move || t("rename")}</button>
                <button type="button" on:click=remove>{move || t("remove-contact")}</button>
            </header>
            <div class="log" role="log" aria-label=move || t("messages") tabindex="0" node_ref=log on:scroll=on_scroll>
                <ol>
                <li class="history-marker">
                    {move || {
                        conv.with(|c| {
                            if c.history_complete {
                                t("history-start")
                            } else if c.loading_history {
                                t("history-loading")
                            } else {
                                String::new()
                            }
                        })
                    }}
                </li>
                {move || {
                    let (messages, first_unread) = conv.with(|c| (c.messages.clone(), c.first_unread.clone()));
                    let peer = peer.clone();
                    items(&messages, first_unread.as_deref())
                        .into_iter()
                        .map(|item| match item {
                            Item::Day(d) => view! { <li class="day">{d}</li> }.into_any(),
                            Item::NewMessages => {
                                view! { <li class="new-messages">{move || t("new-messages")}</li> }
                                    .into_any()
                            }
                            Item::Message { message, first } => {
                                let sender = if message.mine { own_name() } else { name.get_untracked() };
                                view! { <MessageRow peer=peer.clone() message=message sender=sender first=first /> }
                                    .into_any()
                            }
                        })
                        .collect::<Vec<_>>()
                }}
                </ol>
            </div>
            <Show when=move || !at_bottom.get()>
                <button type="button" class="jump" on:click=move |_| scroll_to_bottom(log)>
                    {move || t("jump-latest")}
                </button>
            </Show>
            <Composer jid=jid.clone() />
        </section>
    }
}

fn scroll_to_bottom(log: NodeRef<html::Div>) {
    request_animation_frame(move || {
        if let Some(el) = log.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
    });
}
