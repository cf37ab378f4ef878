//! Bounds on the XML the gateway reads, and escaping for the XML it
//! writes itself.

use rxml::{Parser, WithOptions};

/// Bounds on what one element may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ElementLimits {
    /// The largest element, in bytes of input.
    pub max_stanza_bytes: usize,
    /// The deepest nesting inside an element.
    pub max_depth: usize,
    /// The most attributes on one element.
    pub max_attributes: usize,
    /// The longest name, attribute value or text chunk.
    pub max_token_bytes: usize,
}

impl ElementLimits {
    /// Defaults for a stanza size limit.
    pub fn new(max_stanza_bytes: usize) -> Self {
        Self {
            max_stanza_bytes,
            max_depth: 48,
            max_attributes: 64,
            // Text is split into chunks of this size, so only names and
            // attribute values are capped by it; the parser reserves it.
            max_token_bytes: max_stanza_bytes.min(16 * 1024),
        }
    }

    pub(crate) fn parser(&self) -> Parser {
        Parser::with_options(rxml::parser::Options {
            max_token_length: self.max_token_bytes,
            ..Default::default()
        })
    }
}

/// Appends `s` escaped for element content.
pub fn escape_text(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

/// Appends `s` escaped for a double-quoted attribute value, keeping
/// whitespace characters that attribute normalisation would otherwise fold.
pub fn escape_attr(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' => out.push_str("&#x9;"),
            '\n' => out.push_str("&#xA;"),
            '\r' => out.push_str("&#xD;"),
            c => out.push(c),
        }
    }
}

/// Appends ` name="value"`.
pub fn push_attr(out: &mut String, name: &str, value: &str) {
    out.push(' ');
    out.push_str(name);
    out.push_str("=\"");
    escape_attr(out, value);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_whitespace() {
        let mut t = String::new();
        escape_text(&mut t, "a<b>&c\r\n\"'");
        assert_eq!(t, "a&lt;b&gt;&amp;c&#xD;\n\"'");
        let mut a = String::new();
        push_attr(&mut a, "x", "1\"2\t3\n<&>");
        assert_eq!(a, " x=\"1&quot;2&#x9;3&#xA;&lt;&amp;&gt;\"");
    }
}
