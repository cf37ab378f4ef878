use super::*;
use crate::gateway::stream_error::Condition;

const HEADER: &str = "<?xml version='1.0'?><stream:stream xmlns='jabber:client' \
    xmlns:stream='http://etherx.jabber.org/streams' from='example.org' id='s-1' \
    version='1.0' xml:lang='fr'>";

fn split_all(chunks: &[&[u8]], strip: bool) -> Result<Vec<Item>, SplitError> {
    let mut s = Splitter::new(ElementLimits::new(4096), strip);
    let mut items = Vec::new();
    for c in chunks {
        s.feed(c, &mut items)?;
    }
    Ok(items)
}

fn split(input: &str) -> Vec<Item> {
    split_all(&[input.as_bytes()], true).unwrap()
}

fn stanzas(items: &[Item]) -> Vec<&str> {
    items
        .iter()
        .filter_map(|i| match i {
            Item::Stanza(s) => Some(s.xml.as_str()),
            _ => None,
        })
        .collect()
}

#[test]
fn a_self_closing_header_opens_and_closes_the_stream() {
    // Found by the fuzz target: the fast path took the header's end for a
    // boundary between stanzas, and never read the close.
    let header = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' a='b'/>";
    let mut reference = Splitter::without_fast_path(ElementLimits::new(4096), true);
    let mut expected = Vec::new();
    reference.feed(header.as_bytes(), &mut expected).unwrap();
    let got = split(header);
    assert_eq!(got, expected);
    assert_eq!(got, [Item::Open(StreamHeader::default()), Item::Close]);
}

#[test]
fn header_becomes_open() {
    let items = split(HEADER);
    assert_eq!(
        items,
        [Item::Open(StreamHeader {
            from: Some("example.org".into()),
            id: Some("s-1".into()),
            version: Some("1.0".into()),
            lang: Some("fr".into()),
        })]
    );
}

#[test]
fn stanzas_get_their_inherited_namespace() {
    let items = split(&format!(
        "{HEADER}<message to='a@b' type='chat'><body>hi &amp; &lt;bye&gt;</body>\
         <active xmlns='http://jabber.org/protocol/chatstates'/></message> <iq type='result' id='1'/>"
    ));
    assert_eq!(
        stanzas(&items),
        [
            "<message xmlns=\"jabber:client\" to=\"a@b\" type=\"chat\"><body>hi &amp; &lt;bye&gt;</body>\
             <active xmlns=\"http://jabber.org/protocol/chatstates\"/></message>",
            "<iq xmlns=\"jabber:client\" id=\"1\" type=\"result\"/>",
        ]
    );
    let Item::Stanza(m) = &items[1] else { panic!() };
    assert!(m.is("message", "jabber:client"));
}

#[test]
fn features_keep_the_stream_prefix_and_lose_starttls() {
    let items = split(&format!(
        "{HEADER}<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>\
         <compression xmlns='http://jabber.org/features/compress'><method>zlib</method></compression>\
         <mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism></mechanisms>\
         </stream:features>"
    ));
    assert_eq!(
        stanzas(&items),
        [
            "<stream:features xmlns:stream=\"http://etherx.jabber.org/streams\">\
          <mechanisms xmlns=\"urn:ietf:params:xml:ns:xmpp-sasl\"><mechanism>SCRAM-SHA-1</mechanism></mechanisms>\
          </stream:features>"
        ]
    );
}

#[test]
fn features_are_kept_whole_when_not_stripping() {
    let items = split_all(
        &[format!(
            "{HEADER}<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>"
        )
        .as_bytes()],
        false,
    )
    .unwrap();
    assert_eq!(
        stanzas(&items),
        [
            "<stream:features xmlns:stream=\"http://etherx.jabber.org/streams\">\
          <starttls xmlns=\"urn:ietf:params:xml:ns:xmpp-tls\"/></stream:features>"
        ]
    );
}

#[test]
fn stream_errors_are_self_contained() {
    let items = split(&format!(
        "{HEADER}<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>\
         <text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>Replaced</text></stream:error>\
         </stream:stream>"
    ));
    assert_eq!(
        stanzas(&items),
        ["<stream:error xmlns:stream=\"http://etherx.jabber.org/streams\">\
          <conflict xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\"/>\
          <text xmlns=\"urn:ietf:params:xml:ns:xmpp-streams\" xml:lang=\"en\">Replaced</text></stream:error>"]
    );
    assert_eq!(items.last(), Some(&Item::Close));
}

#[test]
fn prefixed_namespaces_and_attributes_survive() {
    let items = split(&format!(
        "{HEADER}<iq type='get' id='q' xmlns:p='urn:example:p'><p:query p:flag='1' xml:lang='de'>\
         <x xmlns=''/></p:query></iq>"
    ));
    let xml = stanzas(&items)[0];
    assert_eq!(
        xml,
        "<iq xmlns=\"jabber:client\" id=\"q\" type=\"get\"><query xmlns=\"urn:example:p\" \
         xml:lang=\"de\" xmlns:a0=\"urn:example:p\" a0:flag=\"1\"><x xmlns=\"\"/></query></iq>"
    );
    // It is one well-formed element on its own, with the same meaning.
    let el: minidom::Element = xml.parse().unwrap();
    let q = el.get_child("query", "urn:example:p").unwrap();
    assert!(q.has_child("x", ""));
}

#[test]
fn a_stream_fed_one_byte_at_a_time_splits_the_same() {
    let input = format!(
        "{HEADER}<stream:features><mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>\
         <mechanism>PLAIN</mechanism></mechanisms></stream:features>\
         <message from='ä@b' id='x'><body>Grüße 👋 &#x263A;</body></message></stream:stream>"
    );
    let whole = split(&input);
    let bytes: Vec<&[u8]> = input.as_bytes().chunks(1).collect();
    let piecewise = split_all(&bytes, true).unwrap();
    assert_eq!(whole, piecewise);
    assert_eq!(whole.len(), 4);
    assert!(stanzas(&whole)[1].contains("Grüße 👋 ☺"));
}

#[test]
fn restart_starts_a_new_stream() {
    let mut s = Splitter::new(ElementLimits::new(4096), true);
    let mut items = Vec::new();
    s.feed(
        format!("{HEADER}<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>").as_bytes(),
        &mut items,
    )
    .unwrap();
    s.reset();
    s.feed(HEADER.as_bytes(), &mut items).unwrap();
    assert!(matches!(
        items.as_slice(),
        [Item::Open(_), Item::Stanza(_), Item::Open(_)]
    ));
}

#[test]
fn whitespace_keepalives_are_dropped() {
    let items = split(&format!("{HEADER} \n <iq type='get' id='1'/>\t "));
    assert_eq!(items.len(), 2);
}

#[test]
fn refuses_a_doctype() {
    let err = split_all(
        &[b"<?xml version='1.0'?><!DOCTYPE x [<!ENTITY a 'b'>]><stream:stream/>"],
        true,
    )
    .unwrap_err();
    assert_eq!(err.condition(), Condition::RestrictedXml, "{err}");
}

#[test]
fn refuses_undeclared_entities_comments_and_pis() {
    for bad in ["<message>&xxe;</message>", "<!-- hi -->", "<?pi x?>"] {
        let err = split_all(&[format!("{HEADER}{bad}").as_bytes()], true).unwrap_err();
        assert_eq!(err.condition(), Condition::RestrictedXml, "{bad}: {err}");
    }
}

#[test]
fn refuses_a_root_other_than_stream() {
    let err = split_all(&[b"<html xmlns='http://www.w3.org/1999/xhtml'>"], true).unwrap_err();
    assert_eq!(err, SplitError::NotAStream);
    assert_eq!(err.condition(), Condition::InvalidNamespace);
}

#[test]
fn refuses_broken_xml() {
    let err = split_all(&[format!("{HEADER}<a></b>").as_bytes()], true).unwrap_err();
    assert_eq!(err.condition(), Condition::NotWellFormed, "{err}");
    let bad_utf8: &[u8] = b"<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><a>\xff</a>";
    let err = split_all(&[bad_utf8], true).unwrap_err();
    assert_eq!(err.condition(), Condition::NotWellFormed, "{err}");
}

#[test]
fn bounds_size_depth_and_attributes() {
    let big = format!("{HEADER}<message><body>{}</body></message>", "a".repeat(5000));
    assert_eq!(
        split_all(&[big.as_bytes()], true).unwrap_err(),
        SplitError::TooBig(4096)
    );

    let deep = format!("{HEADER}{}", "<a>".repeat(60));
    assert_eq!(
        split_all(&[deep.as_bytes()], true).unwrap_err(),
        SplitError::TooDeep(48)
    );

    let attrs: String = (0..70).map(|i| format!(" a{i}='x'")).collect();
    let many = format!("{HEADER}<message{attrs}/>");
    assert_eq!(
        split_all(&[many.as_bytes()], true).unwrap_err(),
        SplitError::TooManyAttributes(64)
    );
}

#[test]
fn size_is_bounded_before_the_element_ends() {
    let mut s = Splitter::new(ElementLimits::new(4096), true);
    let mut items = Vec::new();
    s.feed(format!("{HEADER}<message><body>").as_bytes(), &mut items)
        .unwrap();
    let chunk = "b".repeat(1000);
    let mut result = Ok(());
    for _ in 0..10 {
        result = s.feed(chunk.as_bytes(), &mut items);
        if result.is_err() {
            break;
        }
    }
    assert_eq!(result, Err(SplitError::TooBig(4096)));
}

#[test]
fn close_is_reported_once() {
    let items = split(&format!("{HEADER}</stream:stream>"));
    assert_eq!(items.last(), Some(&Item::Close));
}

#[test]
fn an_endless_start_tag_is_bounded() {
    let mut s = Splitter::new(ElementLimits::new(4096), true);
    let mut items = Vec::new();
    s.feed(format!("{HEADER}<message").as_bytes(), &mut items)
        .unwrap();
    let mut result = Ok(());
    for _ in 0..2000 {
        result = s.feed(b" a=''", &mut items);
        if result.is_err() {
            break;
        }
    }
    assert_eq!(result, Err(SplitError::TooBig(4096)));
}

#[test]
fn an_endless_stream_header_is_bounded() {
    let mut s = Splitter::new(ElementLimits::new(4096), true);
    let mut items = Vec::new();
    s.feed(
        b"<stream:stream xmlns:stream='http://etherx.jabber.org/streams'",
        &mut items,
    )
    .unwrap();
    let mut result = Ok(());
    for i in 0..2000 {
        result = s.feed(format!(" a{i}='x'").as_bytes(), &mut items);
        if result.is_err() {
            break;
        }
    }
    assert_eq!(result, Err(SplitError::TooBig(4096)));
}

#[test]
fn output_cannot_balloon_through_namespace_declarations() {
    let long_ns = format!("urn:{}", "n".repeat(1000));
    let many: String = "<p:x/>".repeat(300);
    let input = format!("{HEADER}<message xmlns:p='{long_ns}'>{many}</message>");
    // 3 KB in, but 300 KB if every child declared the namespace again.
    assert!(input.len() < 4096);
    let err = split_all(&[input.as_bytes()], true).unwrap_err();
    assert_eq!(err, SplitError::TooBig(4096));
}

/// Stanzas for the fast path, then stanzas it leaves to the parser.
const MIXED: &[&str] = &[
    "<message to='a@b' type='chat' id='1'><body>plain</body></message>",
    "<message type=\"chat\" to='a@b'><body>a &amp; b &lt; c &gt; d &quot;e&apos; > ]] f</body></message>",
    "<presence xml:lang='en' from='x@y/z' a='1'><show>away</show><status>  spaced\n\tout </status></presence>",
    "<iq type='result' id='2'><query xmlns='jabber:iq:roster' ver='3'><item jid='c@d' \
     name='C &amp; D \"q\" &gt;' subscription='both'><group>Friends</group></item></query></iq>",
    "<message><x xmlns='jabber:client'><y xmlns='urn:other'><z></z></y></x></message>",
    "<message\n  id = 'x' ><body/><thread parent='&lt;&apos;'/></message >",
    "<message><body>Grüße 👋 \u{7e}\u{a0}</body></message>",
    // For the parser: a prefix, a character reference, CDATA, a C1
    // control, CR, a stream-prefixed element.
    "<message xmlns:a='urn:a'><a:b/></message>",
    "<message><body>&#x263A;</body></message>",
    "<message><body><![CDATA[<b>]]></body></message>",
    "<message><body>\u{85}</body></message>",
    "<message><body>a\r\nb</body></message>",
    "<stream:error><conflict xmlns='urn:ietf:params:xml:ns:xmpp-streams'/></stream:error>",
];

#[test]
fn the_fast_path_writes_what_the_parser_writes() {
    let other_header = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams' \
                        xmlns='jabber:server' version='1.0'>";
    for header in [HEADER, other_header] {
        let input = format!("{header}{}", MIXED.join("\n"));
        let mut fast = Splitter::new(ElementLimits::new(4096), true);
        let mut items = Vec::new();
        fast.feed(input.as_bytes(), &mut items).unwrap();
        // One byte at a time, the parser does it all.
        let bytes: Vec<&[u8]> = input.as_bytes().chunks(1).collect();
        assert_eq!(items, split_all(&bytes, true).unwrap());
        assert_eq!(items.len(), 1 + MIXED.len());
        // Each stanza the parser took, it handed back between stanzas.
        assert_eq!(fast.fast_stanzas, 7, "{header}");
    }
}

#[test]
fn a_stanza_split_across_reads_takes_the_parser_then_the_fast_path_resumes() {
    let input = format!("{HEADER}{}", MIXED[..7].join(""));
    let cut = HEADER.len() + MIXED[0].len() + 10;
    let mut s = Splitter::new(ElementLimits::new(4096), true);
    let mut items = Vec::new();
    s.feed(&input.as_bytes()[..cut], &mut items).unwrap();
    s.feed(&input.as_bytes()[cut..], &mut items).unwrap();
    assert_eq!(items, split(&input));
    assert_eq!(s.fast_stanzas, 6);
}

#[test]
fn the_fast_path_keeps_the_limits() {
    // Quotes grow sixfold when escaped: over twice the limit goes to the
    // parser, which refuses it.
    let quotes = format!("<message a='{}'/>", "\"".repeat(1500));
    let err = split_all(&[format!("{HEADER}{quotes}").as_bytes()], true).unwrap_err();
    assert_eq!(err, SplitError::TooBig(4096));
    let attrs: String = (0..65).map(|i| format!(" a{i}='x'")).collect();
    let err = split_all(&[format!("{HEADER}<message{attrs}/>").as_bytes()], true).unwrap_err();
    assert_eq!(err, SplitError::TooManyAttributes(64));
    // What XML forbids, the parser refuses.
    for bad in ["\u{FFFE}", "\u{1}", "]]>"] {
        let stanza = format!("<message><body>{bad}</body></message>");
        let err = split_all(&[format!("{HEADER}{stanza}").as_bytes()], true).unwrap_err();
        assert_eq!(err.condition(), Condition::NotWellFormed, "{bad:?}");
    }
}
#[test]
fn headers_rxml_reads_in_its_own_way_keep_the_fast_path_off() {
    // rxml lets a second declaration win, and turns a line break into a
    // space: the fast path stays out of both.
    let stream = "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'";
    for (header, ns) in [
        (
            format!("{stream} xmlns='jabber:client' xmlns='urn:other'>"),
            "urn:other",
        ),
        (format!("{stream} xmlns='urn:a\nb'>"), "urn:a b"),
    ] {
        let mut s = Splitter::new(ElementLimits::new(4096), true);
        let mut items = Vec::new();
        s.feed(format!("{header}<required/>").as_bytes(), &mut items)
            .unwrap();
        assert_eq!(s.fast_stanzas, 0);
        assert_eq!(stanzas(&items), [format!("<required xmlns=\"{ns}\"/>")]);
    }
}

#[test]
fn an_empty_stream_header_ends_the_stream_before_any_fast_path() {
    let input = format!("{}/><message/>", HEADER.trim_end_matches('>'));
    let mut s = Splitter::new(ElementLimits::new(4096), true);
    let mut items = Vec::new();
    s.feed(input.as_bytes(), &mut items).unwrap();
    assert!(
        matches!(items.as_slice(), [Item::Open(_), Item::Close]),
        "{items:?}"
    );
}

#[test]
fn text_between_stanzas_leaves_the_next_tag_to_the_parser() {
    // rxml reads the '<' that ends text as part of the text.
    let input = format!("{HEADER}<a/>text<<message/>");
    let err = split_all(&[input.as_bytes()], true).unwrap_err();
    assert_eq!(err.condition(), Condition::NotWellFormed);
}

#[test]
fn elements_in_the_xml_namespace_keep_its_prefix() {
    // Namespaces in XML §3: that namespace can't be the default one.
    let items = split(&format!(
        "{HEADER}<xml:note xmlns='urn:x'><body/></xml:note><message><xml:b/></message>"
    ));
    assert_eq!(
        stanzas(&items),
        [
            "<xml:note><body xmlns=\"urn:x\"/></xml:note>",
            "<message xmlns=\"jabber:client\"><xml:b/></message>"
        ]
    );
}

#[test]
fn a_stanza_begun_is_partial_and_whitespace_is_not() {
    for fast in [true, false] {
        let limits = ElementLimits::new(4096);
        let mut s = if fast {
            Splitter::new(limits, true)
        } else {
            Splitter::without_fast_path(limits, true)
        };
        let mut items = Vec::new();
        s.feed(HEADER.as_bytes(), &mut items).unwrap();
        assert!(!s.partial(), "fast path {fast}: after the header");
        // Whitespace keepalives, however many, hold no stanza.
        for _ in 0..3 {
            s.feed(b" \n", &mut items).unwrap();
            assert!(!s.partial(), "fast path {fast}: keepalive");
        }
        for (chunk, partial) in [
            (&b"<mess"[..], true),
            (b"age to='a@b'><bo", true),
            (b"dy>hi</body></message>", false),
            (b"  <iq type='get' id='1'/>", false),
            (b"<presence", true),
            (b"/>", false),
        ] {
            s.feed(chunk, &mut items).unwrap();
            let text = String::from_utf8_lossy(chunk);
            assert_eq!(s.partial(), partial, "fast path {fast}: after {text:?}");
        }
        assert_eq!(stanzas(&items).len(), 3);
    }
}
