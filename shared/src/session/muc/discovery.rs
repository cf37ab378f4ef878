//! XEP-0045 §6 with XEP-0030: finding rooms. Our server's items that are
//! text conferences are its room services; a service's items are its
//! public rooms; a room's disco#info (with its `muc#roominfo` form) tells
//! its name, occupant count and features before joining.

use minidom::Element;
use xmpp_parsers::jid::{BareJid, Jid};

use super::{MAX_SUBJECT, cut};
use crate::element::{self, ToElement};
use crate::ns;
use crate::session::{Event, Request, Session};

/// Items read at most from one disco#items answer.
pub const MAX_ITEMS: usize = 1_000;
/// Our server's items asked whether they are room services, at most.
const MAX_SERVICES_ASKED: usize = 20;

/// A room as a service lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedRoom {
    /// Its address.
    pub room: BareJid,
    /// Its name, when the service gives one.
    pub name: Option<String>,
}

/// What a room says of itself before we join it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoomInfo {
    /// Its name.
    pub name: Option<String>,
    /// Its description.
    pub description: Option<String>,
    /// How many are in it, when it says.
    pub occupants: Option<u32>,
    /// It needs a password.
    pub password: bool,
    /// Only members may join.
    pub members_only: bool,
    /// It is listed by its service.
    pub public: bool,
    /// It stays when empty.
    pub persistent: bool,
    /// Only those with voice may speak.
    pub moderated: bool,
    /// Occupants' real JIDs are shown to all.
    pub non_anonymous: bool,
    /// It keeps an archive (XEP-0313).
    pub archived: bool,
}

/// A disco#info `<query/>`, read as a room's.
pub(super) fn room_info(query: &Element) -> RoomInfo {
    let mut info = RoomInfo::default();
    for c in query.children() {
        if c.is("identity", ns::DISCO_INFO) && c.attr("category") == Some("conference") {
            info.name = c.attr("name").map(|n| cut(n, MAX_SUBJECT));
        } else if c.is("feature", ns::DISCO_INFO) {
            match c.attr("var").unwrap_or_default() {
                "muc_passwordprotected" => info.password = true,
                "muc_membersonly" => info.members_only = true,
                "muc_public" => info.public = true,
                "muc_persistent" => info.persistent = true,
                "muc_moderated" => info.moderated = true,
                "muc_nonanonymous" => info.non_anonymous = true,
                ns::MAM => info.archived = true,
                _ => {}
            }
        } else if c.is("x", ns::DATA_FORMS) {
            for f in c.children().filter(|f| f.is("field", ns::DATA_FORMS)) {
                let value = || f.get_child("value", ns::DATA_FORMS).map(|v| v.text());
                match f.attr("var").unwrap_or_default() {
                    "muc#roominfo_occupants" => info.occupants = value().and_then(|v| v.trim().parse().ok()),
                    "muc#roominfo_description" => {
                        info.description = value().map(|d| cut(&d, MAX_SUBJECT)).filter(|d| !d.is_empty());
                    }
                    _ => {}
                }
            }
        }
    }
    info
}

/// A disco#items answer's items, valid and bounded.
fn items(payload: Option<Element>) -> Vec<ListedRoom> {
    payload
        .filter(|p| p.is("query", ns::DISCO_ITEMS))
        .map(|q| {
            q.children()
                .filter(|i| i.is("item", ns::DISCO_ITEMS))
                .take(MAX_ITEMS)
                .filter_map(|i| {
                    Some(ListedRoom {
                        room: i.attr("jid")?.parse().ok()?,
                        name: i.attr("name").map(|n| cut(n, MAX_SUBJECT)),
                    })
                })
                .collect()
        })
        .unwrap_or_default()
}

/// What a discovery request was for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(in crate::session) enum Discovery {
    /// Our server's items, to find its room services.
    ServerItems,
    /// Whether one of them is a room service.
    ServiceInfo(BareJid),
    /// A service's public rooms.
    Rooms(BareJid),
    /// One room's info.
    Room(BareJid),
}

impl Discovery {
    /// Whom the answer must come from.
    pub(in crate::session) fn peer(&self) -> Option<&BareJid> {
        match self {
            Self::ServerItems => None,
            Self::ServiceInfo(j) | Self::Rooms(j) | Self::Room(j) => Some(j),
        }
    }
}

impl Session {
    fn disco(&mut self, what: Discovery, to: BareJid, items: bool) {
        if !self.is_ready() {
            return self.ignore("a request while offline; ask again once connected");
        }
        let q = Element::builder("query", if items { ns::DISCO_ITEMS } else { ns::DISCO_INFO }).build();
        let id = self.ask(Request::Discovery(what));
        let iq = element::get_element(id, q).with_to(Jid::from(to));
        self.send_stanza(iq.to_element(), None);
    }

    /// Finds our server's room services.
    pub(super) fn find_room_services(&mut self) {
        let server = BareJid::from_parts(None, self.jid.domain());
        self.disco(Discovery::ServerItems, server, true);
    }

    /// Lists a service's public rooms.
    pub(super) fn list_rooms(&mut self, service: BareJid) {
        self.disco(Discovery::Rooms(service.clone()), service, true);
    }

    /// Asks a room about itself.
    pub(super) fn describe_room(&mut self, room: BareJid) {
        self.disco(Discovery::Room(room.clone()), room, false);
    }

    /// An answer to a discovery request; `None` when it failed.
    pub(in crate::session) fn discovered(&mut self, what: Discovery, payload: Option<Element>) {
        match what {
            Discovery::ServerItems => {
                let services = items(payload);
                for s in services.into_iter().take(MAX_SERVICES_ASKED) {
                    self.disco(Discovery::ServiceInfo(s.room.clone()), s.room, false);
                }
            }
            Discovery::ServiceInfo(service) => {
                let conference = payload
                    .filter(|p| p.is("query", ns::DISCO_INFO))
                    .is_some_and(|q| {
                        q.children().any(|c| {
                            c.is("identity", ns::DISCO_INFO)
                                && c.attr("category") == Some("conference")
                                && c.attr("type") == Some("text")
                        })
                    });
                if conference {
                    self.event(Event::RoomServiceFound { service });
                }
            }
            Discovery::Rooms(service) => {
                let rooms = items(payload);
                self.event(Event::RoomsListed { service, rooms });
            }
            Discovery::Room(room) => {
                let info = payload
                    .filter(|p| p.is("query", ns::DISCO_INFO))
                    .map(|q| room_info(&q));
                self.event(Event::RoomDescribed { room, info });
            }
        }
    }
}
