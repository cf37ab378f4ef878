//! XEP-0393 Message Styling, and links for `http(s)` and `xmpp:` URIs,
//! built as DOM nodes from the text: never as HTML.

use leptos::prelude::*;

/// A styled piece of a line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Span {
    /// Plain text.
    Text(String),
    /// A link to a URI.
    Link(String),
    /// `*strong*`.
    Strong(Vec<Span>),
    /// `_emphasis_`.
    Emphasis(Vec<Span>),
    /// `~strike~`.
    Strike(Vec<Span>),
    /// `` `code` ``, not styled further.
    Code(String),
}

/// A block of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// One line of text.
    Line(Vec<Span>),
    /// A ```` ``` ```` block, verbatim.
    Pre(String),
    /// Lines starting with `>`, styled in turn.
    Quote(Vec<Block>),
}

/// Splits a body into blocks (XEP-0393 §6.1).
pub fn parse(body: &str) -> Vec<Block> {
    let lines: Vec<&str> = body.split('\n').collect();
    let mut blocks = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.starts_with("```") {
            let end = lines[i + 1..]
                .iter()
                .position(|l| *l == "```")
                .map_or(lines.len(), |p| i + 1 + p);
            blocks.push(Block::Pre(lines[i + 1..end].join("\n")));
            i = end + 1;
        } else if line.starts_with('>') {
            let end = lines[i..]
                .iter()
                .position(|l| !l.starts_with('>'))
                .map_or(lines.len(), |p| i + p);
            let inner: Vec<&str> = lines[i..end]
                .iter()
                .map(|l| {
                    let l = &l[1..];
                    l.strip_prefix(' ').unwrap_or(l)
                })
                .collect();
            blocks.push(Block::Quote(parse(&inner.join("\n"))));
            i = end;
        } else {
            blocks.push(Block::Line(spans(line)));
            i += 1;
        }
    }
    blocks
}

/// Styles one line (XEP-0393 §6.2): a directive opens at the line start or
/// after a space, is not followed by a space, and closes on the same
/// character not preceded by a space.
pub fn spans(line: &str) -> Vec<Span> {
    let chars: Vec<char> = line.chars().collect();
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let at_start = i == 0 || chars[i - 1].is_whitespace();
        if let Some(len) = link_at(&chars, i, at_start) {
            flush(&mut text, &mut out);
            out.push(Span::Link(chars[i..i + len].iter().collect()));
            i += len;
            continue;
        }
        if matches!(c, '*' | '_' | '~' | '`')
            && at_start
            && let Some(end) = closing(&chars, i)
        {
            flush(&mut text, &mut out);
            let inner: String = chars[i + 1..end].iter().collect();
            out.push(match c {
                '*' => Span::Strong(spans(&inner)),
                '_' => Span::Emphasis(spans(&inner)),
                '~' => Span::Strike(spans(&inner)),
                _ => Span::Code(inner),
            });
            i = end + 1;
            continue;
        }
        text.push(c);
        i += 1;
    }
    flush(&mut text, &mut out);
    out
}

fn flush(text: &mut String, out: &mut Vec<Span>) {
    if !text.is_empty() {
        out.push(Span::Text(std::mem::take(text)));
    }
}

fn closing(chars: &[char], open: usize) -> Option<usize> {
    let c = chars[open];
    let first = *chars.get(open + 1)?;
    if first.is_whitespace() || first == c {
        return None;
    }
    (open + 2..chars.len()).find(|&j| chars[j] == c && !chars[j - 1].is_whitespace())
}

/// The length of a link starting at `i`, if one does.
fn link_at(chars: &[char], i: usize, at_start: bool) -> Option<usize> {
    let open_paren = i > 0 && chars[i - 1] == '(';
    if !(at_start || open_paren) {
        return None;
    }
    let rest: String = chars[i..chars.len().min(i + 8)].iter().collect();
    let scheme = ["https://", "http://", "xmpp:"]
        .into_iter()
        .find(|s| rest.to_ascii_lowercase().starts_with(s))?;
    let mut end = i;
    while end < chars.len() && !chars[end].is_whitespace() {
        end += 1;
    }
    // Trailing punctuation is the sentence's, not the link's.
    while end > i
        && matches!(
            chars[end - 1],
            '.' | ',' | ';' | ':' | '!' | '?' | ')' | '"' | '\''
        )
    {
        end -= 1;
    }
    (end - i > scheme.len()).then_some(end - i)
}

fn span_view(span: Span) -> AnyView {
    match span {
        Span::Text(t) => t.into_any(),
        Span::Link(href) => {
            let external = !href.starts_with("xmpp:");
            view! {
                <a
                    href=href.clone()
                    rel="noopener noreferrer"
                    target=external.then_some("_blank")
                >
                    {href.clone()}
                </a>
            }
            .into_any()
        }
        Span::Strong(s) => view! { <strong>{spans_view(s)}</strong> }.into_any(),
        Span::Emphasis(s) => view! { <em>{spans_view(s)}</em> }.into_any(),
        Span::Strike(s) => view! { <s>{spans_view(s)}</s> }.into_any(),
        Span::Code(c) => view! { <code>{c}</code> }.into_any(),
    }
}

fn spans_view(spans: Vec<Span>) -> Vec<AnyView> {
    spans.into_iter().map(span_view).collect()
}

fn block_view(block: Block) -> AnyView {
    match block {
        Block::Line(s) => view! { <p>{spans_view(s)}</p> }.into_any(),
        Block::Pre(text) => view! { <pre>{text}</pre> }.into_any(),
        Block::Quote(blocks) => {
            view! { <blockquote>{blocks.into_iter().map(block_view).collect::<Vec<_>>()}</blockquote> }
                .into_any()
        }
    }
}

/// A message body, styled.
#[component]
pub fn RichText(
    /// The text.
    body: String,
) -> impl IntoView {
    parse(&body).into_iter().map(block_view).collect::<Vec<_>>()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Span {
        Span::Text(s.into())
    }

    #[test]
    fn markup_is_text() {
        let body = "<img src=x onerror=alert(1)> <script>alert(1)</script>";
        assert_eq!(parse(body), vec![Block::Line(vec![text(body)])]);
    }

    #[test]
    fn spans_follow_xep_0393() {
        assert_eq!(
            spans("a *bold* _it_ ~gone~ `x*y*`"),
            vec![
                text("a "),
                Span::Strong(vec![text("bold")]),
                text(" "),
                Span::Emphasis(vec![text("it")]),
                text(" "),
                Span::Strike(vec![text("gone")]),
                text(" "),
                Span::Code("x*y*".into()),
            ]
        );
        // Not a directive: a space after the opening, none before the end,
        // inside a word, or never closed.
        for plain in ["* not bold*", "2*3*4", "*open", "**", "a_b_c"] {
            assert_eq!(spans(plain), vec![text(plain)], "{plain}");
        }
    }

    #[test]
    fn links_are_found_without_their_punctuation() {
        assert_eq!(
            spans("see https://example.org/a?b=1. or xmpp:bob@b.test?message!"),
            vec![
                text("see "),
                Span::Link("https://example.org/a?b=1".into()),
                text(". or "),
                Span::Link("xmpp:bob@b.test?message".into()),
                text("!"),
            ]
        );
        assert_eq!(spans("javascript:alert(1)"), vec![text("javascript:alert(1)")]);
        assert_eq!(spans("nohttp://x"), vec![text("nohttp://x")]);
        assert_eq!(spans("http://"), vec![text("http://")]);
    }

    #[test]
    fn blocks_quote_and_preformat() {
        assert_eq!(
            parse("> quoted *b*\n>> deeper\n```\n*raw*\n```\nend"),
            vec![
                Block::Quote(vec![
                    Block::Line(vec![text("quoted "), Span::Strong(vec![text("b")])]),
                    Block::Quote(vec![Block::Line(vec![text("deeper")])]),
                ]),
                Block::Pre("*raw*".into()),
                Block::Line(vec![text("end")]),
            ]
        );
        assert_eq!(
            parse("```\nnever closed"),
            vec![Block::Pre("never closed".into())]
        );
    }
}
