//! XEP-0115: Entity Capabilities: the verification string of a disco#info
//! result (§5.1), read from the element itself. xmpp-parsers'
//! `DiscoInfoResult` parser would link the whole data-forms parser into
//! the client for this alone (docs/size.md).

use minidom::Element;

use crate::ns;

/// The XML namespace, for `xml:lang`.
const XML: &str = "http://www.w3.org/XML/1998/namespace";

/// What a disco#info `<query/>` says: its features, and its verification
/// string, or `None` where §5.4 says not to trust it (an identity or a
/// feature twice, or two forms of one FORM_TYPE).
pub(super) fn read_info(query: &Element) -> (Vec<String>, Option<String>) {
    let mut identities = Vec::new();
    let mut features = Vec::new();
    let mut forms = Vec::new();
    for child in query.children() {
        if child.is("identity", ns::DISCO_INFO) {
            let get = |name: &'static str| child.attr(name).unwrap_or_default();
            let lang = child.attr_ns(XML, "lang").unwrap_or_default();
            identities.push(format!(
                "{}/{}/{lang}/{}<",
                get("category"),
                get("type"),
                get("name")
            ));
        } else if let Some(var) = child.attr("var").filter(|_| child.is("feature", ns::DISCO_INFO)) {
            features.push(var.to_owned());
        } else if child.is("x", ns::DATA_FORMS)
            && let Some(form) = form(child)
        {
            forms.push(form);
        }
    }
    let mut ver = String::new();
    let trusted = sorted_unique(&mut identities) && sorted_unique(&mut features);
    forms.sort();
    let one_per_type = forms.windows(2).all(|w| w[0].0 != w[1].0);
    ver.extend(identities);
    for f in &features {
        ver.push_str(f);
        ver.push('<');
    }
    for (_, f) in forms {
        ver.push_str(&f);
    }
    (features, (trusted && one_per_type).then_some(ver))
}

/// Sorts, and says whether no item came twice.
fn sorted_unique(items: &mut [String]) -> bool {
    items.sort();
    items.windows(2).all(|w| w[0] != w[1])
}

/// §5.1 step 6: a result form's FORM_TYPE and its string; `None` for a
/// form without a hidden FORM_TYPE, which is left out.
fn form(x: &Element) -> Option<(String, String)> {
    let values = |field: &Element| -> Vec<String> {
        let mut v: Vec<String> = field
            .children()
            .filter(|c| c.is("value", ns::DATA_FORMS))
            .map(Element::text)
            .collect();
        v.sort();
        v
    };
    let fields: Vec<&Element> = x.children().filter(|c| c.is("field", ns::DATA_FORMS)).collect();
    let form_type = fields
        .iter()
        .find(|f| f.attr("var") == Some("FORM_TYPE") && f.attr("type") == Some("hidden"))
        .and_then(|f| values(f).into_iter().next())?;
    let mut rest: Vec<(&str, Vec<String>)> = fields
        .iter()
        .filter_map(|f| {
            f.attr("var")
                .filter(|v| *v != "FORM_TYPE")
                .map(|v| (v, values(f)))
        })
        .collect();
    rest.sort();
    let mut s = format!("{form_type}<");
    for (var, values) in rest {
        s.push_str(var);
        s.push('<');
        for v in values {
            s.push_str(&v);
            s.push('<');
        }
    }
    Some((form_type, s))
}

#[cfg(test)]
mod tests {
    use super::read_info;
    use sha1::{Digest, Sha1};
    use xmpp_parsers::disco::DiscoInfoResult;

    fn ver(xml: &str) -> Option<String> {
        let Ok(query) = xml.parse::<minidom::Element>() else {
            panic!("literal XML")
        };
        read_info(&query).1
    }

    fn hash(s: &str) -> String {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(Sha1::digest(s.as_bytes()))
    }

    /// XEP-0115 §5.3, the complex example.
    const COMPLEX: &str = "<query xmlns='http://jabber.org/protocol/disco#info' \
        node='http://psi-im.org#q07IKJEyjvHSyhy//CH0CxmKi8w='>\
        <identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>\
        <identity xml:lang='el' category='client' name='Ψ 0.11' type='pc'/>\
        <feature var='http://jabber.org/protocol/caps'/>\
        <feature var='http://jabber.org/protocol/disco#info'/>\
        <feature var='http://jabber.org/protocol/disco#items'/>\
        <feature var='http://jabber.org/protocol/muc'/>\
        <x xmlns='jabber:x:data' type='result'>\
        <field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>\
        <field var='os_version'><value>10.5.1</value></field>\
        <field var='os'><value>Mac</value></field>\
        <field var='ip_version'><value>ipv4</value><value>ipv6</value></field>\
        <field var='software'><value>Psi</value></field>\
        <field var='software_version'><value>0.11</value></field>\
        </x></query>";

    #[test]
    fn the_specifications_examples_hash_as_published() {
        let simple = "<query xmlns='http://jabber.org/protocol/disco#info'>\
            <identity category='client' name='Exodus 0.9.1' type='pc'/>\
            <feature var='http://jabber.org/protocol/muc'/>\
            <feature var='http://jabber.org/protocol/disco#info'/>\
            <feature var='http://jabber.org/protocol/disco#items'/>\
            <feature var='http://jabber.org/protocol/caps'/></query>";
        assert_eq!(
            ver(simple).map(|v| hash(&v)).as_deref(),
            Some("QgayPKawpkPSDYmwT/WM94uAlu0=")
        );
        assert_eq!(
            ver(COMPLEX).map(|v| hash(&v)).as_deref(),
            Some("q07IKJEyjvHSyhy//CH0CxmKi8w=")
        );
    }

    /// xmpp-parsers keeps a form's fields in the order given, where §5.1
    /// sorts them: the same once they come sorted.
    #[test]
    fn agrees_with_xmpp_parsers_on_sorted_input() {
        let sorted = COMPLEX.replace(
            "<field var='os_version'><value>10.5.1</value></field>\
             <field var='os'><value>Mac</value></field>\
             <field var='ip_version'><value>ipv4</value><value>ipv6</value></field>",
            "<field var='ip_version'><value>ipv4</value><value>ipv6</value></field>\
             <field var='os'><value>Mac</value></field>\
             <field var='os_version'><value>10.5.1</value></field>",
        );
        assert_ne!(sorted, COMPLEX);
        let Ok(query) = sorted.parse::<minidom::Element>() else {
            panic!("literal XML")
        };
        let Ok(info) = DiscoInfoResult::try_from(query.clone()) else {
            panic!("a disco#info result")
        };
        let reference = xmpp_parsers::caps::compute_disco(&info);
        let (features, ours) = read_info(&query);
        assert_eq!(ours.map(String::into_bytes), Some(reference));
        assert_eq!(features.len(), 4);
    }

    #[test]
    fn duplicates_are_not_trusted_and_forms_without_form_type_are_left_out() {
        let twice = "<query xmlns='http://jabber.org/protocol/disco#info'>\
            <identity category='client' type='pc'/><feature var='a'/><feature var='a'/></query>";
        assert_eq!(ver(twice), None);
        let two_forms = COMPLEX.replace("</x></query>", "</x>")
            + "<x xmlns='jabber:x:data' type='result'><field var='FORM_TYPE' type='hidden'>\
               <value>urn:xmpp:dataforms:softwareinfo</value></field></x></query>";
        assert_eq!(ver(&two_forms), None);
        let untyped = "<query xmlns='http://jabber.org/protocol/disco#info'>\
            <identity category='client' type='pc'/><feature var='a'/>\
            <x xmlns='jabber:x:data' type='result'><field var='os'><value>Mac</value></field></x></query>";
        assert_eq!(ver(untyped).as_deref(), Some("client/pc//<a<"));
    }
}
