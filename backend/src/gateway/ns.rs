//! The XML namespaces the gateway reads and writes: one table.

/// XML 1.0: the namespace bound to the `xml` prefix.
pub const XML: &str = "http://www.w3.org/XML/1998/namespace";
/// Namespaces in XML: the namespace of `xmlns` declarations.
pub const XMLNS: &str = "http://www.w3.org/2000/xmlns/";
/// RFC 7395: `<open/>` and `<close/>` on the WebSocket.
pub const FRAMING: &str = "urn:ietf:params:xml:ns:xmpp-framing";
/// RFC 6120 §4: the `stream` prefix.
pub const STREAM: &str = "http://etherx.jabber.org/streams";
/// RFC 6120 §4.9: stream error conditions.
pub const STREAM_ERRORS: &str = "urn:ietf:params:xml:ns:xmpp-streams";
/// Parlons' own application-specific stream error conditions (RFC 6120
/// §4.9.4), which tell the client which of the gateway's limits was hit.
pub const GATEWAY_ERRORS: &str = "urn:parlons:gateway:0";
/// RFC 6120 §7: resource binding.
pub const BIND: &str = "urn:ietf:params:xml:ns:xmpp-bind";
/// XEP-0386: Bind 2, inside XEP-0388 SASL2.
pub const BIND2: &str = "urn:xmpp:bind:0";
/// XEP-0198: Stream Management, whose `<resumed/>` stands for a bind.
pub const SM: &str = "urn:xmpp:sm:3";
/// The default namespace of client stanzas.
pub const JABBER_CLIENT: &str = "jabber:client";
/// RFC 6120 §5: STARTTLS, which the gateway does itself.
pub const TLS: &str = "urn:ietf:params:xml:ns:xmpp-tls";
/// RFC 6120 §6: SASL.
pub const SASL: &str = "urn:ietf:params:xml:ns:xmpp-sasl";
/// XEP-0388: Extensible SASL Profile, which authenticates without a restart.
pub const SASL2: &str = "urn:xmpp:sasl:2";
/// XEP-0138: stream compression, which would hide stanza boundaries.
pub const COMPRESS_FEATURE: &str = "http://jabber.org/features/compress";
/// XEP-0138: the compression protocol.
pub const COMPRESS: &str = "http://jabber.org/protocol/compress";
