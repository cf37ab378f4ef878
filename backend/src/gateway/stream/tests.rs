use super::*;
use crate::gateway::client_frame;
use crate::gateway::splitter::Splitter;
use crate::gateway::xml::ElementLimits;

const HEADER: &str = "<stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' from='localhost' id='s1' version='1.0'>";

fn client(text: &str) -> ClientFrame<'_> {
    match client_frame::parse(text, &ElementLimits::new(4096)) {
        Ok(frame) => frame,
        Err(e) => panic!("{text}: {e}"),
    }
}

/// The server's side: one stream, fed a piece at a time.
struct Server(Splitter);

impl Server {
    fn new() -> Self {
        Self(Splitter::new(ElementLimits::new(4096), true))
    }

    /// What the client gets for the server's `xml`.
    fn relay(&mut self, stream: &mut StreamState, xml: &str) -> Vec<ToClient> {
        let mut items = Vec::new();
        if let Err(e) = self.0.feed(xml.as_bytes(), &mut items) {
            panic!("{xml}: {e}");
        }
        items.into_iter().map(|i| stream.from_server(i)).collect()
    }
}

const OPEN: &str = r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="localhost" version="1.0"/>"#;

#[test]
fn a_session_authenticates_restarts_once_and_closes() {
    let mut s = StreamState::new("localhost".into());
    let mut server = Server::new();
    assert!(!s.opened());
    let got = server.relay(
        &mut s,
        &format!("{HEADER}<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/></stream:features>"),
    );
    assert_eq!(
        got[0],
        ToClient::Open(
            r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" from="localhost" id="s1" version="1.0"/>"#
                .into()
        )
    );
    assert!(matches!(&got[1], ToClient::Stanza(f) if f.xml.starts_with("<stream:features")));
    assert!(s.opened());
    assert_eq!(s.phase(), Phase::Authenticating);

    let frame = client(r#"<auth xmlns="urn:ietf:params:xml:ns:xmpp-sasl" mechanism="PLAIN">AGEAYg==</auth>"#);
    assert!(matches!(
        s.from_client(&frame),
        Ok(ToServer::Element { name: "auth", .. })
    ));
    server.relay(&mut s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    assert_eq!(s.phase(), Phase::Authenticated);

    let open = client(OPEN);
    let Ok(ToServer::Restart(header)) = s.from_client(&open) else {
        panic!("a restart")
    };
    assert!(header.contains(r#"to="localhost""#), "{header}");
    assert_eq!(s.phase(), Phase::Restarted);
    assert!(!s.opened(), "the new stream's <open/> is still to come");
    let mut server = Server::new();
    assert!(matches!(&server.relay(&mut s, HEADER)[..], [ToClient::Open(_)]));
    assert!(s.opened());
    // Once only.
    assert_eq!(
        s.from_client(&open).map_err(|r| r.condition),
        Err(Condition::PolicyViolation)
    );

    assert!(!s.closing());
    assert_eq!(
        s.from_client(&client(r#"<close xmlns="urn:ietf:params:xml:ns:xmpp-framing"/>"#)),
        Ok(ToServer::Close)
    );
    assert!(s.closing());
    assert_eq!(server.relay(&mut s, "</stream:stream>"), [ToClient::Close]);
}

#[test]
fn a_restart_before_authentication_or_to_another_domain_is_refused() {
    let mut s = StreamState::new("localhost".into());
    let mut server = Server::new();
    server.relay(&mut s, HEADER);
    assert_eq!(
        s.from_client(&client(OPEN)).map_err(|r| r.condition),
        Err(Condition::PolicyViolation)
    );
    server.relay(&mut s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    let elsewhere =
        client(r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" to="example.org" version="1.0"/>"#);
    assert_eq!(
        s.from_client(&elsewhere).map_err(|r| r.condition),
        Err(Condition::HostUnknown)
    );
    let no_to = client(r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" version="1.0"/>"#);
    assert_eq!(
        s.from_client(&no_to).map_err(|r| r.condition),
        Err(Condition::ImproperAddressing)
    );
    assert_eq!(
        s.phase(),
        Phase::Authenticated,
        "a refused restart changes nothing"
    );
}

#[test]
fn sasl2_success_is_the_authenticated_stream_at_once() {
    let mut s = StreamState::new("localhost".into());
    let mut server = Server::new();
    server.relay(
        &mut s,
        &format!("{HEADER}<success xmlns='urn:xmpp:sasl:2'><authorization-identifier>a@localhost/r</authorization-identifier></success>"),
    );
    // No restart follows; the sign-in deadline runs on until a bind.
    assert_eq!(s.phase(), Phase::Restarted);
    assert_eq!(
        s.from_client(&client(OPEN)).map_err(|r| r.condition),
        Err(Condition::PolicyViolation)
    );
}

#[test]
fn success_outside_sasl_does_not_authenticate() {
    let mut s = StreamState::new("localhost".into());
    let mut server = Server::new();
    server.relay(&mut s, &format!("{HEADER}<success xmlns='urn:example'/>"));
    assert_eq!(s.phase(), Phase::Authenticating);
}

#[test]
fn open_domains_are_checked() {
    let open = |to: &str| OpenRequest {
        to: Some(to.into()),
        ..OpenRequest::default()
    };
    assert_eq!(open_domain(&open("LocalHost.")), Ok("localhost".into()));
    assert_eq!(
        open_domain(&open("127.0.0.1")).map_err(|r| r.condition),
        Err(Condition::PolicyViolation)
    );
    assert_eq!(
        open_domain(&open("a b")).map_err(|r| r.condition),
        Err(Condition::HostUnknown)
    );
}

#[test]
fn open_frame_is_unprefixed_and_escaped() {
    let header = StreamHeader {
        from: Some("example.org".into()),
        id: Some("a\"b".into()),
        version: Some("1.0".into()),
        lang: Some("en".into()),
    };
    assert_eq!(
        open_frame(&header, "ignored"),
        r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" from="example.org" id="a&quot;b" version="1.0" xml:lang="en"/>"#
    );
    assert_eq!(
        open_frame(&StreamHeader::default(), "example.org"),
        r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" from="example.org" version="1.0"/>"#
    );
}

#[test]
fn an_error_before_the_server_answered_gets_an_open_of_its_own() {
    assert_eq!(
        open_before_error(Some("example.org")),
        r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" from="example.org" version="1.0"/>"#
    );
    assert_eq!(
        open_before_error(None),
        r#"<open xmlns="urn:ietf:params:xml:ns:xmpp-framing" version="1.0"/>"#
    );
}

#[test]
fn only_the_servers_bind_result_or_resumed_signs_in() {
    let bound = |stanzas: &[&str]| {
        let mut s = StreamState::new("localhost".into());
        let mut server = Server::new();
        server.relay(&mut s, HEADER);
        server.relay(&mut s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
        assert!(s.from_client(&client(OPEN)).is_ok());
        let mut server = Server::new();
        server.relay(&mut s, HEADER);
        for stanza in stanzas {
            server.relay(&mut s, stanza);
        }
        s.phase()
    };
    let bind = "<iq type='result' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><jid>a@localhost/r</jid></bind></iq>";
    assert_eq!(bound(&[bind]), Phase::Bound);
    assert_eq!(
        bound(&["<resumed xmlns='urn:xmpp:sm:3' h='3' previd='x'/>"]),
        Phase::Bound
    );
    // Features offering bind, an error, or a result about something else
    // are not a bind.
    for not_yet in [
        "<stream:features><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/></stream:features>",
        "<iq type='error' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'/><error type='cancel'/></iq>",
        "<iq type='result' id='p'/>",
        "<iq type='get' id='b'><bind xmlns='urn:ietf:params:xml:ns:xmpp-bind'><x type=\"result\"/></bind></iq>",
        "<failed xmlns='urn:xmpp:sm:3'/>",
    ] {
        assert_eq!(bound(&[not_yet]), Phase::Restarted, "{not_yet}");
    }
    // Before authentication, nothing binds.
    let mut s = StreamState::new("localhost".into());
    Server::new().relay(&mut s, &format!("{HEADER}{bind}"));
    assert_eq!(s.phase(), Phase::Authenticating);
}

#[test]
fn sasl2_with_bind2_or_resumption_signs_in_at_once() {
    // Inline resumption refused, and no Bind 2: not signed in yet.
    let mut s = StreamState::new("localhost".into());
    Server::new().relay(
        &mut s,
        &format!("{HEADER}<success xmlns='urn:xmpp:sasl:2'><authorization-identifier>a@localhost</authorization-identifier><failed xmlns='urn:xmpp:sm:3'/></success>"),
    );
    assert_eq!(s.phase(), Phase::Restarted);
    for inline in [
        "<bound xmlns='urn:xmpp:bind:0'/>",
        "<resumed xmlns='urn:xmpp:sm:3' h='0' previd='x'/>",
    ] {
        let mut s = StreamState::new("localhost".into());
        Server::new().relay(
            &mut s,
            &format!("{HEADER}<success xmlns='urn:xmpp:sasl:2'><authorization-identifier>a@localhost/r</authorization-identifier>{inline}</success>"),
        );
        assert_eq!(s.phase(), Phase::Bound, "{inline}");
    }
}
