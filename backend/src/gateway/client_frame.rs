//! RFC 7395 §3.3: checks each client message before it goes upstream.
//!
//! A message must be exactly one element. Anything else could smuggle
//! `</stream:stream>` or a second element into the server's stream. The
//! element's own bytes are forwarded; its namespace declarations travel with
//! it, and stanzas without one inherit `jabber:client` from the stream header
//! the gateway wrote.

use super::ns;
use rxml::error::EndOrError;
use rxml::{Event, Namespace, Parse};

use super::fastpath::{self, Scan};
use super::splitter::SplitError;
use super::stream_error::Condition;
use super::xml::ElementLimits;

/// An `<open/>` from the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OpenRequest {
    /// The domain asked for.
    pub to: Option<String>,
    /// The client's bare JID, if it says.
    pub from: Option<String>,
    /// The language it prefers.
    pub lang: Option<String>,
    /// The XMPP version.
    pub version: Option<String>,
}

/// A checked client message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ClientFrame<'a> {
    /// Stream open or restart.
    Open(OpenRequest),
    /// End of the stream.
    Close,
    /// Anything to forward, as the exact text of the element.
    Element {
        /// The element's local name, for logs and metrics.
        name: String,
        /// The element's text.
        xml: &'a str,
    },
}

/// Why a client message is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    /// Bad or restricted XML, or over a limit.
    #[error(transparent)]
    Xml(#[from] SplitError),
    /// Not exactly one element.
    #[error("a message must hold exactly one XML element")]
    NotOneElement,
    /// Something the gateway does itself or never relays.
    #[error("<{0}/> may not be sent through the gateway")]
    Forbidden(&'static str),
}

impl ClientError {
    /// The RFC 6120 condition for this error.
    pub fn condition(&self) -> Condition {
        match self {
            Self::Xml(e) => e.condition(),
            Self::NotOneElement => Condition::NotWellFormed,
            Self::Forbidden(_) => Condition::PolicyViolation,
        }
    }
}

/// Checks one WebSocket text message.
pub fn parse<'a>(text: &'a str, limits: &ElementLimits) -> Result<ClientFrame<'a>, ClientError> {
    // The common case, a plain stanza, in one pass.
    // (A trailing CR is rxml's to judge: it may be half a line break.)
    let xml = text.trim_end_matches([' ', '\t', '\n']);
    if text.len() <= limits.max_stanza_bytes
        && let Scan::Element { len, ns, name } = fastpath::scan(xml.as_bytes(), "", limits, None)
        && len == xml.len()
        && ![ns::FRAMING, ns::TLS, ns::COMPRESS].contains(&ns)
    {
        return Ok(ClientFrame::Element {
            name: name.to_owned(),
            xml,
        });
    }
    parse_with_rxml(text, limits)
}

/// [`parse`] without its fast path: every message through `rxml`. For
/// tests and fuzzing, which compare the two.
pub fn parse_with_rxml<'a>(text: &'a str, limits: &ElementLimits) -> Result<ClientFrame<'a>, ClientError> {
    if text.len() > limits.max_stanza_bytes {
        return Err(SplitError::TooBig(limits.max_stanza_bytes).into());
    }
    let mut parser = limits.parser();
    let mut data = text.as_bytes();
    let mut depth = 0usize;
    let mut roots = 0usize;
    let mut root: Option<(Namespace<'static>, String, rxml::AttrMap)> = None;
    loop {
        let event = match parser.parse(&mut data, true) {
            Ok(Some(event)) => event,
            Ok(None) => break,
            Err(EndOrError::NeedMoreData) => return Err(ClientError::NotOneElement),
            Err(EndOrError::Error(e)) => return Err(SplitError::from_rxml(e).into()),
        };
        match event {
            Event::XmlDeclaration(..) | Event::Text(..) => {}
            Event::StartElement(_, (ns, name), attrs) => {
                if attrs.len() > limits.max_attributes {
                    return Err(SplitError::TooManyAttributes(limits.max_attributes).into());
                }
                if depth == 0 {
                    roots += 1;
                    root = Some((ns, name.to_string(), attrs));
                } else if depth >= limits.max_depth {
                    return Err(SplitError::TooDeep(limits.max_depth).into());
                }
                depth += 1;
            }
            Event::EndElement(_) => depth = depth.saturating_sub(1),
        }
    }
    let (Some((ns, name, attrs)), 1) = (root, roots) else {
        return Err(ClientError::NotOneElement);
    };
    match (ns.as_str(), name.as_str()) {
        (ns::FRAMING, "open") => {
            let get = |ns: &Namespace<'static>, n: &str| attrs.get(ns, n).map(|v| v.to_string());
            Ok(ClientFrame::Open(OpenRequest {
                to: get(&Namespace::NONE, "to"),
                from: get(&Namespace::NONE, "from"),
                lang: get(&Namespace::XML, "lang"),
                version: get(&Namespace::NONE, "version"),
            }))
        }
        (ns::FRAMING, "close") => Ok(ClientFrame::Close),
        (ns::FRAMING, _) => Err(ClientError::Forbidden("framing element")),
        (ns::TLS, _) => Err(ClientError::Forbidden("starttls")),
        (ns::COMPRESS, _) => Err(ClientError::Forbidden("compress")),
        (ns::STREAM, n) if n != "error" => Err(ClientError::Forbidden("stream element")),
        _ => Ok(ClientFrame::Element {
            xml: element_text(text),
            name,
        }),
    }
}

/// The element itself: without surrounding space or an XML declaration
/// (the parser has checked that nothing else can be there).
fn element_text(text: &str) -> &str {
    let mut s = text.trim_matches(|c: char| c.is_ascii_whitespace());
    if let Some(end) = s.starts_with("<?xml").then(|| s.find("?>")).flatten() {
        s = s[end + 2..].trim_start_matches(|c: char| c.is_ascii_whitespace());
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str) -> Result<ClientFrame<'_>, ClientError> {
        parse(text, &ElementLimits::new(4096))
    }

    #[test]
    fn reads_open() {
        let f = check(r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="example.org" version="1.0" xml:lang="fr"/>"#)
            .unwrap();
        assert_eq!(
            f,
            ClientFrame::Open(OpenRequest {
                to: Some("example.org".into()),
                from: None,
                lang: Some("fr".into()),
                version: Some("1.0".into()),
            })
        );
    }

    #[test]
    fn reads_close() {
        assert_eq!(
            check(r#"<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>"#).unwrap(),
            ClientFrame::Close
        );
    }

    #[test]
    fn forwards_exactly_the_element() {
        let text =
            "<?xml version='1.0'?>\n <message xmlns='jabber:client' to='a@b'><body>x</body></message>\n";
        assert_eq!(
            check(text).unwrap(),
            ClientFrame::Element {
                name: "message".into(),
                xml: "<message xmlns='jabber:client' to='a@b'><body>x</body></message>",
            }
        );
    }

    #[test]
    fn refuses_two_elements_or_none() {
        for bad in [
            "<a/><b/>",
            "<message xmlns='jabber:client'/></stream:stream>",
            "",
            "   ",
            "text",
            "<a>",
        ] {
            let err = check(bad).unwrap_err();
            assert!(
                matches!(err.condition(), Condition::NotWellFormed),
                "{bad:?}: {err:?}"
            );
        }
    }

    #[test]
    fn refuses_what_the_gateway_does_itself() {
        for (bad, what) in [
            ("<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>", "starttls"),
            (
                "<compress xmlns='http://jabber.org/protocol/compress'><method>zlib</method></compress>",
                "compress",
            ),
            (
                "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'/>",
                "stream element",
            ),
            (
                "<foo xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
                "framing element",
            ),
        ] {
            let err = check(bad).unwrap_err();
            assert_eq!(err, ClientError::Forbidden(what));
            assert_eq!(err.condition(), Condition::PolicyViolation);
        }
    }

    #[test]
    fn refuses_restricted_xml() {
        for bad in [
            "<!DOCTYPE m [<!ENTITY x 'y'>]><m/>",
            "<m>&x;</m>",
            "<m><!-- c --></m>",
            "<?php x?><m/>",
        ] {
            let err = check(bad).unwrap_err();
            assert_eq!(err.condition(), Condition::RestrictedXml, "{bad}: {err}");
        }
    }

    #[test]
    fn the_fast_path_agrees_with_rxml() {
        for text in [
            "<message to='a@b' type='chat' id='1'><body>plain &amp; &lt;simple&gt;</body></message>",
            " \n<iq type=\"get\" id='2'><query xmlns='jabber:iq:roster'/></iq>\n ",
            "<presence xml:lang='en'><status>Grüße 👋</status></presence>",
            "<r xmlns='urn:xmpp:sm:3'/>",
            "<message><body>a ]] > b</body></message>",
            "<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='SCRAM-SHA-1'>biwsbj1h</auth>",
            // Refused, by either path.
            "<message/><message/>",
            "<message/>text",
            "<message>",
            "<message></iq>",
            "<message a='1' a='2'/>",
            "<message a='1'b='2'/>",
            "<message><body>]]></body></message>",
            "<message><body>\u{1}</body></message>",
            "<message><body>\u{FFFF}</body></message>",
            "<message><body>&nbsp;</body></message>",
            "<message xmlns='http://www.w3.org/2000/xmlns/'/>",
            "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>",
            "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.org' version='1.0'/>",
            "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
            "\u{c}<message/>",
            "<message/>\r",
            "<message/> \r\n",
        ] {
            assert_eq!(
                check(text),
                parse_with_rxml(text, &ElementLimits::new(4096)),
                "{text}"
            );
        }
    }

    #[test]
    fn bounds_size() {
        let big = format!("<m>{}</m>", "x".repeat(5000));
        assert_eq!(
            check(&big).unwrap_err(),
            ClientError::Xml(SplitError::TooBig(4096))
        );
    }

    #[test]
    fn bounds_depth() {
        let deep = format!("{}{}", "<a>".repeat(60), "</a>".repeat(60));
        assert_eq!(
            check(&deep).unwrap_err(),
            ClientError::Xml(SplitError::TooDeep(48))
        );
        let ok = format!("{}{}", "<a>".repeat(40), "</a>".repeat(40));
        assert!(check(&ok).is_ok());
    }
}
