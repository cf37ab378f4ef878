//! How long the gateway's XML work takes per stanza: the check of each
//! client message and the split of the server's stream, printed in ns.
//!
//! `cargo bench -p parlons-backend --bench xml`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Instant;

use parlons_backend::gateway::client_frame;
use parlons_backend::gateway::splitter::Splitter;
use parlons_backend::gateway::xml::ElementLimits;

const ROUNDS: usize = 200_000;

const CLIENT_MESSAGE: &str = r#"<message xmlns="jabber:client" to="bench1@localhost/4f1c2d" id="b1234" type="chat"><body>benchmark message 1234</body><no-store xmlns="urn:xmpp:hints"/><no-permanent-store xmlns="urn:xmpp:hints"/></message>"#;

const SERVER_HEADER: &str = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' id='abc' from='localhost' version='1.0' xml:lang='en'>";

const SERVER_MESSAGE: &str = "<message to='bench1@localhost/4f1c2d' id='b1234' type='chat' \
    from='bench1@localhost/4f1c2d'><body>benchmark message 1234</body>\
    <no-store xmlns='urn:xmpp:hints'/><no-permanent-store xmlns='urn:xmpp:hints'/></message>";

fn main() {
    let limits = ElementLimits::new(256 * 1024);
    let per = |start: Instant| start.elapsed().as_nanos() as f64 / ROUNDS as f64;

    let start = Instant::now();
    for _ in 0..ROUNDS {
        black_box(client_frame::parse(black_box(CLIENT_MESSAGE), &limits).unwrap());
    }
    let check = per(start);

    let mut splitter = Splitter::new(limits, true);
    let mut items = Vec::new();
    splitter.feed(SERVER_HEADER.as_bytes(), &mut items).unwrap();
    let start = Instant::now();
    for _ in 0..ROUNDS {
        items.clear();
        splitter
            .feed(black_box(SERVER_MESSAGE.as_bytes()), &mut items)
            .unwrap();
        black_box(&items);
    }
    let split = per(start);
    assert_eq!(items.len(), 1);

    println!(
        "client message check ({} bytes)   {check:>8.0} ns",
        CLIENT_MESSAGE.len()
    );
    println!(
        "server stanza split ({} bytes)    {split:>8.0} ns",
        SERVER_MESSAGE.len()
    );
}
