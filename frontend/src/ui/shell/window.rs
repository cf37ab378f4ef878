//! A windowed list: which of many fixed-height entries are in view of a
//! scroller, so that only those are in the DOM.

/// The entries to render and where they sit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// The first entry to render.
    pub first: usize,
    /// One past the last entry to render.
    pub end: usize,
    /// Space above the first entry, in pixels.
    pub before: u32,
    /// The whole list's height, in pixels.
    pub total: u32,
}

/// The entries of `heights` (whole pixels each) that a viewport of `viewport`
/// pixels scrolled to `scroll_top` shows, with `overscan` more on each side.
pub fn visible(heights: &[u32], scroll_top: u32, viewport: u32, overscan: usize) -> Window {
    let total: u32 = heights.iter().sum();
    let mut top = 0;
    let mut first = None;
    let mut end = heights.len();
    for (i, h) in heights.iter().enumerate() {
        if first.is_none() && top + h > scroll_top {
            first = Some((i, top));
        }
        if top >= scroll_top + viewport {
            end = i;
            break;
        }
        top += h;
    }
    // Scrolled past the end (the list shrank): keep the last entries.
    let (first, before) = first.unwrap_or((heights.len(), total));
    let from = first.saturating_sub(overscan);
    Window {
        first: from,
        end: (end + overscan).min(heights.len()),
        before: before - heights[from..first].iter().sum::<u32>(),
        total,
    }
}

#[cfg(test)]
mod tests {
    use super::{Window, visible as window};

    #[test]
    fn shows_what_the_viewport_covers() {
        let h = [10; 100];
        assert_eq!(
            window(&h, 0, 35, 0),
            Window {
                first: 0,
                end: 4,
                before: 0,
                total: 1000
            }
        );
        assert_eq!(
            window(&h, 95, 30, 0),
            Window {
                first: 9,
                end: 13,
                before: 90,
                total: 1000
            }
        );
    }

    #[test]
    fn overscan_is_clamped_at_both_ends() {
        let h = [10; 20];
        assert_eq!(
            window(&h, 100, 20, 3),
            Window {
                first: 7,
                end: 15,
                before: 70,
                total: 200
            }
        );
        assert_eq!(
            window(&h, 0, 500, 3),
            Window {
                first: 0,
                end: 20,
                before: 0,
                total: 200
            }
        );
        assert_eq!(window(&h, 190, 50, 3).end, 20);
    }

    #[test]
    fn mixed_heights_and_empty_lists() {
        let h = [20, 50, 50, 20, 50];
        let w = window(&h, 60, 40, 0);
        assert_eq!((w.first, w.end, w.before, w.total), (1, 3, 20, 190));
        assert_eq!(
            window(&[], 0, 100, 2),
            Window {
                first: 0,
                end: 0,
                before: 0,
                total: 0
            }
        );
    }

    #[test]
    fn scrolled_past_the_end_keeps_the_last_entries() {
        let h = [10; 10];
        let w = window(&h, 500, 30, 2);
        assert_eq!((w.first, w.end, w.total), (8, 10, 100));
    }
}
