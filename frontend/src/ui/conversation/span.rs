//! Which messages the log renders: a run of at most [`MOST`], counted back
//! from the latest, so that reading far back keeps the DOM small.

use std::ops::Range;

use crate::controller::actions::HISTORY_PAGE;

/// Rows rendered on opening, and while following the latest message.
const LATEST: usize = 100;
/// Rows added when an edge of the log is reached: what one short frame
/// draws (docs/benchmarks.md).
const STEP: usize = 25;
/// Rows rendered at most: going back further drops rows at the bottom.
const MOST: usize = 200;

/// The rendered run: from `top` messages back to `bottom` messages back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    top: usize,
    bottom: usize,
}

impl Span {
    /// The latest `count` messages.
    pub fn latest(count: usize) -> Self {
        Self {
            top: count.max(LATEST),
            bottom: 0,
        }
    }

    /// The indices to render out of `len` messages.
    pub fn range(self, len: usize) -> Range<usize> {
        len.saturating_sub(self.top)..len.saturating_sub(self.bottom)
    }

    /// Whether the latest message is rendered.
    pub fn at_latest(self) -> bool {
        self.bottom == 0
    }

    /// A page more above, with rows dropped below past [`MOST`]; `true`
    /// when the archive must be asked, as every message held is shown.
    pub fn older(self, len: usize) -> (Self, bool) {
        let fetch = self.top >= len;
        // Room for the archive's page, so that it shows whole: never fewer
        // rows than now, nor more with each ask while the page has not come.
        let top = if fetch {
            self.top.max(len + HISTORY_PAGE)
        } else {
            self.top + STEP
        };
        let bottom = self.bottom.max(top.saturating_sub(MOST));
        (Self { top, bottom }, fetch)
    }

    /// A page more below, with rows dropped above past [`MOST`].
    pub fn newer(self) -> Self {
        let bottom = self.bottom.saturating_sub(STEP);
        Self {
            top: self.top.min(bottom + MOST),
            bottom,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{HISTORY_PAGE, LATEST, MOST, STEP, Span};

    #[test]
    fn the_run_slides_and_stays_bounded() {
        let len = 10_000;
        let mut span = Span::latest(1);
        assert_eq!(span.range(len), len - LATEST..len);
        for _ in 0..10 {
            let (older, fetch) = span.older(len);
            assert!(!fetch);
            span = older;
            assert!(span.range(len).len() <= MOST);
        }
        assert!(!span.at_latest());
        assert_eq!(span.range(len).start, len - LATEST - 10 * STEP);
        // New messages shift the indices, not the messages shown.
        let before = span.range(len);
        assert_eq!(span.range(len + 1), before.start + 1..before.end + 1);
        while !span.at_latest() {
            span = span.newer();
            assert!(span.range(len).len() <= MOST);
        }
        assert_eq!(span.range(len).end, len);
    }

    #[test]
    fn the_archive_is_asked_once_all_held_messages_show() {
        let held = HISTORY_PAGE - 10;
        let (span, fetch) = Span::latest(1).older(held);
        assert!(fetch);
        assert_eq!(span.range(held), 0..held);
        // The page that comes back shows whole.
        assert_eq!(span.range(held + HISTORY_PAGE), 0..held + HISTORY_PAGE);
        let (_, fetch) = Span::latest(1).older(LATEST + 1);
        assert!(!fetch);
        // A short conversation asks the archive, and still renders as many
        // of the messages to come as before.
        let (span, fetch) = Span::latest(0).older(6);
        assert!(fetch);
        assert!(span.range(6 + 200).len() >= LATEST);
        // Asked again and again before the page comes, the run stays whole.
        let mut again = span;
        for _ in 0..20 {
            again = again.older(6).0;
        }
        assert_eq!(again.range(6), 0..6);
        assert!(again.at_latest());
        // A first unread message far back is reached.
        assert_eq!(Span::latest(450).range(1_000), 550..1_000);
    }
}
