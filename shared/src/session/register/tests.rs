//! Literal XML transcripts of registrations.

use super::*;

const C: &str = "xmlns='jabber:client'";
const STANZAS: &str = "xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'";

fn el(xml: &str) -> Element {
    xml.parse().unwrap_or_else(|e| panic!("bad test XML {xml}: {e}"))
}

fn feed(r: &mut Registration, xml: &str) {
    r.handle_incoming(el(xml));
}

/// The reasons of the events, which must all be ignored input.
fn ignored(r: &mut Registration) -> Vec<String> {
    events(r)
        .into_iter()
        .map(|e| match e {
            RegistrationEvent::Ignored { reason } => reason,
            other => format!("not ignored: {other:?}"),
        })
        .collect()
}

fn events(r: &mut Registration) -> Vec<RegistrationEvent> {
    std::iter::from_fn(|| r.poll_event()).collect()
}

fn expect_out(r: &mut Registration, expected: &[&str]) {
    let got: Vec<Element> = std::iter::from_fn(|| r.poll_outgoing()).collect();
    let want: Vec<Element> = expected.iter().map(|x| el(x)).collect();
    assert_eq!(
        got,
        want,
        "\ngot:  {:#?}\nwant: {:#?}",
        got.iter().map(String::from).collect::<Vec<_>>(),
        expected
    );
}

fn answers(pairs: &[(&str, &str)]) -> Vec<(String, Vec<String>)> {
    pairs
        .iter()
        .map(|(var, value)| ((*var).to_owned(), vec![(*value).to_owned()]))
        .collect()
}

fn text(var: &str, label: &str, kind: FieldKind, required: bool) -> Field {
    Field {
        var: var.into(),
        label: (!label.is_empty()).then(|| label.into()),
        kind,
        required,
        values: Vec::new(),
        media: None,
    }
}

fn hidden(var: &str, value: &str) -> Field {
    Field {
        values: vec![value.into()],
        ..text(var, "", FieldKind::Hidden, false)
    }
}

/// Opened, features received, the form asked for as `r1`.
fn asked() -> Registration {
    let mut r = Registration::new("example.com".parse().unwrap(), "r".into());
    r.start();
    expect_out(
        &mut r,
        &["<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='example.com' version='1.0'/>"],
    );
    feed(
        &mut r,
        "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' from='example.com' id='s1' version='1.0'/>",
    );
    // No iq-register feature: asked all the same.
    feed(
        &mut r,
        "<stream:features xmlns:stream='http://etherx.jabber.org/streams'>\
         <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism></mechanisms>\
         </stream:features>",
    );
    expect_out(
        &mut r,
        &[&format!(
            "<iq {C} type='get' id='r1'><query xmlns='jabber:iq:register'/></iq>"
        )],
    );
    assert!(events(&mut r).is_empty());
    r
}

fn result(id: &str, query: &str) -> String {
    format!("<iq {C} type='result' id='{id}'>{query}</iq>")
}

fn error(id: &str, condition: &str) -> String {
    format!("<iq {C} type='error' id='{id}'><error type='cancel'><{condition} {STANZAS}/></error></iq>")
}

/// Prosody's answer: legacy fields and a data form.
const PROSODY: &str = "<query xmlns='jabber:iq:register'>\
    <instructions>Choose a username and password for use with this service.</instructions>\
    <username/><password/>\
    <x xmlns='jabber:x:data' type='form'><title>Creating a new account</title>\
    <instructions>Choose a username and password for use with this service.</instructions>\
    <field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>\
    <field label='Username' var='username' type='text-single'><required/></field>\
    <field label='Password' var='password' type='text-private'><required/></field>\
    <field label='Email' var='email' type='text-single'/></x></query>";

#[test]
fn registers_with_the_data_form() {
    let mut r = asked();
    feed(&mut r, &result("r1", PROSODY));
    assert_eq!(
        events(&mut r),
        [RegistrationEvent::FormReceived(Form {
            instructions: Some("Choose a username and password for use with this service.".into()),
            fields: vec![
                hidden("FORM_TYPE", "jabber:iq:register"),
                text("username", "Username", FieldKind::TextSingle, true),
                text("password", "Password", FieldKind::TextPrivate, true),
                text("email", "Email", FieldKind::TextSingle, false),
            ],
            legacy: false,
        })]
    );
    r.submit(answers(&[("username", "juliet"), ("password", "s3cret")]));
    expect_out(
        &mut r,
        &[&format!(
            "<iq {C} type='set' id='r2'><query xmlns='jabber:iq:register'>\
             <x xmlns='jabber:x:data' type='submit'>\
             <field var='FORM_TYPE' type='hidden'><value>jabber:iq:register</value></field>\
             <field var='username'><value>juliet</value></field>\
             <field var='password'><value>s3cret</value></field></x></query></iq>"
        )],
    );
    feed(
        &mut r,
        &format!("<iq {C} type='result' id='r2' from='example.com'/>"),
    );
    assert_eq!(events(&mut r), [RegistrationEvent::Registered]);
    r.close();
    expect_out(&mut r, &["<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>"]);
    feed(&mut r, "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    assert!(events(&mut r).is_empty());
}

const CID: &str = "sha1+f24030b8d91d233bac14777be5ab531ca3b9f102@bob.xmpp.org";

/// XEP-0158 §3.4: a CAPTCHA with its image inline and on the web.
fn captcha(mime: &str, data: &str) -> String {
    format!(
        "<iq {C} type='result' id='r1' from='example.com'><query xmlns='jabber:iq:register'>\
         <instructions>Solve the CAPTCHA</instructions>\
         <x xmlns='jabber:x:data' type='form'>\
         <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:captcha</value></field>\
         <field var='from' type='hidden'><value>example.com</value></field>\
         <field var='challenge' type='hidden'><value>F3A6292C</value></field>\
         <field var='username' type='text-single' label='User'><required/></field>\
         <field var='ocr' label='Enter the text you see'>\
         <media xmlns='urn:xmpp:media-element' height='80' width='290'>\
         <uri type='{mime}'>cid:{CID}</uri>\
         <uri type='{mime}'>https://example.com/captcha/F3A6292C</uri></media><required/></field>\
         </x></query>\
         <data xmlns='urn:xmpp:bob' cid='{CID}' type='image/png' max-age='0'>{data}</data></iq>"
    )
}

fn ocr_media(r: &mut Registration) -> Option<Media> {
    match &events(r)[..] {
        [RegistrationEvent::FormReceived(form)] => form
            .fields
            .iter()
            .find(|f| f.var == "ocr")
            .and_then(|f| f.media.clone()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_captcha_comes_with_its_image_and_its_hidden_fields_go_back() {
    let mut r = asked();
    feed(&mut r, &captcha("image/png", "iVBO\n  Rw0KGgo="));
    assert_eq!(
        ocr_media(&mut r),
        Some(Media {
            mime: "image/png".into(),
            data_uri: Some("data:image/png;base64,iVBORw0KGgo=".into()),
            http_uri: Some("https://example.com/captcha/F3A6292C".into()),
        })
    );
    r.submit(answers(&[("username", "juliet"), ("ocr", "7nHL3")]));
    expect_out(
        &mut r,
        &[&format!(
            "<iq {C} type='set' id='r2'><query xmlns='jabber:iq:register'>\
             <x xmlns='jabber:x:data' type='submit'>\
             <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:captcha</value></field>\
             <field var='from' type='hidden'><value>example.com</value></field>\
             <field var='challenge' type='hidden'><value>F3A6292C</value></field>\
             <field var='username'><value>juliet</value></field>\
             <field var='ocr'><value>7nHL3</value></field></x></query></iq>"
        )],
    );
    // A wrong answer; a fresh CAPTCHA is asked for.
    feed(&mut r, &error("r2", "not-acceptable"));
    assert_eq!(
        events(&mut r),
        [RegistrationEvent::Failed(RegistrationError::NotAcceptable)]
    );
    r.request_form();
    expect_out(
        &mut r,
        &[&format!(
            "<iq {C} type='get' id='r3'><query xmlns='jabber:iq:register'/></iq>"
        )],
    );
}

#[test]
fn hostile_media_never_becomes_a_data_uri() {
    for (mime, data) in [
        ("text/html;charset=utf-8,x", "iVBORw0KGgo="),
        ("image/png", "not base64!"),
    ] {
        let mut r = asked();
        feed(&mut r, &captcha(mime, data).replace("https://", "javascript://"));
        assert_eq!(ocr_media(&mut r), None, "{mime} {data}");
    }
    // A content id xmpp-parsers cannot parse (it panics on unknown hashes)
    // still matches.
    let mut r = asked();
    feed(
        &mut r,
        &captcha("image/png", "iVBORw0KGgo=").replace("sha1+", "md5+"),
    );
    assert!(ocr_media(&mut r).is_some_and(|m| m.data_uri.is_some()));
}

#[test]
fn registers_with_legacy_fields() {
    let mut r = asked();
    feed(
        &mut r,
        &result(
            "r1",
            "<query xmlns='jabber:iq:register'><instructions>Choose a username and password.</instructions>\
             <username>prefilled</username><password/><email/><key>k1</key></query>",
        ),
    );
    assert_eq!(
        events(&mut r),
        [RegistrationEvent::FormReceived(Form {
            instructions: Some("Choose a username and password.".into()),
            fields: vec![
                Field {
                    values: vec!["prefilled".into()],
                    ..text("username", "", FieldKind::TextSingle, true)
                },
                text("password", "", FieldKind::TextPrivate, true),
                text("email", "", FieldKind::TextSingle, true),
                Field {
                    required: true,
                    ..hidden("key", "k1")
                },
            ],
            legacy: true,
        })]
    );
    // What the server did not ask for is not sent; its key goes back.
    r.submit(answers(&[
        ("username", "juliet"),
        ("password", "s3cret"),
        ("email", "juliet@example.net"),
        ("remove", ""),
        ("nick", "Jules"),
    ]));
    expect_out(
        &mut r,
        &[&format!(
            "<iq {C} type='set' id='r2'><query xmlns='jabber:iq:register'>\
             <username>juliet</username><password>s3cret</password>\
             <email>juliet@example.net</email><key>k1</key></query></iq>"
        )],
    );
    feed(&mut r, &result("r2", ""));
    assert_eq!(events(&mut r), [RegistrationEvent::Registered]);
}

#[test]
fn a_taken_name_is_a_conflict_and_may_be_answered_again() {
    let mut r = asked();
    feed(&mut r, &result("r1", PROSODY));
    events(&mut r);
    r.submit(answers(&[("username", "juliet"), ("password", "s3cret")]));
    while r.poll_outgoing().is_some() {}
    feed(
        &mut r,
        &format!(
            "<iq {C} type='error' id='r2'>{PROSODY}<error type='cancel'><conflict {STANZAS}/></error></iq>"
        ),
    );
    assert_eq!(
        events(&mut r),
        [RegistrationEvent::Failed(RegistrationError::Conflict)]
    );
    r.submit(answers(&[("username", "juliet2"), ("password", "s3cret")]));
    let sent: Vec<Element> = std::iter::from_fn(|| r.poll_outgoing()).collect();
    assert_eq!(sent[0].attr("id"), Some("r3"));
}

#[test]
fn servers_that_refuse_registration_are_not_allowed() {
    for (condition, expected) in [
        ("not-allowed", RegistrationError::NotAllowed),
        ("forbidden", RegistrationError::NotAllowed),
        ("feature-not-implemented", RegistrationError::NotAllowed),
        ("service-unavailable", RegistrationError::NotAllowed),
        (
            "resource-constraint",
            RegistrationError::Stanza(DefinedCondition::ResourceConstraint),
        ),
    ] {
        let mut r = asked();
        feed(&mut r, &error("r1", condition));
        assert_eq!(
            events(&mut r),
            [RegistrationEvent::Failed(expected)],
            "{condition}"
        );
        // Nothing to answer.
        r.submit(answers(&[("username", "juliet")]));
        expect_out(&mut r, &[]);
        assert_eq!(ignored(&mut r), ["no form to answer now"]);
    }
}

#[test]
fn hostile_or_unexpected_input_is_ignored() {
    let mut r = asked();
    for (xml, reason) in [
        (result("r9", PROSODY), "an answer to no request of ours"),
        (
            result("r1", PROSODY).replace("id='r1'", "id='r1' from='evil.example'"),
            "an answer to no request of ours",
        ),
        (format!("<iq {C} id='r1'/>"), "an iq of no known type"),
        (
            format!("<message {C} from='example.com'><body>hi</body></message>"),
            "unexpected <message/> in jabber:client",
        ),
        (
            "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>".into(),
            "unexpected <success/> in urn:ietf:params:xml:ns:xmpp-sasl",
        ),
        (
            "<open xmlns='urn:ietf:params:xml:ns:xmpp-framing' to='@@'/>".into(),
            "invalid framing element: text parse error: second @ found before parsing the resource",
        ),
    ] {
        feed(&mut r, &xml);
        assert_eq!(ignored(&mut r), [reason], "{xml}");
    }
    // Requests are refused, not left unanswered.
    feed(
        &mut r,
        &format!("<iq {C} type='get' id='p1' from='example.com'><ping xmlns='urn:xmpp:ping'/></iq>"),
    );
    expect_out(
        &mut r,
        &[&format!(
            "<iq {C} type='error' id='p1' to='example.com'><error type='cancel'>\
             <service-unavailable {STANZAS}/></error></iq>"
        )],
    );
    // The real answer still counts.
    feed(&mut r, &result("r1", PROSODY));
    assert!(matches!(
        &events(&mut r)[..],
        [RegistrationEvent::FormReceived(_)]
    ));
}

#[test]
fn answers_without_a_usable_form_are_malformed() {
    for query in [
        "",
        "<query xmlns='jabber:iq:register'><instructions>Nothing</instructions></query>",
        "<query xmlns='jabber:iq:register'><x xmlns='jabber:x:data' type='bogus'/></query>",
    ] {
        let mut r = asked();
        feed(&mut r, &result("r1", query));
        assert_eq!(
            events(&mut r),
            [RegistrationEvent::Failed(RegistrationError::Malformed)],
            "{query}"
        );
    }
    // A broken data form beside legacy fields: the legacy fields serve.
    let mut r = asked();
    feed(
        &mut r,
        &result(
            "r1",
            "<query xmlns='jabber:iq:register'><username/><x xmlns='jabber:x:data' type='bogus'/></query>",
        ),
    );
    let ev = events(&mut r);
    assert!(
        matches!(&ev[..], [RegistrationEvent::Ignored { reason }, RegistrationEvent::FormReceived(f)]
            if f.legacy && reason.starts_with("invalid data form, legacy fields used")),
        "{ev:?}"
    );
}

#[test]
fn the_stream_ending_is_a_failure() {
    let mut r = asked();
    feed(
        &mut r,
        "<stream:error xmlns:stream='http://etherx.jabber.org/streams'>\
         <policy-violation xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
    );
    assert_eq!(
        events(&mut r),
        [RegistrationEvent::Failed(RegistrationError::Stream(
            stream_error::DefinedCondition::PolicyViolation
        ))]
    );
    let mut r = asked();
    feed(&mut r, "<close xmlns='urn:ietf:params:xml:ns:xmpp-framing'/>");
    assert_eq!(
        events(&mut r),
        [RegistrationEvent::Failed(RegistrationError::Closed)]
    );
    // Closed: nothing more is sent.
    r.request_form();
    expect_out(&mut r, &[]);
}

#[cfg(not(target_arch = "wasm32"))]
mod arbitrary_input {
    //! Arbitrary trees of the names and namespaces registration looks at
    //! never make it panic.

    use proptest::prelude::*;

    use super::*;

    const NAMES: &[&str] = &[
        "iq",
        "query",
        "x",
        "field",
        "value",
        "option",
        "media",
        "uri",
        "data",
        "error",
        "username",
        "password",
        "key",
        "instructions",
        "required",
        "features",
        "close",
        "conflict",
    ];
    const NAMESPACES: &[&str] = &[
        "jabber:client",
        "jabber:iq:register",
        "jabber:x:data",
        "urn:xmpp:media-element",
        "urn:xmpp:bob",
        "urn:ietf:params:xml:ns:xmpp-stanzas",
        "http://etherx.jabber.org/streams",
        "urn:ietf:params:xml:ns:xmpp-framing",
    ];
    const ATTRS: &[&str] = &["id", "type", "from", "var", "cid", "label", "height"];
    const VALUES: &[&str] = &[
        "r1",
        "result",
        "error",
        "form",
        "submit",
        "hidden",
        "list-single",
        "image/png",
        "cid:a",
        "a",
        "md5+00@bob.xmpp.org",
        "example.com",
        "-1",
        "",
    ];

    fn xml() -> impl Strategy<Value = String> {
        crate::session::arbitrary_xml::xml(crate::session::arbitrary_xml::Vocabulary {
            names: NAMES,
            namespaces: NAMESPACES,
            attrs: ATTRS,
            values: VALUES,
            text: "[a-zA-Z0-9=+/: ]{0,12}",
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
        #[test]
        fn registration_never_panics(input in prop::collection::vec(xml(), 1..6)) {
            let mut r = asked();
            for x in &input {
                r.handle_incoming(el(x));
                r.submit(answers(&[("username", "juliet")]));
            }
            while r.poll_outgoing().is_some() {}
            while r.poll_event().is_some() {}
        }
    }
}
