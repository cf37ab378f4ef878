//! Events carry typed conditions, with only the server's own text.

use super::*;

fn sasl_failure(xml: &str) -> Vec<Event> {
    let mut s = session();
    s.handle_command(Command::Connect {
        nonce: "n".repeat(20),
    });
    feed(&mut s, FEATURES_SASL);
    out(&mut s);
    feed(&mut s, xml);
    events(&mut s)
}

#[test]
fn sasl_failures_carry_their_condition_and_only_the_servers_text() {
    assert_eq!(
        sasl_failure(
            "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><account-disabled/>\
             <text xml:lang='en'>Call the admin</text></failure>"
        ),
        [Event::AuthFailed {
            error: AuthError::Sasl(SaslCondition::AccountDisabled),
            text: Some("Call the admin".into()),
        }]
    );
    // SASL2 wraps the SASL conditions.
    assert_eq!(
        sasl_failure(
            "<failure xmlns='urn:xmpp:sasl:2'>\
             <credentials-expired xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/></failure>"
        ),
        [Event::AuthFailed {
            error: AuthError::Sasl(SaslCondition::CredentialsExpired),
            text: None,
        }]
    );
    // Unknown or missing: not-authorized.
    for xml in [
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><made-up/></failure>",
        "<failure xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
    ] {
        assert_eq!(
            sasl_failure(xml),
            [Event::AuthFailed {
                error: AuthError::Sasl(SaslCondition::NotAuthorized),
                text: None,
            }],
            "{xml}"
        );
    }
}

#[test]
fn a_password_saslprep_refuses_is_invalid() {
    let mut s = Session::new(Config {
        credential: Credential::Password("pen\u{7}cil".into()),
        ..config()
    });
    connect(&mut s);
    feed(&mut s, FEATURES_SASL);
    assert!(out(&mut s).is_empty());
    assert_eq!(
        events(&mut s),
        [Event::AuthFailed {
            error: AuthError::InvalidPassword,
            text: None
        }]
    );
}

#[test]
fn stream_errors_of_unknown_condition_are_undefined() {
    for (xml, text) in [
        (
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>\
             <made-up xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>\
             <text xmlns='urn:ietf:params:xml:ns:xmpp-streams'>Odd</text></stream:error>",
            Some("Odd".to_owned()),
        ),
        (
            "<stream:error xmlns:stream='http://etherx.jabber.org/streams'/>",
            None,
        ),
    ] {
        let mut s = logged_in();
        feed(&mut s, xml);
        assert_eq!(
            events(&mut s),
            [Event::StreamError {
                condition: StreamCondition::UndefinedCondition,
                text,
                limit: None,
            }]
        );
    }
    let mut s = logged_in();
    feed(
        &mut s,
        "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>\
         <system-shutdown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
    );
    assert_eq!(
        events(&mut s),
        [Event::StreamError {
            condition: StreamCondition::SystemShutdown,
            text: None,
            limit: None,
        }]
    );
}

#[test]
fn message_errors_are_typed_even_when_malformed() {
    for (error, condition) in [
        // No type: the condition still counts.
        (
            "<error><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>",
            StanzaCondition::ItemNotFound,
        ),
        ("<error type='cancel'/>", StanzaCondition::UndefinedCondition),
        (
            "<error type='cancel'><made-up xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>",
            StanzaCondition::UndefinedCondition,
        ),
    ] {
        let mut s = logged_in();
        send_to_juliet(&mut s, "m1");
        feed(
            &mut s,
            &format!("<message {C} type='error' id='m1' from='juliet@example.net'>{error}</message>"),
        );
        assert_eq!(
            events(&mut s),
            [moved(
                "m1",
                Delivery::Failed {
                    error: RequestError::Stanza(condition)
                }
            )],
            "{error}"
        );
    }
}
