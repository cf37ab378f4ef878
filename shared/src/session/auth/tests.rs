//! Authentication, as transcripts of literal XML.

use crate::session::tests::*;
use crate::session::*;

#[test]
fn a_wrong_password_is_an_auth_failure() {
    let mut s = session();
    s.handle_command(Command::Connect {
        nonce: "abcdefghijklmnopqrst".into(),
    });
    feed(&mut s, FEATURES_SASL);
    out(&mut s);
    feed(
        &mut s,
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><not-authorized/>\
         <text xml:lang='en'>Invalid username or password</text></failure>",
    );
    assert_eq!(
        events(&mut s),
        [Event::AuthFailed {
            error: AuthError::Sasl(SaslCondition::NotAuthorized),
            text: Some("Invalid username or password".into()),
        }]
    );
    expect_out(&mut s, &["<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"]);
}

#[test]
fn a_server_that_cannot_prove_the_password_is_not_trusted() {
    let mut s = session();
    s.handle_command(Command::Connect {
        nonce: "fyko+d2lbbFgONRv9qkxdawL".into(),
    });
    feed(&mut s, FEATURES_SASL);
    feed(&mut s, CHALLENGE);
    out(&mut s);
    feed(
        &mut s,
        "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>dj1BQUFB</success>",
    );
    // No text of ours: the owner words it.
    assert_eq!(
        events(&mut s),
        [Event::AuthFailed {
            error: AuthError::ServerNotTrusted,
            text: None
        }]
    );
    expect_out(
        &mut s,
        &[
            "<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
            "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
        ],
    );
}

#[test]
fn plain_only_over_a_secure_transport() {
    let mut insecure = Session::new(Config {
        secure_transport: false,
        ..Config {
            jid: "user@example.com".parse().unwrap(),
            credential: Credential::Password("pencil".into()),
            secure_transport: false,
            id_prefix: "t".into(),
            device_id: DEVICE,
        }
    });
    connect(&mut insecure);
    feed(&mut insecure, FEATURES_PLAIN);
    assert!(out(&mut insecure).is_empty());
    assert_eq!(
        events(&mut insecure),
        [Event::AuthFailed {
            error: AuthError::NoSupportedMechanism,
            text: None
        }]
    );

    let mut secure = session();
    connect(&mut secure);
    feed(&mut secure, FEATURES_PLAIN);
    // "\0user\0pencil"
    expect_out(
        &mut secure,
        &["<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AHVzZXIAcGVuY2ls</auth>"],
    );
}

#[test]
fn sasl2_authenticates_binds_and_enables_in_one_round_trip() {
    let mut s = session();
    s.handle_command(Command::Connect {
        nonce: "fyko+d2lbbFgONRv9qkxdawL".into(),
    });
    out(&mut s);
    feed(&mut s, FEATURES_SASL2);
    expect_out(
        &mut s,
        &["<authenticate xmlns='urn:xmpp:sasl:2' mechanism='SCRAM-SHA-1'>\
           <initial-response>biwsbj11c2VyLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdM</initial-response>\
           <user-agent id='01234567-89ab-cdef-0123-456789abcdef'><software>Parlons</software></user-agent>\
           <bind xmlns='urn:xmpp:bind:0'><tag>Parlons</tag><enable xmlns='urn:xmpp:carbons:2'/>\
           <enable xmlns='urn:xmpp:sm:3' resume='true'/></bind></authenticate>"],
    );
    feed(
        &mut s,
        "<challenge xmlns='urn:xmpp:sasl:2'>\
         cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0wzcmZjTkhZSlkxWlZ2V1ZzN2oscz1RU1hDUitRNnNlazhiZjkyLGk9NDA5Ng==</challenge>",
    );
    expect_out(
        &mut s,
        &["<response xmlns='urn:xmpp:sasl:2'>\
           Yz1iaXdzLHI9ZnlrbytkMmxiYkZnT05Sdjlxa3hkYXdMM3JmY05IWUpZMVpWdldWczdqLHA9djBYOHYzQnoyVDBDSkdiSlF5RjBYK0hJNFRzPQ==\
           </response>"],
    );
    feed(
        &mut s,
        "<success xmlns='urn:xmpp:sasl:2'><additional-data>dj1ybUY5cHFWOFM3c3VBb1pXamE0ZEpSa0ZzS1E9</additional-data>\
         <authorization-identifier>user@example.com/xyz</authorization-identifier>\
         <bound xmlns='urn:xmpp:bind:0'><enabled xmlns='urn:xmpp:sm:3' id='sm-2' resume='true'/></bound></success>",
    );
    // No restart, no bind, no carbons request: the roster only.
    let sent = out(&mut s);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(sent[0].has_child("query", "jabber:iq:roster"));
    assert_eq!(
        events(&mut s),
        [Event::Connected {
            jid: "user@example.com/xyz".parse().unwrap()
        }]
    );
    assert!(s.is_ready());
    // Stream management is on: acks are answered.
    feed(&mut s, "<r xmlns='urn:xmpp:sm:3'/>");
    expect_out(&mut s, &["<a xmlns='urn:xmpp:sm:3' h='0'/>"]);
}

#[test]
fn sasl2_failure_is_an_auth_failure() {
    let mut s = session();
    s.handle_command(Command::Connect {
        nonce: "n".repeat(20),
    });
    feed(&mut s, FEATURES_SASL2);
    out(&mut s);
    feed(
        &mut s,
        "<failure xmlns='urn:xmpp:sasl:2'><not-authorized xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>\
         <text>Wrong password</text></failure>",
    );
    assert_eq!(
        events(&mut s),
        [Event::AuthFailed {
            error: AuthError::Sasl(SaslCondition::NotAuthorized),
            text: Some("Wrong password".into())
        }]
    );
}
