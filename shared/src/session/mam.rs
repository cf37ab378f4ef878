//! XEP-0313: Message Archive Management, paged with XEP-0059 (RSM):
//! history by conversation, backwards, and catch-up since the last known
//! archive id.

use crate::element::{self, ToElement, name};
use crate::ns;
use minidom::Element;
use xmpp_parsers::jid::BareJid;
use xmpp_parsers::mam;
use xmpp_parsers::rsm::SetQuery;

use super::{Direction, Event, Request, Session};

/// The query's form (XEP-0004), built by hand: xmpp-parsers' `DataForm`
/// serialiser is 27 KB of WASM that only registration, fetched on demand,
/// needs otherwise.
fn query_form(with: Option<&BareJid>) -> Element {
    let field = |var: &str, value: &str| {
        Element::builder("field", ns::DATA_FORMS)
            .attr(name("var"), var)
            .append(Element::builder("value", ns::DATA_FORMS).append(value.to_owned()))
    };
    let mut form = Element::builder("x", ns::DATA_FORMS)
        .attr(name("type"), "submit")
        .append(field("FORM_TYPE", ns::MAM).attr(name("type"), "hidden"));
    if let Some(with) = with {
        form = form.append(field("with", with.as_str()));
    }
    form.build()
}

/// Stable ids remembered for deduplication.
const SEEN_CAPACITY: usize = 10_000;

/// A page of history: which conversation, and where it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The conversation, or `None` for catch-up over all of them.
    pub with: Option<BareJid>,
    /// No more results in this direction.
    pub complete: bool,
    /// The oldest archive id in the page: ask `before` it for more.
    pub first: Option<String>,
    /// The newest archive id in the page.
    pub last: Option<String>,
}

/// Stable ids already reported, so that live, carbon, archive and resent
/// copies of a message are reported once.
pub(super) type Seen = super::recent::Recent<(), SEEN_CAPACITY>;

impl Session {
    /// Asks for the `max` messages with `with` before the archive id
    /// `before` (the newest ones when `None`).
    pub(super) fn fetch_history(&mut self, with: BareJid, before: Option<String>, max: usize) {
        let set = SetQuery {
            max: Some(max),
            after: None,
            before: Some(before.unwrap_or_default()),
            index: None,
        };
        self.mam_query(Some(with), set);
    }

    /// Asks for what arrived after the archive id `after`, over every
    /// conversation; pages follow until the archive is exhausted.
    pub(super) fn catch_up(&mut self, after: String) {
        let set = SetQuery {
            max: Some(100),
            after: Some(after),
            before: None,
            index: None,
        };
        self.mam_query(None, set);
    }

    fn mam_query(&mut self, with: Option<BareJid>, set: SetQuery) {
        let id = self.id();
        let after = set.after.clone();
        let query = Element::builder("query", ns::MAM)
            .attr(name("queryid"), id.clone())
            .append(query_form(with.as_ref()))
            .append(set.to_element())
            .build();
        self.pending.insert(id.clone(), Request::Mam { with, after });
        self.send_stanza(element::set_element(id, query).to_element(), None);
    }

    /// A `<result/>` of one of our queries, from our own archive only.
    pub(super) fn mam_result(&mut self, from_own_archive: bool, result: Element) {
        if !from_own_archive {
            return self.ignore("archive result from a foreign JID");
        }
        let result = match mam::Result_::try_from(result) {
            Ok(r) => r,
            Err(e) => return self.ignore(format!("invalid archive result: {e}")),
        };
        let known = result
            .queryid
            .as_ref()
            .is_some_and(|q| matches!(self.pending.get(&q.0), Some(Request::Mam { .. })));
        if !known {
            return self.ignore("archive result for no query of ours");
        }
        let message = result.forwarded.message;
        let outgoing = message.from.as_ref().is_some_and(|f| f.to_bare() == self.jid);
        let direction = if outgoing {
            Direction::Outgoing
        } else {
            Direction::Incoming
        };
        let stamp = result.forwarded.delay.map(|d| d.stamp);
        self.archived_message(message, direction, result.id, stamp);
    }

    /// The `<fin/>` that ends a page.
    pub(super) fn mam_fin(&mut self, with: Option<BareJid>, after: Option<String>, payload: Option<Element>) {
        let Some(fin) = payload.and_then(|p| mam::Fin::try_from(p).ok()) else {
            return self.ignore("archive query ended without <fin/>");
        };
        let page = Page {
            with,
            complete: fin.complete,
            first: fin.set.first.map(|f| f.item),
            last: fin.set.last,
        };
        // Catch-up goes on by itself until the archive is exhausted, or the
        // server stops making progress.
        let more = page.with.is_none() && !page.complete && page.last != after;
        if let Some(last) = page.last.clone().filter(|_| more) {
            self.catch_up(last);
        }
        self.event(Event::HistoryFetched(page));
    }
}

#[cfg(test)]
mod tests {
    use crate::session::tests::*;
    use crate::session::*;

    #[test]
    fn fetches_history_backwards_and_merges_it_with_live_messages() {
        let mut s = logged_in();
        s.handle_command(Command::FetchHistory {
            with: "juliet@example.net".parse().unwrap(),
            before: None,
            max: 20,
        });
        let sent = out(&mut s);
        // Compared as text: an empty <before/> is how RSM asks for the last page.
        assert_eq!(
            sent.iter().map(String::from).collect::<Vec<_>>(),
            [
                "<iq xmlns='jabber:client' id='t4' type='set'><query xmlns='urn:xmpp:mam:2' queryid='t4'>\
                 <x xmlns='jabber:x:data' type='submit'>\
                 <field type='hidden' var='FORM_TYPE'><value>urn:xmpp:mam:2</value></field>\
                 <field var='with'><value>juliet@example.net</value></field></x>\
                 <set xmlns='http://jabber.org/protocol/rsm'><max>20</max><before></before></set></query></iq>"
            ]
        );
        let result = |queryid: &str, from: &str, archive_id: &str, body: &str| {
            format!(
                "<message {C} from='{from}' to='user@example.com/abc'>\
                 <result xmlns='urn:xmpp:mam:2' queryid='{queryid}' id='{archive_id}'>\
                 <forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>\
                 <message {C} from='juliet@example.net/balcony' to='user@example.com/abc' type='chat' id='x{archive_id}'>\
                 <body>{body}</body></message></forwarded></result></message>"
            )
        };
        feed(&mut s, &result("t4", "user@example.com", "a1", "archived one"));
        // Results for no query of ours, or from someone else's archive, are
        // not history.
        feed(&mut s, &result("other", "user@example.com", "a2", "forged"));
        feed(&mut s, &result("t4", "mallory@evil.example", "a3", "forged"));
        // The same message arriving live with our server's stanza-id is a
        // duplicate.
        feed(
            &mut s,
            &format!(
                "<message {C} from='juliet@example.net/balcony' type='chat' id='xa1'><body>archived one</body>\
                 <stanza-id xmlns='urn:xmpp:sid:0' id='a1' by='user@example.com'/></message>"
            ),
        );
        feed(
            &mut s,
            &format!(
                "<iq {C} type='result' id='t4'><fin xmlns='urn:xmpp:mam:2' complete='true'>\
                 <set xmlns='http://jabber.org/protocol/rsm'><first>a1</first><last>a1</last></set></fin></iq>"
            ),
        );
        let ev = events(&mut s);
        assert_eq!(ev.len(), 4, "{ev:?}");
        assert!(
            matches!(&ev[0], Event::MessageReceived(m) if m.archived && m.stable_id.as_deref() == Some("a1")
                && m.body == "archived one" && m.timestamp_ms == 1_278_803_305_000),
            "{ev:?}"
        );
        let reason = |e: &Event| match e {
            Event::Ignored { reason } => reason.clone(),
            other => format!("not ignored: {other:?}"),
        };
        assert_eq!(
            [reason(&ev[1]), reason(&ev[2])],
            [
                "archive result for no query of ours",
                "archive result from a foreign JID"
            ]
        );
        assert_eq!(
            ev[3],
            Event::HistoryFetched(mam::Page {
                with: Some("juliet@example.net".parse().unwrap()),
                complete: true,
                first: Some("a1".into()),
                last: Some("a1".into()),
            })
        );
        // No receipt for archived messages.
        assert!(out(&mut s).is_empty());
    }

    #[test]
    fn catch_up_pages_until_the_archive_is_exhausted() {
        let mut s = logged_in();
        s.handle_command(Command::CatchUp { after: "a9".into() });
        let sent = out(&mut s);
        let q = sent[0].get_child("query", "urn:xmpp:mam:2").unwrap();
        let set = q.get_child("set", "http://jabber.org/protocol/rsm").unwrap();
        assert_eq!(
            set.get_child("after", "http://jabber.org/protocol/rsm")
                .unwrap()
                .text(),
            "a9"
        );
        feed(
            &mut s,
            &format!(
                "<iq {C} type='result' id='t4'><fin xmlns='urn:xmpp:mam:2'>\
                 <set xmlns='http://jabber.org/protocol/rsm'><first>b1</first><last>b100</last></set></fin></iq>"
            ),
        );
        let next = out(&mut s);
        let set = next[0]
            .get_child("query", "urn:xmpp:mam:2")
            .and_then(|q| q.get_child("set", "http://jabber.org/protocol/rsm"))
            .unwrap();
        assert_eq!(
            set.get_child("after", "http://jabber.org/protocol/rsm")
                .unwrap()
                .text(),
            "b100"
        );
        assert!(matches!(&events(&mut s)[..], [Event::HistoryFetched(p)] if !p.complete && p.with.is_none()));
    }

    #[test]
    fn catch_up_stops_when_the_server_makes_no_progress() {
        let mut s = logged_in();
        s.handle_command(Command::CatchUp { after: "a9".into() });
        out(&mut s);
        feed(
            &mut s,
            &format!(
                "<iq {C} type='result' id='t4'><fin xmlns='urn:xmpp:mam:2'>\
                 <set xmlns='http://jabber.org/protocol/rsm'><last>a9</last></set></fin></iq>"
            ),
        );
        assert!(out(&mut s).is_empty());
    }
}
