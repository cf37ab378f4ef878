//! What the client keeps in `localStorage`: the kept sign-in (account and
//! SCRAM keys, never the password), this device's id and the settings.

/// Names of the stored items.
pub mod key {
    /// The kept account's address.
    pub const ACCOUNT: &str = "parlons.account";
    /// Its SCRAM keys ([`parlons_shared::session::sasl::ScramKeys::encode`]).
    pub const KEYS: &str = "parlons.keys";
    /// The WebSocket URL it signs in through, when not the default.
    pub const URL: &str = "parlons.url";
    /// This device's id (XEP-0388 user agent).
    pub const DEVICE: &str = "parlons.device";
    /// Theme: `system`, `light` or `dark`.
    pub const THEME: &str = "parlons.theme";
    /// Interface language, when chosen.
    pub const LANG: &str = "parlons.lang";
    /// Desktop notifications: `on` or `off`.
    pub const NOTIFY: &str = "parlons.notify";
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// A stored item.
pub fn get(key: &str) -> Option<String> {
    storage()?.get_item(key).ok()?
}

/// Stores an item; storage that is full or disabled keeps nothing.
pub fn set(key: &str, value: &str) {
    if let Some(s) = storage() {
        let _ = s.set_item(key, value);
    }
}

/// Forgets an item.
pub fn remove(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// A sign-in kept across page loads.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptLogin {
    /// The account.
    pub account: String,
    /// Its encoded SCRAM keys.
    pub keys: String,
    /// The WebSocket URL, when not the default.
    pub url: Option<String>,
}

/// The kept sign-in, if any.
pub fn kept_login() -> Option<KeptLogin> {
    Some(KeptLogin {
        account: get(key::ACCOUNT)?,
        keys: get(key::KEYS)?,
        url: get(key::URL),
    })
}

/// Keeps a sign-in.
pub fn keep_login(login: &KeptLogin) {
    set(key::ACCOUNT, &login.account);
    set(key::KEYS, &login.keys);
    match &login.url {
        Some(url) => set(key::URL, url),
        None => remove(key::URL),
    }
}

/// Forgets the kept sign-in (log out).
pub fn forget_login() {
    for k in [key::ACCOUNT, key::KEYS, key::URL] {
        remove(k);
    }
}
