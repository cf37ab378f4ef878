//! RFC 6120 §4 to RFC 7395 §3.3: splits the server's XML stream into
//! self-contained elements, one per WebSocket message.
//!
//! Stanzas inherit `jabber:client` from the stream header, so their bytes
//! cannot be forwarded as they are: each depth-1 element is written anew
//! from namespace-resolved events, with every namespace it uses declared on
//! it. `rxml` refuses DTDs, entities, comments and processing instructions.

use super::ns;
use rxml::error::EndOrError;
use rxml::{Event, Namespace, Parse, Parser};

use super::fastpath::{self, Scan};
use super::xml::{ElementLimits, escape_text, push_attr};

pub use error::SplitError;

/// The attributes of the server's stream header that the client sees.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StreamHeader {
    /// The server's domain.
    pub from: Option<String>,
    /// The stream id.
    pub id: Option<String>,
    /// The XMPP version.
    pub version: Option<String>,
    /// The default language.
    pub lang: Option<String>,
}

/// A depth-1 element, written out on its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stanza {
    /// Its namespace.
    pub ns: String,
    /// Its local name.
    pub name: String,
    /// The element as self-contained XML.
    pub xml: String,
    /// Input bytes it took.
    pub bytes: usize,
}

impl Stanza {
    /// Whether this is `name` in `ns`.
    pub fn is(&self, name: &str, ns: &str) -> bool {
        self.name == name && self.ns == ns
    }
}

/// What the splitter found in the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// The stream header.
    Open(StreamHeader),
    /// A complete depth-1 element.
    Stanza(Stanza),
    /// `</stream:stream>`.
    Close,
}

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

/// The element being written.
#[derive(Debug)]
struct Builder {
    stanza: Stanza,
    stack: Vec<Open>,
    /// The start tag is still open (`<a b="c"`), to be closed by `>` or `/>`.
    tag_open: bool,
    /// Skipping a subtree at this stack depth (a stripped feature).
    skip_from: Option<usize>,
    strip_features: bool,
}

/// Splits one XML stream; [`Splitter::reset`] on each stream restart.
#[derive(Debug)]
pub struct Splitter {
    parser: Parser,
    limits: ElementLimits,
    /// Depth in the stream: 0 before the header, 1 between stanzas.
    depth: usize,
    current: Option<Builder>,
    strip_features: bool,
    closed: bool,
    /// Input consumed since the last complete event.
    unevented: usize,
    /// The stream's default namespace, when its header declared it plainly.
    stream_ns: Option<String>,
    /// Between stanzas, with nothing held in the parser: the next element
    /// may take the fast path.
    at_boundary: bool,
    /// Off: rxml parses every stanza.
    fast_path: bool,
    /// Stanzas that took the fast path, for tests.
    #[cfg(test)]
    fast_stanzas: usize,
}

impl Splitter {
    /// A splitter for a stream that starts now. With `strip_features`,
    /// `<starttls/>` and `<compression/>` are removed from stream features.
    pub fn new(limits: ElementLimits, strip_features: bool) -> Self {
        Self {
            parser: limits.parser(),
            limits,
            depth: 0,
            current: None,
            strip_features,
            closed: false,
            unevented: 0,
            stream_ns: None,
            at_boundary: false,
            fast_path: true,
            #[cfg(test)]
            fast_stanzas: 0,
        }
    }

    /// A splitter that parses every stanza with rxml: the reference that
    /// the fast path is fuzzed against.
    pub fn without_fast_path(limits: ElementLimits, strip_features: bool) -> Self {
        Self {
            fast_path: false,
            ..Self::new(limits, strip_features)
        }
    }

    /// Forgets everything: the next bytes start a new stream (RFC 6120
    /// §4.3.3 restart).
    pub fn reset(&mut self) {
        *self = Self {
            fast_path: self.fast_path,
            ..Self::new(self.limits, self.strip_features)
        };
    }

    /// Parses `data` (all of it), appending what it completes to `items`.
    /// An error is final: the stream cannot go on.
    pub fn feed(&mut self, mut data: &[u8], items: &mut Vec<Item>) -> Result<(), SplitError> {
        loop {
            if self.closed {
                return Ok(());
            }
            if self.at_boundary && self.fast_path {
                data = self.fast(data, items);
                if data.is_empty() {
                    // Between stanzas: give the token buffer back.
                    self.parser.release_temporaries();
                    return Ok(());
                }
            }
            let input = data;
            let result = self.parser.parse(&mut data, false);
            // Bytes the parser holds for an event not yet complete (a long
            // start tag, say) count against the limit too.
            let consumed = input.len() - data.len();
            self.unevented += consumed;
            self.at_boundary = false;
            match result {
                Ok(Some(event)) => {
                    // The parser holds nothing more when a tag is all it
                    // has read (text may count the next tag's '<').
                    let len = event.metrics().len();
                    let exact = self.unevented == len && !matches!(event, Event::Text(..));
                    // A self-closing start tag leaves its end in the parser
                    // (a `<stream:stream/>` header): not a boundary.
                    let ended = match event {
                        Event::EndElement(..) => true,
                        Event::StartElement(..) => consumed == len && !input[..len].ends_with(b"/>"),
                        _ => false,
                    };
                    self.unevented = 0;
                    if self.depth == 0 && consumed == len && matches!(event, Event::StartElement(..)) {
                        // The stream header, whole in this input.
                        self.stream_ns = fastpath::declared_default(&input[..len]).map(str::to_owned);
                    }
                    self.event(event, items)?;
                    self.at_boundary =
                        exact && ended && self.depth == 1 && self.current.is_none() && !self.closed;
                }
                Ok(None) | Err(EndOrError::NeedMoreData) => {
                    let current = self.current.as_ref().map_or(0, |b| b.stanza.bytes);
                    self.check_size(current + self.unevented)?;
                    if self.current.is_none() && self.unevented == 0 {
                        // Between stanzas: give the token buffer back.
                        self.parser.release_temporaries();
                    }
                    return Ok(());
                }
                Err(EndOrError::Error(e)) => return Err(SplitError::from_rxml(e)),
            }
        }
    }

    /// Takes whole stanzas, and whitespace between them, off the front of
    /// `data` by the fast path; returns the rest, for the parser.
    fn fast<'d>(&mut self, mut data: &'d [u8], items: &mut Vec<Item>) -> &'d [u8] {
        let Some(stream_ns) = self.stream_ns.as_deref() else {
            return data;
        };
        loop {
            let space = data
                .iter()
                .position(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .unwrap_or(data.len());
            let rest = &data[space..];
            if rest.is_empty() {
                return rest;
            }
            let mut out = Vec::with_capacity(rest.len().min(1024) + 64);
            let Scan::Element { len, ns, name } =
                fastpath::scan(rest, stream_ns, &self.limits, Some(&mut out))
            else {
                return data;
            };
            // Escaping can make the output larger than the input.
            if out.len() > 2 * self.limits.max_stanza_bytes {
                return data;
            }
            let Ok(xml) = String::from_utf8(out) else {
                return data;
            };
            items.push(Item::Stanza(Stanza {
                ns: ns.to_owned(),
                name: name.to_owned(),
                xml,
                bytes: len,
            }));
            #[cfg(test)]
            {
                self.fast_stanzas += 1;
            }
            data = &rest[len..];
        }
    }

    fn event(&mut self, event: Event, items: &mut Vec<Item>) -> Result<(), SplitError> {
        let len = event.metrics().len();
        match event {
            Event::XmlDeclaration(..) => {}
            Event::StartElement(_, (ns, name), attrs) => {
                match self.depth {
                    0 => {
                        if ns.as_str() != ns::STREAM || name.as_str() != "stream" {
                            return Err(SplitError::NotAStream);
                        }
                        let get = |ns: &Namespace<'static>, n: &str| attrs.get(ns, n).map(|v| v.to_string());
                        items.push(Item::Open(StreamHeader {
                            from: get(&Namespace::NONE, "from"),
                            id: get(&Namespace::NONE, "id"),
                            version: get(&Namespace::NONE, "version"),
                            lang: get(&Namespace::XML, "lang"),
                        }));
                    }
                    1 => {
                        let mut b = Builder {
                            stanza: Stanza {
                                ns: ns.to_string(),
                                name: name.to_string(),
                                xml: String::with_capacity(len.max(64) + 64),
                                bytes: 0,
                            },
                            stack: Vec::new(),
                            tag_open: false,
                            skip_from: None,
                            strip_features: self.strip_features,
                        };
                        b.start(&ns, &name, &attrs, &self.limits)?;
                        self.current = Some(b);
                    }
                    depth => {
                        if depth > self.limits.max_depth {
                            return Err(SplitError::TooDeep(self.limits.max_depth));
                        }
                        if let Some(b) = self.current.as_mut() {
                            b.start(&ns, &name, &attrs, &self.limits)?;
                        }
                    }
                }
                self.depth += 1;
            }
            Event::EndElement(_) => {
                self.depth = self.depth.saturating_sub(1);
                match self.depth {
                    0 => {
                        self.closed = true;
                        items.push(Item::Close);
                    }
                    1 => {
                        if let Some(mut b) = self.current.take() {
                            b.end();
                            b.stanza.bytes += len;
                            self.check_size(b.stanza.bytes)?;
                            items.push(Item::Stanza(b.stanza));
                        }
                    }
                    _ => {
                        if let Some(b) = self.current.as_mut() {
                            b.end();
                        }
                    }
                }
            }
            Event::Text(_, text) => {
                // Text between stanzas is whitespace keepalive: dropped.
                if let Some(b) = self.current.as_mut() {
                    b.text(&text);
                }
            }
        }
        if let Some(b) = self.current.as_mut() {
            b.stanza.bytes += len;
            let (bytes, written) = (b.stanza.bytes, b.stanza.xml.len());
            self.check_size(bytes)?;
            // Declaring namespaces anew can make the output larger than the
            // input: bound it too.
            if written > 2 * self.limits.max_stanza_bytes {
                return Err(SplitError::TooBig(self.limits.max_stanza_bytes));
            }
        }
        Ok(())
    }

    fn check_size(&self, bytes: usize) -> Result<(), SplitError> {
        if bytes > self.limits.max_stanza_bytes {
            Err(SplitError::TooBig(self.limits.max_stanza_bytes))
        } else {
            Ok(())
        }
    }
}

impl Builder {
    fn start(
        &mut self,
        ns: &Namespace<'static>,
        name: &rxml::NcName,
        attrs: &rxml::AttrMap,
        limits: &ElementLimits,
    ) -> Result<(), SplitError> {
        if attrs.len() > limits.max_attributes {
            return Err(SplitError::TooManyAttributes(limits.max_attributes));
        }
        if self.skip_from.is_some() {
            self.stack.push(Open {
                tag: String::new(),
                default_ns: ns.clone(),
                stream_prefix: false,
            });
            return Ok(());
        }
        let (inherited_default, parent_stream_prefix) =
            self.stack.last().map_or((Namespace::NONE, false), |p| {
                (p.default_ns.clone(), p.stream_prefix)
            });
        // Inside <stream:features>, drop what the gateway handles itself.
        if self.strip_features
            && self.stack.len() == 1
            && self.stanza.is("features", ns::STREAM)
            && ((ns.as_str() == ns::TLS && name.as_str() == "starttls")
                || (ns.as_str() == ns::COMPRESS_FEATURE && name.as_str() == "compression"))
        {
            self.skip_from = Some(self.stack.len());
            self.stack.push(Open {
                tag: String::new(),
                default_ns: ns.clone(),
                stream_prefix: false,
            });
            return Ok(());
        }
        self.close_start_tag();
        let xml = &mut self.stanza.xml;
        let mut stream_prefix = parent_stream_prefix;
        let mut default_ns = inherited_default.clone();
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
        if ns.as_str() == ns::STREAM {
            if !stream_prefix {
                push_attr(xml, "xmlns:stream", ns::STREAM);
                stream_prefix = true;
            }
        } else if *ns != inherited_default && *ns != Namespace::XML {
            push_attr(xml, "xmlns", ns.as_str());
            default_ns = ns.clone();
        }
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
        self.tag_open = true;
        self.stack.push(Open {
            tag,
            default_ns,
            stream_prefix,
        });
        Ok(())
    }

    fn close_start_tag(&mut self) {
        if self.tag_open {
            self.stanza.xml.push('>');
            self.tag_open = false;
        }
    }

    fn end(&mut self) {
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

    fn text(&mut self, text: &str) {
        if self.skip_from.is_some() {
            return;
        }
        self.close_start_tag();
        escape_text(&mut self.stanza.xml, text);
    }
}

mod error;
#[cfg(test)]
mod tests;
