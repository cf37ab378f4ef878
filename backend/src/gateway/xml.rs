//! Escaping for the XML the gateway writes itself.

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
