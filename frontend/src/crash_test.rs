//! For the e2e tests only (feature `crash-test`, never in a release): the
//! window event `parlons-crash` makes the client panic, as a hostile input
//! might, in an event handler (detail `handler`) or in an async task
//! (detail `task`). The page's boot script must then show the crash screen.

use leptos::prelude::window_event_listener_untyped;

/// Listens for the event, for the page's lifetime.
pub fn listen() {
    // The listener stays for the page's life: its handle is not kept.
    let _ = window_event_listener_untyped("parlons-crash", |event| {
        let detail = js_sys::Reflect::get(&event, &"detail".into())
            .ok()
            .and_then(|d| d.as_string());
        if detail.as_deref() == Some("task") {
            leptos::task::spawn_local(async { panic!("crash test: in an async task") });
        } else {
            panic!("crash test: in an event handler");
        }
    });
}
