//! The log's rows, keyed, with the fewest DOM changes when rows come and go
//! at its edges. Leptos' keyed `<For>` (tachys 0.2.19) re-inserts every
//! kept row when several are added above them, which relaid out the whole
//! log at each step of reading back (fixed upstream in tachys 0.3).

use std::collections::HashMap;
use std::hash::Hash;

use leptos::prelude::*;
use leptos::tachys::reactive_graph::{OwnedView, OwnedViewState};
use leptos::tachys::view::any_view::AnyViewState;

type Row = OwnedViewState<AnyViewState>;

/// The rows now in the list, in order.
pub struct Rows<K> {
    owner: Option<Owner>,
    mounted: Vec<(K, Row)>,
}

impl<K: Eq + Hash> Rows<K> {
    /// No rows yet; each row will own its effects under the current owner.
    pub fn new() -> Self {
        Self {
            owner: Owner::current(),
            mounted: Vec::new(),
        }
    }

    /// Makes `parent`'s rows (its last children) show `items` in order:
    /// rows whose key is kept stay where they are, the others are built.
    pub fn update<T>(
        &mut self,
        parent: &web_sys::Element,
        items: Vec<T>,
        key: impl Fn(&T) -> K,
        view: impl Fn(T) -> AnyView,
    ) {
        let keyed: Vec<(K, T)> = items.into_iter().map(|i| (key(&i), i)).collect();
        let at: HashMap<&K, usize> = keyed.iter().enumerate().map(|(n, (k, _))| (k, n)).collect();
        let mut kept = Vec::with_capacity(self.mounted.len());
        let mut last = None;
        for (k, mut row) in self.mounted.drain(..) {
            match at.get(&k) {
                // Kept rows must keep their order; one that moved is built
                // again (the log never reorders).
                Some(&n) if last.is_none_or(|l| l < n) => {
                    last = Some(n);
                    kept.push((k, row));
                }
                _ => row.unmount(),
            }
        }
        drop(at);
        let mut kept = kept.into_iter().peekable();
        for (k, item) in keyed {
            if kept.peek().is_some_and(|(next, _)| *next == k) {
                if let Some(row) = kept.next() {
                    self.mounted.push(row);
                }
                continue;
            }
            let mut row = self.build(item, &view);
            match kept.peek() {
                Some((_, next)) => next.insert_before_this_or_marker(parent, &mut row, None),
                None => row.mount(parent, None),
            }
            self.mounted.push((k, row));
        }
    }

    fn build<T>(&self, item: T, view: &impl Fn(T) -> AnyView) -> Row {
        let owner = match &self.owner {
            Some(parent) => parent.with(Owner::new),
            None => Owner::new(),
        };
        // Built untracked: what a row reads is its own effects' business.
        untrack(|| {
            let v = owner.with(|| view(item));
            OwnedView::new_with_owner(v, owner).build()
        })
    }
}
