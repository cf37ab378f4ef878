//! What the WebSocket delivered, in order, handed over a slice at a time:
//! a large element (a 5,000-contact roster is half a megabyte) is parsed
//! in steps, so the page gets the main thread back between them.

use std::collections::VecDeque;

use parlons_shared::Element;
use parlons_shared::slices::{SlicedParse, Step};

/// Texts shorter than this are parsed in one go.
const WHOLE: usize = 16 * 1024;
/// XML events per parse step: about a millisecond in WASM.
const EVENTS: usize = 500;

/// One thing the WebSocket delivered.
enum Delivery {
    Text(String),
    /// The WebSocket closed; `reached` when it had opened.
    Closed {
        reached: bool,
    },
}

/// The next thing to hand over.
#[derive(Debug)]
pub enum Next {
    /// An element for the machine.
    Element(Element),
    /// The WebSocket closed, after everything it delivered.
    Closed { reached: bool },
    /// Work was done, nothing is ready yet.
    Progress,
    /// Nothing is waiting.
    Empty,
}

/// Deliveries waiting their turn.
#[derive(Default)]
pub struct Inbox {
    waiting: VecDeque<Delivery>,
    parsing: Option<SlicedParse>,
    /// XML events per step of the current parse.
    events: usize,
}

impl Inbox {
    /// A text message from the WebSocket.
    pub fn text(&mut self, text: String) {
        self.waiting.push_back(Delivery::Text(text));
    }

    /// The WebSocket closed.
    pub fn closed(&mut self, reached: bool) {
        self.waiting.push_back(Delivery::Closed { reached });
    }

    /// Forgets everything: the machine is gone.
    pub fn clear(&mut self) {
        self.waiting.clear();
        self.parsing = None;
    }

    /// One short step. The gateway sends one element per message;
    /// anything else is dropped rather than trusted.
    pub fn next(&mut self) -> Next {
        if self.parsing.is_none() {
            match self.waiting.pop_front() {
                None => return Next::Empty,
                Some(Delivery::Closed { reached }) => return Next::Closed { reached },
                Some(Delivery::Text(text)) => {
                    // One parser for every size keeps one copy in the WASM.
                    self.events = if text.len() < WHOLE { usize::MAX } else { EVENTS };
                    self.parsing = Some(SlicedParse::new(text));
                }
            }
        }
        let Some(parse) = &mut self.parsing else {
            return Next::Progress;
        };
        match parse.step(self.events) {
            Step::More => Next::Progress,
            Step::Done(el) => {
                self.parsing = None;
                Next::Element(el)
            }
            Step::Failed(_) => {
                self.parsing = None;
                Next::Progress
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{Inbox, Next, WHOLE};

    fn drain(inbox: &mut Inbox) -> (Vec<String>, usize) {
        let mut got = Vec::new();
        let mut steps = 0;
        loop {
            steps += 1;
            match inbox.next() {
                Next::Element(el) => got.push(el.name().to_owned()),
                Next::Closed { reached } => got.push(format!("closed {reached}")),
                Next::Progress => {}
                Next::Empty => return (got, steps),
            }
        }
    }

    #[test]
    fn a_large_element_takes_several_steps_and_order_is_kept() {
        let items: String = (0..WHOLE / 20)
            .map(|i| format!("<item jid='c{i}@example.net'/>"))
            .collect();
        let mut inbox = Inbox::default();
        inbox.text("<presence xmlns='jabber:client'/>".into());
        inbox.text(format!(
            "<iq xmlns='jabber:client'><query xmlns='jabber:iq:roster'>{items}</query></iq>"
        ));
        inbox.text("<not-closed xmlns='jabber:client'>".into());
        inbox.text("<message xmlns='jabber:client'/>".into());
        inbox.closed(true);
        let (got, steps) = drain(&mut inbox);
        assert_eq!(got, ["presence", "iq", "message", "closed true"]);
        assert!(steps > 6, "{steps} steps");
    }

    #[test]
    fn a_large_text_that_is_not_xml_is_dropped() {
        let mut inbox = Inbox::default();
        inbox.text(format!("<a xmlns='x'>{}", "<b/>".repeat(WHOLE)));
        inbox.text("<message xmlns='jabber:client'/>".into());
        assert_eq!(drain(&mut inbox).0, ["message"]);
        inbox.text("<message xmlns='jabber:client'/>".into());
        inbox.clear();
        assert_eq!(drain(&mut inbox).0, Vec::<String>::new());
    }
}
