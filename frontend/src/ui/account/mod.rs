//! The account: signing in, creating an account (XEP-0077), our own
//! status, and Settings with the blocked addresses.

pub mod blocked;
pub mod login;
pub mod own_status;
pub mod register;
pub mod settings;
pub mod settings_dialog;
pub mod sign_in;
