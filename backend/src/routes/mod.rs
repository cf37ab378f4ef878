//! HTTP routes.

pub mod assets;
pub mod health;
