//! The client session, as a sans-IO state machine (in progress: SASL).

pub mod sasl;
