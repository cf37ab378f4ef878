//! The message log: days, runs of messages by one sender, the new-messages
//! divider, and where the history stands.

use std::hash::{DefaultHasher, Hash, Hasher};

use leptos::html;
use leptos::prelude::*;
use xmpp_parsers::jid::BareJid;

use super::ConversationView;
use super::span::Span;
use crate::i18n::t;
use crate::store::conversation::{Conversation, Message};
use crate::ui::actions;
use crate::ui::message_row::{MessageRow, day, day_number, delivery_key};

/// How close to the bottom, in pixels, counts as "at the latest message".
const NEAR_BOTTOM: i32 = 48;

/// Whether the log still follows the latest message after a scroll event.
/// Scroll events arrive a frame late, when new rows may already have grown
/// the log; only a move upwards, by the person, stops the following.
fn still_following(following: bool, previous_top: i32, top: i32, near_bottom: bool) -> bool {
    near_bottom || (following && top >= previous_top)
}

/// One item of the log.
#[derive(Debug, Clone, PartialEq)]
enum Item {
    Day(String),
    NewMessages,
    Message { message: Message, first: bool },
}

/// What identifies an item's rendering: the same key, the same nodes.
#[derive(Clone, PartialEq, Eq, Hash)]
enum ItemKey {
    Day(String),
    NewMessages,
    Message { key: String, first: bool, look: u64 },
}

impl Item {
    fn key(&self) -> ItemKey {
        match self {
            Item::Day(d) => ItemKey::Day(d.clone()),
            Item::NewMessages => ItemKey::NewMessages,
            Item::Message { message: m, first } => {
                // What the row shows that can change after it is drawn.
                let mut h = DefaultHasher::new();
                (&m.body, m.edited, m.delivery.as_ref().map(delivery_key)).hash(&mut h);
                ItemKey::Message {
                    key: m.key.clone(),
                    first: *first,
                    look: h.finish(),
                }
            }
        }
    }
}

fn items(messages: &[Message], first_unread: Option<&str>) -> Vec<Item> {
    let mut out = Vec::with_capacity(messages.len() + 4);
    let mut last_day = None;
    let mut last_mine = None;
    for m in messages {
        // The browser formats a day's heading once, not once a message.
        let n = day_number(m.timestamp_ms);
        let new_day = last_day != Some(n);
        if new_day {
            out.push(Item::Day(day(m.timestamp_ms)));
            last_day = Some(n);
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

/// The log; scrolling near its top fetches older history.
#[component]
pub fn MessageLog(
    /// The contact.
    jid: BareJid,
    /// Its name, for its messages.
    name: Memo<String>,
    /// The conversation.
    conv: ConversationView,
    /// The scrolling element.
    log: NodeRef<html::Div>,
    /// Whether the latest message is in view.
    at_bottom: RwSignal<bool>,
    /// The messages rendered.
    span: RwSignal<Span>,
) -> impl IntoView {
    let on_scroll = scroll_handler(jid.clone(), conv, log, at_bottom, span);
    view! {
        <div class="log" role="log" aria-label=move || t("messages") tabindex="0" node_ref=log on:scroll=on_scroll>
            <ol>
                <li class="history-marker">{move || conv.with(history_marker)}</li>
                // Keyed: a new message adds its row and leaves the rest.
                <For
                    each=move || {
                        conv.with(|c| {
                            let range = span.get().range(c.messages.len());
                            items(&c.messages[range], c.first_unread.as_deref())
                        })
                    }
                    key=Item::key
                    children=move |item| item_view(item, &jid, name)
                />
            </ol>
        </div>
    }
}

/// The latest messages, enough to reach the first unread one, so that its
/// divider shows.
pub fn first_span(conv: ConversationView) -> Span {
    let unread = conv.with(|c| {
        let first = c.first_unread.as_deref()?;
        let at = c.messages.iter().rposition(|m| m.key == first)?;
        Some(c.messages.len() - at)
    });
    Span::latest(unread.map_or(0, |n| n + 1))
}

/// Follows the scrolling: whether the latest message is in view, and more
/// rows at either edge: older ones we hold, then the archive's.
fn scroll_handler(
    jid: BareJid,
    conv: ConversationView,
    log: NodeRef<html::Div>,
    at_bottom: RwSignal<bool>,
    span: RwSignal<Span>,
) -> impl Fn(web_sys::Event) + 'static {
    let last_top = StoredValue::new(0);
    move |_| {
        let Some(el) = log.get() else { return };
        let top = el.scroll_top();
        let near = el.scroll_height() - top - el.client_height() <= NEAR_BOTTOM;
        let rendered = span.get_untracked();
        let latest = near && rendered.at_latest();
        let following = still_following(at_bottom.get_untracked(), last_top.get_value(), top, latest);
        last_top.set_value(top);
        if following != at_bottom.get_untracked() {
            at_bottom.set(following);
        }
        if top < NEAR_BOTTOM {
            let (older, fetch) = rendered.older(conv.with(|c| c.messages.len()));
            span.set(older);
            if fetch {
                actions::fetch_history(jid.clone());
            }
        } else if near && !rendered.at_latest() {
            span.set(rendered.newer());
        }
    }
}

/// Shows the latest messages again, and scrolls to them.
pub fn jump_to_latest(span: RwSignal<Span>, log: NodeRef<html::Div>) {
    span.set(Span::latest(0));
    scroll_to_bottom(log);
}

/// Above the first message: whether older ones are coming or there are none.
fn history_marker(c: &Conversation) -> String {
    if c.history_complete {
        t("history-start")
    } else if c.loading_history {
        t("history-loading")
    } else {
        String::new()
    }
}

/// One item of the log, as a list item.
fn item_view(item: Item, peer: &BareJid, name: Memo<String>) -> AnyView {
    match item {
        Item::Day(d) => view! { <li class="day">{d}</li> }.into_any(),
        Item::NewMessages => view! { <li class="new-messages">{move || t("new-messages")}</li> }.into_any(),
        Item::Message { message, first } => {
            let sender = if message.mine {
                t("me")
            } else {
                name.get_untracked()
            };
            view! { <MessageRow peer=peer.clone() message=message sender=sender first=first /> }.into_any()
        }
    }
}

/// Scrolls to the latest message, once the log has its new rows.
pub fn scroll_to_bottom(log: NodeRef<html::Div>) {
    request_animation_frame(move || {
        if let Some(el) = log.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
    });
}

#[cfg(test)]
mod tests {
    use super::still_following;

    #[test]
    fn rows_arriving_before_the_scroll_event_keep_the_log_following() {
        // Scrolled to the bottom at 900, but new rows already grew the log.
        assert!(still_following(true, 800, 900, false));
        // The person scrolled up.
        assert!(!still_following(true, 900, 850, false));
        // Scrolled up, then back down near the latest message.
        assert!(still_following(false, 500, 880, true));
        assert!(!still_following(false, 500, 600, false));
    }
}
