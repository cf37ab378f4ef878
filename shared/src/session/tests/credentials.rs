//! SCRAM keys kept across sessions, and password changes (XEP-0077 §3.3).

use super::*;

/// RFC 5802's SaltedPassword for "pencil", as [`ScramKeys::encode`] writes it.
const RFC5802_KEYS: &str = "v1:sha-1:4096:QSXCR+Q6sek8bf92:HZbuOlKbWl+eR8AfIposuKbhX30=";

fn from_keys(keys: &str) -> Session {
    Session::new(Config {
        credential: Credential::Keys(ScramKeys::decode(keys).unwrap()),
        ..config()
    })
}

#[test]
fn the_password_stays_out_of_debug_output() {
    let config = Config {
        credential: Credential::Password("hunter2".into()),
        ..config()
    };
    assert!(!format!("{config:?}").contains("hunter2"));
    assert!(!format!("{:?}", Session::new(config)).contains("hunter2"));
}

#[test]
fn the_keys_are_exported_once_scram_succeeds() {
    let mut s = session();
    assert!(s.scram_keys().is_none());
    s.handle_command(Command::Connect {
        nonce: "fyko+d2lbbFgONRv9qkxdawL".into(),
    });
    feed(&mut s, FEATURES_SASL);
    feed(&mut s, CHALLENGE);
    // Not before the server has proved itself.
    assert!(s.scram_keys().is_none());
    feed(&mut s, SUCCESS);
    let keys = s.scram_keys().map(ScramKeys::encode);
    assert_eq!(keys.as_deref(), Some(RFC5802_KEYS));
    assert!(!RFC5802_KEYS.contains("pencil"));
}

#[test]
fn plain_exports_no_keys() {
    let mut s = session();
    s.handle_command(Command::Connect {
        nonce: "n".repeat(20),
    });
    feed(&mut s, FEATURES_PLAIN);
    feed(&mut s, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
    assert!(s.scram_keys().is_none());
}

#[test]
fn decoded_keys_sign_in_without_the_password() {
    let mut s = from_keys(RFC5802_KEYS);
    s.handle_command(Command::Connect {
        nonce: "fyko+d2lbbFgONRv9qkxdawL".into(),
    });
    out(&mut s);
    // RFC 5802's proof, p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts=.
    super::scram_sha1_exchange(&mut s);
    assert!(events(&mut s).is_empty());
    assert_eq!(
        s.scram_keys().map(ScramKeys::encode).as_deref(),
        Some(RFC5802_KEYS)
    );
}

#[test]
fn keys_for_a_mechanism_no_longer_offered_need_the_password() {
    let mut s = from_keys(RFC5802_KEYS);
    connect(&mut s);
    feed(
        &mut s,
        "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
         <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-256</mechanism>\
         <mechanism>PLAIN</mechanism></mechanisms></stream:features>",
    );
    assert!(out(&mut s).is_empty());
    assert_eq!(
        events(&mut s),
        [Event::AuthFailed {
            error: AuthError::PasswordNeeded,
            text: None
        }]
    );
    assert!(s.scram_keys().is_none());
}

#[test]
fn keys_for_a_changed_salt_need_the_password() {
    let mut s = from_keys(RFC5802_KEYS);
    s.handle_command(Command::Connect {
        nonce: "fyko+d2lbbFgONRv9qkxdawL".into(),
    });
    feed(&mut s, FEATURES_SASL);
    out(&mut s);
    // "r=fyko+d2lbbFgONRv9qkxdawLxyz,s=QUJD,i=4096"
    feed(
        &mut s,
        "<challenge xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
         cj1meWtvK2QybGJiRmdPTlJ2OXFreGRhd0x4eXoscz1RVUpELGk9NDA5Ng==</challenge>",
    );
    expect_out(
        &mut s,
        &[
            "<abort xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>",
            "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>",
        ],
    );
    assert_eq!(
        events(&mut s),
        [Event::AuthFailed {
            error: AuthError::PasswordNeeded,
            text: None
        }]
    );
}

fn change_password(s: &mut Session, id: &str) {
    s.handle_command(Command::ChangePassword {
        id: id.into(),
        new_password: "new secret".into(),
    });
}

#[test]
fn changes_the_password_and_signs_in_with_it_next_time() {
    let mut s = logged_in();
    change_password(&mut s, "pw1");
    expect_out(
        &mut s,
        &[&format!(
            "<iq {C} type='set' id='pw1'><query xmlns='jabber:iq:register'>\
             <username>user</username><password>new secret</password></query></iq>"
        )],
    );
    assert!(!format!("{s:?}").contains("new secret"));
    feed(&mut s, &format!("<iq {C} type='result' id='pw1'/>"));
    assert_eq!(events(&mut s), [Event::PasswordChanged { id: "pw1".into() }]);
    // The old keys are gone until the next login derives new ones.
    assert!(s.scram_keys().is_none());
    // Offered PLAIN only, it signs in with the new password.
    s.handle_command(Command::ConnectionLost);
    connect(&mut s);
    feed(&mut s, FEATURES_PLAIN);
    // "\0user\0new secret"
    expect_out(
        &mut s,
        &["<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>AHVzZXIAbmV3IHNlY3JldA==</auth>"],
    );
}

#[test]
fn a_refused_password_change_keeps_the_old_credential() {
    let mut s = logged_in();
    change_password(&mut s, "pw2");
    out(&mut s);
    feed(
        &mut s,
        &format!(
            "<iq {C} type='error' id='pw2'><query xmlns='jabber:iq:register'>\
             <username>user</username><password>new secret</password></query>\
             <error type='modify'><not-acceptable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/>\
             <text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Too weak</text></error></iq>"
        ),
    );
    assert_eq!(
        events(&mut s),
        [Event::RequestFailed {
            id: "pw2".into(),
            error: RequestError::Stanza(StanzaCondition::NotAcceptable),
            text: Some("Too weak".into()),
        }]
    );
    assert_eq!(
        s.scram_keys().map(ScramKeys::encode).as_deref(),
        Some(RFC5802_KEYS)
    );
}

#[test]
fn a_password_change_asked_offline_fails_unsent() {
    let mut s = session();
    change_password(&mut s, "pw3");
    assert!(out(&mut s).is_empty());
    assert_eq!(
        events(&mut s),
        [Event::RequestFailed {
            id: "pw3".into(),
            error: RequestError::NotConnected,
            text: None,
        }]
    );
}

#[test]
fn typed_text_xml_cannot_carry_is_dropped_or_refused() {
    let mut s = logged_in();
    // A stray control character in a message is dropped, so it can be sent.
    s.handle_command(Command::SendMessage {
        id: "m1".into(),
        to: chat("juliet@example.net"),
        body: "hi\u{7} there".into(),
    });
    let sent: Vec<String> = out(&mut s).iter().map(String::from).collect();
    assert!(
        sent.iter().any(|x| x.contains("<body>hi there</body>")),
        "{sent:?}"
    );
    events(&mut s);
    // A password is refused instead: the account would get another one.
    s.handle_command(Command::ChangePassword {
        id: "pw2".into(),
        new_password: "bad\u{0}password".into(),
    });
    assert!(out(&mut s).is_empty());
    assert_eq!(
        events(&mut s),
        [Event::RequestFailed {
            id: "pw2".into(),
            error: RequestError::Stanza(StanzaCondition::NotAcceptable),
            text: None,
        }]
    );
}
