//! XEP-0393: Message Styling, and links for `http(s)` and `xmpp:` URIs.
//!
//! A body arrives from anyone on the federation, so parsing is linear in
//! its length for any input: quotes nest at most [`MAX_QUOTE_DEPTH`] deep
//! (deeper `>` stay text), spans nest at most once per directive, and the
//! search for a closing directive never rescans. [`print`] writes a parse
//! back with its directives, giving the body again.

/// Quote levels shown as quotes; the `>` of deeper levels stay text.
pub const MAX_QUOTE_DEPTH: usize = 8;

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
    Pre {
        /// What follows ```` ``` ```` on the opening line.
        info: String,
        /// The lines inside.
        lines: Vec<String>,
        /// Whether a ```` ``` ```` line ended it (else the body or quote did).
        closed: bool,
    },
    /// Lines starting with `>`, styled in turn.
    Quote {
        /// Per line, whether a space followed its `>`.
        spaced: Vec<bool>,
        /// The lines without their `>`.
        blocks: Vec<Block>,
    },
}

/// Splits a body into blocks (XEP-0393 §6.1).
pub fn parse(body: &str) -> Vec<Block> {
    let lines: Vec<&str> = body.split('\n').collect();
    blocks(&lines, 1)
}

/// The blocks of `lines`, inside `depth - 1` quotes.
fn blocks(lines: &[&str], depth: usize) -> Vec<Block> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(info) = line.strip_prefix("```") {
            let end = lines[i + 1..].iter().position(|l| *l == "```").map(|p| i + 1 + p);
            let last = end.unwrap_or(lines.len());
            out.push(Block::Pre {
                info: info.to_owned(),
                lines: lines[i + 1..last].iter().map(|l| (*l).to_owned()).collect(),
                closed: end.is_some(),
            });
            i = last + 1;
        } else if line.starts_with('>') && depth <= MAX_QUOTE_DEPTH {
            let end = lines[i..]
                .iter()
                .position(|l| !l.starts_with('>'))
                .map_or(lines.len(), |p| i + p);
            let (spaced, inner): (Vec<bool>, Vec<&str>) = lines[i..end]
                .iter()
                .map(|l| match l[1..].strip_prefix(' ') {
                    Some(rest) => (true, rest),
                    None => (false, &l[1..]),
                })
                .unzip();
            out.push(Block::Quote {
                spaced,
                blocks: blocks(&inner, depth + 1),
            });
            i = end;
        } else {
            out.push(Block::Line(spans(line)));
            i += 1;
        }
    }
    out
}

/// Styles one line (XEP-0393 §6.2): a directive opens at the line start or
/// after a space, is not followed by a space, and closes on the same
/// character not preceded by a space.
pub fn spans(line: &str) -> Vec<Span> {
    let chars: Vec<char> = line.chars().collect();
    let mut closers = Closers::default();
    spans_in(&chars, 0, chars.len(), &mut closers)
}

/// The spans of `chars[start..end]`. Directives of one kind cannot nest
/// (the inner closing would end the outer one first), so the recursion is
/// at most one level per directive.
fn spans_in(chars: &[char], start: usize, end: usize, closers: &mut Closers) -> Vec<Span> {
    let mut out = Vec::new();
    let mut text = String::new();
    let mut i = start;
    while i < end {
        let c = chars[i];
        let at_start = i == start || chars[i - 1].is_whitespace();
        if let Some(len) = link_at(&chars[..end], i, at_start) {
            flush(&mut text, &mut out);
            out.push(Span::Link(chars[i..i + len].iter().collect()));
            i += len;
            continue;
        }
        if at_start && let Some(close) = closers.closing(chars, i, end) {
            flush(&mut text, &mut out);
            out.push(match c {
                '*' => Span::Strong(spans_in(chars, i + 1, close, closers)),
                '_' => Span::Emphasis(spans_in(chars, i + 1, close, closers)),
                '~' => Span::Strike(spans_in(chars, i + 1, close, closers)),
                _ => Span::Code(chars[i + 1..close].iter().collect()),
            });
            i = close + 1;
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

const DIRECTIVES: [char; 4] = ['*', '_', '~', '`'];

/// Where each directive's next closing stands. Openings are asked about
/// from left to right, so each search goes on from where the last one
/// stopped: one pass over the line per directive, however many openings.
#[derive(Debug, Default)]
struct Closers {
    /// Per directive: the first closing at or after the last position
    /// asked about (`None`: there is none), and how far the line is read.
    found: [(Option<usize>, usize); 4],
}

impl Closers {
    /// The closing of the directive opened at `open`, before `end`.
    fn closing(&mut self, chars: &[char], open: usize, end: usize) -> Option<usize> {
        let c = chars[open];
        let kind = DIRECTIVES.iter().position(|d| *d == c)?;
        let first = *chars.get(open + 1)?;
        if first.is_whitespace() || first == c {
            return None;
        }
        let from = open + 2;
        let (found, read) = &mut self.found[kind];
        if found.is_none_or(|f| f < from) {
            let start = from.max(*read);
            *found = (start..chars.len()).find(|&j| chars[j] == c && !chars[j - 1].is_whitespace());
            *read = found.map_or(chars.len(), |f| f + 1);
        }
        found.filter(|&f| f < end)
    }
}

/// The length of a link starting at `i`, if one does.
fn link_at(chars: &[char], i: usize, at_start: bool) -> Option<usize> {
    let open_paren = i > 0 && chars[i - 1] == '(';
    if !(at_start || open_paren) {
        return None;
    }
    let scheme = ["https://", "http://", "xmpp:"].into_iter().find(|s| {
        let n = s.chars().count();
        chars.len() >= i + n
            && chars[i..i + n]
                .iter()
                .zip(s.chars())
                .all(|(a, b)| a.to_ascii_lowercase() == b)
    })?;
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

/// Writes blocks back as text, with their directives.
pub fn print(blocks: &[Block]) -> String {
    let mut lines = Vec::new();
    print_blocks(blocks, "", &mut lines);
    lines.join("\n")
}

/// Appends the lines of `blocks`, each after `prefix` (the quote markers
/// of the levels around them).
fn print_blocks(blocks: &[Block], prefix: &str, out: &mut Vec<String>) {
    for block in blocks {
        match block {
            Block::Line(spans) => {
                let mut line = prefix.to_owned();
                print_spans(spans, &mut line);
                out.push(line);
            }
            Block::Pre { info, lines, closed } => {
                out.push(format!("{prefix}```{info}"));
                out.extend(lines.iter().map(|l| format!("{prefix}{l}")));
                if *closed {
                    out.push(format!("{prefix}```"));
                }
            }
            Block::Quote { spaced, blocks } => {
                let mut inner = Vec::new();
                print_blocks(blocks, "", &mut inner);
                for (line, spaced) in inner.into_iter().zip(spaced) {
                    let marker = if *spaced { "> " } else { ">" };
                    out.push(format!("{prefix}{marker}{line}"));
                }
            }
        }
    }
}

fn print_spans(spans: &[Span], out: &mut String) {
    for span in spans {
        let (directive, inner) = match span {
            Span::Text(t) | Span::Link(t) => {
                out.push_str(t);
                continue;
            }
            Span::Code(c) => {
                out.push('`');
                out.push_str(c);
                out.push('`');
                continue;
            }
            Span::Strong(s) => ('*', s),
            Span::Emphasis(s) => ('_', s),
            Span::Strike(s) => ('~', s),
        };
        out.push(directive);
        print_spans(inner, out);
        out.push(directive);
    }
}

#[cfg(test)]
mod tests;
