//! The fast path's output: the element written as the splitter writes it.

use super::{Attr, ENTITIES, Scanner};

impl Scanner<'_, '_> {
    /// Writes `<name`, its namespace when it changes, and its attributes.
    pub(super) fn write_start_tag(&mut self, name: &str, ns: &str, written_ns: &str, attrs: &mut [Attr]) {
        let Some(out) = self.out.as_deref_mut() else {
            return;
        };
        if std::mem::take(&mut self.tag_open) {
            out.push(b'>');
        }
        out.push(b'<');
        out.extend_from_slice(name.as_bytes());
        if ns != written_ns {
            push_attr(out, "xmlns", ns.as_bytes());
        }
        // In the order of rxml's attribute map: by namespace, then name.
        attrs.sort_unstable_by_key(|a| (a.name == "xml:lang", a.name));
        for a in attrs.iter() {
            push_attr(out, a.name, a.raw);
        }
        self.tag_open = true;
    }

    /// Writes input text verbatim (it holds nothing to escape).
    pub(super) fn text(&mut self, from: usize, to: usize) {
        if from < to {
            let text = &self.input[from..to];
            self.open_content();
            if let Some(out) = self.out.as_deref_mut() {
                out.extend_from_slice(text);
            }
        }
    }

    pub(super) fn write_escaped_text(&mut self, c: u8) {
        self.open_content();
        if let Some(out) = self.out.as_deref_mut() {
            match c {
                b'&' => out.extend_from_slice(b"&amp;"),
                b'<' => out.extend_from_slice(b"&lt;"),
                b'>' => out.extend_from_slice(b"&gt;"),
                c => out.push(c),
            }
        }
    }

    /// Closes the start tag before the element's first content.
    fn open_content(&mut self) {
        if let Some(out) = self.out.as_deref_mut()
            && std::mem::take(&mut self.tag_open)
        {
            out.push(b'>');
        }
    }

    pub(super) fn end_tag(&mut self, name: &str) {
        if let Some(out) = self.out.as_deref_mut() {
            if std::mem::take(&mut self.tag_open) {
                out.extend_from_slice(b"/>");
            } else {
                out.extend_from_slice(b"</");
                out.extend_from_slice(name.as_bytes());
                out.push(b'>');
            }
        }
    }
}

/// ` name="value"`, from a checked raw value, escaped as the splitter
/// escapes attribute values.
fn push_attr(out: &mut Vec<u8>, name: &str, raw: &[u8]) {
    out.push(b' ');
    out.extend_from_slice(name.as_bytes());
    out.extend_from_slice(b"=\"");
    let mut i = 0;
    let mut run = 0;
    while i < raw.len() {
        let (skip, c) = match raw[i] {
            b'&' => ENTITIES
                .iter()
                .find(|(name, _)| raw[i + 1..].starts_with(name))
                .map_or((1, b'&'), |(name, c)| (1 + name.len(), *c)),
            b @ (b'>' | b'"') => (1, b),
            _ => {
                i += 1;
                continue;
            }
        };
        out.extend_from_slice(&raw[run..i]);
        match c {
            b'&' => out.extend_from_slice(b"&amp;"),
            b'<' => out.extend_from_slice(b"&lt;"),
            b'>' => out.extend_from_slice(b"&gt;"),
            b'"' => out.extend_from_slice(b"&quot;"),
            c => out.push(c),
        }
        i += skip;
        run = i;
    }
    out.extend_from_slice(&raw[run..]);
    out.push(b'"');
}
