//! One budget of buffered bytes for the whole gateway: what sessions hold
//! of stanzas not yet whole. A hostile server (or client) can hold a
//! partial stanza up to the size limit in each of its sessions; with the
//! budget spent, new sessions are refused and the session holding the most
//! is told to end, so memory stays bounded whatever the peers do.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering::Relaxed};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

/// The gateway's budget.
#[derive(Debug)]
pub struct Budget {
    limit: usize,
    used: AtomicUsize,
    next_id: AtomicU64,
    holders: Mutex<HashMap<u64, Arc<Holder>>>,
    /// A session was told to end and has not yet: no other is chosen (nor
    /// every session scanned) until it has.
    evicting: AtomicBool,
}

/// What one session holds, and its call to end.
#[derive(Debug, Default)]
struct Holder {
    /// Of the server's stanzas, as the relay tells.
    server: AtomicUsize,
    /// Of the browser's messages, as its connection's meter tells.
    client: AtomicUsize,
    evict: Notify,
    /// Told to end.
    evicted: AtomicBool,
    /// The session ended: its meter may still read, but holds nothing.
    ended: AtomicBool,
}

impl Holder {
    fn held(&self) -> usize {
        self.server.load(Relaxed) + self.client.load(Relaxed)
    }
}

/// The browser's side of a session's account, for its connection's meter.
#[derive(Debug)]
pub struct ClientShare {
    holder: Arc<Holder>,
    budget: Arc<Budget>,
}

impl ClientShare {
    /// The browser's connection now holds `bytes`.
    pub fn set(&self, bytes: usize) {
        if self.holder.ended.load(Relaxed) {
            return;
        }
        self.budget.account(&self.holder.client, bytes);
        // Ended meanwhile: the end may have missed this.
        if self.holder.ended.load(Relaxed) {
            self.budget.account(&self.holder.client, 0);
        }
    }
}

/// A session's account in the budget; it gives back what it held when
/// dropped.
#[derive(Debug)]
pub struct Charge {
    id: u64,
    holder: Arc<Holder>,
    budget: Arc<Budget>,
}

impl Budget {
    /// A budget of `limit` bytes.
    pub fn new(limit: usize) -> Arc<Self> {
        Arc::new(Self {
            limit,
            used: AtomicUsize::new(0),
            next_id: AtomicU64::new(0),
            holders: Mutex::default(),
            evicting: AtomicBool::new(false),
        })
    }

    fn holders(&self) -> MutexGuard<'_, HashMap<u64, Arc<Holder>>> {
        self.holders
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Bytes held now, by every session.
    pub fn used(&self) -> usize {
        self.used.load(Relaxed)
    }

    /// Whether the budget is spent: no new session until it is not.
    pub fn full(&self) -> bool {
        self.used() >= self.limit
    }

    /// An account for a new session.
    pub fn charge(self: &Arc<Self>) -> Charge {
        let id = self.next_id.fetch_add(1, Relaxed);
        let holder = Arc::new(Holder::default());
        self.holders().insert(id, Arc::clone(&holder));
        Charge {
            id,
            holder,
            budget: Arc::clone(self),
        }
    }

    /// Tells the session holding the most to end, unless one was told and
    /// is still ending.
    fn evict_largest(&self) {
        if self.evicting.swap(true, Relaxed) {
            return;
        }
        let holders = self.holders();
        if let Some(largest) = holders.values().max_by_key(|h| h.held()) {
            tracing::warn!(
                used = self.used(),
                limit = self.limit,
                held = largest.held(),
                "the buffer budget is spent: ending the session that holds the most"
            );
            largest.evicted.store(true, Relaxed);
            largest.evict.notify_one();
        } else {
            self.evicting.store(false, Relaxed);
        }
    }
}

impl Budget {
    /// One of a session's counters is now `bytes`; past the budget, the
    /// largest holder is told to end (this session, if it is that one).
    fn account(&self, counter: &AtomicUsize, bytes: usize) {
        let old = counter.swap(bytes, Relaxed);
        if bytes > old {
            let used = self.used.fetch_add(bytes - old, Relaxed) + (bytes - old);
            if used > self.limit {
                self.evict_largest();
            }
        } else {
            self.used.fetch_sub(old - bytes, Relaxed);
        }
    }
}

impl Charge {
    /// The session now holds `bytes` of the server's stanzas; nothing
    /// once released.
    pub fn set(&self, bytes: usize) {
        if !self.holder.ended.load(Relaxed) {
            self.budget.account(&self.holder.server, bytes);
        }
    }

    /// The browser's side of this account.
    pub fn client_share(&self) -> ClientShare {
        ClientShare {
            holder: Arc::clone(&self.holder),
            budget: Arc::clone(&self.budget),
        }
    }

    /// The session is ending and has let go of what it held: its bytes are
    /// back at once, not after its closing handshake, which a client that
    /// does not answer makes last. Until then no other session is chosen,
    /// and no new one admitted while the budget is spent.
    pub fn release(&self) {
        if self.holder.ended.swap(true, Relaxed) {
            return;
        }
        self.budget.holders().remove(&self.id);
        self.budget.account(&self.holder.server, 0);
        self.budget.account(&self.holder.client, 0);
        if self.holder.evicted.load(Relaxed) {
            self.budget.evicting.store(false, Relaxed);
            // Growth past the budget while this one ended chose no one:
            // with everyone quiet, the budget would stay spent for good.
            if self.budget.used() > self.budget.limit {
                self.budget.evict_largest();
            }
        }
    }

    /// Resolves when the session must end to give its bytes back. Owned,
    /// so that the relay makes it once rather than at each stanza.
    pub fn evicted(&self) -> impl Future<Output = ()> + Send + 'static {
        let holder = Arc::clone(&self.holder);
        async move { holder.evict.notified().await }
    }
}

impl Drop for Charge {
    fn drop(&mut self) {
        self.release();
    }
}

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::pin::pin;
    use std::task::{Context, Poll, Waker};

    use super::*;

    fn is_evicted(charge: &Charge) -> bool {
        let mut evicted = pin!(charge.evicted());
        matches!(
            evicted.as_mut().poll(&mut Context::from_waker(Waker::noop())),
            Poll::Ready(())
        )
    }

    #[test]
    fn past_the_budget_the_largest_holder_is_told_to_end() {
        let budget = Budget::new(100);
        let (a, b) = (budget.charge(), budget.charge());
        a.set(60);
        b.set(30);
        assert_eq!(budget.used(), 90);
        assert!(!budget.full());
        assert!(!is_evicted(&a) && !is_evicted(&b));
        b.set(45);
        assert_eq!(budget.used(), 105);
        assert!(budget.full());
        assert!(is_evicted(&a), "a holds the most");
        assert!(!is_evicted(&b));
        // While a ends, b growing chooses no one else.
        b.set(50);
        assert!(!is_evicted(&b));
        drop(a);
        assert_eq!(budget.used(), 50);
        assert!(!budget.full());
        // Once a has ended, the next over the budget is chosen again.
        let c = budget.charge();
        c.set(70);
        assert!(is_evicted(&c));
        assert!(!is_evicted(&b));
        drop(c);
        b.set(0);
        assert_eq!(budget.used(), 0);
        drop(b);
        assert!(budget.holders().is_empty());
    }

    #[test]
    fn an_evicted_session_gives_its_bytes_back_before_it_has_ended() {
        let budget = Budget::new(100);
        let (a, b) = (budget.charge(), budget.charge());
        a.set(80);
        b.set(30);
        assert!(is_evicted(&a) && budget.full());
        // Saying goodbye, it holds nothing, and the next is chosen.
        a.release();
        a.set(80);
        assert_eq!(budget.used(), 30);
        assert!(!budget.full());
        b.set(120);
        assert!(is_evicted(&b));
        drop(a);
        assert_eq!(budget.used(), 120);
    }

    #[test]
    fn still_past_the_budget_once_one_has_ended_the_next_is_chosen() {
        let budget = Budget::new(100);
        let (a, b, c) = (budget.charge(), budget.charge(), budget.charge());
        a.set(60);
        b.set(50);
        assert!(is_evicted(&a));
        // c grows while a ends: no one else is chosen yet.
        c.set(55);
        assert!(!is_evicted(&b) && !is_evicted(&c));
        drop(a);
        // 105 is still past 100, and nobody will grow again.
        assert!(is_evicted(&c), "c holds the most");
        drop(c);
        assert!(!budget.full());
    }

    #[test]
    fn the_browser_side_counts_with_the_server_side_until_the_session_ends() {
        let budget = Budget::new(100);
        let (a, b) = (budget.charge(), budget.charge());
        let browser = a.client_share();
        a.set(30);
        b.set(50);
        browser.set(40);
        assert_eq!(budget.used(), 120);
        assert!(is_evicted(&a), "a holds 70 in all, b 50");
        drop(a);
        assert_eq!(budget.used(), 50);
        // Its connection still reading after the end holds nothing.
        browser.set(90);
        assert_eq!(budget.used(), 50);
    }
}
