//! XEP-0393 styling of any body: never panics, nests no deeper than its
//! bound, and printing the parse back gives the body, nothing lost or
//! invented.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parlons_shared::styling::{Block, MAX_QUOTE_DEPTH, parse, print};

fn depth(blocks: &[Block]) -> usize {
    blocks
        .iter()
        .map(|b| match b {
            Block::Quote { blocks, .. } => 1 + depth(blocks),
            _ => 0,
        })
        .max()
        .unwrap_or(0)
}

fuzz_target!(|body: &str| {
    let blocks = parse(body);
    assert!(depth(&blocks) <= MAX_QUOTE_DEPTH);
    assert_eq!(print(&blocks), body);
});
