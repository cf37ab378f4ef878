//! A kept sign-in's offline store, kept up to date: the session's events
//! mark what changed, and a task right after writes it (`crate::offline`).

use std::rc::Rc;

use leptos::prelude::*;
use parlons_shared::session::Event;
use xmpp_parsers::jid::BareJid;

use crate::client::Client;
use crate::offline::{self, Db, Dirty, Snapshot};
use crate::store::Store;

/// The offline store of the signed-in account, when the sign-in is kept.
#[derive(Clone, Copy)]
pub struct Keep {
    store: RwSignal<Store>,
    client: StoredValue<Option<Client>, LocalStorage>,
    db: StoredValue<Option<Rc<Db>>, LocalStorage>,
    dirty: StoredValue<Dirty, LocalStorage>,
    scheduled: StoredValue<bool>,
    /// The message requests' revision last written.
    requests: StoredValue<u64>,
}

impl Keep {
    /// Nothing kept yet.
    pub fn new(store: RwSignal<Store>, client: StoredValue<Option<Client>, LocalStorage>) -> Self {
        Self {
            store,
            client,
            db: StoredValue::new_local(None),
            dirty: StoredValue::new_local(Dirty::default()),
            scheduled: StoredValue::new(false),
            requests: StoredValue::new(0),
        }
    }

    /// Opens the store of `account` and returns what it holds; `None`
    /// where the browser keeps nothing.
    pub async fn open(self, account: &BareJid) -> Option<Snapshot> {
        let db = Db::open(account).await.ok()?;
        let snapshot = db.load().await.ok();
        self.db.set_value(Some(Rc::new(db)));
        snapshot
    }

    /// A new kept sign-in: its store, written whole.
    pub fn start(self, account: BareJid) {
        leptos::task::spawn_local(async move {
            // Written, not read: what the page shows is newer.
            if let Ok(db) = Db::open(&account).await {
                self.db.set_value(Some(Rc::new(db)));
                self.dirty.update_value(Dirty::whole_roster);
                self.write_soon();
            }
        });
    }

    /// What `event` changes is written soon.
    pub fn note(self, event: &Event) {
        if self.db.with_value(Option::is_none) {
            return;
        }
        self.dirty.update_value(|d| d.note(event));
        self.write_soon();
    }

    /// The person acted on a message request: accepted as a conversation
    /// with `jid`, or dropped.
    pub fn request_handled(self, jid: Option<BareJid>) {
        if self.db.with_value(Option::is_none) {
            return;
        }
        self.dirty.update_value(|d| d.requests(jid));
        self.write_soon();
    }

    /// Log out, or refused keys: the store is deleted.
    pub fn forget(self, account: BareJid) {
        self.db.set_value(None);
        leptos::task::spawn_local(async move {
            let _ = offline::wipe(&account).await;
        });
    }

    /// Writes what changed in a task of its own, once for a burst of events.
    fn write_soon(self) {
        if self.scheduled.get_value() {
            return;
        }
        self.scheduled.set_value(true);
        set_timeout(move || self.write(), std::time::Duration::ZERO);
    }

    fn write(self) {
        self.scheduled.set_value(false);
        let Some(db) = self.db.get_value() else { return };
        // Without the session's state, what changed waits for the next write.
        let Some((ver, archive)) = self
            .client
            .with_value(|c| c.as_ref().and_then(Client::sync_state))
        else {
            return;
        };
        let mut dirty = std::mem::take(&mut *self.dirty.write_value());
        let (revision, adopted) = self
            .store
            .try_update_untracked(|s| (s.strangers.revision, std::mem::take(&mut s.adopted)))
            .unwrap_or_default();
        for jid in adopted {
            dirty.requests(Some(jid));
        }
        if revision != self.requests.get_value() {
            self.requests.set_value(revision);
            dirty.requests(None);
        }
        if dirty.is_empty() {
            return;
        }
        let all = db.take_first();
        let changes = self.store.with_untracked(|s| dirty.changes(s, archive, ver, all));
        leptos::task::spawn_local(async move {
            let _ = db.save(changes).await;
        });
    }
}
