//! The whole client: contexts, the transport's sink, and the choice
//! between the sign-in page and the signed-in shell.

use leptos::prelude::*;
use parlons_shared::session::Credential;
use parlons_shared::session::sasl::ScramKeys;
use xmpp_parsers::jid::BareJid;

use super::login::LoginPage;
use super::sign_in::LoginRequest;

use super::keep::Keep;
use super::route::{self, Route};
use super::settings::Settings;
use super::shell::Shell;
use super::{ClientHandle, StoreHandle};
use crate::client::storage::{self, KeptLogin};
use crate::client::{Client, Login, Notice, default_url};
use crate::i18n::{Locale, t, t_with};
use crate::offline::Snapshot;
use crate::store::{Connection, Outcome, Store};

/// What the sign-in under way should do once it succeeds.
#[derive(Clone, Default)]
struct Pending {
    keep: bool,
    url: Option<String>,
}

/// The client.
#[component]
pub fn App(
    /// What the static form held before the client loaded.
    #[prop(optional)]
    typed: super::login::Typed,
) -> impl IntoView {
    let settings = Settings::load();
    provide_context(Locale(settings.lang));
    provide_context(settings);
    settings.apply_effects();

    let store = RwSignal::new(Store::default());
    provide_context(StoreHandle(store));
    let sink = start_client(store, settings);
    if let Some(kept) = storage::kept_login() {
        resume_kept(sink, kept);
    }
    follow_route(store);
    follow_attention(store);
    follow_unread(store);

    let signed_in = move || store.with(is_signed_in);
    let on_login = move |req| sink.log_in(req);
    view! {
        <Show when=signed_in fallback=move || view! { <LoginPage on_login=on_login typed=typed.clone() /> }>
            <Shell />
        </Show>
    }
}

/// The transport, as a context, with its news going to the store.
fn start_client(store: RwSignal<Store>, settings: Settings) -> Sink {
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

/// Whether the shell shows: signed in, or getting back in.
fn is_signed_in(s: &Store) -> bool {
    matches!(
        s.connection,
        Connection::Online | Connection::Lost(_) | Connection::Reconnecting
    )
}

/// The page's title counts unread messages.
fn follow_unread(store: RwSignal<Store>) {
    Effect::new(move |_| {
        let unread = store.with(Store::total_unread);
        let title = if unread == 0 {
            t("app-title")
        } else {
            t_with("unread-title", &[("count", &unread.to_string())])
        };
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            doc.set_title(&title);
        }
    });
}

/// Signs in with the keys of a kept sign-in.
fn resume_kept(sink: Sink, kept: KeptLogin) {
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
struct Sink {
    store: RwSignal<Store>,
    pending: StoredValue<Pending>,
    settings: Settings,
    client: StoredValue<Option<Client>, LocalStorage>,
    keep: Keep,
}

impl Sink {
    /// Signs in with what the form asked for.
    fn log_in(self, req: LoginRequest) -> Result<(), String> {
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
        self.store.update(|s| s.signing_in(jid.clone()));
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
                let outcome = store.try_update(|s| s.apply(event)).unwrap_or(Outcome::Nothing);
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

/// The hash names the open conversation, both ways.
fn follow_route(store: RwSignal<Store>) {
    let apply = move || {
        let current = route::current();
        // An `xmpp:` link becomes the conversation's own address.
        route::go(&current);
        let open = match current {
            Route::Chat(jid) => Some(jid),
            Route::Home => None,
        };
        store.update(|s| s.open(open));
    };
    apply();
    let handle = window_event_listener(leptos::ev::hashchange, move |_| apply());
    on_cleanup(move || handle.remove());
}

/// Messages count as read only while the page is visible and focused.
fn follow_attention(store: RwSignal<Store>) {
    let check = move || {
        let doc = web_sys::window().and_then(|w| w.document());
        let attentive = doc.is_some_and(|d| !d.hidden() && d.has_focus().unwrap_or(false));
        if store.with_untracked(|s| s.attentive) != attentive {
            store.update(|s| s.set_attentive(attentive));
        }
    };
    check();
    let handles = [
        window_event_listener(leptos::ev::focus, move |_| check()),
        window_event_listener(leptos::ev::blur, move |_| check()),
        window_event_listener(leptos::ev::visibilitychange, move |_| check()),
    ];
    on_cleanup(move || handles.into_iter().for_each(|h| h.remove()));
}
