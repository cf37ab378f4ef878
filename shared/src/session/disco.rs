//! XEP-0030: Service Discovery, and XEP-0115: Entity Capabilities — what we
//! support, and what the server and our contacts' clients support.

use crate::element::{self, ToElement};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use minidom::Element;
use minidom::rxml::Namespace;
use xmpp_parsers::caps::Caps;
use xmpp_parsers::disco::DiscoInfoQuery;
use xmpp_parsers::hashes::Algo;
use xmpp_parsers::jid::Jid;

use super::{Event, Request, Session};
use crate::ns;

/// Our XEP-0115 node.
pub const CAPS_NODE: &str = "https://parlons.chat";

/// What we support, for disco#info and caps.
const FEATURES: [&str; 13] = [
    "http://jabber.org/protocol/disco#info",
    "http://jabber.org/protocol/caps",
    "urn:xmpp:ping",
    "urn:xmpp:carbons:2",
    "urn:xmpp:receipts",
    "urn:xmpp:chat-markers:0",
    "http://jabber.org/protocol/chatstates",
    "urn:xmpp:message-correct:0",
    "urn:xmpp:sid:0",
    "urn:xmpp:mam:2",
    "http://jabber.org/protocol/muc",
    "jabber:x:conference",
    "urn:xmpp:bookmarks:1+notify",
];

/// Our disco#info answer, built by hand: `DiscoInfoResult`'s serialiser
/// links the data forms' one (50 KB of WASM together) into the first load.
fn own_info() -> Element {
    let identity = Element::builder("identity", ns::DISCO_INFO)
        .attr(element::name("category"), "client")
        .attr(element::name("type"), "web")
        .attr(element::name("name"), "Parlons")
        .build();
    let features = FEATURES.iter().map(|f| {
        Element::builder("feature", ns::DISCO_INFO)
            .attr(element::name("var"), *f)
            .build()
    });
    Element::builder("query", ns::DISCO_INFO)
        .append(identity)
        .append_all(features)
        .build()
}

/// Our disco#info answer for `node`, built once: every contact's server
/// may ask for it when we come online.
pub fn own_info_element(node: Option<String>) -> Element {
    static INFO: OnceLock<Element> = OnceLock::new();
    let mut info = INFO.get_or_init(own_info).clone();
    if let Some(node) = node {
        info.set_attr(Namespace::NONE, element::name("node"), node);
    }
    info
}

/// Our caps hash (SHA-1, base64): `ver` in our presence.
pub fn own_ver() -> String {
    own_hash().to_base64()
}

fn own_hash() -> &'static xmpp_parsers::hashes::Hash {
    static HASH: OnceLock<xmpp_parsers::hashes::Hash> = OnceLock::new();
    HASH.get_or_init(|| {
        let (_, ver) = super::caps::read_info(&own_info_element(None));
        xmpp_parsers::hashes::Hash::new(Algo::Sha_1, sha1(&ver.unwrap_or_default()))
    })
}

/// SHA-1, hashed here rather than with `caps::hash_caps`, which links every
/// algorithm it knows (docs/size.md).
fn sha1(ver: &str) -> Vec<u8> {
    use sha1::{Digest, Sha1};
    Sha1::digest(ver.as_bytes()).to_vec()
}

/// The `<c/>` we put in our presence.
pub fn own_caps() -> Element {
    Caps {
        ext: None,
        node: CAPS_NODE.to_owned(),
        hash: Algo::Sha_1,
        ver: own_hash().hash.clone(),
    }
    .to_element()
}

/// Caps queries under way at most.
const MAX_ASKING: usize = 32;
/// Caps hashes remembered at most.
const MAX_KNOWN: usize = 1024;

/// What we learnt of other entities, by caps hash.
#[derive(Debug, Default)]
pub struct Capabilities {
    /// Verified disco#info results by `ver`.
    by_ver: BTreeMap<String, BTreeSet<String>>,
    /// `ver`s being asked about.
    asking: BTreeSet<String>,
}

impl Session {
    /// Asks `jid` what it supports (`node` for a caps query).
    pub(super) fn discover(&mut self, jid: Jid, node: Option<String>, ver: Option<String>) {
        let id = self.ask(Request::Disco {
            jid: jid.clone(),
            ver,
        });
        let iq = element::get(id, &DiscoInfoQuery { node }).with_to(jid);
        self.send_stanza(iq.to_element(), None);
    }

    /// A contact's presence carried caps: ask once per `ver`, or report what
    /// we already know.
    pub(super) fn caps_seen(&mut self, from: Jid, caps: Caps) {
        if caps.hash != Algo::Sha_1 {
            return;
        }
        let ver = xmpp_parsers::hashes::Hash::new(Algo::Sha_1, caps.ver).to_base64();
        if let Some(features) = self.caps.by_ver.get(&ver) {
            let features = features.clone();
            return self.event(Event::FeaturesDiscovered { jid: from, features });
        }
        // At most a few questions at a time: presences cannot make us flood.
        if self.caps.asking.len() < MAX_ASKING && self.caps.asking.insert(ver.clone()) {
            self.discover(from, Some(format!("{}#{ver}", caps.node)), Some(ver));
        }
    }

    /// A caps query failed: another contact with this `ver` may answer.
    pub(super) fn caps_failed(&mut self, ver: &str) {
        self.caps.asking.remove(ver);
    }

    /// A disco#info result for a request of ours.
    pub(super) fn disco_result(&mut self, jid: Jid, ver: Option<String>, payload: Option<Element>) {
        let Some(query) = payload.filter(|p| p.is("query", ns::DISCO_INFO)) else {
            return self.ignore("invalid disco#info result");
        };
        let (features, verification) = super::caps::read_info(&query);
        let features: BTreeSet<String> = features.into_iter().collect();
        if let Some(ver) = ver {
            self.caps.asking.remove(&ver);
            // XEP-0115 §5.4: cache by ver only what hashes to it.
            let computed =
                verification.map(|v| xmpp_parsers::hashes::Hash::new(Algo::Sha_1, sha1(&v)).to_base64());
            if computed.as_ref() == Some(&ver) && self.caps.by_ver.len() < MAX_KNOWN {
                self.caps.by_ver.insert(ver, features.clone());
            }
        }
        self.event(Event::FeaturesDiscovered { jid, features });
    }
}

#[cfg(test)]
mod tests {
    use crate::ns;
    use crate::session::tests::*;
    use crate::session::*;
    use xmpp_parsers::disco::DiscoInfoResult;
    use xmpp_parsers::iq::Iq;

    #[test]
    fn advertises_and_discovers_capabilities() {
        let mut s = logged_in();
        // Our disco#info, for our caps node or none, and nothing for another.
        let ver = disco::own_ver();
        feed(
            &mut s,
            &format!(
                "<iq {C} type='get' id='d1' from='juliet@example.net/a'>\
                 <query xmlns='http://jabber.org/protocol/disco#info' node='https://parlons.chat#{ver}'/></iq>"
            ),
        );
        feed(
            &mut s,
            &format!(
                "<iq {C} type='get' id='d2' from='juliet@example.net/a'>\
                 <query xmlns='http://jabber.org/protocol/disco#info' node='https://parlons.chat#bogus'/></iq>"
            ),
        );
        let sent = out(&mut s);
        let answer = |a| sent[0].attr(a);
        assert_eq!(
            [answer("type"), answer("id"), answer("to")],
            [Some("result"), Some("d1"), Some("juliet@example.net/a")]
        );
        let info =
            DiscoInfoResult::try_from(sent[0].get_child("query", ns::DISCO_INFO).unwrap().clone()).unwrap();
        assert_eq!(
            info.node.as_deref(),
            Some(format!("https://parlons.chat#{ver}").as_str())
        );
        // The hash covers exactly what we answer (XEP-0115 §5).
        let hashed = xmpp_parsers::caps::hash_caps(
            &xmpp_parsers::caps::compute_disco(&DiscoInfoResult { node: None, ..info }),
            xmpp_parsers::hashes::Algo::Sha_1,
        )
        .unwrap();
        assert_eq!(hashed.to_base64(), ver);
        assert_eq!(sent[1].attr("type"), Some("error"));

        // A contact's caps are asked about once, checked, and cached.
        let their_info = DiscoInfoResult {
            node: None,
            identities: vec![xmpp_parsers::disco::Identity::new("client", "pc", "en", "Other")],
            features: [
                "http://jabber.org/protocol/disco#info".to_owned(),
                "urn:xmpp:receipts".to_owned(),
            ]
            .into(),
            extensions: Vec::new(),
        };
        let their_ver = xmpp_parsers::caps::hash_caps(
            &xmpp_parsers::caps::compute_disco(&their_info),
            xmpp_parsers::hashes::Algo::Sha_1,
        )
        .unwrap()
        .to_base64();
        let presence = |resource: &str| {
            format!(
                "<presence {C} from='juliet@example.net/{resource}'><c xmlns='http://jabber.org/protocol/caps' \
                 hash='sha-1' node='https://other.example' ver='{their_ver}'/></presence>"
            )
        };
        feed(&mut s, &presence("a"));
        feed(&mut s, &presence("b"));
        let asked = out(&mut s);
        assert_eq!(asked.len(), 1, "asked once per ver: {asked:?}");
        let query = asked[0].get_child("query", ns::DISCO_INFO).unwrap();
        assert_eq!(
            query.attr("node"),
            Some(format!("https://other.example#{their_ver}").as_str())
        );
        let id = asked[0].attr("id").unwrap().to_owned();
        events(&mut s);
        let result = Iq::from_result(id, Some(their_info)).with_from("juliet@example.net/a".parse().unwrap());
        s.handle_incoming(result.into());
        let ev = events(&mut s);
        assert!(
            matches!(&ev[..], [Event::FeaturesDiscovered { features, .. }] if features.contains("urn:xmpp:receipts")),
            "{ev:?}"
        );
        // Now known: a third resource is answered from the cache.
        feed(&mut s, &presence("c"));
        assert!(out(&mut s).is_empty());
        assert!(
            events(&mut s)
                .iter()
                .any(|e| matches!(e, Event::FeaturesDiscovered { .. }))
        );
    }
}
