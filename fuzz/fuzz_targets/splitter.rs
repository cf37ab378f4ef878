//! The server stream splitter never panics, whatever element it emits is
//! one self-contained, well-formed XML element, and neither the chunking
//! nor its fast path changes what it emits: the same input through a
//! splitter that parses everything with rxml gives the same items.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parlons_backend::gateway::splitter::{Item, Splitter};
use parlons_backend::gateway::xml::ElementLimits;
use rxml::{Event, Parse, Parser, error::EndOrError};

/// Exactly one well-formed element, with every prefix declared.
fn is_one_element(xml: &str) -> bool {
    let mut parser = Parser::new();
    let mut data = xml.as_bytes();
    let (mut depth, mut roots) = (0usize, 0usize);
    loop {
        match parser.parse(&mut data, true) {
            Ok(None) => return roots == 1 && depth == 0,
            Ok(Some(Event::StartElement(..))) => {
                roots += usize::from(depth == 0);
                depth += 1;
            }
            Ok(Some(Event::EndElement(..))) => depth -= 1,
            Ok(Some(_)) => {}
            Err(EndOrError::NeedMoreData | EndOrError::Error(_)) => return false,
        }
    }
}

fuzz_target!(|data: &[u8]| {
    // The first byte picks a chunk size, to exercise resumable parsing.
    let Some((&chunk, data)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(chunk).max(1);
    let split = |size: usize, fast: bool| {
        let limits = ElementLimits::new(64 * 1024);
        let mut splitter = if fast {
            Splitter::new(limits, true)
        } else {
            Splitter::without_fast_path(limits, true)
        };
        let mut items = Vec::new();
        let mut result = Ok(());
        for piece in data.chunks(size) {
            result = splitter.feed(piece, &mut items);
            if result.is_err() {
                break;
            }
        }
        (items, result)
    };
    let (items, result) = split(chunk, true);
    for item in &items {
        if let Item::Stanza(s) = item {
            assert!(is_one_element(&s.xml), "emitted malformed XML: {}", s.xml);
        }
    }
    // Neither chunking nor the fast path changes anything.
    for (size, fast) in [(data.len().max(1), true), (chunk, false), (data.len().max(1), false)] {
        let (other, other_result) = split(size, fast);
        assert_eq!(items, other, "pieces of {size}, fast path {fast}");
        assert_eq!(result.is_ok(), other_result.is_ok(), "pieces of {size}, fast path {fast}");
    }
});
