//! Test support: arbitrary element trees as XML text, built from the names,
//! namespaces, attributes and values a parser looks at, so that property
//! tests reach its branches with hostile input.

use proptest::prelude::*;

/// What the trees are made of.
pub(crate) struct Vocabulary {
    /// Element names.
    pub names: &'static [&'static str],
    /// Their namespaces.
    pub namespaces: &'static [&'static str],
    /// Attribute names.
    pub attrs: &'static [&'static str],
    /// Attribute values.
    pub values: &'static [&'static str],
    /// A regular expression for text content.
    pub text: &'static str,
}

/// An element as XML text: a name, a namespace, attributes, text, and
/// children of the same kind, four levels deep at most.
pub(crate) fn xml(v: Vocabulary) -> impl Strategy<Value = String> {
    let leaf = (
        prop::sample::select(v.names),
        prop::sample::select(v.namespaces),
        prop::collection::btree_map(
            prop::sample::select(v.attrs),
            prop::sample::select(v.values),
            0..4,
        ),
        v.text,
    )
        .prop_map(|(name, ns, attrs, text)| {
            let attrs: String = attrs.iter().map(|(k, v)| format!(" {k}='{v}'")).collect();
            (
                format!("<{name} xmlns='{ns}'{attrs}>{text}"),
                format!("</{name}>"),
            )
        });
    leaf.prop_recursive(4, 32, 4, |inner| {
        (inner.clone(), prop::collection::vec(inner, 0..4)).prop_map(|((open, close), children)| {
            let children: String = children.iter().map(|(o, c)| format!("{o}{c}")).collect();
            (format!("{open}{children}"), close)
        })
    })
    .prop_map(|(open, close)| format!("{open}{close}"))
}
