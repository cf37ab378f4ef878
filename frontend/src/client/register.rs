//! XEP-0077 In-Band Registration over its own WebSocket: the transport
//! drives a [`Registration`] until the account exists.

use parlons_shared::Element;
use parlons_shared::session::register::{Registration, RegistrationEvent};

use super::{Machine, Transport};

impl Machine for Registration {
    type Event = RegistrationEvent;
    fn opened(&mut self) -> bool {
        self.start();
        true
    }
    fn incoming(&mut self, el: Element) {
        self.handle_incoming(el);
    }
    fn lost(&mut self) {}
    fn outgoing(&mut self) -> Option<Element> {
        self.poll_outgoing()
    }
    fn event(&mut self) -> Option<RegistrationEvent> {
        self.poll_event()
    }
}

/// A registration under way.
pub type Registrar = Transport<Registration>;
