//! RFC 7395: XMPP over WebSocket framing.
//!
//! Each WebSocket text message carries exactly one XML element. The stream is
//! opened with `<open/>` and closed with `<close/>`, both in the framing
//! namespace, instead of the RFC 6120 stream header and footer.

use crate::element::ToElement;
use minidom::Element;
use xmpp_parsers::jid::BareJid;
pub use xmpp_parsers::websocket::Open;
use xso::{AsXml, FromXml};

use crate::ns;

/// The `<close/>` that ends a stream, optionally redirecting the client
/// (RFC 7395 §3.6.1, see-other-uri).
#[derive(FromXml, AsXml, PartialEq, Debug, Clone, Default)]
#[xml(namespace = ns::FRAMING, name = "close")]
pub struct Close {
    /// Where the client should reconnect instead, if anywhere.
    #[xml(attribute(name = "see-other-uri", default))]
    pub see_other_uri: Option<String>,
}

/// One WebSocket message, classified.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    /// A stream opening or restart.
    Open(Open),
    /// The end of the stream.
    Close(Close),
    /// Anything else: a stanza, stream features, a stream error, a nonza.
    Element(Element),
}

/// Why a WebSocket message is not a frame.
#[derive(Debug, thiserror::Error)]
pub enum FrameError {
    /// The text is not one well-formed XML element.
    #[error("not well-formed: {0}")]
    NotWellFormed(#[from] minidom::Error),
    /// An `<open/>` or `<close/>` with invalid attributes.
    #[error("invalid framing element: {0}")]
    Invalid(#[from] xso::error::Error),
}

impl Frame {
    /// Parses the text of one WebSocket message.
    pub fn parse(text: &str) -> Result<Self, FrameError> {
        let element: Element = text.parse()?;
        Self::try_from(element)
    }
}

impl TryFrom<Element> for Frame {
    type Error = FrameError;

    fn try_from(element: Element) -> Result<Self, FrameError> {
        use xso::error::FromElementError::{Invalid, Mismatch};
        let element = match Open::try_from(element) {
            Ok(open) => return Ok(Frame::Open(open)),
            Err(Invalid(e)) => return Err(e.into()),
            Err(Mismatch(element)) => element,
        };
        match Close::try_from(element) {
            Ok(close) => Ok(Frame::Close(close)),
            Err(Invalid(e)) => Err(e.into()),
            Err(Mismatch(element)) => Ok(Frame::Element(element)),
        }
    }
}

/// The client's `<open/>` for a stream to `domain`.
pub fn open_to(domain: BareJid) -> Element {
    Open::new(domain).to_element()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_server_open() {
        let frame = Frame::parse(
            r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" from="localhost" id="s1" version="1.0" xml:lang="en"/>"#,
        )
        .unwrap();
        let Frame::Open(open) = frame else {
            panic!("expected open, got {frame:?}");
        };
        assert_eq!(open.from.as_ref().map(|j| j.as_str()), Some("localhost"));
        assert_eq!(open.id.as_deref(), Some("s1"));
        assert!(open.is_version("1.0"));
        assert_eq!(open.xml_lang.as_deref(), Some("en"));
    }

    #[test]
    fn parses_close_with_redirect() {
        let frame = Frame::parse(
            r#"<close xmlns="urn:ietf:params:xml:ns:xmpp-framing" see-other-uri="wss://other.example/ws"/>"#,
        )
        .unwrap();
        assert_eq!(
            frame,
            Frame::Close(Close {
                see_other_uri: Some("wss://other.example/ws".into())
            })
        );
    }

    #[test]
    fn other_elements_pass_through() {
        let frame = Frame::parse(r#"<message xmlns="jabber:client" to="a@b"/>"#).unwrap();
        let Frame::Element(el) = frame else {
            panic!("expected element, got {frame:?}");
        };
        assert!(el.is("message", ns::JABBER_CLIENT));
    }

    #[test]
    fn open_in_wrong_namespace_is_not_framing() {
        let frame = Frame::parse(r#"<open xmlns="jabber:client"/>"#).unwrap();
        assert!(matches!(frame, Frame::Element(_)));
    }

    #[test]
    fn rejects_garbage() {
        let err = Frame::parse("<open").unwrap_err();
        assert!(matches!(err, FrameError::NotWellFormed(_)), "{err}");
    }

    #[test]
    fn serialises_client_open() {
        let open = open_to(BareJid::new("example.org").unwrap());
        let expected: Element =
            r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="example.org" version="1.0"/>"#
                .parse()
                .unwrap();
        assert_eq!(open, expected);
    }

    #[test]
    fn close_round_trips() {
        let el: Element = Close::default().to_element();
        assert_eq!(Frame::try_from(el).unwrap(), Frame::Close(Close::default()));
    }
}
