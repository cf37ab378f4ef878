//! The views, by feature: the shell (`app`, `shell`, `route`), `contacts`,
//! `conversation`, `rooms` and `account`. They render the store and ask the
//! [`crate::controller`] for what they want done. None of them touches XML.

pub mod account;
pub mod app;
pub mod contacts;
pub mod conversation;
pub mod dialog;
pub mod forms;
pub mod later;
pub mod reasons;
pub mod rich_text;
pub mod rooms;
pub mod shell;
pub mod show;
