//! Message requests: what strangers send, kept apart from the
//! conversations and bounded, so that a wave of them costs little and
//! buries no one's contacts. A stranger is a sender that is not in the
//! roster and with whom the person has no conversation. Also the store's
//! rules for it: who is a stranger, what becomes a conversation, and what a
//! block (XEP-0191) takes out.

use std::collections::VecDeque;

use parlons_shared::session::blocking;
use parlons_shared::session::{ChatMessage, Event};
use xmpp_parsers::jid::{BareJid, Jid};

use super::Notice;
use super::conversation::Message;

/// Senders kept at most; the oldest request goes first.
pub const MAX_SENDERS: usize = 200;
/// Messages kept per sender; the oldest goes first.
pub const MAX_MESSAGES: usize = 3;
/// Characters kept of each message: a request is read to decide, and
/// accepted, the archive has the rest.
pub const MAX_CHARS: usize = 2_000;

/// `body` cut to [`MAX_CHARS`], marked with an ellipsis.
fn cut(mut body: String) -> String {
    if let Some((at, _)) = body.char_indices().nth(MAX_CHARS) {
        body.truncate(at);
        body.push('…');
    }
    body
}

/// One stranger's request.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// Who.
    pub jid: BareJid,
    /// The latest of what it sent, oldest first.
    pub messages: Vec<Message>,
}

/// Every request, oldest first.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Strangers {
    requests: VecDeque<Request>,
    /// Counts changes, for the views and the offline store to follow.
    pub revision: u64,
}

impl Strangers {
    /// Adds a stranger's message; returns whether it was kept.
    pub fn add(&mut self, mut m: ChatMessage) -> bool {
        m.body = cut(std::mem::take(&mut m.body));
        let peer = m.conversation.bare();
        let at = match self.requests.iter().position(|r| r.jid == peer) {
            Some(at) => at,
            None => {
                if self.requests.len() == MAX_SENDERS {
                    self.requests.pop_front();
                }
                self.requests.push_back(Request {
                    jid: peer.clone(),
                    messages: Vec::new(),
                });
                self.requests.len() - 1
            }
        };
        let messages = &mut self.requests[at].messages;
        if let Some(old) = m
            .replaces
            .as_deref()
            .and_then(|r| messages.iter_mut().find(|o| o.id.as_deref() == Some(r)))
        {
            old.body = m.body;
            old.edited = true;
            self.revision += 1;
            return false;
        }
        let msg = Message::from_chat(m);
        if messages.iter().any(|o| msg.same_as(o)) {
            return false;
        }
        let at = messages.partition_point(|o| o.timestamp_ms <= msg.timestamp_ms);
        if at == 0 && messages.len() == MAX_MESSAGES {
            // Older than every message kept.
            return false;
        }
        messages.insert(at, msg);
        if messages.len() > MAX_MESSAGES {
            messages.remove(0);
        }
        self.revision += 1;
        true
    }

    /// Takes `jid`'s request out, to accept or drop it.
    pub fn take(&mut self, jid: &BareJid) -> Option<Request> {
        let at = self.requests.iter().position(|r| &r.jid == jid)?;
        self.revision += 1;
        self.requests.remove(at)
    }

    /// Takes out every request whose sender `known` now knows.
    pub fn take_known(&mut self, known: impl Fn(&BareJid) -> bool) -> Vec<Request> {
        let (taken, kept): (Vec<Request>, Vec<Request>) = std::mem::take(&mut self.requests)
            .into_iter()
            .partition(|r| known(&r.jid));
        self.requests = kept.into();
        if !taken.is_empty() {
            self.revision += 1;
        }
        taken
    }

    /// The requests, oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = &Request> {
        self.requests.iter()
    }

    /// How many senders wait.
    pub fn len(&self) -> usize {
        self.requests.len()
    }

    /// Whether none waits.
    pub fn is_empty(&self) -> bool {
        self.requests.is_empty()
    }

    /// What the offline store kept, within the bounds.
    pub fn restore(&mut self, requests: Vec<Request>) {
        let skip = requests.len().saturating_sub(MAX_SENDERS);
        self.requests = requests
            .into_iter()
            .skip(skip)
            .map(|mut r| {
                let cut = r.messages.len().saturating_sub(MAX_MESSAGES);
                r.messages.drain(..cut);
                r
            })
            .collect();
        self.revision += 1;
    }
}

impl super::Store {
    /// Whether a message from `jid` is a message request: not from a
    /// contact, ourselves, or someone we have a conversation with.
    pub fn is_stranger(&self, jid: &BareJid) -> bool {
        self.contacts.get(jid).is_none()
            && !self.conversations.contains_key(jid)
            && self.account.as_ref() != Some(jid)
    }

    /// Requests from senders who became contacts turn into conversations.
    pub(super) fn adopt_known(&mut self) {
        let contacts = &self.contacts;
        for request in self.strangers.take_known(|jid| contacts.get(jid).is_some()) {
            self.adopted.push(request.jid.clone());
            self.conversations
                .entry(request.jid)
                .or_default()
                .adopt(request.messages);
        }
    }

    /// Drops `jid`'s message request.
    pub fn dismiss(&mut self, jid: &BareJid) {
        self.strangers.take(jid);
    }

    /// XEP-0191: what the server blocks; a blocked stranger's request goes.
    pub(super) fn blocking(&mut self, event: Event) {
        match event {
            Event::BlocklistReceived { jids } => {
                self.blocking_unsupported = jids.is_none();
                self.blocked = jids;
            }
            Event::BlocklistChanged { blocked, unblocked } => {
                // A blocked domain covers all its addresses.
                let covers = |b: &Jid, j: &BareJid| {
                    b.to_bare() == *j || (b.node().is_none() && b.domain() == j.domain())
                };
                self.strangers
                    .take_known(|j| blocked.iter().any(|b| covers(b, j)));
                let list = self.blocked.get_or_insert_default();
                blocking::apply(list, blocked, Some(unblocked).filter(|u| !u.is_empty()));
            }
            Event::BlockingFailed { jid, block, error } => {
                self.notice = Some(Notice::Blocking(jid, block, error));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests;
