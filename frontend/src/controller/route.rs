//! The URL names the open conversation (`#/chat/bob@example.org`,
//! `#/room/team@conference.example.org`), and `#/open?uri=xmpp:…` opens
//! the one an RFC 5122 URI names, joining a room for `?join` (XEP-0147).

use xmpp_parsers::jid::{BareJid, FullJid};

/// Where the page is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// The contact list, no conversation.
    Home,
    /// A conversation.
    Chat(BareJid),
    /// A room.
    Room(BareJid),
    /// A room to join, from an `xmpp:…?join` link; then [`Route::Room`].
    Join(BareJid),
    /// A private conversation with a room's occupant.
    Private(FullJid),
}

impl Route {
    /// Reads a location hash (with or without `#`).
    pub fn parse(hash: &str) -> Self {
        let path = hash.trim_start_matches('#');
        let address = |s: &str| decode(s).and_then(|j| BareJid::new(&j).ok());
        if let Some(jid) = path.strip_prefix("/chat/") {
            return address(jid).map_or(Self::Home, Self::Chat);
        }
        if let Some(jid) = path.strip_prefix("/room/") {
            return address(jid).map_or(Self::Home, Self::Room);
        }
        if let Some(jid) = path.strip_prefix("/private/") {
            let full = decode(jid).and_then(|j| FullJid::new(&j).ok());
            return full.map_or(Self::Home, Self::Private);
        }
        if let Some(query) = path.strip_prefix("/open?") {
            let uri = query
                .split('&')
                .find_map(|kv| kv.strip_prefix("uri="))
                .and_then(decode);
            return match uri.as_deref().and_then(xmpp_uri) {
                Some((jid, true)) => Self::Join(jid),
                Some((jid, false)) => Self::Chat(jid),
                None => Self::Home,
            };
        }
        Self::Home
    }

    /// The hash for this route.
    pub fn hash(&self) -> String {
        match self {
            Self::Home => "#/".to_owned(),
            Self::Chat(jid) => format!("#/chat/{}", encode(jid.as_str())),
            Self::Room(jid) | Self::Join(jid) => format!("#/room/{}", encode(jid.as_str())),
            Self::Private(jid) => format!("#/private/{}", encode(jid.as_str())),
        }
    }
}

/// The address of an `xmpp:` URI (RFC 5122 §2), and whether its query
/// asks to join it as a room.
pub fn xmpp_uri(uri: &str) -> Option<(BareJid, bool)> {
    let rest = uri.strip_prefix("xmpp:")?;
    // An authority (`xmpp://me@host/…`) names our account, not the target.
    let rest = match rest.strip_prefix("//") {
        Some(r) => r.split_once('/')?.1,
        None => rest,
    };
    let path = rest.split(['?', '#']).next()?;
    let join = rest[path.len()..]
        .strip_prefix('?')
        .is_some_and(|q| q.split([';', '#']).next() == Some("join"));
    let jid = decode(path)?;
    let bare = jid.split('/').next()?;
    let jid = BareJid::new(bare).ok().filter(|j| j.node().is_some())?;
    Some((jid, join))
}

/// Percent-decoding; `None` for broken escapes or invalid UTF-8.
fn decode(s: &str) -> Option<String> {
    let mut out = Vec::with_capacity(s.len());
    let mut bytes = s.bytes();
    while let Some(b) = bytes.next() {
        if b == b'%' {
            let hex = [bytes.next()?, bytes.next()?];
            let hex = std::str::from_utf8(&hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
        } else {
            out.push(b);
        }
    }
    String::from_utf8(out).ok()
}

/// Percent-encodes what may not stand in a URL fragment as it is.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"@.-_~!$'()*+,;=:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The current route.
pub fn current() -> Route {
    let hash = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .unwrap_or_default();
    Route::parse(&hash)
}

/// Goes to a route, as a new history entry, unless the URL names it
/// already.
pub fn go(route: &Route) {
    let Some(w) = web_sys::window() else { return };
    let hash = w.location().hash().unwrap_or_default();
    let same = hash == route.hash() || (hash.is_empty() && *route == Route::Home);
    if !same {
        let _ = w.location().set_hash(&route.hash());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jid(s: &str) -> BareJid {
        BareJid::new(s).unwrap()
    }

    #[test]
    fn chat_routes_round_trip() {
        let r = Route::Chat(jid("bob@example.org"));
        assert_eq!(r.hash(), "#/chat/bob@example.org");
        assert_eq!(Route::parse(&r.hash()), r);
        let odd = Route::Chat(jid("élodie+x@exemple.fr"));
        assert_eq!(odd.hash(), "#/chat/%C3%A9lodie+x@exemple.fr");
        assert_eq!(Route::parse(&odd.hash()), odd);
        let spaced = Route::parse("#/chat/%C3%A9lodie@exemple.fr");
        assert_eq!(spaced, Route::Chat(jid("élodie@exemple.fr")));
    }

    #[test]
    fn join_links_join_their_room() {
        let team = jid("team@conference.example.org");
        assert_eq!(
            Route::parse("#/open?uri=xmpp%3Ateam%40conference.example.org%3Fjoin"),
            Route::Join(team.clone())
        );
        assert_eq!(
            xmpp_uri("xmpp:team@conference.example.org?join;password=x"),
            Some((team.clone(), true))
        );
        assert_eq!(
            xmpp_uri("xmpp:team@conference.example.org?joined"),
            Some((team.clone(), false))
        );
        // Joining leads to the room's own address.
        assert_eq!(
            Route::Join(team.clone()).hash(),
            "#/room/team@conference.example.org"
        );
        assert_eq!(
            Route::parse("#/room/team@conference.example.org"),
            Route::Room(team)
        );
        let private = Route::Private(FullJid::new("team@conference.example.org/Zoé 2").unwrap());
        assert_eq!(
            private.hash(),
            "#/private/team@conference.example.org%2FZo%C3%A9%202"
        );
        assert_eq!(Route::parse(&private.hash()), private);
    }

    #[test]
    fn anything_else_is_home() {
        for h in [
            "",
            "#",
            "#/",
            "#/chat/",
            "#/chat/%ZZ",
            "#/nowhere",
            "#/chat/a@b@c",
        ] {
            assert_eq!(Route::parse(h), Route::Home, "{h}");
        }
    }

    #[test]
    fn xmpp_uris_open_their_conversation() {
        assert_eq!(
            Route::parse("#/open?uri=xmpp%3Abob%40example.org%3Fmessage"),
            Route::Chat(jid("bob@example.org"))
        );
        assert_eq!(
            xmpp_uri("xmpp:bob@example.org?message;body=hi"),
            Some((jid("bob@example.org"), false))
        );
        assert_eq!(
            xmpp_uri("xmpp:bob@example.org/phone"),
            Some((jid("bob@example.org"), false))
        );
        assert_eq!(
            xmpp_uri("xmpp://me@mine.example/bob@example.org?message"),
            Some((jid("bob@example.org"), false))
        );
        assert_eq!(xmpp_uri("xmpp:example.org"), None);
        assert_eq!(xmpp_uri("https://example.org"), None);
        assert_eq!(xmpp_uri("xmpp:%FF@x"), None);
    }
}
