//! The message log: days, runs of messages by one sender, the new-messages
//! divider, and where the history stands.

use std::hash::{DefaultHasher, Hash, Hasher};

use leptos::html;
use leptos::prelude::*;
use parlons_shared::session::ConversationId;

use super::ConversationView;
use super::anchor::TopAnchor;
use super::rows::Rows;
use super::span::Span;
use crate::controller::actions;
use crate::i18n::{t, t_with};
use crate::store::conversation::{Conversation, Message, RoomNotice};
use crate::ui::conversation::message_row::{MessageRow, day, day_number, delivery_key, short_time};

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
    Message { message: Box<Message>, first: bool },
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
    let mut last_sender = None;
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
        // A run is one sender's messages; a notice ends it.
        let sender = (m.notice.is_none()).then_some((m.mine, m.sender.as_deref()));
        let first = new_day || last_sender != Some(sender);
        last_sender = Some(sender);
        out.push(Item::Message {
            message: Box::new(m.clone()),
            first,
        });
    }
    out
}

/// The log; scrolling near its top fetches older history.
#[component]
pub fn MessageLog(
    /// The conversation.
    id: ConversationId,
    /// The other side's name, for its messages.
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
    let edge = TopEdge {
        id: StoredValue::new(id.clone()),
        conv,
        span,
        anchor: TopAnchor::new(log),
    };
    keep_top_in_place(edge, log, at_bottom);
    let list = NodeRef::<html::Ol>::new();
    render_rows(list, conv, span, id, name);
    let on_scroll = scroll_handler(edge, log, at_bottom, touched);
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
            <ol node_ref=list>
                <li class="history-marker">
                    {move || conv.with(|c| history_marker(c, span.get().range(c.messages.len()).start == 0))}
                </li>
            </ol>
        </div>
    }
}

/// The rendered messages as rows after the history marker, keyed: a new
/// message adds its row and leaves the rest.
fn render_rows(
    list: NodeRef<html::Ol>,
    conv: ConversationView,
    span: RwSignal<Span>,
    id: ConversationId,
    name: Memo<String>,
) {
    let rows = StoredValue::new_local(Rows::new());
    Effect::new(move |_| {
        let Some(ol) = list.get() else { return };
        let shown = conv.with(|c| {
            let range = span.get().range(c.messages.len());
            items(&c.messages[range], c.first_unread.as_deref())
        });
        rows.update_value(|r| r.update(&ol, shown, Item::key, |item| item_view(item, &id, name)));
    });
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

/// The log's top, where older rows come in: those we hold, then the
/// archive's; and the row at the top of the view, kept in place.
#[derive(Clone, Copy)]
struct TopEdge {
    id: StoredValue<ConversationId>,
    conv: ConversationView,
    span: RwSignal<Span>,
    anchor: TopAnchor,
}

impl TopEdge {
    /// The view is near the top: a page more above, from the archive once
    /// every message held shows.
    fn reached(self) {
        let rendered = self.span.get_untracked();
        let (older, fetch) = rendered.older(self.conv.with(|c| c.messages.len()));
        if older != rendered {
            self.span.set(older);
        }
        if fetch {
            actions::fetch_history(self.id.get_value());
        }
    }
}

/// After rows change: the row at the top of the view is put back in place,
/// and where an archive page left the log's top still in view (it held
/// only markers, or the window is tall), the next is asked. While
/// following the latest message, the top is in view only when all of the
/// log fits.
fn keep_top_in_place(edge: TopEdge, log: NodeRef<html::Div>, at_bottom: RwSignal<bool>) {
    let boundary = Memo::new(move |_| edge.conv.with(|c| c.oldest_archive_id.clone()));
    // Actions find the store in the context, which a frame callback lacks.
    let owner = Owner::current();
    Effect::new(move |last: Option<Option<String>>| {
        edge.span.track();
        edge.conv.track();
        let now = boundary.get();
        let paged = last.is_some_and(|l| l != now);
        if paged || edge.anchor.is_held() {
            let owner = owner.clone();
            request_animation_frame(move || {
                edge.anchor.restore();
                let Some(el) = log.get_untracked() else { return };
                let fits = el.scroll_height() <= el.client_height();
                if paged && el.scroll_top() < NEAR_BOTTOM && (fits || !at_bottom.get_untracked()) {
                    actions::in_owner(owner.as_ref(), || edge.reached());
                }
            });
        }
        now
    });
}

/// Follows the scrolling: whether the latest message is in view, and more
/// rows at either edge.
fn scroll_handler(
    edge: TopEdge,
    log: NodeRef<html::Div>,
    at_bottom: RwSignal<bool>,
    touched: StoredValue<f64>,
) -> impl Fn(web_sys::Event) + 'static {
    let last_top = StoredValue::new(0);
    move |_| {
        let Some(el) = log.get() else { return };
        let top = el.scroll_top();
        let near = el.scroll_height() - top - el.client_height() <= NEAR_BOTTOM;
        let rendered = edge.span.get_untracked();
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
        edge.anchor.scrolled(&el, top);
        if top < NEAR_BOTTOM {
            edge.reached();
        } else if near && !rendered.at_latest() {
            edge.span.set(rendered.newer());
        }
    }
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
fn item_view(item: Item, peer: &ConversationId, name: Memo<String>) -> AnyView {
    match item {
        Item::Day(d) => view! { <li class="day">{d}</li> }.into_any(),
        Item::NewMessages => view! { <li class="new-messages">{move || t("new-messages")}</li> }.into_any(),
        Item::Message { message, .. } if message.notice.is_some() => notice_row(*message),
        Item::Message { message, first } => {
            let sender = match &message.sender {
                _ if message.mine => t("me"),
                Some(nick) => nick.clone(),
                None => name.get_untracked(),
            };
            view! { <MessageRow peer=peer.clone() message=*message sender=sender first=first /> }.into_any()
        }
    }
}

/// What happened in a room, in one short line.
fn notice_row(m: Message) -> AnyView {
    let nick = m.sender.unwrap_or_default();
    let (key, args): (&str, Vec<(&str, String)>) = match m.notice {
        Some(RoomNotice::Joined) => ("notice-joined", vec![]),
        Some(RoomNotice::Subject) => ("notice-subject", vec![]),
        Some(RoomNotice::Renamed(new)) => ("notice-renamed", vec![("new", new)]),
        Some(RoomNotice::Kicked) => ("notice-kicked", vec![]),
        Some(RoomNotice::Banned) => ("notice-banned", vec![]),
        _ => ("notice-left", vec![]),
    };
    let text = move || {
        let mut all = vec![("nick", nick.as_str())];
        all.extend(args.iter().map(|(k, v)| (*k, v.as_str())));
        t_with(key, &all)
    };
    view! {
        <li class="notice">
            <span>{text}</span>
            " "
            <time>{short_time(m.timestamp_ms)}</time>
        </li>
    }
    .into_any()
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
