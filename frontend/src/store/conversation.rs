//! One-to-one conversations: messages in order, deduplicated by stable ids
//! (XEP-0359), with corrections (XEP-0308), delivery states (XEP-0184,
//! XEP-0333), unread counts and drafts.

use parlons_shared::session::muc::Departure;
use parlons_shared::session::{ChatMessage, Delivery, Direction, Sender};

/// What happened in a room, shown in its log between messages.
#[derive(Debug, Clone, PartialEq)]
pub enum RoomNotice {
    /// Someone came in.
    Joined,
    /// Someone went.
    Left,
    /// A moderator removed them.
    Kicked,
    /// An admin banned them.
    Banned,
    /// They took this nick.
    Renamed(String),
    /// Someone set the subject.
    Subject,
}

impl RoomNotice {
    /// The notice for someone's departure.
    pub fn of(why: Departure) -> Self {
        match why {
            Departure::NickChanged { nick } => Self::Renamed(nick),
            Departure::Kicked { .. } => Self::Kicked,
            Departure::Banned { .. } => Self::Banned,
            _ => Self::Left,
        }
    }
}

/// One message as shown.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Message {
    /// Unique within the conversation, for keyed rendering.
    pub key: String,
    /// The sender's id, which receipts and corrections refer to.
    pub id: Option<String>,
    /// Its stable id (XEP-0359), for deduplication.
    pub stable_id: Option<String>,
    /// Our server's archive id, when known (XEP-0313).
    pub archive_id: Option<String>,
    /// Sent by us, from this device or another.
    pub mine: bool,
    /// The text, never HTML.
    pub body: String,
    /// Unix milliseconds.
    pub timestamp_ms: u64,
    /// For our own messages: where they are.
    pub delivery: Option<Delivery>,
    /// It was corrected after it was sent.
    pub edited: bool,
    /// The id of our correction of it that our server has not taken yet,
    /// to be sent again after a reload.
    pub correction: Option<String>,
    /// Its sender asked for read markers (XEP-0333).
    pub markable: bool,
    /// In a room: the sender's nick.
    pub sender: Option<String>,
    /// In a room: not a message but what happened, to `sender`.
    pub notice: Option<RoomNotice>,
    /// It names us, in a room.
    pub mention: bool,
}

impl Message {
    /// Our own message, as typed on this device (local echo).
    pub fn outgoing(id: String, body: String, now_ms: u64) -> Self {
        Self {
            key: id.clone(),
            id: Some(id),
            stable_id: None,
            archive_id: None,
            mine: true,
            body,
            timestamp_ms: now_ms,
            delivery: Some(Delivery::Pending),
            ..Self::default()
        }
    }

    /// The key that a received message is shown under; in a room, ids
    /// are only unique per sender.
    pub fn key_of(m: &ChatMessage) -> String {
        let id = m.id.as_ref().map(|id| match &m.sender {
            Sender::Occupant { nick, .. } => format!("{nick}/{id}"),
            Sender::Account(_) => id.clone(),
        });
        m.stable_id
            .clone()
            .or(id)
            .unwrap_or_else(|| format!("t{}", m.timestamp_ms))
    }

    pub(super) fn from_chat(m: ChatMessage) -> Self {
        let mine = m.direction == Direction::Outgoing;
        let key = Self::key_of(&m);
        let sender = match m.sender {
            Sender::Occupant { nick, .. } => Some(nick),
            Sender::Account(_) => None,
        };
        Self {
            key,
            id: m.id,
            stable_id: m.stable_id,
            archive_id: m.archive_id,
            mine,
            body: m.body,
            timestamp_ms: m.timestamp_ms,
            // Sent from another device: our server has it.
            delivery: mine.then_some(Delivery::Sent),
            markable: m.markable,
            sender,
            ..Self::default()
        }
    }

    /// Whether `self` is `other` seen again, live, as a carbon, from the
    /// archive or resent: the same archive id, or the same sender's id from
    /// the same side (in a room, from the same nick; our own comes back
    /// under our nick). The session reports every copy; this is the one
    /// place where they become one.
    pub fn same_as(&self, other: &Message) -> bool {
        (self.stable_id.is_some() && other.stable_id == self.stable_id)
            || (self.id.is_some()
                && other.mine == self.mine
                && other.id == self.id
                && (self.mine || other.sender == self.sender))
    }

    /// XEP-0245: the action of a `/me …` message.
    pub fn action(&self) -> Option<&str> {
        self.body.strip_prefix("/me ")
    }
}

/// How far along a delivery is, so that states only move forward.
fn rank(d: &Delivery) -> u8 {
    match d {
        Delivery::Pending => 0,
        Delivery::Sent => 1,
        Delivery::Delivered => 2,
        Delivery::Displayed => 3,
        Delivery::Failed { .. } => 4,
    }
}

/// A conversation with one contact.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Conversation {
    /// Counts changes made through [`super::Store::conversation`], so that a
    /// view can follow them without copying or comparing the messages.
    pub revision: u64,
    /// Oldest first.
    pub messages: Vec<Message>,
    /// Incoming messages not yet seen.
    pub unread: usize,
    /// The key of the first unread message, for the "new messages" divider.
    pub first_unread: Option<String>,
    /// What was typed and not sent.
    pub draft: String,
    /// The contact is typing (XEP-0085).
    pub typing: bool,
    /// The archive has nothing older (XEP-0313).
    pub history_complete: bool,
    /// A history page was asked for and has not arrived.
    pub loading_history: bool,
    /// The archive id of the oldest message we have, to page back from.
    pub oldest_archive_id: Option<String>,
    /// The message the history page asked for goes before: everything it
    /// brings is older.
    pub history_boundary: Option<String>,
    /// Room notices so far, for their keys.
    pub notes: u64,
}

impl Conversation {
    /// Adds a received, copied or archived message; returns whether it was
    /// new. Corrections change the message they replace.
    pub fn receive(&mut self, m: ChatMessage, counts_as_unread: bool) -> bool {
        if let Some(replaces) = m.replaces.clone() {
            let mine = m.direction == Direction::Outgoing;
            if let Some(old) = self
                .messages
                .iter_mut()
                .rev()
                .find(|o| o.mine == mine && o.id.as_deref() == Some(replaces.as_str()))
            {
                old.body = m.body;
                old.edited = true;
                return false;
            }
        }
        let (archived, from_archive) = (m.archived, m.from_archive);
        let incoming = m.direction == Direction::Incoming;
        let mut msg = Message::from_chat(m);
        // What the archive fills a gap with came before what arrived live
        // meanwhile, though it arrives after it.
        if !from_archive {
            self.keep_sender_order(&mut msg);
        }
        if let Some(existing) = self.find_duplicate(&msg) {
            if existing.stable_id.is_none() {
                existing.stable_id = msg.stable_id;
            }
            if existing.archive_id.is_none() {
                existing.archive_id = msg.archive_id;
            }
            // Our message, found in the archive or copied back: the server
            // has it, whatever the lost connection left unsaid.
            if existing.delivery == Some(Delivery::Pending) {
                existing.delivery = Some(Delivery::Sent);
            }
            return false;
        }
        if incoming {
            self.typing = false;
        }
        let key = msg.key.clone();
        self.insert_in_order(msg, archived);
        if incoming && !archived && counts_as_unread {
            self.unread += 1;
            self.first_unread.get_or_insert(key);
        }
        true
    }

    /// A stamp in whole seconds (XEP-0082 allows them; a resumed stream's
    /// resent stanzas carry one) can be up to a second early, which would
    /// place a message before one its sender sent after it. Within that
    /// second, the order of arrival stands.
    fn keep_sender_order(&self, msg: &mut Message) {
        if !msg.timestamp_ms.is_multiple_of(1000) {
            return;
        }
        let last = self.messages.iter().rev().find(|o| o.mine == msg.mine);
        if let Some(last) =
            last.filter(|o| o.timestamp_ms > msg.timestamp_ms && o.timestamp_ms - msg.timestamp_ms < 1000)
        {
            msg.timestamp_ms = last.timestamp_ms;
        }
    }

    /// The same message seen before ([`Message::same_as`]).
    fn find_duplicate(&mut self, msg: &Message) -> Option<&mut Message> {
        self.messages.iter_mut().find(|o| msg.same_as(o))
    }

    /// By time; history comes before the message it was asked before, as
    /// stamps in whole seconds cannot order a burst of messages.
    fn insert_in_order(&mut self, msg: Message, history: bool) {
        let by_time = self
            .messages
            .iter()
            .rposition(|o| o.timestamp_ms <= msg.timestamp_ms)
            .map_or(0, |i| i + 1);
        let boundary = self
            .history_boundary
            .as_ref()
            .filter(|_| history)
            .and_then(|b| self.messages.iter().position(|o| &o.key == b));
        let at = boundary.map_or(by_time, |b| by_time.min(b));
        self.messages.insert(at, msg);
    }

    /// A page of history was asked for: it ends at the oldest message that
    /// the archive named ([`Self::page_before`]).
    pub fn asking_history(&mut self) {
        self.loading_history = true;
        self.history_boundary = self
            .messages
            .iter()
            .find(|m| m.archive_id.is_some())
            .map(|m| m.key.clone());
    }

    /// A message request's messages, taken into the conversation: unread
    /// until it is open.
    pub fn adopt(&mut self, messages: Vec<Message>) {
        for msg in messages {
            if self.find_duplicate(&msg).is_some() {
                continue;
            }
            self.unread += 1;
            self.first_unread.get_or_insert_with(|| msg.key.clone());
            self.insert_in_order(msg, false);
        }
    }

    /// What happened in a room, as it happens; the log changed.
    pub fn note(&mut self, nick: String, notice: RoomNotice, now_ms: u64) {
        self.revision += 1;
        self.notes += 1;
        let key = format!("n{}", self.notes);
        self.messages.push(Message {
            key,
            sender: Some(nick),
            notice: Some(notice),
            timestamp_ms: now_ms,
            ..Message::default()
        });
    }

    /// Keeps the newest `max` entries; older ones come back from the
    /// archive when scrolled to.
    pub fn keep_latest(&mut self, max: usize) {
        let cut = self.messages.len().saturating_sub(max);
        if cut > 0 {
            self.messages.drain(..cut);
            self.history_complete = false;
            self.oldest_archive_id = None;
        }
    }

    /// Our own message, just typed.
    pub fn send(&mut self, msg: Message) {
        self.messages.push(msg);
    }

    /// Our own correction `id`, just typed. A message not sent yet goes
    /// again with the new text, so only a sent one waits for the correction.
    pub fn correct(&mut self, replaces: &str, id: String, body: String) {
        if let Some(m) = self
            .messages
            .iter_mut()
            .rev()
            .find(|m| m.mine && m.id.as_deref() == Some(replaces))
        {
            m.body = body;
            m.edited = true;
            if m.delivery != Some(Delivery::Pending) {
                m.correction = Some(id);
            }
        }
    }

    /// One of our messages moved on; returns whether it is ours to show.
    /// A read marker covers every earlier message too (XEP-0333 §4).
    pub fn delivery_changed(&mut self, id: &str, state: &Delivery) -> bool {
        let Some(at) = self
            .messages
            .iter()
            .position(|m| m.mine && m.id.as_deref() == Some(id))
        else {
            return self.correction_changed(id, state);
        };
        let covered = if *state == Delivery::Displayed {
            0..=at
        } else {
            at..=at
        };
        for m in &mut self.messages[covered] {
            let better = m
                .delivery
                .as_ref()
                .is_none_or(|d| rank(state) > rank(d) && !matches!(d, Delivery::Failed { .. }));
            if m.mine && better {
                m.delivery = Some(state.clone());
            }
        }
        true
    }

    /// Our correction `id` moved on: once our server has it, it is no
    /// longer ours to send again.
    fn correction_changed(&mut self, id: &str, state: &Delivery) -> bool {
        let Some(m) = self
            .messages
            .iter_mut()
            .find(|m| m.correction.as_deref() == Some(id))
        else {
            return false;
        };
        if !matches!(state, Delivery::Pending | Delivery::Failed { .. }) {
            m.correction = None;
        }
        true
    }

    /// Where the archive's next page back ends: the last page's start, which
    /// is older than anything held, else the oldest message we hold that
    /// the archive has named. Messages that came live are not asked for
    /// again, nor is a page without messages (only markers, say).
    pub fn page_before(&self) -> Option<String> {
        self.oldest_archive_id
            .clone()
            .or_else(|| self.messages.iter().find_map(|m| m.archive_id.clone()))
    }

    /// Marks everything read.
    pub fn mark_read(&mut self) {
        self.unread = 0;
        self.first_unread = None;
    }

    /// Our last message, for Up to edit (XEP-0308 allows only the last).
    pub fn last_own(&self) -> Option<&Message> {
        self.messages.iter().rev().find(|m| m.mine)
    }

    /// The newest message from the contact that asked for read markers:
    /// XEP-0333 allows none for the others.
    pub fn last_markable(&self) -> Option<&Message> {
        self.messages
            .iter()
            .rev()
            .find(|m| !m.mine && m.markable && m.id.is_some())
    }

    /// The newest message, for the contact list's preview.
    pub fn last(&self) -> Option<&Message> {
        self.messages.last()
    }

    /// What the offline store keeps: the latest [`KEPT`] messages, and any
    /// older one of ours still pending, or with a correction pending, which
    /// must not be lost.
    pub fn kept(&self) -> Conversation {
        let cut = self.messages.len().saturating_sub(KEPT);
        let pending = |m: &&Message| m.delivery == Some(Delivery::Pending) || m.correction.is_some();
        let messages: Vec<Message> = self.messages[..cut]
            .iter()
            .filter(pending)
            .chain(&self.messages[cut..])
            .cloned()
            .collect();
        Conversation {
            messages,
            unread: self.unread,
            first_unread: self.first_unread.clone(),
            draft: self.draft.clone(),
            // Older pages are asked again from the newest once some are gone.
            history_complete: self.history_complete && cut == 0,
            oldest_archive_id: self.oldest_archive_id.clone().filter(|_| cut == 0),
            ..Conversation::default()
        }
    }
}

/// Messages the offline store keeps per conversation.
pub const KEPT: usize = 50;

#[cfg(test)]
mod tests {
    use super::*;
    use parlons_shared::session::{ConversationId, Sender};
    use xmpp_parsers::jid::BareJid;

    fn chat(id: &str, stable: Option<&str>, dir: Direction, body: &str, t: u64) -> ChatMessage {
        ChatMessage {
            conversation: ConversationId::Chat(BareJid::new("bob@b.test").unwrap()),
            sender: Sender::Account(BareJid::new("bob@b.test").unwrap().into()),
            direction: dir,
            kind: xmpp_parsers::message::MessageType::Chat,
            stable_id: stable.map(str::to_owned),
            archive_id: stable.map(str::to_owned),
            id: Some(id.to_owned()),
            body: body.to_owned(),
            timestamp_ms: t,
            receipt_requested: true,
            markable: true,
            replaces: None,
            archived: false,
            from_archive: false,
        }
    }

    #[test]
    fn read_markers_go_only_to_messages_that_ask_for_them() {
        let mut c = Conversation::default();
        c.receive(chat("b1", None, Direction::Incoming, "markable", 1_000), true);
        let mut plain = chat("b2", None, Direction::Incoming, "no markers", 2_000);
        plain.markable = false;
        c.receive(plain, true);
        c.send(Message::outgoing("m1".into(), "mine".into(), 3_000));
        assert_eq!(c.last_markable().and_then(|m| m.id.as_deref()), Some("b1"));
    }

    #[test]
    fn history_in_the_same_second_goes_before_what_it_was_asked_before() {
        let mut c = Conversation::default();
        // Held: a burst of messages, all stamped in the same second.
        for n in 250..300 {
            c.receive(
                chat(
                    &format!("m{n}"),
                    Some(&format!("a{n}")),
                    Direction::Incoming,
                    &format!("Line {n}"),
                    5_000,
                ),
                true,
            );
        }
        c.asking_history();
        assert_eq!(c.page_before().as_deref(), Some("a250"));
        // The page before it, oldest first, in the same second.
        for n in 200..250 {
            let mut m = chat(
                &format!("m{n}"),
                Some(&format!("a{n}")),
                Direction::Incoming,
                &format!("Line {n}"),
                5_000,
            );
            m.archived = true;
            c.receive(m, false);
        }
        let order: Vec<&str> = c.messages.iter().map(|m| m.body.as_str()).collect();
        let expected: Vec<String> = (200..300).map(|n| format!("Line {n}")).collect();
        assert_eq!(order, expected);
        // An older stamp still places a message by time.
        let mut early = chat("m0", Some("a0"), Direction::Incoming, "Line 0", 1_000);
        early.archived = true;
        c.receive(early, false);
        assert_eq!(c.messages[0].body, "Line 0");
    }

    #[test]
    fn a_stamp_in_whole_seconds_keeps_the_senders_order() {
        let mut c = Conversation::default();
        c.receive(chat("m2", None, Direction::Incoming, "second", 14_300), true);
        // Resent on resumption, stamped 14:00 for 14.6: still after m2.
        c.receive(chat("m3", None, Direction::Incoming, "third", 14_000), true);
        let order: Vec<&str> = c.messages.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(order, ["second", "third"]);
        // A precise stamp, or one more than a second older, is believed.
        c.receive(chat("m1", None, Direction::Incoming, "first", 13_000), true);
        c.receive(chat("m0", None, Direction::Incoming, "zeroth", 14_299), true);
        let order: Vec<&str> = c.messages.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(order, ["first", "zeroth", "second", "third"]);
    }

    #[test]
    fn what_catch_up_finds_goes_before_what_arrived_live_meanwhile() {
        let mut c = Conversation::default();
        // After a server restart: two messages arrive live, then catch-up
        // finds three sent before them, stamped in whole seconds.
        c.receive(chat("m3", Some("a3"), Direction::Incoming, "3", 14_300), true);
        c.receive(chat("m4", Some("a4"), Direction::Incoming, "4", 14_400), true);
        for n in 0..3 {
            let mut m = chat(
                &format!("m{n}"),
                Some(&format!("a{n}")),
                Direction::Incoming,
                &n.to_string(),
                14_000,
            );
            m.from_archive = true;
            assert!(c.receive(m, true));
        }
        let order: Vec<&str> = c.messages.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(order, ["0", "1", "2", "3", "4"]);
        assert_eq!(c.unread, 5);
    }

    #[test]
    fn the_offline_store_keeps_the_latest_and_every_pending_message() {
        let mut c = Conversation::default();
        c.send(Message::outgoing("old-pending".into(), "not yet sent".into(), 1));
        for i in 0..KEPT + 10 {
            c.receive(
                chat(&format!("m{i}"), None, Direction::Incoming, "hi", 10 + i as u64),
                true,
            );
        }
        c.history_complete = true;
        c.oldest_archive_id = Some("a1".into());
        c.draft = "half a thought".into();
        let kept = c.kept();
        assert_eq!(kept.messages.len(), KEPT + 1);
        assert_eq!(kept.messages[0].key, "old-pending");
        assert_eq!(kept.messages[1].key, "m10");
        assert_eq!((kept.history_complete, kept.oldest_archive_id), (false, None));
        assert_eq!((kept.unread, kept.draft.as_str()), (KEPT + 10, "half a thought"));
        // A short conversation is kept whole, with where its history stands.
        let mut short = Conversation::default();
        short.receive(chat("m1", Some("a1"), Direction::Incoming, "hi", 1), true);
        short.history_complete = true;
        assert_eq!(short.kept().messages, short.messages);
        assert!(short.kept().history_complete);
    }

    #[test]
    fn the_same_message_live_and_archived_shows_once() {
        let mut c = Conversation::default();
        assert!(c.receive(chat("m1", None, Direction::Incoming, "hi", 10), true));
        let mut archived = chat("m1", Some("arch-1"), Direction::Incoming, "hi", 10);
        archived.archived = true;
        assert!(!c.receive(archived.clone(), true));
        assert!(!c.receive(archived, true));
        assert_eq!(c.messages.len(), 1);
        assert_eq!(c.messages[0].stable_id.as_deref(), Some("arch-1"));
        assert_eq!(c.unread, 1);
    }

    #[test]
    fn a_carbon_of_our_local_echo_is_not_shown_twice() {
        let mut c = Conversation::default();
        c.send(Message::outgoing("out1".into(), "yo".into(), 5));
        assert!(!c.receive(chat("out1", Some("s9"), Direction::Outgoing, "yo", 5), true));
        assert_eq!(c.messages.len(), 1);
        // The same id from the contact is another message.
        assert!(c.receive(chat("out1", None, Direction::Incoming, "yo too", 6), true));
        assert_eq!(c.messages.len(), 2);
    }

    #[test]
    fn older_history_goes_before_and_is_not_unread() {
        let mut c = Conversation::default();
        c.receive(chat("b", None, Direction::Incoming, "second", 20), false);
        let mut old = chat("a", Some("s1"), Direction::Incoming, "first", 10);
        old.archived = true;
        c.receive(old, true);
        let bodies: Vec<_> = c.messages.iter().map(|m| m.body.as_str()).collect();
        assert_eq!(bodies, ["first", "second"]);
        assert_eq!(c.unread, 0);
    }

    #[test]
    fn corrections_replace_the_text_of_the_same_sender_only() {
        let mut c = Conversation::default();
        c.send(Message::outgoing("x".into(), "helo".into(), 1));
        c.receive(chat("x", None, Direction::Incoming, "theirs", 2), true);
        let mut fix = chat("y", None, Direction::Incoming, "their fix", 3);
        fix.replaces = Some("x".into());
        assert!(!c.receive(fix, true));
        assert_eq!(c.messages[0].body, "helo");
        assert!(!c.messages[0].edited);
        assert_eq!(c.messages[1].body, "their fix");
        assert!(c.messages[1].edited);
        c.correct("x", "c1".into(), "hello".into());
        assert_eq!(c.messages[0].body, "hello");
        assert!(c.messages[0].edited);
    }

    #[test]
    fn delivery_moves_forward_and_read_covers_earlier_messages() {
        let mut c = Conversation::default();
        c.send(Message::outgoing("1".into(), "a".into(), 1));
        c.send(Message::outgoing("2".into(), "b".into(), 2));
        assert!(c.delivery_changed("2", &Delivery::Displayed));
        // A late ack does not move it back.
        assert!(c.delivery_changed("2", &Delivery::Sent));
        assert_eq!(c.messages[0].delivery, Some(Delivery::Displayed));
        assert_eq!(c.messages[1].delivery, Some(Delivery::Displayed));
        assert!(!c.delivery_changed("unknown", &Delivery::Sent));
    }

    #[test]
    fn a_reply_clears_typing_and_marks_the_first_unread() {
        let mut c = Conversation {
            typing: true,
            ..Default::default()
        };
        c.receive(chat("1", None, Direction::Incoming, "a", 1), true);
        c.receive(chat("2", None, Direction::Incoming, "b", 2), true);
        assert!(!c.typing);
        assert_eq!(c.unread, 2);
        assert_eq!(c.first_unread.as_deref(), Some("1"));
        c.mark_read();
        assert_eq!((c.unread, c.first_unread.as_deref()), (0, None));
    }

    #[test]
    fn a_correction_waits_until_our_server_has_it() {
        let mut c = Conversation::default();
        c.send(Message::outgoing("m1".into(), "helo".into(), 1));
        assert!(c.delivery_changed("m1", &Delivery::Delivered));
        c.correct("m1", "c1".into(), "hello".into());
        assert_eq!(c.messages[0].correction.as_deref(), Some("c1"));
        // Kept even once older than what the store keeps.
        for i in 0..KEPT {
            c.send(Message::outgoing(format!("n{i}"), "more".into(), 2));
            c.delivery_changed(&format!("n{i}"), &Delivery::Sent);
        }
        assert_eq!(c.kept().messages[0].correction.as_deref(), Some("c1"));
        // Still queued, then taken by our server.
        assert!(c.delivery_changed("c1", &Delivery::Pending));
        assert_eq!(c.messages[0].correction.as_deref(), Some("c1"));
        assert!(c.delivery_changed("c1", &Delivery::Sent));
        assert_eq!(c.messages[0].correction, None);
        // The message's own state did not move.
        assert_eq!(c.messages[0].delivery, Some(Delivery::Delivered));
    }

    #[test]
    fn history_is_asked_from_before_the_oldest_message_the_archive_named() {
        let mut c = Conversation::default();
        // Came live, before anything was asked of the archive: the next page
        // ends there, not at the archive's end.
        c.receive(chat("m1", None, Direction::Outgoing, "no archive id", 1), false);
        c.receive(chat("m2", Some("arch-2"), Direction::Incoming, "live", 2), true);
        c.receive(chat("m3", Some("arch-3"), Direction::Incoming, "live", 3), true);
        assert_eq!(c.page_before().as_deref(), Some("arch-2"));
        // A page went further back than the messages it brought (the
        // newest entries were markers): the next one starts from there.
        c.oldest_archive_id = Some("page-1".into());
        assert_eq!(c.page_before().as_deref(), Some("page-1"));
        // Nothing named: the last page's start.
        let mut c = Conversation::default();
        assert_eq!(c.page_before(), None);
        c.oldest_archive_id = Some("page-1".into());
        assert_eq!(c.page_before().as_deref(), Some("page-1"));
    }
}
