use super::*;

fn text(s: &str) -> Span {
    Span::Text(s.into())
}

fn line(spans: Vec<Span>) -> Block {
    Block::Line(spans)
}

#[test]
fn markup_is_text() {
    let body = "<img src=x onerror=alert(1)> <script>alert(1)</script>";
    assert_eq!(parse(body), vec![line(vec![text(body)])]);
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
fn spans_nest_and_close_on_the_first_closing() {
    assert_eq!(
        spans("*a _b_ c* *d *e* f*"),
        vec![
            Span::Strong(vec![text("a "), Span::Emphasis(vec![text("b")]), text(" c")]),
            text(" "),
            Span::Strong(vec![text("d *e")]),
            text(" f*"),
        ]
    );
    // An opening whose closing lies beyond the enclosing span is text.
    assert_eq!(
        spans("_a *b_ c*"),
        vec![Span::Emphasis(vec![text("a *b")]), text(" c*")]
    );
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
    assert_eq!(
        spans("(HTTPS://a.b)"),
        vec![text("("), Span::Link("HTTPS://a.b".into()), text(")")]
    );
    // A link ends where its span does.
    assert_eq!(
        spans("*http://a.b* c"),
        vec![Span::Strong(vec![Span::Link("http://a.b".into())]), text(" c")]
    );
}

#[test]
fn blocks_quote_and_preformat() {
    assert_eq!(
        parse("> quoted *b*\n>> deeper\n```rust\n*raw*\n```\nend"),
        vec![
            Block::Quote {
                spaced: vec![true, false],
                blocks: vec![
                    line(vec![text("quoted "), Span::Strong(vec![text("b")])]),
                    Block::Quote {
                        spaced: vec![true],
                        blocks: vec![line(vec![text("deeper")])],
                    },
                ],
            },
            Block::Pre {
                info: "rust".into(),
                lines: vec!["*raw*".into()],
                closed: true,
            },
            line(vec![text("end")]),
        ]
    );
    assert_eq!(
        parse("```\nnever closed"),
        vec![Block::Pre {
            info: String::new(),
            lines: vec!["never closed".into()],
            closed: false,
        }]
    );
}

/// How many quotes deep the first block goes, and its innermost block.
fn innermost(blocks: &[Block]) -> (usize, &Block) {
    let mut depth = 0;
    let mut block = &blocks[0];
    while let Block::Quote { blocks, .. } = block {
        depth += 1;
        block = &blocks[0];
    }
    (depth, block)
}

#[test]
fn deep_quotes_stop_nesting_and_stay_text() {
    let body = format!("{}x", ">".repeat(50_000));
    let parsed = parse(&body);
    let (depth, inner) = innermost(&parsed);
    assert_eq!(depth, MAX_QUOTE_DEPTH);
    let rest = format!("{}x", ">".repeat(50_000 - MAX_QUOTE_DEPTH));
    assert_eq!(inner, &line(vec![text(&rest)]));
    assert_eq!(print(&parsed), body);
}

#[test]
fn many_lines_of_deep_quotes_parse() {
    let body = format!("{}a\n", "> ".repeat(20)).repeat(2_000);
    let parsed = parse(&body);
    assert_eq!(innermost(&parsed).0, MAX_QUOTE_DEPTH);
    assert_eq!(print(&parsed), body);
}

#[test]
fn unclosed_openings_are_text() {
    let body = "*a ".repeat(60_000);
    assert_eq!(parse(&body), vec![line(vec![text(&body)])]);
    let mixed = "_b *c ~d `e ".repeat(20_000);
    assert_eq!(parse(&mixed), vec![line(vec![text(&mixed)])]);
}

#[test]
fn openings_closed_far_away_are_found() {
    let body = format!("{}a*", "*a ".repeat(10_000));
    let spans = spans(&body);
    assert_eq!(spans.len(), 1);
    let Span::Strong(inner) = &spans[0] else {
        panic!("not strong: {:?}", spans[0]);
    };
    assert_eq!(inner, &vec![text(&body[1..body.len() - 1])]);
}

#[test]
fn a_long_word_is_one_span() {
    let word = "w".repeat(200_000);
    assert_eq!(spans(&word), vec![text(&word)]);
    let link = format!("https://a.b/{word}");
    assert_eq!(spans(&link), vec![Span::Link(link.clone())]);
}

#[cfg(not(target_arch = "wasm32"))]
mod properties {
    use super::*;
    use proptest::prelude::*;

    /// Bodies rich in directives, quotes, fences and link starts.
    fn styled_body() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "*",
            "_",
            "~",
            "`",
            "```",
            ">",
            "> ",
            "\n",
            " ",
            "a",
            "bc",
            "é",
            "http://x.y",
            "(",
            ")",
            ".",
            "xmpp:a@b",
            "\t",
            "```c",
        ]);
        prop::collection::vec(pieces, 0..80).prop_map(|p| p.concat())
    }

    /// The rules of XEP-0393 §6.2 as first written: each opening searches
    /// its closing afresh (quadratic, so only for short lines), and the
    /// inside of a span is styled as a line of its own.
    fn plain_spans(line: &str) -> Vec<Span> {
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
            let first = chars.get(i + 1).copied();
            let close =
                (DIRECTIVES.contains(&c) && at_start && first.is_some_and(|f| !f.is_whitespace() && f != c))
                    .then(|| (i + 2..chars.len()).find(|&j| chars[j] == c && !chars[j - 1].is_whitespace()))
                    .flatten();
            if let Some(end) = close {
                flush(&mut text, &mut out);
                let inner: String = chars[i + 1..end].iter().collect();
                out.push(match c {
                    '*' => Span::Strong(plain_spans(&inner)),
                    '_' => Span::Emphasis(plain_spans(&inner)),
                    '~' => Span::Strike(plain_spans(&inner)),
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

    proptest! {
        #[test]
        fn the_one_pass_search_finds_what_searching_afresh_finds(body in styled_body()) {
            for line in body.split('\n') {
                prop_assert_eq!(spans(line), plain_spans(line), "{:?}", line);
            }
        }

        #[test]
        fn printing_a_parse_gives_the_body(body in styled_body()) {
            prop_assert_eq!(print(&parse(&body)), body);
        }

        #[test]
        fn printing_any_text_gives_it_back(body in any::<String>()) {
            prop_assert_eq!(print(&parse(&body)), body);
        }
    }
}
