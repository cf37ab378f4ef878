//! XEP-0198: Stream Management — acks, and resumption after a drop.

use crate::element::ToElement;
use std::collections::VecDeque;

use minidom::Element;
use xmpp_parsers::sm;

use super::{Delivery, Event, Session, State};

/// Counters and unacknowledged stanzas of one XMPP session (which may span
/// several connections through resumption).
#[derive(Default)]
pub struct StreamManagement {
    offered: bool,
    /// `<enable/>` sent: outgoing stanzas count from then on.
    counting: bool,
    /// `<enabled/>` received: incoming stanzas count from then on.
    enabled: bool,
    resume_id: Option<String>,
    /// Stanzas we handled (`h` we report).
    inbound: u32,
    /// The last `h` the server reported.
    acked: u32,
    /// Sent and not yet acknowledged, with the id of any chat message.
    unacked: VecDeque<(Element, Option<String>)>,
}

/// The stanzas kept for resending carry bodies and passwords: `Debug`
/// shows only the message ids.
impl std::fmt::Debug for StreamManagement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unacked: Vec<_> = self.unacked.iter().map(|(_, id)| id).collect();
        f.debug_struct("StreamManagement")
            .field("offered", &self.offered)
            .field("counting", &self.counting)
            .field("enabled", &self.enabled)
            .field("resume_id", &self.resume_id)
            .field("inbound", &self.inbound)
            .field("acked", &self.acked)
            .field("unacked", &unacked)
            .finish()
    }
}

/// `<r/>`: please acknowledge.
pub fn request() -> Element {
    sm::R.to_element()
}

impl StreamManagement {
    /// Whether the new stream offers it.
    pub fn offered(&mut self, offered: bool) {
        self.offered = offered;
    }

    /// `<enable resume="true"/>`, when offered and not yet on.
    pub fn enable_request(&mut self) -> Option<Element> {
        if !self.offered || self.counting {
            return None;
        }
        self.counting = true;
        self.inbound = 0;
        self.acked = 0;
        self.unacked.clear();
        Some(sm::Enable::new().with_resume().to_element())
    }

    /// Whether acks flow.
    pub fn is_enabled(&self) -> bool {
        self.enabled
    }

    /// `<enabled/>` arrived.
    pub fn enabled(&mut self, el: &Element) {
        self.enabled = true;
        let resumable = matches!(el.attr("resume"), Some("true" | "1"));
        self.resume_id = el.attr("id").filter(|_| resumable).map(str::to_owned);
    }

    /// A stanza went out.
    pub fn sent(&mut self, el: Element, message_id: Option<String>) {
        if self.counting {
            self.unacked.push_back((el, message_id));
        }
    }

    /// A stanza came in and was handled.
    pub fn handled(&mut self) {
        if self.enabled {
            self.inbound = self.inbound.wrapping_add(1);
        }
    }

    /// `<a h="…"/>` for the server's `<r/>`.
    pub fn answer(&self) -> Element {
        sm::A::new(self.inbound).to_element()
    }

    /// The server acknowledged up to `h`; returns the chat messages this
    /// covers. A count beyond what we sent is ignored.
    pub fn acked(&mut self, el: &Element) -> Vec<String> {
        let Some(h) = el.attr("h").and_then(|h| h.parse::<u32>().ok()) else {
            return Vec::new();
        };
        let n = h.wrapping_sub(self.acked) as usize;
        if n > self.unacked.len() {
            return Vec::new();
        }
        self.acked = h;
        self.unacked.drain(..n).filter_map(|(_, id)| id).collect()
    }

    /// `<resume/>` for a new connection, when the last one can be resumed.
    pub fn resume_request(&self) -> Option<Element> {
        let id = self.resume_id.as_deref().filter(|_| self.offered)?;
        Some(
            sm::Resume {
                h: self.inbound,
                previd: sm::StreamId(id.to_owned()),
            }
            .to_element(),
        )
    }

    /// `<resumed h="…"/>`: returns the messages it acknowledges and the
    /// stanzas to send again.
    pub fn resumed(&mut self, el: &Element) -> (Vec<String>, Vec<Element>) {
        let acked = self.acked(el);
        let resend = self.unacked.iter().map(|(el, _)| el.clone()).collect();
        (acked, resend)
    }

    /// Resumption failed: a new session starts; returns the messages that
    /// may not have reached the server, with their ids.
    pub fn resume_failed(&mut self) -> Vec<(Element, String)> {
        let lost = self
            .unacked
            .drain(..)
            .filter_map(|(el, id)| Some((el, id?)))
            .collect();
        self.forget();
        lost
    }

    /// Forgets the session (clean close).
    pub fn forget(&mut self) {
        let offered = self.offered;
        *self = Self::default();
        self.offered = offered;
    }
}

impl Session {
    /// XEP-0198's own elements from the server.
    pub(super) fn stream_management(&mut self, el: Element) {
        match el.name() {
            "r" => {
                let a = self.sm.answer();
                self.send(a);
            }
            "a" => {
                for id in self.sm.acked(&el) {
                    self.delivery(id, Delivery::Sent);
                }
            }
            "enabled" => self.sm.enabled(&el),
            "resumed" if matches!(self.state, State::Resuming) => {
                let (acked, resend) = self.sm.resumed(&el);
                for id in acked {
                    self.delivery(id, Delivery::Sent);
                }
                self.state = State::Ready;
                for stanza in resend {
                    self.send(stanza);
                }
                self.event(Event::Resumed);
                // The roster came in while the stream was down.
                if self.roster_in() {
                    self.announce();
                }
                self.flush_outbox();
            }
            "failed" if matches!(self.state, State::Resuming) => {
                // XEP-0198 §4: <failed h=…/> still tells what arrived.
                for id in self.sm.acked(&el) {
                    self.delivery(id, Delivery::Sent);
                }
                let unacknowledged = self.previous_session_ended();
                self.event(Event::ResumeFailed { unacknowledged });
                self.bind();
            }
            "failed" => {
                // Not enabled after all: stop keeping stanzas for it.
                self.sm.forget();
                self.ignore("stream management could not be enabled");
            }
            other => self.ignore(format!("unexpected stream management <{other}/>")),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::session::stream::KEEPALIVE_MS;
    use crate::session::tests::*;
    use crate::session::*;

    #[test]
    fn resumes_and_resends_what_was_not_acknowledged() {
        let mut s = logged_in();
        send_to_juliet(&mut s, "m1");
        s.handle_command(Command::ConnectionLost);
        assert_eq!(events(&mut s), [Event::Disconnected]);
        authenticate(&mut s);
        out(&mut s);
        feed(&mut s, FEATURES_BIND);
        // We had handled the roster result.
        expect_out(&mut s, &["<resume xmlns='urn:xmpp:sm:3' previd='sm-1' h='1'/>"]);
        // The server had roster, carbons, the archive query, presence and
        // the bookmarks' query, not the message.
        feed(&mut s, "<resumed xmlns='urn:xmpp:sm:3' previd='sm-1' h='5'/>");
        let sent = out(&mut s);
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].attr("id"), Some("m1"));
        assert_eq!(events(&mut s), [Event::Resumed]);
    }

    #[test]
    fn failed_resumption_reports_unacknowledged_messages_and_binds_anew() {
        let mut s = bound();
        send_to_juliet(&mut s, "m1");
        s.handle_command(Command::ConnectionLost);
        authenticate(&mut s);
        feed(&mut s, FEATURES_BIND);
        out(&mut s);
        events(&mut s);
        feed(
            &mut s,
            "<failed xmlns='urn:xmpp:sm:3'><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></failed>",
        );
        let ended = |id: &str| Event::RequestFailed {
            id: id.into(),
            error: RequestError::SessionEnded,
            text: None,
        };
        // The old session's roster and carbons requests were never answered.
        assert_eq!(
            events(&mut s),
            [
                ended("t2"),
                ended("t3"),
                Event::ResumeFailed {
                    unacknowledged: vec!["m1".into()]
                }
            ]
        );
        let sent = out(&mut s);
        assert!(
            sent[0].has_child("bind", "urn:ietf:params:xml:ns:xmpp-bind"),
            "{sent:?}"
        );
        // Once bound anew, the message goes again as it was, counted for
        // acknowledgement in the new session.
        let id = sent[0].attr("id").unwrap();
        feed(&mut s, &bind_result().replace("id='t1'", &format!("id='{id}'")));
        let sent = out(&mut s);
        let again: Vec<_> = sent.iter().filter(|e| e.name() == "message").collect();
        assert_eq!(again.len(), 1, "{sent:?}");
        assert_eq!(again[0].attr("id"), Some("m1"));
        assert_eq!(
            again[0].get_child("body", "jabber:client").map(|b| b.text()),
            Some("hello".into())
        );
        feed(&mut s, "<enabled xmlns='urn:xmpp:sm:3' id='sm-2' resume='true'/>");
        let counted = sent.iter().filter(|e| e.name() != "enable").count();
        feed(&mut s, &format!("<a xmlns='urn:xmpp:sm:3' h='{counted}'/>"));
        assert!(events(&mut s).contains(&moved("m1", Delivery::Sent)));
    }

    #[test]
    fn a_new_session_enables_stream_management_afresh() {
        let mut s = session();
        authenticate(&mut s);
        feed(&mut s, FEATURES_BIND);
        feed(&mut s, &bind_result());
        // Enabled, but not resumable: a drop means a new session.
        feed(&mut s, "<enabled xmlns='urn:xmpp:sm:3'/>");
        out(&mut s);
        s.handle_command(Command::ConnectionLost);
        authenticate(&mut s);
        feed(&mut s, FEATURES_BIND);
        let bind = out(&mut s);
        let id = bind.last().and_then(|b| b.attr("id")).unwrap();
        feed(&mut s, &bind_result().replace("id='t1'", &format!("id='{id}'")));
        let sent = out(&mut s);
        assert!(sent.iter().any(|e| e.is("enable", "urn:xmpp:sm:3")), "{sent:?}");
        // Until the server says enabled, no acks are asked for.
        s.handle_command(Command::SendMessage {
            id: "m1".into(),
            to: chat("juliet@example.net"),
            body: "x".into(),
        });
        assert!(!out(&mut s).iter().any(|e| e.is("r", "urn:xmpp:sm:3")));
    }

    #[test]
    fn refused_stream_management_keeps_nothing_back() {
        let mut s = session();
        authenticate(&mut s);
        feed(&mut s, FEATURES_BIND);
        feed(&mut s, &bind_result());
        feed(&mut s, "<failed xmlns='urn:xmpp:sm:3'/>");
        s.handle_command(Command::SendMessage {
            id: "m1".into(),
            to: chat("juliet@example.net"),
            body: "x".into(),
        });
        let sent = out(&mut s);
        assert!(sent.iter().any(|e| e.attr("id") == Some("m1")));
        events(&mut s);
        // Nothing is kept for acks that will never come.
        assert!(!format!("{:?}", s.sm).contains("m1"));
    }

    #[test]
    fn keepalive_requests_an_ack_when_idle() {
        let mut s = logged_in();
        s.handle_command(Command::Tick { now_ms: 10_000 });
        assert!(out(&mut s).is_empty());
        s.handle_command(Command::Tick {
            now_ms: 10_000 + KEEPALIVE_MS,
        });
        expect_out(&mut s, &["<r xmlns='urn:xmpp:sm:3'/>"]);
    }

    #[test]
    fn a_server_that_stops_answering_counts_as_lost() {
        use crate::session::stream::ANSWER_MS;
        let mut s = logged_in();
        let pinged = 10_000 + KEEPALIVE_MS;
        s.handle_command(Command::Tick { now_ms: 10_000 });
        s.handle_command(Command::Tick { now_ms: pinged });
        expect_out(&mut s, &["<r xmlns='urn:xmpp:sm:3'/>"]);
        // Anything from the server is an answer.
        feed(&mut s, "<a xmlns='urn:xmpp:sm:3' h='4'/>");
        s.handle_command(Command::Tick {
            now_ms: pinged + ANSWER_MS,
        });
        assert!(events(&mut s).is_empty());
        assert!(!s.take_unresponsive());
        // The next ping goes unanswered.
        let pinged = pinged + KEEPALIVE_MS;
        s.handle_command(Command::Tick { now_ms: pinged });
        expect_out(&mut s, &["<r xmlns='urn:xmpp:sm:3'/>"]);
        s.handle_command(Command::Tick {
            now_ms: pinged + ANSWER_MS - 1,
        });
        assert!(events(&mut s).is_empty());
        s.handle_command(Command::Tick {
            now_ms: pinged + ANSWER_MS,
        });
        assert_eq!(events(&mut s), [Event::Disconnected]);
        assert!(!s.is_ready());
        assert!(s.take_unresponsive());
        assert!(!s.take_unresponsive());
        // A new connection starts with a clean slate: it resumes, and the
        // old ping is forgotten.
        authenticate(&mut s);
        feed(&mut s, FEATURES_BIND);
        feed(&mut s, "<resumed xmlns='urn:xmpp:sm:3' previd='sm-1' h='4'/>");
        events(&mut s);
        s.handle_command(Command::Tick {
            now_ms: pinged + ANSWER_MS + 1,
        });
        assert!(events(&mut s).is_empty());
    }
}
