//! Between the transport ([`crate::client`]) and the [`crate::store`]:
//! the transport's news becomes store changes, and what follows from them
//! is decided here; what the views ask for is carried out here
//! ([`actions`]), with the offline store kept in step ([`keep`]). No
//! views.

pub mod actions;
pub mod keep;
pub mod page;
pub mod rooms;
pub mod route;
pub mod settings;
pub mod sink;

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
