//! XEP-0313: Message Archive Management, paged with XEP-0059 (RSM):
//! history by conversation, backwards, and, at each new session, catch-up
//! since the newest archive id we know, before any history.

use crate::element::{self, ToElement, name};
use crate::ns;
use minidom::Element;
use xmpp_parsers::jid::{BareJid, Jid};
use xmpp_parsers::mam;
use xmpp_parsers::rsm::SetQuery;

use super::{ConversationId, Direction, Event, Request, Session};

/// The query's form (XEP-0004).
fn query_form(with: Option<&BareJid>) -> Element {
    let with = with.map(|w| element::form_field("with", false, [w.as_str()]));
    element::submit_form(ns::MAM, with)
}

/// A page of history: which conversation, and where it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The conversation, or `None` for catch-up over all of them.
    pub with: Option<ConversationId>,
    /// No more results in this direction.
    pub complete: bool,
    /// The oldest archive id in the page: ask `before` it for more.
    pub first: Option<String>,
    /// The newest archive id in the page.
    pub last: Option<String>,
}

/// How far we have read our archive: the owner may keep it across page
/// loads ([`Session::archive_position`]), so that the next session catches
/// up from there.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Position {
    /// Not known yet: the first session asks where the archive ends.
    #[default]
    Unknown,
    /// The archive was empty: everything in it is new.
    Start,
    /// Up to this archive id.
    At(String),
}

/// What we know of our archive.
#[derive(Debug, Default)]
pub(super) struct Archive {
    /// How far we have read it.
    position: Position,
    /// A new session's catch-up is under way, or about to be.
    catching_up: bool,
    /// History asked for meanwhile, sent once catch-up is done: the two
    /// bring the same messages, stamped to the same second, and only the
    /// order in which they come can sort those.
    waiting: Vec<HistoryAsk>,
}

impl Archive {
    /// A new session: catch-up comes first, then history.
    pub fn new_session(&mut self) {
        self.catching_up = true;
    }
}

/// A page of history to ask for: with whom, before which archive id, and
/// how many messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct HistoryAsk {
    with: ConversationId,
    before: Option<String>,
    max: usize,
}

/// What a query of ours asks the archive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Query {
    /// Older messages of one conversation, which the person asked for: a
    /// room's from the room's own archive.
    History(ConversationId),
    /// The newest message, to learn where the archive ends.
    Head,
    /// Everything after an archive id (from the start when `None`), over
    /// every conversation.
    CatchUp(Option<String>),
    /// What a room archived after the newest message we saw there, once
    /// joined again in a new session.
    RoomCatchUp(BareJid, String),
}

impl Query {
    /// The conversation a history query is about.
    pub(super) fn with(&self) -> Option<ConversationId> {
        match self {
            Self::History(with) => Some(with.clone()),
            Self::Head | Self::CatchUp(_) | Self::RoomCatchUp(..) => None,
        }
    }

    /// The room whose archive it asks, if not ours (XEP-0313 §5.1.2).
    pub(super) fn room(&self) -> Option<&BareJid> {
        match self {
            Self::History(ConversationId::Room(room)) | Self::RoomCatchUp(room, _) => Some(room),
            _ => None,
        }
    }
}

impl Session {
    /// How far the archive has been read, to keep for the next session.
    pub fn archive_position(&self) -> &Position {
        &self.archive.position
    }

    /// Starts from an archive position kept from an earlier session: the
    /// first session catches up from there.
    pub fn with_archive_position(mut self, position: Position) -> Self {
        self.archive.position = position;
        self
    }

    /// Asks for the `max` messages with `with` before the archive id
    /// `before` (the newest ones when `None`).
    pub(super) fn fetch_history(&mut self, with: ConversationId, before: Option<String>, max: usize) {
        let ask = HistoryAsk { with, before, max };
        if self.archive.catching_up {
            return self.archive.waiting.push(ask);
        }
        let set = SetQuery {
            max: Some(ask.max),
            after: None,
            before: Some(ask.before.unwrap_or_default()),
            index: None,
        };
        self.mam_query(Query::History(ask.with), set);
    }

    /// Catch-up is over, or there is none: the history asked for
    /// meanwhile goes.
    pub(super) fn caught_up(&mut self) {
        self.archive.catching_up = false;
        for ask in std::mem::take(&mut self.archive.waiting) {
            self.fetch_history(ask.with, ask.before, ask.max);
        }
    }

    /// The session ended: history still waiting fails with it.
    pub(super) fn archive_session_ended(&mut self) -> Vec<ConversationId> {
        std::mem::take(&mut self.archive.waiting)
            .into_iter()
            .map(|ask| ask.with)
            .collect()
    }

    /// Asks for what arrived after the archive id `after` (from the start
    /// when `None`), over every conversation; pages follow until the
    /// archive is exhausted.
    pub(super) fn catch_up(&mut self, after: Option<String>) {
        self.archive.catching_up = true;
        let set = SetQuery {
            max: Some(100),
            after: after.clone(),
            before: None,
            index: None,
        };
        self.mam_query(Query::CatchUp(after), set);
    }

    /// A new session: what arrived while we were away, or, on the first,
    /// where the archive ends.
    pub(super) fn sync_archive(&mut self) {
        match self.archive.position.clone() {
            Position::Unknown => {
                // Nothing to catch up on: where the archive ends is all.
                self.caught_up();
                let last = SetQuery {
                    max: Some(1),
                    after: None,
                    before: Some(String::new()),
                    index: None,
                };
                self.mam_query(Query::Head, last);
            }
            Position::Start => self.catch_up(None),
            Position::At(id) => self.catch_up(Some(id)),
        }
    }

    fn mam_query(&mut self, query: Query, set: SetQuery) {
        let id = self.id();
        // A room's archive holds only the room: no `with`.
        let with = match query.with() {
            Some(ConversationId::Chat(jid)) => Some(jid),
            Some(ConversationId::Private(occupant)) => Some(occupant.to_bare()),
            Some(ConversationId::Room(_)) | None => None,
        };
        let el = Element::builder("query", ns::MAM)
            .attr(name("queryid"), id.clone())
            .append(query_form(with.as_ref()))
            .append(set.to_element())
            .build();
        let mut iq = element::set_element(id.clone(), el);
        if let Some(room) = query.room() {
            iq = iq.with_to(Jid::from(room.clone()));
        }
        self.pending.insert(id, Request::Mam(query));
        self.send_stanza(iq.to_element(), None);
    }

    /// A `<result/>` of one of our queries, from the archive we asked:
    /// ours, or a room's.
    pub(super) fn mam_result(&mut self, from: Option<&Jid>, result: Element) {
        let result = match mam::Result_::try_from(result) {
            Ok(r) => r,
            Err(e) => return self.ignore(format!("invalid archive result: {e}")),
        };
        let query = match result.queryid.as_ref().and_then(|q| self.pending.get(&q.0)) {
            Some(Request::Mam(query)) => query.clone(),
            _ => return self.ignore("archive result for no query of ours"),
        };
        let expected = match query.room() {
            Some(room) => super::muc::is_room(from, room),
            None => self.is_own_account(from),
        };
        if !expected {
            return self.ignore("archive result from a foreign JID");
        }
        if let Some(room) = query.room() {
            let archived = super::muc::FromArchive {
                id: result.id,
                stamp: result.forwarded.delay.map(|d| d.stamp),
                new: matches!(query, Query::RoomCatchUp(..)),
            };
            return self.archived_groupchat(room.clone(), result.forwarded.message, archived);
        }
        // Only where the archive ends counts: the message was seen before.
        if query == Query::Head {
            return;
        }
        let message = result.forwarded.message;
        let outgoing = message.from.as_ref().is_some_and(|f| f.to_bare() == self.jid);
        let direction = if outgoing {
            Direction::Outgoing
        } else {
            Direction::Incoming
        };
        let stamp = result.forwarded.delay.map(|d| d.stamp);
        // Caught up, a message is as new to the person as a live one.
        let new = matches!(query, Query::CatchUp(_));
        self.archived_message(message, direction, result.id, stamp, new);
    }

    /// The `<fin/>` that ends a page.
    pub(super) fn mam_fin(&mut self, query: Query, payload: Option<Element>) {
        let Some(fin) = payload.and_then(|p| mam::Fin::try_from(p).ok()) else {
            if matches!(query, Query::CatchUp(_)) {
                self.caught_up();
            }
            return self.ignore("archive query ended without <fin/>");
        };
        let page = Page {
            with: query.with(),
            complete: fin.complete,
            first: fin.set.first.map(|f| f.item),
            last: fin.set.last,
        };
        match query {
            Query::History(_) => {}
            // Bookkeeping too: it goes on until the room's archive is
            // exhausted, or the room makes no progress.
            Query::RoomCatchUp(room, after) => {
                let next = page.last.filter(|l| *l != after);
                if let Some(last) = &next {
                    self.rooms.archived_live(&room, last);
                }
                if let Some(last) = next.filter(|_| !page.complete) {
                    self.room_catch_up(room, last);
                }
                return;
            }
            // Bookkeeping, not history: no event.
            Query::Head => {
                if self.archive.position == Position::Unknown {
                    self.archive.position = page.last.map_or(Position::Start, Position::At);
                }
                return;
            }
            // Catch-up goes on by itself until the archive is exhausted, or
            // the server stops making progress.
            Query::CatchUp(after) => {
                let next = page.last.clone().filter(|l| Some(l) != after.as_ref());
                if let Some(last) = &next {
                    self.archive.position = Position::At(last.clone());
                }
                match next.filter(|_| !page.complete) {
                    Some(last) => self.catch_up(Some(last)),
                    None => self.caught_up(),
                }
            }
        }
        self.event(Event::HistoryFetched(page));
    }

    /// Asks `room`'s archive for what came after `after`.
    pub(super) fn room_catch_up(&mut self, room: BareJid, after: String) {
        let set = SetQuery {
            max: Some(100),
            after: Some(after.clone()),
            before: None,
            index: None,
        };
        self.mam_query(Query::RoomCatchUp(room, after), set);
    }

    /// Our server archived a message we saw live as `id`.
    pub(super) fn archived_live(&mut self, id: &str) {
        self.archive.position = Position::At(id.to_owned());
    }
}

#[cfg(test)]
mod tests {
    use super::Position;
    use crate::session::tests::*;
    use crate::session::*;

    /// A result of query `queryid` from the archive of `from`: juliet's
    /// message `body`, archived as `archive_id`.
    fn result(queryid: &str, from: &str, archive_id: &str, body: &str) -> String {
        format!(
            "<message {C} from='{from}' to='user@example.com/abc'>\
             <result xmlns='urn:xmpp:mam:2' queryid='{queryid}' id='{archive_id}'>\
             <forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='2010-07-10T23:08:25Z'/>\
             <message {C} from='juliet@example.net/balcony' to='user@example.com/abc' type='chat' id='x{archive_id}'>\
             <body>{body}</body></message></forwarded></result></message>"
        )
    }

    /// The `<fin/>` that ends query `id`, from `first` to `last`.
    fn fin(id: &str, complete: bool, first: &str, last: &str) -> String {
        format!(
            "<iq {C} type='result' id='{id}'><fin xmlns='urn:xmpp:mam:2' complete='{complete}'>\
             <set xmlns='http://jabber.org/protocol/rsm'><first>{first}</first><last>{last}</last></set></fin></iq>"
        )
    }

    #[test]
    fn fetches_history_backwards_and_merges_it_with_live_messages() {
        let mut s = logged_in();
        s.handle_command(Command::FetchHistory {
            with: chat("juliet@example.net"),
            before: None,
            max: 20,
        });
        let sent = out(&mut s);
        // Compared as text: an empty <before/> is how RSM asks for the last page.
        assert_eq!(
            sent.iter().map(String::from).collect::<Vec<_>>(),
            [
                "<iq xmlns='jabber:client' id='t6' type='set'><query xmlns='urn:xmpp:mam:2' queryid='t6'>\
                 <x xmlns='jabber:x:data' type='submit'>\
                 <field type='hidden' var='FORM_TYPE'><value>urn:xmpp:mam:2</value></field>\
                 <field var='with'><value>juliet@example.net</value></field></x>\
                 <set xmlns='http://jabber.org/protocol/rsm'><max>20</max><before></before></set></query></iq>"
            ]
        );
        feed(&mut s, &result("t6", "user@example.com", "a1", "archived one"));
        // Results for no query of ours, or from someone else's archive, are
        // not history.
        feed(&mut s, &result("other", "user@example.com", "a2", "forged"));
        feed(&mut s, &result("t6", "mallory@evil.example", "a3", "forged"));
        // The same message arriving live with our server's stanza-id has
        // the same key.
        feed(
            &mut s,
            &format!(
                "<message {C} from='juliet@example.net/balcony' type='chat' id='xa1'><body>archived one</body>\
                 <stanza-id xmlns='urn:xmpp:sid:0' id='a1' by='user@example.com'/></message>"
            ),
        );
        feed(&mut s, &fin("t6", true, "a1", "a1"));
        let ev = events(&mut s);
        assert_eq!(ev.len(), 5, "{ev:?}");
        assert!(
            matches!(&ev[0], Event::MessageReceived(m) if m.archived && m.from_archive && m.stable_id.as_deref() == Some("a1")
                && m.body == "archived one" && m.timestamp_ms == 1_278_803_305_000),
            "{ev:?}"
        );
        let reason = |e: &Event| match e {
            Event::Ignored { reason } => reason.clone(),
            other => format!("not ignored: {other:?}"),
        };
        assert!(
            matches!(&ev[3], Event::MessageReceived(m) if !m.from_archive && m.stable_id.as_deref() == Some("a1")),
            "{ev:?}"
        );
        assert_eq!(
            [reason(&ev[1]), reason(&ev[2])],
            [
                "archive result for no query of ours",
                "archive result from a foreign JID"
            ]
        );
        assert_eq!(
            ev[4],
            Event::HistoryFetched(mam::Page {
                with: Some(chat("juliet@example.net")),
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
        feed(&mut s, &fin("t6", false, "b1", "b100"));
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

    /// Drops the stream for good and binds a new session; returns what it
    /// sent once bound.
    fn new_session(s: &mut Session) -> Vec<Element> {
        rebind(s);
        roster_in(s)
    }

    /// Drops the stream for good and binds a new session, roster not in.
    fn rebind(s: &mut Session) {
        s.handle_command(Command::ConnectionLost);
        s.handle_command(Command::Disconnect);
        authenticate(s);
        feed(s, FEATURES_BIND);
        let bind = out(s);
        let id = bind.last().and_then(|b| b.attr("id")).unwrap();
        feed(s, &bind_result().replace("id='t1'", &format!("id='{id}'")));
    }

    /// The roster comes in; returns what was sent then.
    fn roster_in(s: &mut Session) -> Vec<Element> {
        // The archive is asked once the roster is in and we are available:
        // what comes before is archived, not delivered.
        let sent = out(s);
        assert!(
            !sent.iter().any(|e| e.has_child("query", "urn:xmpp:mam:2")),
            "{sent:?}"
        );
        let roster = sent
            .iter()
            .find(|e| e.has_child("query", "jabber:iq:roster"))
            .unwrap();
        feed(
            s,
            &format!("<iq {C} type='result' id='{}'/>", roster.attr("id").unwrap()),
        );
        events(s);
        out(s)
    }

    fn rsm(query: &Element, name: &str) -> Option<String> {
        query
            .get_child("query", "urn:xmpp:mam:2")?
            .get_child("set", "http://jabber.org/protocol/rsm")?
            .get_child(name, "http://jabber.org/protocol/rsm")
            .map(|e| e.text())
    }

    #[test]
    fn a_new_session_catches_up_from_the_newest_archive_id_seen() {
        let mut s = logged_in();
        // The first session asked where the archive ends (t4): the answer
        // is bookkeeping, reported as nothing.
        feed(&mut s, &result("t4", "user@example.com", "a5", "seen before"));
        feed(&mut s, &fin("t4", false, "a5", "a5"));
        assert_eq!(events(&mut s), []);
        // A live message archived after it, with our server's id.
        feed(
            &mut s,
            &format!(
                "<message {C} from='juliet@example.net/a' type='chat' id='j7'><body>live</body>\
                 <stanza-id xmlns='urn:xmpp:sid:0' id='a7' by='user@example.com'/></message>"
            ),
        );
        events(&mut s);
        let sent = new_session(&mut s);
        let query = sent
            .iter()
            .find(|e| e.has_child("query", "urn:xmpp:mam:2"))
            .unwrap();
        assert_eq!(rsm(query, "after").as_deref(), Some("a7"));
        assert_eq!(rsm(query, "before"), None);
        // What it finds is new, unlike history, but stamped by the archive.
        let queryid = query.attr("id").unwrap().to_owned();
        feed(&mut s, &result(&queryid, "user@example.com", "a8", "while away"));
        feed(&mut s, &fin(&queryid, true, "a8", "a8"));
        let ev = events(&mut s);
        assert!(
            matches!(&ev[0], Event::MessageReceived(m) if !m.archived && m.from_archive && m.body == "while away"),
            "{ev:?}"
        );
        // Exhausted: no more pages; the next session goes on from a8.
        assert!(out(&mut s).is_empty());
        let sent = new_session(&mut s);
        let query = sent
            .iter()
            .find(|e| e.has_child("query", "urn:xmpp:mam:2"))
            .unwrap();
        assert_eq!(rsm(query, "after").as_deref(), Some("a8"));
    }

    /// The first session learnt that the archive ends at a5.
    fn knowing_the_archive() -> Session {
        let mut s = logged_in();
        feed(&mut s, &fin("t4", false, "a5", "a5"));
        events(&mut s);
        s
    }

    fn ask_history(s: &mut Session) {
        s.handle_command(Command::FetchHistory {
            with: chat("juliet@example.net"),
            before: None,
            max: 20,
        });
    }

    fn mam_queries(sent: &[Element]) -> Vec<&Element> {
        sent.iter()
            .filter(|e| e.has_child("query", "urn:xmpp:mam:2"))
            .collect()
    }

    /// The one archive query in what was sent.
    fn sole_query(sent: &[Element]) -> &Element {
        match mam_queries(sent)[..] {
            [query] => query,
            _ => panic!("{sent:?}"),
        }
    }

    /// The latest page of history and catch-up bring the same messages,
    /// stamped to the same second: in flight together, they came in an
    /// order that showed three messages after ten sent later.
    #[test]
    fn history_asked_during_catch_up_waits_for_it() {
        let mut s = knowing_the_archive();
        rebind(&mut s);
        ask_history(&mut s);
        let sent = roster_in(&mut s);
        let catch_up = sole_query(&sent);
        assert_eq!(rsm(catch_up, "after").as_deref(), Some("a5"));
        let queryid = catch_up.attr("id").unwrap().to_owned();
        // A page with more to come: still catching up.
        feed(&mut s, &fin(&queryid, false, "a6", "a106"));
        let sent = out(&mut s);
        let next = sole_query(&sent);
        assert_eq!(rsm(next, "after").as_deref(), Some("a106"));
        let queryid = next.attr("id").unwrap().to_owned();
        feed(&mut s, &fin(&queryid, true, "a107", "a110"));
        let sent = out(&mut s);
        let history = sole_query(&sent);
        assert_eq!(rsm(history, "before").as_deref(), Some(""));
        assert!(String::from(history).contains("<value>juliet@example.net</value>"));
        // Caught up: history goes at once.
        ask_history(&mut s);
        assert_eq!(mam_queries(&out(&mut s)).len(), 1);
    }

    /// A new session with history asked before its catch-up: the session
    /// and the catch-up query's id.
    fn history_behind_catch_up() -> (Session, String) {
        let mut s = knowing_the_archive();
        rebind(&mut s);
        ask_history(&mut s);
        let sent = roster_in(&mut s);
        let queryid = mam_queries(&sent)[0].attr("id").unwrap().to_owned();
        (s, queryid)
    }

    #[test]
    fn history_waits_no_longer_when_catch_up_fails() {
        let (mut s, queryid) = history_behind_catch_up();
        feed(
            &mut s,
            &format!(
                "<iq {C} type='error' id='{queryid}'><error type='cancel'>\
                 <item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></iq>"
            ),
        );
        assert!(matches!(
            &events(&mut s)[..],
            [Event::HistoryFailed { with: None, .. }]
        ));
        assert_eq!(mam_queries(&out(&mut s)).len(), 1);
    }

    #[test]
    fn history_waits_no_longer_when_catch_up_ends_without_fin() {
        let (mut s, queryid) = history_behind_catch_up();
        feed(&mut s, &format!("<iq {C} type='result' id='{queryid}'/>"));
        assert_eq!(ignored(&mut s), ["archive query ended without <fin/>"]);
        assert_eq!(mam_queries(&out(&mut s)).len(), 1);
    }

    #[test]
    fn history_waiting_for_catch_up_fails_when_the_session_ends() {
        let mut s = knowing_the_archive();
        rebind(&mut s);
        ask_history(&mut s);
        events(&mut s);
        rebind(&mut s);
        let ev = events(&mut s);
        assert!(
            ev.contains(&Event::HistoryFailed {
                with: Some(chat("juliet@example.net")),
                error: RequestError::SessionEnded
            }),
            "{ev:?}"
        );
        // Not asked again by itself: the next session catches up alone.
        let sent = roster_in(&mut s);
        assert_eq!(mam_queries(&sent).len(), 1);
        assert_eq!(rsm(mam_queries(&sent)[0], "after").as_deref(), Some("a5"));
    }

    #[test]
    fn a_kept_position_is_caught_up_from_in_the_first_session() {
        let mut s = session().with_archive_position(mam::Position::At("a9".into()));
        authenticate(&mut s);
        feed(&mut s, FEATURES_BIND);
        feed(&mut s, &bind_result());
        feed(&mut s, &format!("<iq {C} type='result' id='t2'/>"));
        let sent = out(&mut s);
        let query = sent
            .iter()
            .find(|e| e.has_child("query", "urn:xmpp:mam:2"))
            .unwrap();
        assert_eq!(rsm(query, "after").as_deref(), Some("a9"));
        assert_eq!(s.archive_position(), &Position::At("a9".into()));
    }

    #[test]
    fn an_archive_empty_at_first_is_caught_up_from_its_start() {
        let mut s = logged_in();
        feed(
            &mut s,
            &format!(
                "<iq {C} type='result' id='t4'><fin xmlns='urn:xmpp:mam:2' complete='true'><set xmlns='http://jabber.org/protocol/rsm'/></fin></iq>"
            ),
        );
        let sent = new_session(&mut s);
        let query = sent
            .iter()
            .find(|e| e.has_child("query", "urn:xmpp:mam:2"))
            .unwrap();
        assert_eq!((rsm(query, "after"), rsm(query, "before")), (None, None));
        assert_eq!(rsm(query, "max").as_deref(), Some("100"));
    }

    #[test]
    fn catch_up_stops_when_the_server_makes_no_progress() {
        let mut s = logged_in();
        s.handle_command(Command::CatchUp { after: "a9".into() });
        out(&mut s);
        feed(
            &mut s,
            &format!(
                "<iq {C} type='result' id='t6'><fin xmlns='urn:xmpp:mam:2'>\
                 <set xmlns='http://jabber.org/protocol/rsm'><last>a9</last></set></fin></iq>"
            ),
        );
        assert!(out(&mut s).is_empty());
    }
}
