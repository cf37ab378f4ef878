//! Parlons' XMPP client core.
//!
//! Stanza types built on `xmpp-parsers`, and the client session as a
//! sans-IO state machine. Nothing here performs I/O: the gateway and the
//! browser client drive it, so it builds for the host and for wasm32.

pub mod element;
pub mod framing;
#[cfg(all(feature = "hostile", not(target_arch = "wasm32")))]
pub mod hostile;
pub mod ns;
pub mod session;
pub mod slices;
pub mod styling;

pub use minidom::Element;
