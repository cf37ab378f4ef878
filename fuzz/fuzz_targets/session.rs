//! A signed-in session fed hostile stanzas: a script from the grammar of
//! `parlons_shared::hostile`, seeded by the input's first 32 bytes, then
//! the rest of the input as one more stanza. Nothing may panic, and every
//! script leaves a session that still takes a contact's message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use parlons_shared::hostile;
use parlons_shared::session::transcript::{C, el, in_room, logged_in};
use parlons_shared::session::{Event, Session};
use proptest::strategy::{Strategy, ValueTree};
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};

fn drain(s: &mut Session) -> Vec<Event> {
    while s.poll_outgoing().is_some() {}
    std::iter::from_fn(|| s.poll_event()).collect()
}

fuzz_target!(|data: &[u8]| {
    let mut seed = [0u8; 32];
    for (slot, byte) in seed.iter_mut().zip(data) {
        *slot = *byte;
    }
    let rng = TestRng::from_seed(RngAlgorithm::ChaCha, &seed);
    let mut runner = TestRunner::new_with_rng(Config::default(), rng);
    let Ok(script) = proptest::collection::vec(hostile::stanza(), 1..20).new_tree(&mut runner) else {
        return;
    };
    let mut s = logged_in();
    in_room(&mut s);
    for xml in script.current() {
        if let Ok(el) = xml.parse() {
            s.handle_incoming(el);
        }
        drain(&mut s);
    }
    if let Some(Ok(el)) = data.get(32..).map(|rest| String::from_utf8_lossy(rest).parse()) {
        s.handle_incoming(el);
        drain(&mut s);
    }
    if s.is_ready() {
        s.handle_incoming(el(&format!(
            "<message {C} from='juliet@example.net/a' type='chat'><body>ok</body></message>"
        )));
        let got = drain(&mut s);
        assert!(got.iter().any(|e| matches!(e, Event::MessageReceived(_))), "{got:?}");
    }
});
