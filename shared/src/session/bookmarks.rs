//! XEP-0402: PEP Native Bookmarks, with XEP-0048 bookmarks in private XML
//! storage (XEP-0049) where the server cannot keep them in PEP. The
//! account's disco#info tells which (`urn:xmpp:bookmarks:1#compat`).
//! Bookmarks marked autojoin are joined once read, and changes that our
//! other devices publish are followed live.
//!
//! Read and written by hand, as the WASM's first load cannot afford
//! xmpp-parsers' pubsub and data-form code. Bounded: a thousand bookmarks,
//! their names and passwords cut.

use minidom::Element;
use xmpp_parsers::jid::{BareJid, Jid};

use super::muc::{MAX_NICK, MAX_SUBJECT, cut};
use super::{Event, Request, Session};
use crate::element::{self, ToElement, name};
use crate::ns;

/// The PEP node of XEP-0402.
pub const NODE: &str = ns::BOOKMARKS2;
/// What a server that keeps XEP-0402 and XEP-0048 in step advertises.
const COMPAT: &str = ns::BOOKMARKS2_COMPAT;
const PUBSUB: &str = ns::PUBSUB;
const PRIVATE: &str = ns::PRIVATE;
const STORAGE: &str = ns::BOOKMARKS;

/// Bookmarks kept at most.
pub const MAX_BOOKMARKS: usize = 1_000;

/// A room the person keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bookmark {
    /// The room.
    pub room: BareJid,
    /// Its name, as the person gave it.
    pub name: Option<String>,
    /// Join it on signing in.
    pub autojoin: bool,
    /// Our nick there.
    pub nick: Option<String>,
    /// Its password.
    pub password: Option<String>,
}

/// Where the account keeps its bookmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Place {
    /// Not known yet: the account's disco#info tells.
    #[default]
    Unknown,
    /// XEP-0402, in PEP.
    Pep,
    /// XEP-0048, in private XML storage: written whole each time.
    Private,
}

/// What a request about bookmarks was.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Ask {
    /// The account's disco#info.
    Place,
    /// The list.
    Fetch,
    /// A change, written.
    Write,
}

/// The account's bookmarks, as far as we know.
#[derive(Debug, Default)]
pub(super) struct Bookmarks {
    place: Place,
    list: Vec<Bookmark>,
}

impl Bookmarks {
    fn set(&mut self, b: Bookmark) -> bool {
        let full = self.list.len() >= MAX_BOOKMARKS;
        match self.list.iter_mut().find(|o| o.room == b.room) {
            Some(o) if *o == b => return false,
            Some(o) => *o = b,
            None if full => return false,
            None => self.list.push(b),
        }
        true
    }

    fn remove(&mut self, room: &BareJid) -> bool {
        let before = self.list.len();
        self.list.retain(|b| b.room != *room);
        self.list.len() != before
    }
}

/// A `<conference/>` of either XEP, with the room's JID from `jid`.
fn read_conference(c: &Element, room: &str, ns: &str) -> Option<Bookmark> {
    let child = |n: &str, max: usize| c.get_child(n, ns).map(|e| cut(&e.text(), max));
    Some(Bookmark {
        room: room.parse().ok()?,
        name: c.attr("name").map(|n| cut(n, MAX_SUBJECT)),
        autojoin: matches!(c.attr("autojoin"), Some("true" | "1")),
        nick: child("nick", MAX_NICK).filter(|n| !n.is_empty()),
        password: child("password", MAX_SUBJECT),
    })
}

fn conference(b: &Bookmark, ns: &str) -> Element {
    let mut c =
        Element::builder("conference", ns).attr(name("autojoin"), if b.autojoin { "true" } else { "false" });
    if let Some(n) = &b.name {
        c = c.attr(name("name"), n.clone());
    }
    if ns == STORAGE {
        c = c.attr(name("jid"), b.room.to_string());
    }
    if let Some(nick) = &b.nick {
        c = c.append(Element::builder("nick", ns).append(nick.clone()));
    }
    if let Some(p) = &b.password {
        c = c.append(Element::builder("password", ns).append(p.clone()));
    }
    c.build()
}

/// XEP-0402 §3: the node is private and keeps every item.
fn publish_options() -> Element {
    let field = |var: &str, value: &str| element::form_field(var, false, [value]);
    let form = element::submit_form(
        "http://jabber.org/protocol/pubsub#publish-options",
        [
            field("pubsub#persist_items", "true"),
            field("pubsub#max_items", "max"),
            field("pubsub#send_last_published_item", "never"),
            field("pubsub#access_model", "whitelist"),
        ],
    );
    Element::builder("publish-options", PUBSUB).append(form).build()
}

impl Session {
    /// Reads the bookmarks, once our presence is out: first where they are
    /// kept, if not known yet.
    pub(super) fn fetch_bookmarks(&mut self) {
        match self.bookmarks.place {
            Place::Unknown => {
                let id = self.ask(Request::Bookmarks(Ask::Place));
                let query = Element::builder("query", ns::DISCO_INFO).build();
                let iq = element::get_element(id, query).with_to(Jid::from(self.jid.clone()));
                self.send_stanza(iq.to_element(), None);
            }
            Place::Pep => {
                let items = Element::builder("items", PUBSUB).attr(name("node"), NODE);
                let pubsub = Element::builder("pubsub", PUBSUB).append(items).build();
                let id = self.ask(Request::Bookmarks(Ask::Fetch));
                self.send_stanza(element::get_element(id, pubsub).to_element(), None);
            }
            Place::Private => {
                let storage = Element::builder("storage", STORAGE);
                let query = Element::builder("query", PRIVATE).append(storage).build();
                let id = self.ask(Request::Bookmarks(Ask::Fetch));
                self.send_stanza(element::get_element(id, query).to_element(), None);
            }
        }
    }

    /// An answer about bookmarks; `None` when it was an error.
    pub(super) fn bookmarks_answer(&mut self, ask: Ask, payload: Option<Element>) {
        match ask {
            Ask::Place => {
                let features = payload
                    .filter(|p| p.is("query", ns::DISCO_INFO))
                    .map(|q| super::caps::read_info(&q).0)
                    .unwrap_or_default();
                let pep = features.iter().any(|f| f == COMPAT);
                self.bookmarks.place = if pep { Place::Pep } else { Place::Private };
                self.fetch_bookmarks();
            }
            // No node yet, or nothing stored: no bookmarks.
            Ask::Fetch => self.bookmarks_read(payload),
            Ask::Write => {}
        }
    }

    fn bookmarks_read(&mut self, payload: Option<Element>) {
        let mut list = Vec::new();
        let conferences: Vec<(Element, String, &str)> = match (&payload, self.bookmarks.place) {
            (Some(p), Place::Pep) => p
                .get_child("items", PUBSUB)
                .into_iter()
                .flat_map(|items| items.children().filter(|i| i.is("item", PUBSUB)))
                .filter_map(|i| {
                    let c = i.get_child("conference", NODE)?;
                    Some((c.clone(), i.attr("id")?.to_owned(), NODE))
                })
                .take(MAX_BOOKMARKS)
                .collect(),
            (Some(p), _) => p
                .get_child("storage", STORAGE)
                .into_iter()
                .flat_map(|s| s.children().filter(|c| c.is("conference", STORAGE)))
                .filter_map(|c| Some((c.clone(), c.attr("jid")?.to_owned(), STORAGE)))
                .take(MAX_BOOKMARKS)
                .collect(),
            (None, _) => Vec::new(),
        };
        for (c, room, ns) in conferences {
            if let Some(b) = read_conference(&c, &room, ns)
                && !list.iter().any(|o: &Bookmark| o.room == b.room)
            {
                list.push(b);
            }
        }
        self.bookmarks.list = list.clone();
        for b in list.iter().filter(|b| b.autojoin) {
            self.autojoin(b);
        }
        self.event(Event::BookmarksReceived { bookmarks: list });
    }

    /// Joins a bookmarked room we are not in yet.
    fn autojoin(&mut self, b: &Bookmark) {
        if self.rooms.is_room(&b.room) {
            return;
        }
        let nick = b
            .nick
            .clone()
            .or_else(|| self.jid.node().map(|n| n.to_string()))
            .unwrap_or_else(|| "parlons".to_owned());
        self.join_room(b.room.clone(), nick, b.password.clone());
    }

    /// Adds or changes a bookmark, and writes it where the account keeps them.
    pub(super) fn set_bookmark(&mut self, b: Bookmark) {
        if !self.bookmarks.set(b.clone()) {
            return;
        }
        self.event(Event::BookmarkChanged { bookmark: b.clone() });
        if self.bookmarks.place == Place::Pep {
            let item = Element::builder("item", PUBSUB)
                .attr(name("id"), b.room.to_string())
                .append(conference(&b, NODE));
            let publish = Element::builder("publish", PUBSUB)
                .attr(name("node"), NODE)
                .append(item);
            let pubsub = Element::builder("pubsub", PUBSUB)
                .append(publish)
                .append(publish_options())
                .build();
            self.write_bookmarks(pubsub);
        } else {
            self.write_storage();
        }
    }

    /// Removes a bookmark.
    pub(super) fn remove_bookmark(&mut self, room: BareJid) {
        if !self.bookmarks.remove(&room) {
            return;
        }
        self.event(Event::BookmarkRemoved { room: room.clone() });
        if self.bookmarks.place == Place::Pep {
            let item = Element::builder("item", PUBSUB).attr(name("id"), room.to_string());
            let retract = Element::builder("retract", PUBSUB)
                .attr(name("node"), NODE)
                .attr(name("notify"), "true")
                .append(item);
            self.write_bookmarks(Element::builder("pubsub", PUBSUB).append(retract).build());
        } else {
            self.write_storage();
        }
    }

    /// XEP-0048: the whole list, each time.
    fn write_storage(&mut self) {
        let conferences = self.bookmarks.list.iter().map(|b| conference(b, STORAGE));
        let storage = Element::builder("storage", STORAGE).append_all(conferences);
        self.write_bookmarks(Element::builder("query", PRIVATE).append(storage).build());
    }

    fn write_bookmarks(&mut self, payload: Element) {
        if !self.is_ready() || self.bookmarks.place == Place::Unknown {
            return self.ignore("bookmarks changed before they were read; not written");
        }
        let id = self.ask(Request::Bookmarks(Ask::Write));
        self.send_stanza(element::set_element(id, payload).to_element(), None);
    }

    /// A PEP notification about our bookmarks, from another device of
    /// ours (XEP-0402 §4): true when `event` was one.
    pub(super) fn bookmarks_pushed(&mut self, from_own_account: bool, event: &Element) -> bool {
        let Some(items) = event
            .get_child("items", ns::PUBSUB_EVENT)
            .filter(|i| i.attr("node") == Some(NODE))
        else {
            return false;
        };
        if !from_own_account {
            self.ignore("bookmarks from someone else");
            return true;
        }
        for c in items.children().take(MAX_BOOKMARKS) {
            let Some(id) = c.attr("id") else { continue };
            if c.is("retract", ns::PUBSUB_EVENT) {
                if let Ok(room) = id.parse::<BareJid>()
                    && self.bookmarks.remove(&room)
                {
                    self.event(Event::BookmarkRemoved { room });
                }
            } else if let Some(b) = c
                .get_child("conference", NODE)
                .and_then(|conf| read_conference(conf, id, NODE))
                && self.bookmarks.set(b.clone())
            {
                if b.autojoin {
                    self.autojoin(&b);
                }
                self.event(Event::BookmarkChanged { bookmark: b });
            }
        }
        true
    }
}

#[cfg(test)]
mod tests;
