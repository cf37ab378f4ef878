//! XEP-0085: Chat State Notifications: ours, sent when they change and
//! paused when typing stops, and the contacts'.

use minidom::Element;
use xmpp_parsers::chatstates::ChatState;
use xmpp_parsers::jid::{BareJid, Jid};
use xmpp_parsers::message::Message;

use crate::element::ToElement;
use crate::ns;
use crate::session::{Event, Session};

/// Typing stops counting as composing after this long.
const PAUSED_AFTER_MS: u64 = 30_000;

/// Contacts whose chat state we keep track of, at most.
const MAX_CHAT_STATES: usize = 256;

/// Our last chat state to each contact that is not simply active, and when
/// the owner last set it.
pub(in crate::session) type OwnChatStates = std::collections::HashMap<BareJid, (ChatState, u64)>;

impl Session {
    /// A contact's chat state, in a live message from `from`.
    pub(in crate::session) fn chat_state(&mut self, p: &Element, from: &Jid) {
        if p.ns() != ns::CHATSTATES {
            return;
        }
        if let Ok(state) = ChatState::try_from(p.clone()) {
            self.event(Event::ChatStateChanged {
                from: from.to_bare(),
                state,
            });
        }
    }

    /// A chat state on its own: transient, so not archived. Sent when it
    /// changes; the owner may repeat `composing` at every keystroke.
    pub(in crate::session) fn send_chat_state(&mut self, to: BareJid, state: ChatState) {
        if !self.is_ready() {
            return;
        }
        let tracked = matches!(state, ChatState::Composing | ChatState::Paused);
        let last = if tracked
            && (self.chats.states.contains_key(&to) || self.chats.states.len() < MAX_CHAT_STATES)
        {
            self.chats.states.insert(to.clone(), (state.clone(), self.now_ms))
        } else {
            self.chats.states.remove(&to)
        };
        if last.is_some_and(|(last, _)| last == state) {
            return;
        }
        let mut m = Message::chat(Jid::from(to));
        m.payloads.push(state.into());
        m.payloads.push(Element::builder("no-store", ns::HINTS).build());
        self.send_stanza(m.to_element(), None);
    }

    /// Composing that the owner stopped refreshing turns to paused.
    pub(in crate::session) fn pause_idle_typing(&mut self) {
        let now = self.now_ms;
        let idle: Vec<BareJid> = self
            .chats
            .states
            .iter()
            .filter(|(_, (state, since))| {
                *state == ChatState::Composing && now.saturating_sub(*since) >= PAUSED_AFTER_MS
            })
            .map(|(jid, _)| jid.clone())
            .collect();
        for jid in idle {
            self.send_chat_state(jid, ChatState::Paused);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::session::tests::*;
    use crate::session::*;

    #[test]
    fn typing_is_sent_once_and_pauses_by_itself() {
        use xmpp_parsers::chatstates::ChatState;
        let mut s = logged_in();
        let juliet: BareJid = "juliet@example.net".parse().unwrap();
        let sent_states = |s: &mut Session| -> Vec<String> {
            out(s)
                .iter()
                .flat_map(|m| m.children().map(|c| c.name().to_owned()).collect::<Vec<_>>())
                .filter(|n| ["active", "composing", "paused"].contains(&n.as_str()))
                .collect()
        };
        let at = |s: &mut Session, now_ms: u64| s.handle_command(Command::Tick { now_ms });
        let typing = |s: &mut Session| {
            s.handle_command(Command::SendChatState {
                to: juliet.clone(),
                state: ChatState::Composing,
            });
        };
        at(&mut s, 1_000);
        typing(&mut s);
        at(&mut s, 20_000);
        typing(&mut s);
        assert_eq!(sent_states(&mut s), ["composing"]);
        // 30 s after the last keystroke, not the first.
        at(&mut s, 49_999);
        assert!(sent_states(&mut s).is_empty());
        at(&mut s, 50_000);
        assert_eq!(sent_states(&mut s), ["paused"]);
        at(&mut s, 90_000);
        assert!(sent_states(&mut s).is_empty());
        // Typing again, then the message itself says active.
        typing(&mut s);
        send_to_juliet(&mut s, "m1");
        at(&mut s, 200_000);
        typing(&mut s);
        assert_eq!(sent_states(&mut s), ["composing"]);
    }
}
