//! The views: pages and components that render the store and send
//! commands through [`actions`]. None of them touches XML.

pub mod actions;
pub mod add_contact;
pub mod app;
pub mod blocked;
pub mod chunks;
pub mod composer;
pub mod contact_list;
pub mod conversation;
pub mod dialog;
pub mod keep;
pub mod later;
pub mod login;
pub mod message_requests;
pub mod message_row;
pub mod notice;
pub mod own_status;
pub mod reasons;
pub mod register;
pub mod request_list;
pub mod requests;
pub mod rich_text;
pub mod route;
pub mod settings;
pub mod settings_dialog;
pub mod shell;
pub mod show;
pub mod sign_in;
pub mod status_line;
pub mod window;

use leptos::prelude::*;

use crate::client::Client;
use crate::store::Store;

/// The store, as a context.
#[derive(Clone, Copy)]
pub struct StoreHandle(pub RwSignal<Store>);

/// The transport, as a context (it lives on the page's thread).
#[derive(Clone, Copy)]
pub struct ClientHandle(pub StoredValue<Option<Client>, LocalStorage>);

/// The store of the page.
pub fn use_store() -> RwSignal<Store> {
    use_context::<StoreHandle>().map_or_else(|| RwSignal::new(Store::default()), |h| h.0)
}

/// The transport of the page.
pub fn use_client() -> Option<Client> {
    use_context::<ClientHandle>().and_then(|h| h.0.get_value())
}
