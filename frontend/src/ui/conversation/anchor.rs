//! Keeps the row at the top of the log's view in place while rows come and
//! go above it. The browser's own scroll anchoring is off for the log
//! (style/main.css): it does not act at the very top, where rows added
//! above would push the view to the oldest of them, and while a page of
//! history comes in, oldest first, it anchors on the first of it.

use leptos::html;
use leptos::prelude::*;

/// The row held in place, where it was, and the scroll position then.
struct Held {
    row: web_sys::Element,
    top: f64,
    scrolled: i32,
}

/// The row to keep in place.
#[derive(Clone, Copy)]
pub struct TopAnchor {
    log: NodeRef<html::Div>,
    held: StoredValue<Option<Held>, LocalStorage>,
}

impl TopAnchor {
    /// Nothing held until the log first scrolls.
    pub fn new(log: NodeRef<html::Div>) -> Self {
        Self {
            log,
            held: StoredValue::new_local(None),
        }
    }

    /// Notes the row now at the top of the view.
    pub fn hold(self, el: &web_sys::HtmlDivElement) {
        let held = row_at_top(el).map(|row| Held {
            top: row.get_bounding_client_rect().top(),
            scrolled: el.scroll_top(),
            row,
        });
        self.held.set_value(held);
    }

    /// The view scrolled: the row now at its top is held, unless the
    /// scroll is [`Self::restore`]'s own.
    pub fn scrolled(self, el: &web_sys::HtmlDivElement, top: i32) {
        if self
            .held
            .with_value(|h| h.as_ref().is_none_or(|h| h.scrolled != top))
        {
            self.hold(el);
        }
    }

    /// Whether a row is held.
    pub fn is_held(self) -> bool {
        self.held.with_value(Option::is_some)
    }

    /// Puts the held row back where it was, once the rows are drawn (in an
    /// animation frame), unless something else moved the view meanwhile:
    /// the person, or following the latest message.
    pub fn restore(self) {
        let Some(el) = self.log.get_untracked() else {
            return;
        };
        self.held.update_value(|held| {
            let Some(h) = held.as_mut().filter(|h| h.row.is_connected()) else {
                *held = None;
                return;
            };
            if el.scroll_top() != h.scrolled {
                return;
            }
            let moved = (h.row.get_bounding_client_rect().top() - h.top).round() as i32;
            if moved != 0 {
                el.set_scroll_top(h.scrolled + moved);
                h.scrolled = el.scroll_top();
            }
        });
    }
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
