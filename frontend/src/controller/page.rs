//! What the page tells the store, and shows of it outside the views: the
//! open conversation from the route, whether the person is looking, and
//! the unread count in the title.

use leptos::prelude::*;
use parlons_shared::session::ConversationId;

use super::route::{self, Route};
use crate::i18n::{t, t_with};
use crate::store::Store;

/// The page's title counts unread messages.
pub fn follow_unread(store: RwSignal<Store>) {
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

/// The hash names the open conversation, both ways.
pub fn follow_route(store: RwSignal<Store>) {
    let apply = move || {
        let current = route::current();
        // An `xmpp:` link becomes the conversation's own address.
        route::go(&current);
        let open = match current {
            Route::Chat(jid) => Some(ConversationId::Chat(jid)),
            // The room's view joins it, once signed in.
            Route::Join(jid) => {
                store.update(|s| s.join_asked = Some(jid.clone()));
                Some(ConversationId::Room(jid))
            }
            Route::Room(jid) => Some(ConversationId::Room(jid)),
            Route::Private(jid) => Some(ConversationId::Private(jid)),
            Route::Home => None,
        };
        store.update(|s| s.open(open));
    };
    apply();
    let handle = window_event_listener(leptos::ev::hashchange, move |_| apply());
    on_cleanup(move || handle.remove());
}

/// Messages count as read only while the page is visible and focused.
pub fn follow_attention(store: RwSignal<Store>) {
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
