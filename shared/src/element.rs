//! Typed xso values to `minidom` elements, along one shared path.
//!
//! `Element::from` on an xso type compiles xso's item-to-event pump once
//! for each type: 25 copies and 128 KB of the client's WASM before this
//! (docs/size.md). Going through a boxed iterator keeps a single copy.

use minidom::Element;
use minidom::rxml::NcName;
use xmpp_parsers::iq::Iq;
use xmpp_parsers::jid::Jid;
use xso::{AsXml, Item, error::Error};

type Items<'x> = Box<dyn Iterator<Item = Result<Item<'x>, Error>> + 'x>;

/// An xso value whose item iterator is boxed.
trait DynAsXml {
    fn items(&self) -> Result<Items<'_>, Error>;
}

impl<T: AsXml> DynAsXml for T {
    fn items(&self) -> Result<Items<'_>, Error> {
        self.as_xml_dyn_iter()
    }
}

struct Erased<'a>(&'a dyn DynAsXml);

impl AsXml for Erased<'_> {
    type ItemIter<'x>
        = Items<'x>
    where
        Self: 'x;

    fn as_xml_iter(&self) -> Result<Items<'_>, Error> {
        self.0.items()
    }
}

/// Serialising into an element, as `Element::from` does.
pub trait ToElement {
    /// The value as an element.
    fn to_element(&self) -> Element;
}

impl<T: AsXml> ToElement for T {
    fn to_element(&self) -> Element {
        erased(self)
    }
}

// The same guarantee as the `From<T> for Element` impls that xso derives:
// a derived AsXml always yields a well-formed item stream.
#[allow(clippy::expect_used)]
fn erased(value: &dyn DynAsXml) -> Element {
    xso::transform(&Erased(value)).expect("a derived AsXml yields well-formed XML")
}

/// Whether XML 1.0 can carry `c`: not the controls other than tab, line
/// feed and carriage return, nor U+FFFE and U+FFFF. Text with such a
/// character cannot be serialised (minidom panics on it).
fn is_xml_char(c: char) -> bool {
    !matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// Whether XML can carry all of `text`.
pub fn is_xml_text(text: &str) -> bool {
    text.chars().all(is_xml_char)
}

/// `text` without what XML cannot carry: for text people type, where
/// dropping a stray control character is what they would want.
pub fn xml_text(text: String) -> String {
    if is_xml_text(&text) {
        text
    } else {
        text.chars().filter(|&c| is_xml_char(c)).collect()
    }
}

/// What an `<iq type='result'/>` holds.
#[derive(Debug, PartialEq)]
pub struct IqResult {
    /// The request's id.
    pub id: String,
    /// The sender.
    pub from: Option<Jid>,
    /// The one child, if any.
    pub payload: Option<Element>,
}

/// Reads an `<iq type='result'/>` (RFC 6120 §8.2.3) without xso, which
/// rebuilds the payload: for a 5,000-item roster, a long task in a browser.
pub fn read_result(mut el: Element) -> Result<IqResult, &'static str> {
    if el.attr("type") != Some("result") {
        return Err("not an iq result");
    }
    let id = el.attr("id").ok_or("an iq result without an id")?.to_owned();
    let from = match el.attr("from").map(str::parse::<Jid>) {
        None => None,
        Some(Ok(jid)) => Some(jid),
        Some(Err(_)) => return Err("an iq result from an invalid JID"),
    };
    let mut children = el.take_contents_as_children();
    let payload = children.next();
    if children.next().is_some() {
        return Err("an iq result with more than one child");
    }
    Ok(IqResult { id, from, payload })
}

/// `<iq type='get'/>` with a payload.
pub fn get(id: impl Into<String>, payload: &impl AsXml) -> Iq {
    get_element(id, payload.to_element())
}

/// `<iq type='get'/>` with a payload built as an element.
pub fn get_element(id: impl Into<String>, payload: Element) -> Iq {
    Iq::Get {
        from: None,
        to: None,
        id: id.into(),
        payload,
    }
}

/// `<iq type='set'/>` with a payload.
pub fn set(id: impl Into<String>, payload: &impl AsXml) -> Iq {
    set_element(id, payload.to_element())
}

/// `<iq type='set'/>` with a payload built as an element.
pub fn set_element(id: impl Into<String>, payload: Element) -> Iq {
    Iq::Set {
        from: None,
        to: None,
        id: id.into(),
        payload,
    }
}

/// `<iq type='result'/>` with a payload, built as an element: an [`Iq`]
/// rebuilds its payload event by event when it becomes one, which is most
/// of the cost of an answer sent thousands of times (caps queries).
pub fn result_element(id: String, to: Option<&Jid>, payload: Element) -> Element {
    let mut iq = Element::builder("iq", crate::ns::JABBER_CLIENT)
        .attr(name("id"), id)
        .attr(name("type"), "result");
    if let Some(to) = to {
        iq = iq.attr(name("to"), to.to_string());
    }
    iq.append(payload).build()
}

/// A field of a data form (XEP-0004), hidden or of the form's own type.
pub fn form_field<'a>(var: &str, hidden: bool, values: impl IntoIterator<Item = &'a str>) -> Element {
    let mut field = Element::builder("field", crate::ns::DATA_FORMS).attr(name("var"), var);
    if hidden {
        field = field.attr(name("type"), "hidden");
    }
    let values = values.into_iter().map(|v| {
        Element::builder("value", crate::ns::DATA_FORMS)
            .append(v.to_owned())
            .build()
    });
    field.append_all(values).build()
}

/// A submitted data form (XEP-0004) of type `form_type`, built by hand:
/// xmpp-parsers' `DataForm` serialiser is 34 KB of WASM that the first
/// load would carry, as it is called through a vtable, which wasm-split
/// cannot move to the chunk that needs it.
pub fn submit_form(form_type: &str, fields: impl IntoIterator<Item = Element>) -> Element {
    Element::builder("x", crate::ns::DATA_FORMS)
        .attr(name("type"), "submit")
        .append(form_field("FORM_TYPE", true, [form_type]))
        .append_all(fields)
        .build()
}

/// An attribute name that is a literal, so always a valid one.
pub fn name(literal: &'static str) -> NcName {
    NcName::try_from(literal).unwrap_or_else(|_| unreachable!("{literal} is an XML name"))
}

/// `<iq type='result'/>`, with a payload or empty.
pub fn result(id: impl Into<String>, payload: Option<Element>) -> Iq {
    Iq::Result {
        from: None,
        to: None,
        id: id.into(),
        payload,
    }
}

#[cfg(test)]
mod tests {
    use super::{IqResult, ToElement, is_xml_text, read_result, result, result_element, set, xml_text};
    use minidom::Element;
    use xmpp_parsers::roster::Roster;

    #[test]
    fn same_element_as_the_derived_conversion() {
        let xml = "<query xmlns='jabber:iq:roster' ver='7'>\
            <item jid='bob@example.org' name='Bob' subscription='both'><group>Friends</group></item>\
            </query>";
        let Ok(parsed) = xml.parse::<Element>() else {
            panic!("literal XML")
        };
        let Ok(roster) = Roster::try_from(parsed.clone()) else {
            panic!("a roster")
        };
        assert_eq!(roster.to_element(), parsed);
        assert_eq!(roster.to_element(), Element::from(roster.clone()));
        let iq = set("r1", &roster).to_element();
        assert_eq!(iq.attr("type"), Some("set"));
        assert_eq!(iq.attr("id"), Some("r1"));
        assert_eq!(iq.get_child("query", "jabber:iq:roster"), Some(&parsed));
    }

    #[test]
    fn a_result_built_by_hand_is_the_typed_one() {
        let Ok(payload) = "<query xmlns='urn:example'><x a='1'/></query>".parse::<Element>() else {
            panic!("literal XML")
        };
        let Ok(to) = "juliet@example.net/a".parse() else {
            panic!("a JID")
        };
        let typed = result("r1", Some(payload.clone())).with_to(to).to_element();
        let Some(to) = typed.attr("to").and_then(|t| t.parse().ok()) else {
            panic!("a to")
        };
        assert_eq!(result_element("r1".into(), Some(&to), payload.clone()), typed);
        let untyped = result("r2", Some(payload.clone())).to_element();
        assert_eq!(result_element("r2".into(), None, payload), untyped);
    }

    #[test]
    fn text_loses_what_xml_cannot_carry() {
        assert_eq!(xml_text("a\u{0}b\u{1}c\u{FFFE}d".into()), "abcd");
        assert_eq!(xml_text("tab\tline\ncr\r é 🎉".into()), "tab\tline\ncr\r é 🎉");
        assert!(is_xml_text("é\t🎉") && !is_xml_text("bell\u{7}"));
        let m = xmpp_parsers::message::Message::chat(None)
            .with_body(xmpp_parsers::message::Lang::default(), xml_text("x\u{7}y".into()));
        assert!(String::from(&m.to_element()).contains("<body>xy</body>"));
    }

    fn read(xml: &str) -> Result<IqResult, &'static str> {
        read_result(xml.parse::<Element>().map_err(|_| "literal XML")?)
    }

    #[test]
    fn iq_results_are_read_and_others_left() {
        let got =
            read("<iq xmlns='jabber:client' type='result' id='r1' from='a@b.c/d'><query xmlns='q'/></iq>");
        let Ok(IqResult { id, from, payload }) = got else {
            panic!("{got:?}")
        };
        assert_eq!(id, "r1");
        assert_eq!(from.map(|j| j.to_string()).as_deref(), Some("a@b.c/d"));
        assert!(payload.is_some_and(|p| p.is("query", "q")));
        let empty = read("<iq xmlns='jabber:client' type='result' id='r2'/>");
        assert!(matches!(
            empty,
            Ok(IqResult {
                payload: None,
                from: None,
                ..
            })
        ));
        assert!(read("<iq xmlns='jabber:client' type='get' id='r3'><q xmlns='q'/></iq>").is_err());
        assert!(read("<iq xmlns='jabber:client' type='result'/>").is_err());
        assert!(read("<iq xmlns='jabber:client' type='result' id='x' from='@'/>").is_err());
        let two = "<iq xmlns='jabber:client' type='result' id='x'><a xmlns='q'/><b xmlns='q'/></iq>";
        assert!(read(two).is_err());
    }
}
