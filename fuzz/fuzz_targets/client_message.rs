//! The client message check never panics, its fast path and rxml agree, and
//! what it lets through is exactly one element taken from the message, which
//! checks the same again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parlons_backend::gateway::client_frame::{ClientFrame, parse, parse_with_rxml};
use parlons_backend::gateway::xml::ElementLimits;

fuzz_target!(|text: &str| {
    let limits = ElementLimits::new(64 * 1024);
    assert_eq!(parse(text, &limits), parse_with_rxml(text, &limits));
    if let Ok(ClientFrame::Element { xml, name }) = parse(text, &limits) {
        assert!(text.contains(xml));
        match parse(xml, &limits) {
            Ok(ClientFrame::Element { xml: again, name: n2 }) => assert!(again == xml && n2 == name),
            other => panic!("forwarded {xml:?}, which checks as {other:?}"),
        }
    }
});
