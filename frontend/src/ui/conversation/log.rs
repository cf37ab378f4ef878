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

/// How long after a wheel, touch, key or click in the log a scroll counts
/// as the person's, in milliseconds (a wheel's smooth scroll lasts a while).
const BY_PERSON_MS: f64 = 1000.0;

/// Whether the log still follows the latest message after a scroll event.
/// Scroll events arrive a frame late, when new rows may already have grown
/// the log, and rows dropped above move it up without anyone scrolling:
/// only a move upwards by the person stops the following.
fn still_following(following: bool, previous_top: i32, top: i32, near_bottom: bool, by_person: bool) -> bool {
    near_bottom || (following && !(by_person && top < previous_top))
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
    // When the person last reached for the log.
    let touched = StoredValue::new(f64::NEG_INFINITY);
    let touch = move || touched.set_value(js_sys::Date::now());
    let on_scroll = scroll_handler(jid.clone(), conv, log, at_bottom, span, touched);
    view! {
        <div
            class="log"
            role="log"
            aria-label=move || t("messages")
            tabindex="0"
            node_ref=log
            on:scroll=on_scroll
            on:wheel=move |_| touch()
            on:touchmove=move |_| touch()
            on:keydown=move |_| touch()
            on:mousedown=move |_| touch()
        >
            <ol>
                <li class="history-marker">
                    {move || conv.with(|c| history_marker(c, span.get().range(c.messages.len()).start == 0))}
                </li>
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
    touched: StoredValue<f64>,
) -> impl Fn(web_sys::Event) + 'static {
    let last_top = StoredValue::new(0);
    move |_| {
        let Some(el) = log.get() else { return };
        let top = el.scroll_top();
        let near = el.scroll_height() - top - el.client_height() <= NEAR_BOTTOM;
        let rendered = span.get_untracked();
        let latest = near && rendered.at_latest();
        let by_person = js_sys::Date::now() - touched.get_value() < BY_PERSON_MS;
        let following = still_following(
            at_bottom.get_untracked(),
            last_top.get_value(),
            top,
            latest,
            by_person,
        );
        last_top.set_value(top);
        if following != at_bottom.get_untracked() {
            at_bottom.set(following);
        }
        if top < NEAR_BOTTOM {
            let (older, fetch) = rendered.older(conv.with(|c| c.messages.len()));
            shift_span(&el, span, older);
            if fetch {
                actions::fetch_history(jid.clone());
            }
        } else if near && !rendered.at_latest() {
            shift_span(&el, span, rendered.newer());
        }
    }
}

/// Renders `next` with the row at the top of the view kept in place.
/// Chromium's scroll anchoring does not act at the very top, where rows
/// added above would push the view to the oldest of them, and the wheel,
/// finding nothing more to scroll, would load no more. Where anything
/// else moved the view meanwhile (the browser's anchoring, the person, or
/// following the latest message), it is left as it is.
fn shift_span(el: &web_sys::HtmlDivElement, span: RwSignal<Span>, next: Span) {
    let Some(anchor) = row_at_top(el) else {
        span.set(next);
        return;
    };
    let (before, scrolled) = (anchor.get_bounding_client_rect().top(), el.scroll_top());
    span.set(next);
    let el = el.clone();
    request_animation_frame(move || {
        if !anchor.is_connected() || el.scroll_top() != scrolled {
            return;
        }
        let moved = anchor.get_bounding_client_rect().top() - before;
        if moved.abs() >= 1.0 {
            el.set_scroll_top(scrolled + moved.round() as i32);
        }
    });
}

/// The first message row in view that follows another: headings stay at
/// the top while rows are added below them, and the row after one is
/// drawn again when rows above it join its sender's run.
fn row_at_top(el: &web_sys::HtmlDivElement) -> Option<web_sys::Element> {
    let rect = el.get_bounding_client_rect();
    let x = (rect.left() + rect.width() / 2.0) as f32;
    let document = el.owner_document()?;
    let mut row = (0..4).find_map(|i| {
        let y = (rect.top() + 1.0 + 16.0 * f64::from(i)) as f32;
        document.element_from_point(x, y)?.closest("ol > li").ok()?
    })?;
    let message = |e: &web_sys::Element| e.matches("li.message").unwrap_or(false);
    while !message(&row) || !row.previous_element_sibling().is_some_and(|p| message(&p)) {
        row = row.next_element_sibling()?;
    }
    Some(row)
}

/// Shows the latest messages again, scrolls to them, and follows them: the
/// person asked to, whether or not the scroll makes a `scroll` event.
pub fn jump_to_latest(span: RwSignal<Span>, log: NodeRef<html::Div>, at_bottom: RwSignal<bool>) {
    span.set(Span::latest(0));
    at_bottom.set(true);
    scroll_to_bottom(log);
}

/// Above the first message: whether older ones are coming or there are
/// none. Nothing while older rows we hold are not rendered.
fn history_marker(c: &Conversation, first_shown: bool) -> String {
    if !first_shown {
        String::new()
    } else if c.history_complete {
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
    use super::{history_marker, still_following};
    use crate::store::conversation::Conversation;

    #[test]
    fn rows_arriving_before_the_scroll_event_keep_the_log_following() {
        // Scrolled to the bottom at 900, but new rows already grew the log.
        assert!(still_following(true, 800, 900, false, true));
        // The person scrolled up.
        assert!(!still_following(true, 900, 850, false, true));
        // Rows dropped above moved it up, with nobody scrolling.
        assert!(still_following(true, 900, 850, false, false));
        // Scrolled up, then back down near the latest message.
        assert!(still_following(false, 500, 880, true, true));
        assert!(!still_following(false, 500, 600, false, true));
    }

    #[test]
    fn the_start_marker_shows_only_above_the_first_message() {
        let c = Conversation {
            history_complete: true,
            ..Conversation::default()
        };
        assert_eq!(history_marker(&c, true), "This is the start of the conversation.");
        // Held rows above are not rendered: not the start.
        assert_eq!(history_marker(&c, false), "");
    }
}
