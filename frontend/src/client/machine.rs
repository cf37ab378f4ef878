//! The sans-IO machines a transport drives: the session, or an account
//! registration (XEP-0077), behind one trait.

use parlons_shared::Element;
use parlons_shared::session::{Command, Event, Session};

use super::{now_ms, random};

/// A sans-IO machine the transport drives: the session, or an account
/// registration.
pub trait Machine: 'static {
    /// What it tells its owner.
    type Event: 'static;
    /// The WebSocket opened; `false` when the machine cannot start.
    fn opened(&mut self) -> bool;
    /// One element from the server.
    fn incoming(&mut self, el: Element);
    /// The WebSocket closed without the machine ending it.
    fn lost(&mut self);
    /// The next element to send.
    fn outgoing(&mut self) -> Option<Element>;
    /// The next event.
    fn event(&mut self) -> Option<Self::Event>;
    /// One short batch of put-off work; false when there was none.
    fn work(&mut self) -> bool {
        false
    }
    /// The server stopped answering: the connection is to be dropped.
    fn unresponsive(&mut self) -> bool {
        false
    }
}

impl Machine for Session {
    type Event = Event;
    fn opened(&mut self) -> bool {
        let Some(nonce) = random::token(24) else {
            return false;
        };
        self.handle_command(Command::Connect { nonce });
        true
    }
    fn incoming(&mut self, el: Element) {
        // Stamp what arrives with the time now, not at the last tick: a
        // reply must not sort before the message it answers.
        self.handle_command(Command::Tick { now_ms: now_ms() });
        self.handle_incoming(el);
    }
    fn lost(&mut self) {
        self.handle_command(Command::ConnectionLost);
    }
    fn outgoing(&mut self) -> Option<Element> {
        self.poll_outgoing()
    }
    fn event(&mut self) -> Option<Event> {
        self.poll_event()
    }
    fn work(&mut self) -> bool {
        Session::work(self)
    }
    fn unresponsive(&mut self) -> bool {
        self.take_unresponsive()
    }
}
