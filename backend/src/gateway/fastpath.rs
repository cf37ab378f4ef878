//! XML 1.0 and Namespaces in XML, the part chat is made of: a one-pass
//! check, and rewrite, of an element with ASCII names without prefixes,
//! `xmlns` declarations, `xml:lang`, text and the five predefined entities.
//!
//! This is the fast path of the splitter and of the client check. It never
//! refuses anything: what it does not know, or is not sure of (prefixes,
//! character references, CDATA, CR, long or deep input), it leaves to
//! `rxml`, which gives the verdict and the error. Its output is byte for
//! byte what the splitter writes from `rxml`'s events; tests and the fuzz
//! targets compare the two paths.

use super::ns;
use super::xml::ElementLimits;

mod write;

/// What [`scan`] found at the start of its input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scan<'a> {
    /// One whole element of `len` bytes, its namespace and local name.
    Element {
        /// Input bytes it took.
        len: usize,
        /// Its namespace.
        ns: &'a str,
        /// Its local name.
        name: &'a str,
    },
    /// The input ends inside the element.
    Incomplete,
    /// Something for the full parser.
    Other,
}

/// Why scanning stopped early.
enum Stop {
    Incomplete,
    Other,
}

type Step<T> = Result<T, Stop>;

const MAX_DEPTH: usize = 32;
const MAX_ATTRS: usize = 16;

#[derive(Clone, Copy)]
struct Open<'a> {
    name: &'a str,
    ns: &'a str,
}

#[derive(Clone, Copy)]
struct Attr<'a> {
    name: &'a str,
    /// The value as written, entities and all (already checked).
    raw: &'a [u8],
}

/// What a start tag held besides its name.
struct TagEnd<'a> {
    /// Attributes read, `xmlns` aside.
    count: usize,
    /// The default namespace it declares.
    declared: Option<&'a str>,
    /// It ended with `/>`.
    empty: bool,
}

/// Scans the element at the start of `input` (which must start with `<`).
/// Unprefixed elements without a declaration are in `inherited`. With `out`,
/// the element is written there self-contained, as the splitter writes it;
/// the caller checks that `out` is UTF-8.
pub fn scan<'a>(
    input: &'a [u8],
    inherited: &'a str,
    limits: &ElementLimits,
    out: Option<&mut Vec<u8>>,
) -> Scan<'a> {
    // Within the token limit, no name or value can be over it.
    let input = &input[..input.len().min(limits.max_token_bytes)];
    let mut scanner = Scanner::new(input, out);
    let max_depth = MAX_DEPTH.min(limits.max_depth.saturating_sub(2));
    let max_attrs = MAX_ATTRS.min(limits.max_attributes);
    match scanner.element(inherited, max_depth, max_attrs) {
        Ok(scan) => scan,
        Err(Stop::Incomplete) => Scan::Incomplete,
        Err(Stop::Other) => Scan::Other,
    }
}

/// The default namespace a well-formed start tag declares, if it declares
/// one, once, plainly (no entity, tab or line break in it), and is not
/// empty (`/>`, which ends the stream at once). `rxml` has checked the tag;
/// this only reads it.
pub fn declared_default(tag: &[u8]) -> Option<&str> {
    if tag.ends_with(b"/>") {
        return None;
    }
    let mut s = Scanner::new(tag, None);
    s.expect(b'<').ok()?;
    let mut declared = None;
    while s
        .byte()
        .ok()
        .is_some_and(|b| !is_space(b) && b != b'>' && b != b'/')
    {
        s.pos += 1;
    }
    loop {
        s.skip_space();
        if matches!(s.byte().ok()?, b'>' | b'/') {
            return declared.flatten();
        }
        let start = s.pos;
        while s.byte().ok().is_some_and(|b| !is_space(b) && b != b'=') {
            s.pos += 1;
        }
        let name = &tag[start..s.pos];
        s.skip_space();
        s.expect(b'=').ok()?;
        s.skip_space();
        let quote = s.byte().ok()?;
        s.pos += 1;
        let value_start = s.pos;
        while s.byte().ok()? != quote {
            s.pos += 1;
        }
        let value = &tag[value_start..s.pos];
        s.pos += 1;
        if name == b"xmlns" {
            if declared.is_some() {
                return None;
            }
            // Entities and whitespace to normalise are rxml's business.
            let plain = !value.iter().any(|b| matches!(b, b'&' | b'\t' | b'\n' | b'\r'));
            declared = Some(plain.then(|| std::str::from_utf8(value).ok()).flatten());
        }
    }
}

struct Scanner<'a, 'o> {
    input: &'a [u8],
    pos: usize,
    out: Option<&'o mut Vec<u8>>,
    /// A start tag is written up to its attributes, not yet closed.
    tag_open: bool,
}

impl<'a, 'o> Scanner<'a, 'o> {
    fn new(input: &'a [u8], out: Option<&'o mut Vec<u8>>) -> Self {
        Self {
            input,
            pos: 0,
            out,
            tag_open: false,
        }
    }

    fn element(&mut self, inherited: &'a str, max_depth: usize, max_attrs: usize) -> Step<Scan<'a>> {
        let mut stack = [Open { name: "", ns: "" }; MAX_DEPTH];
        let mut depth = 0;
        self.expect(b'<')?;
        loop {
            // Just after a '<'.
            match self.byte()? {
                b'/' => {
                    self.pos += 1;
                    let name = self.name()?;
                    self.skip_space();
                    self.expect(b'>')?;
                    let open = match depth {
                        0 => return Err(Stop::Other),
                        d => stack[d - 1],
                    };
                    if open.name != name {
                        return Err(Stop::Other);
                    }
                    depth -= 1;
                    self.end_tag(name);
                    if depth == 0 {
                        return Ok(Scan::Element {
                            len: self.pos,
                            ns: stack[0].ns,
                            name: stack[0].name,
                        });
                    }
                }
                b'!' | b'?' => return Err(Stop::Other),
                _ => {
                    if depth == max_depth {
                        return Err(Stop::Other);
                    }
                    // The namespace an unprefixed child inherits, and the
                    // one the output has in scope already.
                    let (parent_ns, written_ns) = match depth {
                        0 => (inherited, ""),
                        d => (stack[d - 1].ns, stack[d - 1].ns),
                    };
                    let (open, empty) = self.start_tag(parent_ns, written_ns, max_attrs)?;
                    stack[depth] = open;
                    depth += 1;
                    if empty {
                        depth -= 1;
                        self.end_tag(open.name);
                        if depth == 0 {
                            return Ok(Scan::Element {
                                len: self.pos,
                                ns: open.ns,
                                name: open.name,
                            });
                        }
                    }
                }
            }
            self.content()?;
        }
    }

    /// Reads a start tag after its `<`; true when it is empty (`/>`).
    fn start_tag(
        &mut self,
        parent_ns: &'a str,
        written_ns: &str,
        max_attrs: usize,
    ) -> Step<(Open<'a>, bool)> {
        let name = self.name()?;
        if reserved(name) {
            return Err(Stop::Other);
        }
        let mut attrs = [Attr { name: "", raw: b"" }; MAX_ATTRS];
        let tag = self.attributes(&mut attrs[..max_attrs])?;
        let ns = tag.declared.unwrap_or(parent_ns);
        if ns == ns::STREAM {
            return Err(Stop::Other);
        }
        self.write_start_tag(name, ns, written_ns, &mut attrs[..tag.count]);
        Ok((Open { name, ns }, tag.empty))
    }

    /// Reads attributes up to the end of the start tag, into `attrs`.
    fn attributes(&mut self, attrs: &mut [Attr<'a>]) -> Step<TagEnd<'a>> {
        let mut count = 0;
        let mut declared = None;
        let empty = loop {
            let spaced = self.skip_space();
            match self.byte()? {
                b'>' => {
                    self.pos += 1;
                    break false;
                }
                b'/' => {
                    self.pos += 1;
                    self.expect(b'>')?;
                    break true;
                }
                _ if !spaced => return Err(Stop::Other),
                _ => {}
            }
            let attr = self.attribute()?;
            if attr.name == "xmlns" {
                let ns = std::str::from_utf8(attr.raw).map_err(|_| Stop::Other)?;
                let plain = !ns.is_empty() && !ns.contains('&') && ns != ns::XML && ns != ns::XMLNS;
                if declared.is_some() || !plain {
                    return Err(Stop::Other);
                }
                declared = Some(ns);
            } else {
                if count == attrs.len() || attrs[..count].iter().any(|a| a.name == attr.name) {
                    return Err(Stop::Other);
                }
                attrs[count] = attr;
                count += 1;
            }
        };
        Ok(TagEnd {
            count,
            declared,
            empty,
        })
    }

    /// `name = "value"`, at the name.
    fn attribute(&mut self) -> Step<Attr<'a>> {
        let name = if self.input[self.pos..].starts_with(b"xml:lang") {
            self.pos += b"xml:lang".len();
            if self.byte().is_ok_and(is_name_byte) {
                return Err(Stop::Other);
            }
            "xml:lang"
        } else {
            let name = self.name()?;
            if reserved(name) && name != "xmlns" {
                return Err(Stop::Other);
            }
            name
        };
        self.skip_space();
        self.expect(b'=')?;
        self.skip_space();
        let quote = self.byte()?;
        if quote != b'"' && quote != b'\'' {
            return Err(Stop::Other);
        }
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.byte()? {
                b if b == quote => break,
                b'&' => {
                    self.entity()?;
                }
                // Attribute-value normalisation is rxml's business.
                b'<' | b'\t' | b'\n' | b'\r' => return Err(Stop::Other),
                _ => self.char()?,
            }
        }
        let raw = &self.input[start..self.pos];
        self.pos += 1;
        Ok(Attr { name, raw })
    }

    /// Character data up to and including the next `<`.
    fn content(&mut self) -> Step<()> {
        let mut run = self.pos;
        loop {
            match self.byte()? {
                b'<' => {
                    self.text(run, self.pos);
                    self.pos += 1;
                    return Ok(());
                }
                b'&' => {
                    self.text(run, self.pos);
                    let c = self.entity()?;
                    self.write_escaped_text(c);
                    run = self.pos;
                }
                b'>' => {
                    if self.input[..self.pos].ends_with(b"]]") {
                        return Err(Stop::Other);
                    }
                    self.text(run, self.pos);
                    self.write_escaped_text(b'>');
                    self.pos += 1;
                    run = self.pos;
                }
                b'\t' | b'\n' => self.pos += 1,
                _ => self.char()?,
            }
        }
    }

    /// Steps over one byte of character data, refusing what XML forbids or
    /// normalises: control characters, CR, U+FFFE and U+FFFF.
    fn char(&mut self) -> Step<()> {
        let b = self.byte()?;
        let next = |n: usize| {
            self.input
                .get(self.pos + 1..self.pos + 1 + n)
                .ok_or(Stop::Incomplete)
        };
        match b {
            ..0x20 | 0x7F => return Err(Stop::Other),
            // C1 controls: allowed, but rare enough to leave to rxml.
            0xC2 if (0x80..0xA0).contains(&next(1)?[0]) => return Err(Stop::Other),
            0xEF if matches!(next(2)?, [0xBF, 0xBE | 0xBF]) => return Err(Stop::Other),
            _ => {}
        }
        self.pos += 1;
        Ok(())
    }

    /// One of the five predefined entities, at its `&`; returns its byte.
    fn entity(&mut self) -> Step<u8> {
        let rest = &self.input[self.pos + 1..];
        for (name, c) in ENTITIES {
            if rest.starts_with(name) {
                self.pos += 1 + name.len();
                return Ok(c);
            }
        }
        if rest.len() < 5 {
            Err(Stop::Incomplete)
        } else {
            Err(Stop::Other)
        }
    }

    /// An ASCII name without a prefix.
    fn name(&mut self) -> Step<&'a str> {
        let start = self.pos;
        if !self.byte()?.is_ascii_alphabetic() && self.byte()? != b'_' {
            return Err(Stop::Other);
        }
        while is_name_byte(self.byte()?) {
            self.pos += 1;
        }
        // A prefix, or a name character beyond ASCII.
        if self.byte()? == b':' || self.byte()? >= 0x80 {
            return Err(Stop::Other);
        }
        std::str::from_utf8(&self.input[start..self.pos]).map_err(|_| Stop::Other)
    }

    fn skip_space(&mut self) -> bool {
        let start = self.pos;
        while self.byte().is_ok_and(is_space) {
            self.pos += 1;
        }
        self.pos > start
    }

    fn byte(&self) -> Step<u8> {
        self.input.get(self.pos).copied().ok_or(Stop::Incomplete)
    }

    fn expect(&mut self, b: u8) -> Step<()> {
        if self.byte()? != b {
            return Err(Stop::Other);
        }
        self.pos += 1;
        Ok(())
    }
}

const ENTITIES: [(&[u8], u8); 5] = [
    (b"amp;", b'&'),
    (b"lt;", b'<'),
    (b"gt;", b'>'),
    (b"quot;", b'"'),
    (b"apos;", b'\''),
];

fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

/// Names starting with `xml`, which XML reserves: left to rxml.
fn reserved(name: &str) -> bool {
    name.len() >= 3 && name.as_bytes()[..3].eq_ignore_ascii_case(b"xml")
}
