//! A scripted server's side of a sign-in, in literal XML: RFC 5802's SCRAM
//! exchange, a bind and XEP-0198, for tests here and in other crates (the
//! client's store, the fuzz targets; feature `hostile`).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use minidom::Element;

use super::{Command, Config, Credential, Event, Session};

pub const C: &str = "xmlns='jabber:client'";

pub fn el(xml: &str) -> Element {
    xml.parse().unwrap_or_else(|e| panic!("bad test XML {xml}: {e}"))
}

pub fn config() -> Config {
    Config {
        jid: "user@example.com".parse().unwrap(),
        credential: Credential::Password("pencil".into()),
        secure_transport: true,
        id_prefix: "t".into(),
        device_id: DEVICE,
    }
}

pub fn session() -> Session {
    Session::new(config())
}

pub const DEVICE: uuid::Uuid = uuid::Uuid::from_u128(0x0123_4567_89ab_cdef_0123_4567_89ab_cdef);

pub fn feed(s: &mut Session, xml: &str) {
    s.handle_incoming(el(xml));
}

/// The room that [`in_room`] joins.
pub const ROOM: &str = "room@conference.example.net";

/// In [`ROOM`] as "user", as far as the session knows: the join went out,
/// and the room has not answered yet.
pub fn in_room(s: &mut Session) {
    s.handle_command(Command::JoinRoom {
        room: ROOM.parse().unwrap(),
        nick: "user".into(),
        password: None,
    });
    while s.poll_outgoing().is_some() {}
    while s.poll_event().is_some() {}
}

pub fn out(s: &mut Session) -> Vec<Element> {
    std::iter::from_fn(|| s.poll_outgoing()).collect()
}

pub fn events(s: &mut Session) -> Vec<Event> {
    std::iter::from_fn(|| s.poll_event()).collect()
}

pub const OPEN_FROM_SERVER: &str =
    "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='example.com' id='s1' version='1.0'/>";
pub const FEATURES_SASL: &str = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
    <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism>\
    <mechanism>PLAIN</mechanism></mechanisms></stream:features>";
pub const FEATURES_PLAIN: &str = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
    <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>PLAIN</mechanism></mechanisms>\
    </stream:features>";
pub const FEATURES_BIND: &str = "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
    <bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><sm xmlns='urn:xmpp:sm:3'/></stream:features>";
// RFC 5802 §5, base64.
pub const CHALLENGE: &str = "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
    cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlkxWlZ2V1ZzN2oscz1RU1hDUitRNnNlazhiZjkyLGk9NDA5Ng==</challenge>";
pub const SUCCESS: &str =
    "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</success>";

/// Connects and goes through SCRAM (RFC 5802's exchange).
pub fn authenticate(s: &mut Session) {
    s.handle_command(Command::Connect {
        nonce: "fyko+d2lbbFgONRv9qkxdawL".into(),
    });
    feed(s, FEATURES_SASL);
    feed(s, CHALLENGE);
    feed(s, SUCCESS);
}

/// The server's answer to our first bind request.
pub fn bind_result() -> String {
    format!(
        "<iq {C} type='result' id='t1'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'>\
         <jid>user@example.com/abc</jid></bind></iq>"
    )
}

/// Through SASL and bind, with stream management; outgoing drained.
/// Signed in and bound; the roster asked for (`t2`) and not answered.
pub fn bound() -> Session {
    let mut s = session();
    authenticate(&mut s);
    feed(&mut s, OPEN_FROM_SERVER);
    feed(&mut s, FEATURES_BIND);
    feed(&mut s, &bind_result());
    feed(&mut s, "<enabled xmlns='urn:xmpp:sm:3' id='sm-1' resume='true'/>");
    out(&mut s);
    events(&mut s);
    s
}

/// Bound, with an empty roster in and initial presence out.
pub fn logged_in() -> Session {
    let mut s = bound();
    feed(&mut s, &format!("<iq {C} type='result' id='t2'/>"));
    out(&mut s);
    events(&mut s);
    s
}
