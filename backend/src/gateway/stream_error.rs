//! RFC 6120 §4.9: the stream errors the gateway itself raises, written as
//! RFC 7395 messages.

use super::xml::escape_text;

/// A stream error condition the gateway raises.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Condition {
    /// The domain is not served (or not a valid domain).
    HostUnknown,
    /// The `<open/>` lacks a `to`.
    ImproperAddressing,
    /// The `<open/>` is in the wrong namespace.
    InvalidNamespace,
    /// The server could not be reached.
    RemoteConnectionFailed,
    /// A timeout expired.
    ConnectionTimeout,
    /// A policy or limit forbids it.
    PolicyViolation,
    /// Bad XML.
    NotWellFormed,
    /// XML features XMPP forbids: DTDs, entities, comments, processing
    /// instructions.
    RestrictedXml,
    /// An element that may not be sent here.
    UnsupportedStanzaType,
    /// Too many connections.
    ResourceConstraint,
    /// The gateway is shutting down.
    SystemShutdown,
    /// Anything else.
    InternalServerError,
}

impl Condition {
    /// Every condition, for metrics.
    pub const ALL: [Condition; 12] = [
        Self::HostUnknown,
        Self::ImproperAddressing,
        Self::InvalidNamespace,
        Self::RemoteConnectionFailed,
        Self::ConnectionTimeout,
        Self::PolicyViolation,
        Self::NotWellFormed,
        Self::RestrictedXml,
        Self::UnsupportedStanzaType,
        Self::ResourceConstraint,
        Self::SystemShutdown,
        Self::InternalServerError,
    ];

    /// The element name of the condition.
    pub fn name(self) -> &'static str {
        match self {
            Self::HostUnknown => "host-unknown",
            Self::ImproperAddressing => "improper-addressing",
            Self::InvalidNamespace => "invalid-namespace",
            Self::RemoteConnectionFailed => "remote-connection-failed",
            Self::ConnectionTimeout => "connection-timeout",
            Self::PolicyViolation => "policy-violation",
            Self::NotWellFormed => "not-well-formed",
            Self::RestrictedXml => "restricted-xml",
            Self::UnsupportedStanzaType => "unsupported-stanza-type",
            Self::ResourceConstraint => "resource-constraint",
            Self::SystemShutdown => "system-shutdown",
            Self::InternalServerError => "internal-server-error",
        }
    }

    /// Index into [`Self::ALL`].
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|c| *c == self).unwrap_or(0)
    }
}

/// `<stream:error>` with `condition` and an English `text` for people.
pub fn stream_error(condition: Condition, text: &str) -> String {
    stream_error_with(condition, None, text)
}

/// A stream error with, when set, an application-specific condition of
/// the gateway's own (RFC 6120 §4.9.4) after the text.
pub fn stream_error_with(condition: Condition, app: Option<&str>, text: &str) -> String {
    let mut out = String::with_capacity(200 + text.len());
    out.push_str(r#"<stream:error xmlns:stream="http://etherx.jabber.org/streams"><"#);
    out.push_str(condition.name());
    out.push_str(r#" xmlns="urn:ietf:params:xml:ns:xmpp-streams"/>"#);
    if !text.is_empty() {
        out.push_str(r#"<text xmlns="urn:ietf:params:xml:ns:xmpp-streams" xml:lang="en">"#);
        escape_text(&mut out, text);
        out.push_str("</text>");
    }
    if let Some(app) = app {
        out.push('<');
        out.push_str(app);
        out.push_str(r#" xmlns=""#);
        out.push_str(super::ns::GATEWAY_ERRORS);
        out.push_str(r#""/>"#);
    }
    out.push_str("</stream:error>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gateway::ns;

    #[test]
    fn writes_a_namespaced_stream_error() {
        assert_eq!(
            stream_error(Condition::HostUnknown, "no <such> domain"),
            "<stream:error xmlns:stream=\"http://etherx.jabber.org/streams\">\
             <host-unknown xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/>\
             <text xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\" xml:lang=\"en\">no &lt;such&gt; domain</text>\
             </stream:error>"
        );
        let parsed: minidom::Element = stream_error(Condition::SystemShutdown, "").parse().unwrap();
        assert!(parsed.is("error", ns::STREAM));
        assert!(parsed.has_child("system-shutdown", ns::STREAM_ERRORS));
        assert_eq!(
            stream_error_with(Condition::PolicyViolation, Some("stanza-too-large"), "big"),
            "<stream:error xmlns:stream=\"http://etherx.jabber.org/streams\">\
             <policy-violation xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/>\
             <text xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\" xml:lang=\"en\">big</text>\
             <stanza-too-large xmlns=\"urn:parlons:gateway:0\"/>\
             </stream:error>"
        );
    }

    #[test]
    fn every_condition_has_its_index() {
        for (i, c) in Condition::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
        }
    }
}
