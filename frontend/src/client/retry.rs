//! Reconnection after a drop: waits that grow exponentially, with jitter so
//! that clients dropped together do not come back together, cut short when
//! the browser is online again or the tab becomes visible. Going offline
//! drops the connection at once, rather than waiting for pings to fail.

use std::time::Duration;

use leptos::prelude::{TimeoutHandle, WindowListenerHandle, set_timeout_with_handle, window_event_listener};

use super::{Machine, Notice, Transport, now_ms, with_transport};

/// The first wait, at most.
const FIRST: Duration = Duration::from_secs(2);
/// The longest wait.
const LONGEST: Duration = Duration::from_secs(60);

/// How long to wait before each try.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Backoff {
    failures: u32,
}

impl Backoff {
    /// The wait before the next try, for `random` in [0, 1): between half
    /// and all of a bound that doubles with each try, up to [`LONGEST`].
    pub fn next(&mut self, random: f64) -> Duration {
        let bound = FIRST.saturating_mul(1 << self.failures.min(6)).min(LONGEST);
        self.failures = self.failures.saturating_add(1);
        bound.mul_f64(0.5 + random.clamp(0.0, 1.0) / 2.0)
    }

    /// The connection is back: the next drop starts over.
    pub fn reset(&mut self) {
        self.failures = 0;
    }
}

/// The transport's retry state.
#[derive(Default)]
pub(super) struct Retry {
    backoff: Backoff,
    /// The planned try, and when it is due (Unix ms).
    planned: Option<(TimeoutHandle, u64)>,
    /// `online`, `offline` and `visibilitychange`.
    listeners: Vec<WindowListenerHandle>,
}

impl Retry {
    /// Forgets the planned try.
    pub(super) fn cancel(&mut self) {
        if let Some((timer, _)) = self.planned.take() {
            timer.clear();
        }
    }
}

impl<M: Machine> Transport<M> {
    /// Plans the next try after a drop, unless one is planned; returns when
    /// it is due, in Unix milliseconds.
    pub fn retry_later(&self) -> u64 {
        let mut inner = self.inner.borrow_mut();
        if let Some((_, at)) = inner.retry.planned {
            return at;
        }
        let wait = inner.retry.backoff.next(js_sys::Math::random());
        let weak = std::rc::Rc::downgrade(&self.inner);
        let at = now_ms() + u64::try_from(wait.as_millis()).unwrap_or(u64::MAX);
        if let Ok(timer) = set_timeout_with_handle(move || with_transport(&weak, Transport::retry_now), wait)
        {
            inner.retry.planned = Some((timer, at));
        }
        at
    }

    /// Tries again now, forgetting any planned try.
    pub fn retry_now(&self) {
        self.inner.borrow_mut().retry.cancel();
        let sink = self.inner.borrow().sink.clone();
        sink(Notice::Retrying);
        if self.reconnect().is_err() {
            self.closed_unreached();
        }
    }

    /// The session is up again: the next drop starts from the shortest wait.
    pub fn reset_backoff(&self) {
        self.inner.borrow_mut().retry.backoff.reset();
    }

    /// A planned try goes at once when the browser is back online or the
    /// tab is shown again; offline, the connection is dropped.
    pub(super) fn listen_to_network(&self) {
        if !self.inner.borrow().retry.listeners.is_empty() {
            return;
        }
        let weak = std::rc::Rc::downgrade(&self.inner);
        let back = move || {
            with_transport(&weak, |t: &Transport<M>| {
                let visible = web_sys::window()
                    .and_then(|w| w.document())
                    .is_some_and(|d| !d.hidden());
                if visible && t.inner.borrow().retry.planned.is_some() {
                    t.retry_now();
                }
            });
        };
        let again = back.clone();
        let weak = std::rc::Rc::downgrade(&self.inner);
        let gone = move || with_transport(&weak, Transport::closed);
        let listeners = vec![
            window_event_listener(leptos::ev::online, move |_| back()),
            window_event_listener(leptos::ev::visibilitychange, move |_| again()),
            window_event_listener(leptos::ev::offline, move |_| gone()),
        ];
        self.inner.borrow_mut().retry.listeners = listeners;
    }
}

#[cfg(test)]
mod tests {
    use super::{Backoff, FIRST, LONGEST};

    #[test]
    fn waits_double_with_jitter_up_to_a_minute_and_start_over_once_back() {
        let mut b = Backoff::default();
        assert_eq!(b.next(0.0), FIRST / 2);
        assert_eq!(b.next(0.999_999).as_millis(), (FIRST * 2).as_millis() - 1);
        assert_eq!(b.next(0.5), FIRST * 3);
        for _ in 0..20 {
            let wait = b.next(1.0);
            assert!(wait <= LONGEST, "{wait:?}");
        }
        assert_eq!(b.next(1.0), LONGEST);
        assert_eq!(b.next(0.0), LONGEST / 2);
        b.reset();
        assert!(b.next(1.0) <= FIRST);
    }
}
