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
use super::xml::ElementLimits;
use builder::Builder;

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
    /// Between stanzas, the parser holds more than whitespace: a tag has
    /// begun.
    tag_pending: bool,
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
            tag_pending: false,
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

    /// Whether part of a stanza (or of the stream header) is held, waiting
    /// for the rest; whitespace between stanzas is not.
    pub fn partial(&self) -> bool {
        self.current.is_some() || self.tag_pending
    }

    /// Bytes held for the stanza not yet whole: what is written of it, and
    /// what the parser keeps of a token.
    pub fn held(&self) -> usize {
        self.current.as_ref().map_or(0, |b| b.stanza.xml.len()) + self.unevented
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
            self.note_between_stanzas(&input[..consumed]);
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
                    self.tag_pending = false;
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

    /// Between stanzas, whether what the parser took begins a tag: more
    /// than whitespace keepalives.
    fn note_between_stanzas(&mut self, consumed: &[u8]) {
        if self.current.is_none() && !self.tag_pending {
            self.tag_pending = consumed
                .iter()
                .any(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
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
                self.start_element(&ns, &name, &attrs, len, items)?;
            }
            Event::EndElement(_) => self.end_element(len, items)?,
            Event::Text(_, text) => {
                // Text between stanzas is whitespace keepalive: dropped.
                if let Some(b) = self.current.as_mut() {
                    b.text(&text);
                }
            }
        }
        self.count_written(len)
    }

    fn start_element(
        &mut self,
        ns: &Namespace<'static>,
        name: &rxml::NcName,
        attrs: &rxml::AttrMap,
        len: usize,
        items: &mut Vec<Item>,
    ) -> Result<(), SplitError> {
        match self.depth {
            0 => items.push(Item::Open(stream_header(ns, name, attrs)?)),
            1 => {
                let mut b = Builder::new(ns, name, len, self.strip_features);
                b.start(ns, name, attrs, &self.limits)?;
                self.current = Some(b);
            }
            depth => {
                if depth > self.limits.max_depth {
                    return Err(SplitError::TooDeep(self.limits.max_depth));
                }
                if let Some(b) = self.current.as_mut() {
                    b.start(ns, name, attrs, &self.limits)?;
                }
            }
        }
        self.depth += 1;
        Ok(())
    }

    fn end_element(&mut self, len: usize, items: &mut Vec<Item>) -> Result<(), SplitError> {
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
        Ok(())
    }

    /// Counts `len` input bytes against the element being written.
    fn count_written(&mut self, len: usize) -> Result<(), SplitError> {
        let Some(b) = self.current.as_mut() else {
            return Ok(());
        };
        b.stanza.bytes += len;
        let (bytes, written) = (b.stanza.bytes, b.stanza.xml.len());
        self.check_size(bytes)?;
        // Declaring namespaces anew can make the output larger than the
        // input: bound it too.
        if written > 2 * self.limits.max_stanza_bytes {
            return Err(SplitError::TooBig(self.limits.max_stanza_bytes));
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

/// The client's view of the stream header, or why it is none.
fn stream_header(
    ns: &Namespace<'static>,
    name: &rxml::NcName,
    attrs: &rxml::AttrMap,
) -> Result<StreamHeader, SplitError> {
    if ns.as_str() != ns::STREAM || name.as_str() != "stream" {
        return Err(SplitError::NotAStream);
    }
    let get = |ns: &Namespace<'static>, n: &str| attrs.get(ns, n).map(|v| v.to_string());
    Ok(StreamHeader {
        from: get(&Namespace::NONE, "from"),
        id: get(&Namespace::NONE, "id"),
        version: get(&Namespace::NONE, "version"),
        lang: get(&Namespace::XML, "lang"),
    })
}

mod builder;
mod error;
#[cfg(test)]
mod tests;
