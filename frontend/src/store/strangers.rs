//! Message requests: what strangers send, kept apart from the
//! conversations and bounded, so that a wave of them costs little and
//! buries no one's contacts. A stranger is a sender that is not in the
//! roster and with whom the person has no conversation.

use std::collections::VecDeque;

use parlons_shared::session::ChatMessage;
use xmpp_parsers::jid::BareJid;

use super::conversation::Message;

/// Senders kept at most; the oldest request goes first.
pub const MAX_SENDERS: usize = 200;
/// Messages kept per sender; the oldest goes first.
pub const MAX_MESSAGES: usize = 3;

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
    /// Adds a stranger's message; returns whether it was new.
    pub fn add(&mut self, m: ChatMessage) -> bool {
        let at = match self.requests.iter().position(|r| r.jid == m.peer) {
            Some(at) => at,
            None => {
                if self.requests.len() == MAX_SENDERS {
                    self.requests.pop_front();
                }
                self.requests.push_back(Request {
                    jid: m.peer.clone(),
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
        let same = |o: &Message| {
            (msg.stable_id.is_some() && o.stable_id == msg.stable_id) || (msg.id.is_some() && o.id == msg.id)
        };
        if messages.iter().any(same) {
            return false;
        }
        let at = messages.partition_point(|o| o.timestamp_ms <= msg.timestamp_ms);
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

#[cfg(test)]
mod tests;
