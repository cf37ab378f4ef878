//! Where the transport's news goes: into the store, then what follows from
//! it. A sign-in's start, the kept sign-in (its keys, forgotten when
//! refused), retries after a drop, the blocklist once connected and
//! notifications of new messages are decided here.

use leptos::prelude::*;
use parlons_shared::session::Credential;
use parlons_shared::session::sasl::ScramKeys;
use xmpp_parsers::jid::BareJid;

use super::ClientHandle;
use super::keep::Keep;
use super::settings::Settings;
use crate::client::storage::{self, KeptLogin};
use crate::client::{Client, Login, Notice, default_url};
use crate::i18n::t;
use crate::offline::Snapshot;
use crate::store::{Outcome, Store};

/// What the person asked to sign in with.
#[derive(Clone)]
pub struct LoginRequest {
    /// The local part of the address.
    pub local: String,
    /// The server's domain.
    pub domain: String,
    /// The password, handed straight to the session and never stored.
    pub password: String,
    /// Keep the SCRAM keys for the next visit.
    pub keep: bool,
    /// Another RFC 7395 endpoint than the default.
    pub url: Option<String>,
}

/// What the sign-in under way should do once it succeeds.
#[derive(Clone, Default)]
struct Pending {
    keep: bool,
    url: Option<String>,
}

/// The transport, as a context, with its news going to the store.
pub fn start_client(store: RwSignal<Store>, settings: Settings) -> Sink {
    let slot = StoredValue::new_local(None::<Client>);
    let keep = Keep::new(store, slot);
    let sink = Sink {
        store,
        pending: StoredValue::new(Pending::default()),
        settings,
        client: slot,
        keep,
    };
    slot.set_value(Some(Client::new(move |notice| sink.notice(notice))));
    provide_context(ClientHandle(slot));
    provide_context(keep);
    sink
}

/// Signs in with the keys of a kept sign-in.
pub fn resume_kept(sink: Sink, kept: KeptLogin) {
    let (Ok(jid), Ok(keys)) = (BareJid::new(&kept.account), ScramKeys::decode(&kept.keys)) else {
        storage::forget_login();
        return;
    };
    let pending = Pending {
        keep: true,
        url: kept.url,
    };
    // What the offline store kept shows first; the session syncs from it.
    leptos::task::spawn_local(async move {
        let snapshot = sink.keep.open(&jid).await;
        sink.begin(jid, Credential::Keys(keys), pending, snapshot);
    });
}

/// Where the transport's news goes. It runs outside any component, so it
/// holds what it needs rather than reading contexts.
#[derive(Clone, Copy)]
pub struct Sink {
    store: RwSignal<Store>,
    pending: StoredValue<Pending>,
    settings: Settings,
    client: StoredValue<Option<Client>, LocalStorage>,
    keep: Keep,
}

impl Sink {
    /// Signs in with what the form asked for.
    pub fn log_in(self, req: LoginRequest) -> Result<(), String> {
        let Ok(jid) = BareJid::new(&format!("{}@{}", req.local, req.domain)) else {
            return Err(t("address-bad-character"));
        };
        let pending = Pending {
            keep: req.keep,
            url: req.url,
        };
        self.begin(jid, Credential::Password(req.password), pending, None);
        Ok(())
    }

    /// Starts a sign-in; what to keep once it succeeds is in `pending`.
    /// What an offline store kept shows at once, and our messages still
    /// pending in it go again, with their ids.
    fn begin(self, jid: BareJid, credential: Credential, pending: Pending, kept: Option<Snapshot>) {
        let url = pending.url.clone().unwrap_or_else(default_url);
        self.pending.set_value(pending);
        self.store.update(|s| {
            s.signing_in(jid.clone());
            s.muted = super::rooms::kept_muted();
        });
        let kept = kept.map(|k| {
            self.store
                .update(|s| s.restore(k.contacts, k.conversations, k.requests));
            (k.roster_ver, k.archive)
        });
        let login = Login {
            jid,
            credential,
            url,
            kept,
        };
        let started = self.client.with_value(|c| c.as_ref().map(|c| c.sign_in(login)));
        if !matches!(started, Some(Ok(()))) {
            return self.store.update(|s| s.transport_closed(false));
        }
        for command in self.store.with_untracked(Store::pending) {
            self.client.with_value(|c| c.as_ref().map(|c| c.command(command)));
        }
    }

    /// Into the store, then what follows from it.
    fn notice(self, notice: Notice) {
        let store = self.store;
        match notice {
            Notice::Closed { reached } => {
                store.update(|s| s.transport_closed(reached));
                self.retry_if_lost();
            }
            Notice::Retrying => store.update(Store::retrying),
            Notice::Event(event) => {
                use parlons_shared::session::Event;
                let connected = matches!(event, Event::Connected { .. });
                let up = connected || matches!(event, Event::Resumed);
                let dropped = matches!(event, Event::Disconnected | Event::StreamError { .. });
                self.keep.note(&event);
                let now = crate::client::now_ms();
                let outcome = store
                    .try_update(|s| s.apply_at(event, now))
                    .unwrap_or(Outcome::Nothing);
                if connected {
                    self.keep_login();
                    // Known, Block shows and Settings lists what is blocked.
                    let fetch = parlons_shared::session::Command::FetchBlocklist;
                    self.client.with_value(|c| c.as_ref().map(|c| c.command(fetch)));
                }
                if up {
                    self.client.with_value(|c| c.as_ref().map(Client::reset_backoff));
                }
                if dropped {
                    self.retry_if_lost();
                }
                if let Outcome::NewMessage { from, body } = outcome {
                    self.settings.notify(store, &from, &body);
                }
                if store.with_untracked(Store::credentials_refused) {
                    // Kept keys that no longer work are forgotten; a server
                    // or gateway that is down does not make them stale.
                    storage::forget_login();
                    if let Some(account) = store.with_untracked(|s| s.account.clone()) {
                        self.keep.forget(account);
                    }
                }
            }
        }
    }

    /// Plans a try to reconnect when the drop may pass.
    fn retry_if_lost(self) {
        if !self.store.with_untracked(Store::should_retry) {
            return;
        }
        let at = self.client.with_value(|c| c.as_ref().map(Client::retry_later));
        self.store.update(|s| s.retry_at = at);
    }

    fn keep_login(self) {
        let Pending { keep, url } = self.pending.get_value();
        let account = self.store.with_untracked(|s| s.account.clone());
        let keys = self
            .client
            .with_value(|c| c.as_ref().and_then(Client::scram_keys));
        match (keep, account, keys) {
            (true, Some(account), Some(keys)) => {
                storage::keep_login(&KeptLogin {
                    account: account.to_string(),
                    keys,
                    url,
                });
                self.keep.start(account);
            }
            _ => storage::forget_login(),
        }
    }
}
