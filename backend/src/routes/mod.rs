//! HTTP routes.

pub mod assets;
pub mod health;
pub mod host;
pub mod host_meta;
pub mod metrics;
pub mod ws;
