//! XEP-0393 Message Styling, rendered: the blocks and spans that
//! `parlons_shared::styling` parses, built as DOM nodes, never as HTML.
//! Quotes nest at most `MAX_QUOTE_DEPTH` deep and spans once per
//! directive, so the view's recursion is bounded too.

use leptos::prelude::*;
use parlons_shared::styling::{Block, Span, parse};

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
        Block::Pre { lines, .. } => view! { <pre>{lines.join("\n")}</pre> }.into_any(),
        Block::Quote { blocks, .. } => {
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
