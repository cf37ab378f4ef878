//! XML namespaces used by Parlons, beside those of `xmpp_parsers::ns`.

/// RFC 7395: the WebSocket framing namespace of `<open/>` and `<close/>`.
pub const FRAMING: &str = xmpp_parsers::ns::WEBSOCKET;

/// RFC 6120: the namespace of the stream prefix.
pub const STREAM: &str = xmpp_parsers::ns::STREAM;

/// RFC 6120: the default namespace of client stanzas.
pub const JABBER_CLIENT: &str = xmpp_parsers::ns::DEFAULT_NS;

/// RFC 7395: the WebSocket subprotocol name.
pub const WEBSOCKET_SUBPROTOCOL: &str = "xmpp";
