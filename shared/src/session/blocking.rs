//! XEP-0191: Blocking Command. The blocklist as our server keeps it: asked
//! for by the owner, changed by our requests and by the server's pushes,
//! which tell every device of the account.
//!
//! Built and read by hand rather than with `xmpp_parsers::blocking`: its
//! derived code would weigh on the client's first load for three elements.

use minidom::Element;
use xmpp_parsers::jid::Jid;
use xmpp_parsers::stanza_error::DefinedCondition;

use super::{Event, Request, RequestError, Session};
use crate::element::{self, ToElement};

/// The namespace.
pub const NS: &str = "urn:xmpp:blocking";

/// Entries kept at most; a list past this is cut, as no one blocks that
/// many by hand.
pub const MAX_BLOCKED: usize = 10_000;

/// What our server blocks, as far as we know.
#[derive(Debug, Default)]
pub(super) struct Blocklist {
    jids: Vec<Jid>,
}

/// A change we asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Change {
    /// Block it.
    Block(Jid),
    /// Unblock it.
    Unblock(Jid),
}

impl Blocklist {
    /// The list arrived: it replaces what we knew.
    fn received(&mut self, jids: Vec<Jid>) -> Vec<Jid> {
        self.jids.clear();
        apply(&mut self.jids, jids, None);
        self.jids.clone()
    }

    /// Applies a change; returns what it changed, so that a push repeating
    /// our own result tells nothing twice.
    fn apply(&mut self, blocked: Vec<Jid>, unblocked: Option<Vec<Jid>>) -> (Vec<Jid>, Vec<Jid>) {
        apply(&mut self.jids, blocked, unblocked)
    }
}

/// Applies a change to a sorted list of at most [`MAX_BLOCKED`]: `None`
/// unblocks no one, and an empty list everyone (§3.4). Returns what
/// changed. Sorted vectors, not sets: the client's WASM is smaller so.
pub fn apply(list: &mut Vec<Jid>, blocked: Vec<Jid>, unblocked: Option<Vec<Jid>>) -> (Vec<Jid>, Vec<Jid>) {
    let unblocked = match unblocked {
        Some(all) if all.is_empty() => std::mem::take(list),
        Some(some) => some
            .into_iter()
            .filter(|j| list.binary_search(j).map(|at| list.remove(at)).is_ok())
            .collect(),
        None => Vec::new(),
    };
    let blocked = blocked
        .into_iter()
        .filter(|j| match list.binary_search(j) {
            Err(at) if list.len() < MAX_BLOCKED => {
                list.insert(at, j.clone());
                true
            }
            _ => false,
        })
        .collect();
    (blocked, unblocked)
}

/// The JIDs of a `<blocklist/>`, `<block/>` or `<unblock/>`, each `None`
/// when it is not one.
fn items(payload: &Element) -> impl Iterator<Item = Option<Jid>> {
    payload
        .children()
        .filter(|c| c.is("item", NS))
        .map(|c| c.attr("jid").and_then(|j| j.parse().ok()))
}

fn list_element(name: &str, jids: &[Jid]) -> Element {
    let items = jids.iter().map(|j| {
        Element::builder("item", NS)
            .attr(element::name("jid"), j.to_string())
            .build()
    });
    Element::builder(name, NS).append_all(items).build()
}

impl Session {
    /// The owner's blocking commands.
    pub(super) fn blocking(&mut self, command: super::Command) {
        match command {
            super::Command::Block { jid } => self.change_blocklist(Change::Block(jid)),
            super::Command::Unblock { jid } => self.change_blocklist(Change::Unblock(jid)),
            _ => self.fetch_blocklist(),
        }
    }

    /// Asks for the blocklist; the server then pushes its changes to us too.
    fn fetch_blocklist(&mut self) {
        let id = self.ask(Request::Blocklist);
        let iq = element::get(id, &Element::builder("blocklist", NS).build());
        self.send_stanza(iq.to_element(), None);
    }

    /// Asks the server to block or unblock one address.
    fn change_blocklist(&mut self, change: Change) {
        if !self.is_ready() {
            return self.blocking_failed(change, RequestError::NotConnected);
        }
        let payload = match &change {
            Change::Block(jid) => list_element("block", std::slice::from_ref(jid)),
            Change::Unblock(jid) => list_element("unblock", std::slice::from_ref(jid)),
        };
        let id = self.ask(Request::Blocking(change));
        self.send_stanza(element::set_element(id, payload).to_element(), None);
    }

    pub(super) fn blocking_failed(&mut self, change: Change, error: RequestError) {
        let (jid, block) = match change {
            Change::Block(jid) => (jid, true),
            Change::Unblock(jid) => (jid, false),
        };
        self.event(Event::BlockingFailed { jid, block, error });
    }

    /// The blocklist's result; a server without XEP-0191 answers an error,
    /// handled in [`Self::request_failed`].
    pub(super) fn blocklist_result(&mut self, payload: Option<Element>) {
        let Some(list) = payload.filter(|p| p.is("blocklist", NS)) else {
            return self.ignore("invalid blocklist");
        };
        // A bad item is left out, not the list.
        let jids = self.blocking.received(items(&list).flatten().collect());
        self.event(Event::BlocklistReceived { jids: Some(jids) });
    }

    /// Our change went through.
    pub(super) fn blocking_done(&mut self, change: Change) {
        match change {
            Change::Block(jid) => self.blocklist_changed(vec![jid], None),
            Change::Unblock(jid) => self.blocklist_changed(Vec::new(), Some(vec![jid])),
        }
    }

    /// A push from our server (§3.3, §3.4), from any of our devices.
    pub(super) fn blocking_push(&mut self, id: String, from: Option<Jid>, payload: Element) {
        if !self.is_own_account(from.as_ref()) {
            return self.ignore("blocklist push from a foreign JID");
        }
        let Some(jids) = items(&payload).collect::<Option<Vec<_>>>() else {
            return self.reply_error(id, from, DefinedCondition::BadRequest);
        };
        if payload.name() == "block" {
            self.blocklist_changed(jids, None);
        } else {
            self.blocklist_changed(Vec::new(), Some(jids));
        }
        let mut iq = element::result(id, None);
        if let Some(to) = from {
            iq = iq.with_to(to);
        }
        self.send_stanza(iq.to_element(), None);
    }

    fn blocklist_changed(&mut self, blocked: Vec<Jid>, unblocked: Option<Vec<Jid>>) {
        let (blocked, unblocked) = self.blocking.apply(blocked, unblocked);
        if !blocked.is_empty() || !unblocked.is_empty() {
            self.event(Event::BlocklistChanged { blocked, unblocked });
        }
    }
}

#[cfg(test)]
mod tests;
