//! The offline store, in IndexedDB: the roster with its version, the recent
//! messages of each conversation (our pending ones among them: the
//! outbox), and how far the archive (XEP-0313) was read. A kept sign-in
//! ("Keep me signed in") has one database; log out deletes it.
//!
//! A page load shows what it holds at once, then the session syncs from
//! the roster version (RFC 6121 §2.6) and the archive position.

mod idb;
mod record;

use std::cell::Cell;
use std::collections::BTreeSet;

use js_sys::Array;
use parlons_shared::session::Event;
use parlons_shared::session::mam::Position;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{IdbDatabase, IdbTransactionMode};
use xmpp_parsers::jid::BareJid;

use crate::store::Store;
use crate::store::contacts::Contact;
use crate::store::conversation::Conversation;
use crate::store::strangers::Request;
use idb::stores;
use record::opt;

/// Why the offline store could not be used; the client then works without.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfflineError {
    /// The browser has no IndexedDB, or refuses it (private mode, quota).
    Unavailable,
    /// A read or write failed.
    Failed,
}

impl From<JsValue> for OfflineError {
    fn from(_: JsValue) -> Self {
        Self::Failed
    }
}

/// Keys in the `meta` store.
mod meta {
    pub const ROSTER_VER: &str = "roster-ver";
    pub const ARCHIVE: &str = "archive";
    pub const REQUESTS: &str = "requests";
}

/// What a page load shows before the connection is up.
#[derive(Debug, Default)]
pub struct Snapshot {
    /// The contacts.
    pub contacts: Vec<Contact>,
    /// The conversations, as [`Conversation::kept`] kept them.
    pub conversations: Vec<(BareJid, Conversation)>,
    /// The roster's version, to ask for changes only.
    pub roster_ver: Option<String>,
    /// How far the archive was read.
    pub archive: Position,
    /// The message requests.
    pub requests: Vec<Request>,
}

/// What changed, to write in one transaction.
#[derive(Debug, Default, PartialEq)]
pub struct Changes {
    /// The whole roster, replacing what was kept.
    pub roster: Option<Vec<Contact>>,
    /// Contacts changed, or removed (`Err`).
    pub contacts: Vec<Result<Contact, BareJid>>,
    /// Conversations to keep anew.
    pub conversations: Vec<(BareJid, Conversation)>,
    /// The roster's version.
    pub roster_ver: Option<String>,
    /// How far the archive was read.
    pub archive: Position,
    /// Every message request, when they changed.
    pub requests: Option<Vec<Request>>,
}

/// What the session's events touched since the last write.
#[derive(Debug, Default)]
pub struct Dirty {
    roster: bool,
    /// The message requests, or a conversation accepted from them.
    requests: bool,
    contacts: BTreeSet<BareJid>,
    conversations: BTreeSet<BareJid>,
    /// Our messages whose state moved, by id.
    messages: Vec<String>,
}

impl Dirty {
    /// Marks the whole roster, to write it anew.
    pub fn whole_roster(&mut self) {
        self.roster = true;
    }

    /// Notes that the message requests changed, and with them maybe the
    /// conversation with `jid`.
    pub fn requests(&mut self, jid: Option<BareJid>) {
        self.requests = true;
        self.conversations.extend(jid);
    }

    /// Notes what `event` changes.
    pub fn note(&mut self, event: &Event) {
        match event {
            Event::RosterReceived { .. } => self.roster = true,
            Event::RosterItemChanged { item } => {
                self.contacts.insert(item.jid.clone());
            }
            Event::MessageReceived(m) => {
                self.conversations.extend(m.conversation.chat().cloned());
            }
            Event::MessageStateChanged { id, .. } => self.messages.push(id.clone()),
            _ => {}
        }
    }

    /// Whether nothing was noted.
    pub fn is_empty(&self) -> bool {
        !self.roster
            && !self.requests
            && self.contacts.is_empty()
            && self.conversations.is_empty()
            && self.messages.is_empty()
    }

    /// What to write, read from `store`. With `all`, every conversation.
    pub fn changes(self, store: &Store, archive: Position, roster_ver: Option<String>, all: bool) -> Changes {
        let mut peers = self.conversations;
        peers.extend(self.messages.iter().filter_map(|id| store.conversation_of(id)));
        if all {
            peers.extend(store.conversations.keys().cloned());
        }
        let contacts = self
            .contacts
            .into_iter()
            .map(|jid| store.contacts.get(&jid).cloned().ok_or(jid))
            .collect();
        Changes {
            roster: self.roster.then(|| store.contacts.iter().cloned().collect()),
            contacts,
            conversations: peers
                .into_iter()
                .filter_map(|p| Some((p.clone(), store.conversations.get(&p)?.kept())))
                .collect(),
            roster_ver,
            archive,
            requests: (all || self.requests).then(|| store.strangers.iter().cloned().collect()),
        }
    }
}

/// An open offline store.
#[derive(Debug)]
pub struct Db {
    db: IdbDatabase,
    /// Every conversation is written at the first save.
    first: Cell<bool>,
}

fn name(account: &BareJid) -> String {
    format!("parlons/{account}")
}

impl Db {
    /// Opens the store of `account`, creating or migrating it.
    pub async fn open(account: &BareJid) -> Result<Self, OfflineError> {
        let db = idb::open(&name(account))
            .await
            .map_err(|_| OfflineError::Unavailable)?;
        // Another tab deleting it (log out) must not wait for this one.
        let closing = db.clone();
        let on_change = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || closing.close());
        db.set_onversionchange(Some(on_change.as_ref().unchecked_ref()));
        on_change.forget();
        Ok(Self {
            db,
            first: Cell::new(true),
        })
    }

    /// Everything it holds.
    pub async fn load(&self) -> Result<Snapshot, OfflineError> {
        let tx = self.db.transaction_with_str_sequence(&names(&[
            stores::CONTACTS,
            stores::CONVERSATIONS,
            stores::META,
        ]))?;
        let all = |store: &str| -> Result<_, OfflineError> { Ok(tx.object_store(store)?.get_all()?) };
        let (contacts, conversations) = (all(stores::CONTACTS)?, all(stores::CONVERSATIONS)?);
        let meta = tx.object_store(stores::META)?;
        let (ver, archive, requests) = (
            meta.get(&meta::ROSTER_VER.into())?,
            meta.get(&meta::ARCHIVE.into())?,
            meta.get(&meta::REQUESTS.into())?,
        );
        let records = |v: JsValue| {
            v.dyn_into::<Array>()
                .map(|a| a.iter().collect::<Vec<_>>())
                .unwrap_or_default()
        };
        Ok(Snapshot {
            contacts: records(idb::done(&contacts).await?)
                .into_iter()
                .filter_map(record::read_contact)
                .collect(),
            conversations: records(idb::done(&conversations).await?)
                .into_iter()
                .filter_map(record::read_conversation)
                .collect(),
            roster_ver: idb::done(&ver).await?.as_string(),
            archive: read_position(idb::done(&archive).await?.as_string()),
            requests: record::read_requests(idb::done(&requests).await?),
        })
    }

    /// Whether the next save should write every conversation.
    pub fn take_first(&self) -> bool {
        self.first.replace(false)
    }

    /// Writes `changes` in one transaction.
    pub async fn save(&self, changes: Changes) -> Result<(), OfflineError> {
        let tx = self.db.transaction_with_str_sequence_and_mode(
            &names(&[stores::CONTACTS, stores::CONVERSATIONS, stores::META]),
            IdbTransactionMode::Readwrite,
        )?;
        let contacts = tx.object_store(stores::CONTACTS)?;
        if let Some(roster) = changes.roster {
            contacts.clear()?;
            for c in &roster {
                contacts.put_with_key(&record::contact(c), &c.jid.as_str().into())?;
            }
        }
        for change in changes.contacts {
            match change {
                Ok(c) => contacts.put_with_key(&record::contact(&c), &c.jid.as_str().into())?,
                Err(jid) => contacts.delete(&jid.as_str().into())?,
            };
        }
        let conversations = tx.object_store(stores::CONVERSATIONS)?;
        for (peer, c) in &changes.conversations {
            conversations.put_with_key(&record::conversation(peer, c), &peer.as_str().into())?;
        }
        let meta = tx.object_store(stores::META)?;
        meta.put_with_key(&opt(changes.roster_ver.as_deref()), &meta::ROSTER_VER.into())?;
        meta.put_with_key(
            &opt(write_position(&changes.archive).as_deref()),
            &meta::ARCHIVE.into(),
        )?;
        if let Some(requests) = &changes.requests {
            meta.put_with_key(&record::requests(requests.iter()), &meta::REQUESTS.into())?;
        }
        idb::committed(&tx).await?;
        Ok(())
    }
}

/// Deletes the store of `account` (log out, refused credentials).
pub async fn wipe(account: &BareJid) -> Result<(), OfflineError> {
    idb::delete(&name(account)).await.map_err(OfflineError::from)
}

fn names(names: &[&str]) -> JsValue {
    names
        .iter()
        .map(|n| JsValue::from_str(n))
        .collect::<Array>()
        .into()
}

/// `at:ID`, `start`, or nothing.
fn write_position(p: &Position) -> Option<String> {
    match p {
        Position::Unknown => None,
        Position::Start => Some("start".into()),
        Position::At(id) => Some(format!("at:{id}")),
    }
}

fn read_position(s: Option<String>) -> Position {
    match s.as_deref() {
        Some("start") => Position::Start,
        Some(at) => at
            .strip_prefix("at:")
            .map_or(Position::Unknown, |id| Position::At(id.to_owned())),
        None => Position::Unknown,
    }
}

#[cfg(test)]
mod tests;
