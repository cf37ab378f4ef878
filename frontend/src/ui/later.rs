//! Views of the store that follow it later: a task later, or at most so
//! often.

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
    follow(
        store.with_untracked(view),
        move || store.track(),
        move || store.try_with_untracked(view),
        Duration::ZERO,
    )
}

/// `first`, then what `read` gives, brought up to date a task after
/// `track` changes,
/// and then at most once per `every`: the changes that come meanwhile
/// are taken together. A join's thousands of presences, one task each,
/// then cost a few recomputations rather than one each.
pub fn follow<T>(
    first: T,
    track: impl Fn() + 'static,
    read: impl Fn() -> Option<T> + Copy + 'static,
    every: Duration,
) -> ReadSignal<T>
where
    T: PartialEq + Send + Sync + 'static,
{
    let value = RwSignal::new(first);
    let queued = StoredValue::new(false);
    // When it was last brought up to date, in ms since 1970.
    let last = StoredValue::new(0u64);
    Effect::new(move |seen: Option<()>| {
        track();
        // The first run only subscribes: `value` starts up to date.
        if seen.is_none() || queued.get_value() {
            return;
        }
        queued.set_value(true);
        let next = last.get_value().saturating_add(every.as_millis() as u64);
        let wait = next.saturating_sub(crate::client::now_ms());
        set_timeout(
            move || {
                if queued.try_set_value(false).is_some() {
                    return;
                }
                last.set_value(crate::client::now_ms());
                if let Some(new) = read() {
                    value.try_maybe_update(|v| {
                        let changed = *v != new;
                        if changed {
                            *v = new;
                        }
                        (changed, ())
                    });
                }
            },
            Duration::from_millis(wait),
        );
    });
    value.read_only()
}

/// `memo`, followed at most once per `every` ([`follow`]).
pub fn follow_memo<T>(memo: Memo<T>, every: Duration) -> ReadSignal<T>
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    follow(
        memo.get_untracked(),
        move || {
            // Read, not only tracked: a memo computes when read.
            memo.get();
        },
        move || memo.try_get_untracked(),
        every,
    )
}
