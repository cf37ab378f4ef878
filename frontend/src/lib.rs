//! The Parlons web client.
//!
//! Data flows one way: [`client`] owns the page's only WebSocket and drives
//! the sans-IO session; the [`controller`] turns its events into [`store`]
//! changes and decides what follows; the [`ui`] components render the
//! store and ask the controller for what they want. No component touches
//! XML.

pub mod address;
pub mod client;
pub mod controller;
#[cfg(feature = "crash-test")]
pub mod crash_test;
pub mod i18n;
pub mod offline;
pub mod store;
pub mod ui;

/// Takes over the static sign-in form and mounts the client on `<body>`,
/// once the person's language is here (the static form stays meanwhile).
pub fn mount() {
    #[cfg(feature = "crash-test")]
    crash_test::listen();
    i18n::load(controller::settings::wanted_lang(), || {
        let typed = ui::account::login::take_static_form();
        let focus = typed.clone();
        leptos::mount::mount_to_body(move || leptos::view! { <ui::app::App typed=typed.clone() /> });
        ui::account::login::restore_focus(&focus);
    });
}
