//! XEP-0045 §10.2 with XEP-0004: a room's configuration form, read by hand
//! into the registration's [`Form`] (xmpp-parsers' data-forms parser would
//! weigh on the first load), and answered with the fields changed.

use minidom::Element;
use xmpp_parsers::jid::{BareJid, Jid};

use super::{MAX_SUBJECT, ModerationError, cut};
use crate::element::{self, ToElement, name};
use crate::ns;
use crate::session::register::{Field, FieldKind, Form, ListOption};
use crate::session::{Event, Request, RequestError, Session};

/// The form type of a room's configuration.
pub const ROOMCONFIG: &str = "http://jabber.org/protocol/muc#roomconfig";
/// Fields kept of a form, and options of a field, at most.
const MAX_FIELDS: usize = 200;
/// Values of a field, at most.
const MAX_VALUES: usize = 100;

/// The field of `f`, bounded.
fn field(f: &Element) -> Field {
    let text = |e: &Element| cut(&e.text(), MAX_SUBJECT);
    let options = || {
        f.children()
            .filter(|o| o.is("option", ns::DATA_FORMS))
            .take(MAX_FIELDS)
            .filter_map(|o| {
                let value = o.get_child("value", ns::DATA_FORMS)?;
                Some(ListOption {
                    label: o.attr("label").map(|l| cut(l, MAX_SUBJECT)),
                    value: text(value),
                })
            })
            .collect()
    };
    let kind = match f.attr("type").unwrap_or("text-single") {
        "boolean" => FieldKind::Boolean,
        "fixed" => FieldKind::Fixed,
        "hidden" => FieldKind::Hidden,
        "jid-single" => FieldKind::JidSingle,
        "jid-multi" | "text-multi" => FieldKind::TextMulti,
        "list-single" => FieldKind::ListSingle { options: options() },
        "list-multi" => FieldKind::ListMulti { options: options() },
        "text-private" => FieldKind::TextPrivate,
        _ => FieldKind::TextSingle,
    };
    Field {
        var: f.attr("var").map(|v| cut(v, MAX_SUBJECT)).unwrap_or_default(),
        label: f.attr("label").map(|l| cut(l, MAX_SUBJECT)),
        kind,
        required: f.has_child("required", ns::DATA_FORMS),
        values: f
            .children()
            .filter(|v| v.is("value", ns::DATA_FORMS))
            .take(MAX_VALUES)
            .map(text)
            .collect(),
        media: None,
    }
}

/// The form in a `<query xmlns='…muc#owner'/>`, if it holds one.
pub fn read_form(query: &Element) -> Option<Form> {
    let x = query.get_child("x", ns::DATA_FORMS)?;
    Some(Form {
        instructions: x
            .get_child("instructions", ns::DATA_FORMS)
            .map(|i| cut(&i.text(), MAX_SUBJECT)),
        fields: x
            .children()
            .filter(|f| f.is("field", ns::DATA_FORMS))
            .take(MAX_FIELDS)
            .map(field)
            .collect(),
        legacy: false,
    })
}

/// The submitted form: every answer, with the form type.
fn submission(answers: Vec<(String, Vec<String>)>) -> Element {
    let fields = answers
        .into_iter()
        .filter(|(var, _)| var != "FORM_TYPE")
        .map(|(var, values)| {
            let mut f = Element::builder("field", ns::DATA_FORMS).attr(name("var"), var);
            for v in values {
                f = f.append(Element::builder("value", ns::DATA_FORMS).append(element::xml_text(v)));
            }
            f.build()
        });
    element::submit_form(ROOMCONFIG, fields)
}

impl Session {
    /// Asks a room we own for its configuration form (§10.2).
    pub(super) fn fetch_room_config(&mut self, room: BareJid) {
        if !self.is_ready() {
            let error = ModerationError::Unanswered;
            return self.event(Event::RoomConfigFailed { room, error });
        }
        let query = Element::builder("query", ns::MUC_OWNER).build();
        let id = self.ask(Request::RoomConfigForm(room.clone()));
        let iq = element::get_element(id, query).with_to(Jid::from(room));
        self.send_stanza(iq.to_element(), None);
    }

    /// Sends the answers to a room's form, reported under `id` as a
    /// moderation (§10.2).
    pub(super) fn configure_room(&mut self, room: BareJid, id: String, answers: Vec<(String, Vec<String>)>) {
        if !self.is_ready() {
            let error = ModerationError::Unanswered;
            return self.event(Event::ModerationFailed { room, id, error });
        }
        let query = Element::builder("query", ns::MUC_OWNER)
            .append(submission(answers))
            .build();
        let asked = self.ask(Request::Moderation {
            room: room.clone(),
            id,
        });
        let iq = element::set_element(asked, query).with_to(Jid::from(room));
        self.send_stanza(iq.to_element(), None);
    }

    /// The room's form came, or did not.
    pub(in crate::session) fn room_config_answered(
        &mut self,
        room: BareJid,
        payload: Option<Element>,
        error: Option<&RequestError>,
    ) {
        let form = payload
            .filter(|q| q.is("query", ns::MUC_OWNER))
            .and_then(|q| read_form(&q));
        match (form, error) {
            (Some(form), None) => self.event(Event::RoomConfigReceived { room, form }),
            (_, error) => {
                let error = error.map_or(
                    ModerationError::Other(crate::session::StanzaCondition::BadRequest),
                    ModerationError::from_request,
                );
                self.event(Event::RoomConfigFailed { room, error });
            }
        }
    }
}
