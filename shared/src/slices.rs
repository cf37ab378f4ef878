//! One large XML element parsed a slice at a time.
//!
//! A 5,000-contact roster result is half a megabyte of XML: parsed in one
//! go, it holds a browser's main thread for a long task. [`SlicedParse`]
//! does the same work as `Element::from_str`, in steps the caller spaces
//! out between other tasks.

use std::io::Cursor;

use minidom::rxml::RawReader;
use minidom::tree_builder::TreeBuilder;
use minidom::{Element, Error};

/// What one step of a [`SlicedParse`] came to.
#[derive(Debug)]
pub enum Step {
    /// More remains: step again.
    More,
    /// The whole element.
    Done(Element),
    /// The text is not one well-formed element.
    Failed(Error),
}

/// A parse in progress.
pub struct SlicedParse {
    reader: RawReader<Cursor<String>>,
    tree: TreeBuilder,
}

impl SlicedParse {
    /// Starts parsing `text`, which holds one element.
    pub fn new(text: String) -> Self {
        Self {
            reader: RawReader::new(Cursor::new(text)),
            tree: TreeBuilder::new(),
        }
    }

    /// Parses up to `events` more XML events (a start tag, an attribute, a
    /// text run, an end tag).
    pub fn step(&mut self, events: usize) -> Step {
        for _ in 0..events {
            match self.reader.read() {
                Ok(Some(event)) => {
                    if let Err(e) = self.tree.process_event(event) {
                        return Step::Failed(e);
                    }
                    if let Some(root) = self.tree.root.take() {
                        return Step::Done(root);
                    }
                }
                Ok(None) => return Step::Failed(Error::EndOfDocument),
                Err(e) => return Step::Failed(e.into()),
            }
        }
        Step::More
    }
}

#[cfg(test)]
mod tests {
    use super::{SlicedParse, Step};
    use crate::Element;

    fn parse_by(text: &str, events: usize) -> (Result<Element, String>, usize) {
        let mut parse = SlicedParse::new(text.to_owned());
        let mut steps = 0;
        loop {
            steps += 1;
            match parse.step(events) {
                Step::More => {}
                Step::Done(el) => return (Ok(el), steps),
                Step::Failed(e) => return (Err(e.to_string()), steps),
            }
        }
    }

    const ROSTER: &str = "<iq xmlns='jabber:client' type='result' id='r1'>\
        <query xmlns='jabber:iq:roster' ver='v2'>\
        <item jid='a@example.org' subscription='both' name='A &amp; B'><group>Work</group></item>\
        <item jid='b@example.org' subscription='to'/>\
        </query></iq>";

    #[test]
    fn slices_build_the_same_element_as_one_parse() {
        let whole: Element = ROSTER.parse().unwrap();
        let (sliced, steps) = parse_by(ROSTER, 3);
        assert_eq!(sliced.unwrap(), whole);
        assert!(steps > 5, "{steps} steps");
        let (one, steps) = parse_by(ROSTER, 1_000);
        assert_eq!(one.unwrap(), whole);
        assert_eq!(steps, 1);
    }

    #[test]
    fn bad_xml_fails_at_the_step_that_meets_it() {
        let (r, _) = parse_by("<iq xmlns='jabber:client'><query></iq>", 2);
        assert!(r.is_err());
        let (r, _) = parse_by("<iq xmlns='jabber:client'>", 2);
        assert!(r.is_err());
        let (r, _) = parse_by("<a xmlns='x'><b xmlns:p='y' p:c='1'/><q:d/></a>", 1);
        assert!(r.is_err());
    }
}
