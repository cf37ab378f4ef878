//! IndexedDB's requests as futures, the database's schema and its
//! migrations.

use js_sys::{Function, Promise};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{IdbDatabase, IdbFactory, IdbOpenDbRequest, IdbRequest, IdbTransaction, IdbVersionChangeEvent};

/// The schema's version: raise it, and add a step to [`upgrade`], whenever
/// the stores or their records change.
const VERSION: u32 = 1;

/// Object stores. Records are arrays (`record.rs`).
pub mod stores {
    /// Contacts, by bare JID.
    pub const CONTACTS: &str = "contacts";
    /// Recent messages, by conversation.
    pub const CONVERSATIONS: &str = "conversations";
    /// Single values by name: the roster version, the archive position.
    pub const META: &str = "meta";
}

/// Brings a database at `old` up to [`VERSION`], one step at a time.
fn upgrade(db: &IdbDatabase, old: u32) -> Result<(), JsValue> {
    if old < 1 {
        for store in [stores::CONTACTS, stores::CONVERSATIONS, stores::META] {
            db.create_object_store(store)?;
        }
    }
    // Version 2 goes here: `if old < 2 { … }`.
    Ok(())
}

fn factory() -> Result<IdbFactory, JsValue> {
    let window = web_sys::window().ok_or("no window")?;
    window.indexed_db()?.ok_or_else(|| "no IndexedDB".into())
}

/// Opens (creating or migrating) the database `name`.
pub async fn open(name: &str) -> Result<IdbDatabase, JsValue> {
    let request: IdbOpenDbRequest = factory()?.open_with_u32(name, VERSION)?;
    let on_upgrade = Closure::<dyn FnMut(IdbVersionChangeEvent)>::new({
        let request = request.clone();
        move |e: IdbVersionChangeEvent| {
            if let Some(db) = request
                .result()
                .ok()
                .and_then(|r| r.dyn_into::<IdbDatabase>().ok())
            {
                let old = e.old_version() as u32;
                let _ = upgrade(&db, old);
            }
        }
    });
    request.set_onupgradeneeded(Some(on_upgrade.as_ref().unchecked_ref()));
    let db = done(&request).await;
    request.set_onupgradeneeded(None);
    db?.dyn_into()
}

/// Deletes the database `name`.
pub async fn delete(name: &str) -> Result<(), JsValue> {
    let request = factory()?.delete_database(name)?;
    done(&request).await.map(drop)
}

/// Waits for `request`: its result, or its error.
pub async fn done(request: &IdbRequest) -> Result<JsValue, JsValue> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let r = request.clone();
        let on_success =
            Closure::once_into_js(move || resolve.call1(&JsValue::NULL, &r.result().unwrap_or_default()));
        let r = request.clone();
        let on_error = Closure::once_into_js(move || {
            reject.call1(&JsValue::NULL, &r.error().map(JsValue::from).unwrap_or_default())
        });
        request.set_onsuccess(Some(on_success.unchecked_ref()));
        request.set_onerror(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await
}

/// Waits for `tx` to commit.
pub async fn committed(tx: &IdbTransaction) -> Result<(), JsValue> {
    let promise = Promise::new(&mut |resolve: Function, reject: Function| {
        let on_complete = Closure::once_into_js(move || resolve.call0(&JsValue::NULL));
        let on_error = Closure::once_into_js(move || reject.call0(&JsValue::NULL));
        tx.set_oncomplete(Some(on_complete.unchecked_ref()));
        tx.set_onerror(Some(on_error.unchecked_ref()));
        tx.set_onabort(Some(on_error.unchecked_ref()));
    });
    JsFuture::from(promise).await.map(drop)
}
