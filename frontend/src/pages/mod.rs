//! Whole screens.

pub mod login;
