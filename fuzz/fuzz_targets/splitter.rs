//! The server stream splitter never panics, and whatever element it emits is
//! one self-contained, well-formed XML element, whatever the chunking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parlons_backend::gateway::splitter::{Item, Limits, Splitter};
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
    let split = |size: usize| {
        let mut splitter = Splitter::new(Limits::new(64 * 1024), true);
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
    let (items, result) = split(chunk);
    for item in &items {
        if let Item::Stanza(s) = item {
            assert!(is_one_element(&s.xml), "emitted malformed XML: {}", s.xml);
        }
    }
    // Chunking changes nothing. Fed whole, plain stanzas take the fast
    // path; in small pieces, rxml takes them all: this compares the two.
    let (whole, whole_result) = split(data.len().max(1));
    assert_eq!(items, whole);
    assert_eq!(result.is_ok(), whole_result.is_ok());
});
