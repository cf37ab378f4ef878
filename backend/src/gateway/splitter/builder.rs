//! Writes one depth-1 element anew from rxml's events, declaring every
//! namespace it uses (RFC 7395 §3.3.3).

use rxml::{Namespace, NcName};

use super::super::ns;
use super::super::xml::{ElementLimits, escape_text, push_attr};
use super::{SplitError, Stanza};

/// One open element of the one being written.
#[derive(Debug)]
struct Open {
    /// Its name as written (`stream:features`, `message`).
    tag: String,
    /// The default namespace in scope inside it.
    default_ns: Namespace<'static>,
    /// Whether the `stream` prefix is declared in scope.
    stream_prefix: bool,
}

impl Open {
    /// An element of a skipped subtree: nothing is written for it.
    fn skipped(ns: &Namespace<'static>) -> Self {
        Self {
            tag: String::new(),
            default_ns: ns.clone(),
            stream_prefix: false,
        }
    }
}

/// The element being written.
#[derive(Debug)]
pub(super) struct Builder {
    pub(super) stanza: Stanza,
    stack: Vec<Open>,
    /// The start tag is still open (`<a b="c"`), to be closed by `>` or `/>`.
    tag_open: bool,
    /// Skipping a subtree at this stack depth (a stripped feature).
    skip_from: Option<usize>,
    strip_features: bool,
}

impl Builder {
    /// Starts on a depth-1 element whose start tag took `len` bytes.
    pub(super) fn new(ns: &Namespace<'static>, name: &NcName, len: usize, strip_features: bool) -> Self {
        Self {
            stanza: Stanza {
                ns: ns.to_string(),
                name: name.to_string(),
                xml: String::with_capacity(len.max(64) + 64),
                bytes: 0,
            },
            stack: Vec::new(),
            tag_open: false,
            skip_from: None,
            strip_features,
        }
    }

    pub(super) fn start(
        &mut self,
        ns: &Namespace<'static>,
        name: &NcName,
        attrs: &rxml::AttrMap,
        limits: &ElementLimits,
    ) -> Result<(), SplitError> {
        if attrs.len() > limits.max_attributes {
            return Err(SplitError::TooManyAttributes(limits.max_attributes));
        }
        if self.skip_from.is_some() {
            self.stack.push(Open::skipped(ns));
            return Ok(());
        }
        if self.is_stripped_feature(ns, name) {
            self.skip_from = Some(self.stack.len());
            self.stack.push(Open::skipped(ns));
            return Ok(());
        }
        self.close_start_tag();
        let open = self.write_name(ns, name);
        write_attrs(&mut self.stanza.xml, attrs);
        self.tag_open = true;
        self.stack.push(open);
        Ok(())
    }

    /// Inside `<stream:features>`, what the gateway handles itself.
    fn is_stripped_feature(&self, ns: &Namespace<'static>, name: &NcName) -> bool {
        self.strip_features
            && self.stack.len() == 1
            && self.stanza.is("features", ns::STREAM)
            && ((ns.as_str() == ns::TLS && name.as_str() == "starttls")
                || (ns.as_str() == ns::COMPRESS_FEATURE && name.as_str() == "compression"))
    }

    /// Writes `<name` and the namespace declaration it needs.
    fn write_name(&mut self, ns: &Namespace<'static>, name: &NcName) -> Open {
        let (inherited_default, mut stream_prefix) =
            self.stack.last().map_or((Namespace::NONE, false), |p| {
                (p.default_ns.clone(), p.stream_prefix)
            });
        let xml = &mut self.stanza.xml;
        xml.push('<');
        // The XML namespace is bound to its prefix and can be no default.
        let tag = if ns.as_str() == ns::STREAM {
            format!("stream:{name}")
        } else if *ns == Namespace::XML {
            format!("xml:{name}")
        } else {
            name.to_string()
        };
        xml.push_str(&tag);
        let mut default_ns = inherited_default.clone();
        if ns.as_str() == ns::STREAM {
            if !stream_prefix {
                push_attr(xml, "xmlns:stream", ns::STREAM);
                stream_prefix = true;
            }
        } else if *ns != inherited_default && *ns != Namespace::XML {
            push_attr(xml, "xmlns", ns.as_str());
            default_ns = ns.clone();
        }
        Open {
            tag,
            default_ns,
            stream_prefix,
        }
    }

    fn close_start_tag(&mut self) {
        if self.tag_open {
            self.stanza.xml.push('>');
            self.tag_open = false;
        }
    }

    pub(super) fn end(&mut self) {
        let Some(open) = self.stack.pop() else {
            return;
        };
        if let Some(from) = self.skip_from {
            if self.stack.len() == from {
                self.skip_from = None;
            }
            return;
        }
        if self.tag_open {
            self.stanza.xml.push_str("/>");
            self.tag_open = false;
        } else {
            self.stanza.xml.push_str("</");
            self.stanza.xml.push_str(&open.tag);
            self.stanza.xml.push('>');
        }
    }

    pub(super) fn text(&mut self, text: &str) {
        if self.skip_from.is_some() {
            return;
        }
        self.close_start_tag();
        escape_text(&mut self.stanza.xml, text);
    }
}

/// Writes attributes, each namespaced one with a prefix of its own.
fn write_attrs(xml: &mut String, attrs: &rxml::AttrMap) {
    let mut prefixes = 0;
    for ((attr_ns, attr_name), value) in attrs.iter() {
        if attr_ns.is_none() {
            push_attr(xml, attr_name.as_str(), value);
        } else if *attr_ns == Namespace::XML {
            push_attr(xml, &format!("xml:{attr_name}"), value);
        } else {
            let prefix = format!("a{prefixes}");
            prefixes += 1;
            push_attr(xml, &format!("xmlns:{prefix}"), attr_ns.as_str());
            push_attr(xml, &format!("{prefix}:{attr_name}"), value);
        }
    }
}
