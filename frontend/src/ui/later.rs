//! Views of the store that follow it one task later.

use std::time::Duration;

use leptos::prelude::*;

use crate::store::Store;

/// `view` of the store, brought up to date in a task of its own after the
/// store changes rather than in the task that changed it. Recomputing it
/// and rendering what reads it then do not lengthen that task (a 5,000
/// contact roster's arrival), and changes in a row are computed once.
pub fn follow_later<T>(store: RwSignal<Store>, view: fn(&Store) -> T) -> ReadSignal<T>
where
    T: PartialEq + Send + Sync + 'static,
{
    let value = RwSignal::new(store.with_untracked(view));
    let queued = StoredValue::new(false);
    Effect::new(move |seen: Option<()>| {
        store.track();
        // The first run only subscribes: `value` starts up to date.
        if seen.is_none() || queued.get_value() {
            return;
        }
        queued.set_value(true);
        set_timeout(
            move || {
                if queued.try_set_value(false).is_some() {
                    return;
                }
                if let Some(new) = store.try_with_untracked(view) {
                    value.try_maybe_update(|v| {
                        let changed = *v != new;
                        if changed {
                            *v = new;
                        }
                        (changed, ())
                    });
                }
            },
            Duration::ZERO,
        );
    });
    value.read_only()
}
