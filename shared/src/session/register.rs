//! XEP-0077: In-Band Registration.
//!
//! [`Registration`] creates an account before any exists: a sans-IO machine
//! of its own, apart from [`Session`], on a stream that never authenticates.
//! The server's form, data form (XEP-0004, with XEP-0221 media and XEP-0158
//! CAPTCHAs) or legacy fields, reaches the owner as one [`Form`]. Changing
//! the password of a signed-in account is
//! [`Command::ChangePassword`](super::Command::ChangePassword).

use crate::element::{self, ToElement};
use std::collections::VecDeque;

use minidom::Element;
use xmpp_parsers::ibr::{FieldsQuery, FormQuery, LegacyQuery};
use xmpp_parsers::iq::Iq;
use xmpp_parsers::jid::BareJid;
use xmpp_parsers::stanza_error::{DefinedCondition, ErrorType, StanzaError};
use xmpp_parsers::stream_error;

use super::{Event, Request, RequestError, Secret, Session, stanza_condition};
use crate::framing::{Close, Frame, Open};
use crate::ns;

mod form;
use form::{Answerable, data_submission, field, legacy_field, legacy_submission, slots};
pub use form::{Field, FieldKind, Form, ListOption, Media};

/// What happened to the registration.
#[derive(Debug, Clone, PartialEq)]
pub enum RegistrationEvent {
    /// The server's form arrived: answer it with [`Registration::submit`].
    FormReceived(Form),
    /// The account exists; sign in with it.
    Registered,
    /// The request failed; after a failed submission the form may be
    /// answered again, or asked for anew with [`Registration::request_form`].
    Failed(RegistrationError),
    /// Something unexpected arrived, or a call came at the wrong time.
    Ignored {
        /// What and why, for logs.
        reason: String,
    },
}

/// Why registration failed.
#[derive(Debug, Clone, PartialEq)]
pub enum RegistrationError {
    /// The server does not let us register here (`not-allowed`,
    /// `forbidden`, `feature-not-implemented`, `service-unavailable`).
    NotAllowed,
    /// The name is taken.
    Conflict,
    /// An answer is missing or wrong, e.g. the CAPTCHA (`not-acceptable`,
    /// `bad-request`, `jid-malformed`).
    NotAcceptable,
    /// Another stanza error.
    Stanza(DefinedCondition),
    /// The server ended the stream with an error.
    Stream(stream_error::DefinedCondition),
    /// The server closed the stream before the account existed.
    Closed,
    /// The server's form could not be understood.
    Malformed,
}

impl From<DefinedCondition> for RegistrationError {
    fn from(c: DefinedCondition) -> Self {
        use DefinedCondition as C;
        match c {
            C::NotAllowed | C::Forbidden | C::FeatureNotImplemented | C::ServiceUnavailable => {
                Self::NotAllowed
            }
            C::Conflict => Self::Conflict,
            C::NotAcceptable | C::BadRequest | C::JidMalformed => Self::NotAcceptable,
            other => Self::Stanza(other),
        }
    }
}

/// Where the stream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// No stream.
    Idle,
    /// Waiting for `<stream:features>`.
    Opening,
    /// Open: requests can be sent.
    Open,
    /// The account exists.
    Done,
}

/// What an iq of ours asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asked {
    Form,
    Submission,
}

/// An account registration (XEP-0077 §3.1).
#[derive(Debug)]
pub struct Registration {
    domain: BareJid,
    id_prefix: String,
    next_id: u64,
    stage: Stage,
    pending: Option<(String, Asked)>,
    form: Option<Answerable>,
    out: VecDeque<Element>,
    events: VecDeque<RegistrationEvent>,
}

impl Registration {
    /// A registration with the server of `domain` (a bare JID's localpart
    /// is not used); ids start with `id_prefix`.
    pub fn new(domain: BareJid, id_prefix: String) -> Self {
        Self {
            domain: BareJid::from_parts(None, domain.domain()),
            id_prefix,
            next_id: 0,
            stage: Stage::Idle,
            pending: None,
            form: None,
            out: VecDeque::new(),
            events: VecDeque::new(),
        }
    }

    /// Opens the stream on a fresh connection; the form is asked for once
    /// the server's features arrive.
    pub fn start(&mut self) {
        self.stage = Stage::Opening;
        self.pending = None;
        self.form = None;
        self.out.push_back(Open::new(self.domain.clone()).to_element());
    }

    /// Closes the stream.
    pub fn close(&mut self) {
        if self.stage != Stage::Idle {
            self.out.push_back(Close::default().to_element());
        }
        self.stage = Stage::Idle;
        self.pending = None;
    }

    /// The next element to send, if any.
    pub fn poll_outgoing(&mut self) -> Option<Element> {
        self.out.pop_front()
    }

    /// The next event, if any.
    pub fn poll_event(&mut self) -> Option<RegistrationEvent> {
        self.events.pop_front()
    }

    fn id(&mut self) -> String {
        self.next_id += 1;
        format!("{}{}", self.id_prefix, self.next_id)
    }

    fn ignore(&mut self, reason: impl Into<String>) {
        self.events.push_back(RegistrationEvent::Ignored {
            reason: reason.into(),
        });
    }

    fn fail(&mut self, error: RegistrationError) {
        self.events.push_back(RegistrationEvent::Failed(error));
    }

    /// Asks for the form (again, e.g. for a fresh CAPTCHA).
    pub fn request_form(&mut self) {
        if self.stage != Stage::Open || self.pending.is_some() {
            return self.ignore("the stream is not open, or a request is under way");
        }
        let id = self.id();
        self.pending = Some((id.clone(), Asked::Form));
        self.out.push_back(element::get(id, &FieldsQuery).to_element());
    }

    /// Answers the form: `(var, values)` pairs. Hidden fields are sent back
    /// by themselves.
    pub fn submit(&mut self, answers: Vec<(String, Vec<String>)>) {
        let form = match (&self.form, self.stage, &self.pending) {
            (Some(form), Stage::Open, None) => form,
            _ => return self.ignore("no form to answer now"),
        };
        // Not filtered: a name or password must be what was typed.
        if !answers
            .iter()
            .flat_map(|(_, v)| v)
            .all(|v| element::is_xml_text(v))
        {
            return self.fail(RegistrationError::NotAcceptable);
        }
        let query = match form {
            Answerable::Data(form) => data_submission(form, answers),
            Answerable::Legacy(asked) => legacy_submission(asked, answers),
        };
        let id = self.id();
        self.pending = Some((id.clone(), Asked::Submission));
        let iq = Iq::Set {
            from: None,
            to: None,
            id,
            payload: query,
        };
        self.out.push_back(iq.to_element());
    }

    /// Handles one element from the server; nothing here panics on bad
    /// input.
    pub fn handle_incoming(&mut self, el: Element) {
        let el = match Frame::try_from(el) {
            Ok(Frame::Open(_)) => return,
            Ok(Frame::Close(_)) => {
                if matches!(self.stage, Stage::Opening | Stage::Open) {
                    self.fail(RegistrationError::Closed);
                }
                self.stage = Stage::Idle;
                self.pending = None;
                return;
            }
            Ok(Frame::Element(el)) => el,
            Err(e) => return self.ignore(e.to_string()),
        };
        if el.is("error", ns::STREAM) {
            if !matches!(self.stage, Stage::Opening | Stage::Open) {
                return self.ignore("a stream error after the registration");
            }
            let (condition, _) = super::stream::read_stream_error(&el);
            self.stage = Stage::Idle;
            self.pending = None;
            return self.fail(RegistrationError::Stream(condition));
        }
        if el.is("features", ns::STREAM) {
            if self.stage != Stage::Opening {
                return self.ignore("stream features at an unexpected time");
            }
            // Asked whether or not iq-register is advertised: an error says
            // why not.
            self.stage = Stage::Open;
            return self.request_form();
        }
        if el.is("iq", ns::JABBER_CLIENT) {
            return self.iq(&el);
        }
        self.ignore(format!("unexpected <{}/> in {}", el.name(), el.ns()))
    }

    fn iq(&mut self, el: &Element) {
        // Read by hand: a CAPTCHA result carries its image beside the query,
        // and xmpp-parsers' Iq keeps only the first child.
        let Some(id) = el.attr("id").map(str::to_owned) else {
            return self.ignore("an iq without an id");
        };
        let from_server = el.attr("from").is_none_or(|f| f == self.domain.as_str());
        match el.attr("type") {
            Some("get" | "set") => {
                // RFC 6120 §8.2.3: every request gets an answer.
                let mut error =
                    StanzaError::new(ErrorType::Cancel, DefinedCondition::ServiceUnavailable, "en", "");
                error.texts.clear();
                let mut reply = Iq::from_error(id, error);
                if let Some(to) = el.attr("from").and_then(|f| f.parse().ok()) {
                    reply = reply.with_to(to);
                }
                self.out.push_back(reply.to_element());
            }
            Some(kind @ ("result" | "error")) => {
                let asked = match &self.pending {
                    Some((pending, asked)) if *pending == id && from_server => *asked,
                    _ => return self.ignore("an answer to no request of ours"),
                };
                self.pending = None;
                if kind == "error" {
                    let condition = el
                        .get_child("error", ns::JABBER_CLIENT)
                        .map_or(DefinedCondition::UndefinedCondition, stanza_condition);
                    return self.fail(condition.into());
                }
                match asked {
                    Asked::Form => self.form_received(el),
                    Asked::Submission => {
                        self.stage = Stage::Done;
                        self.form = None;
                        self.events.push_back(RegistrationEvent::Registered);
                    }
                }
            }
            _ => self.ignore("an iq of no known type"),
        }
    }

    fn form_received(&mut self, iq: &Element) {
        let Some(query) = iq.get_child("query", ns::REGISTER) else {
            return self.fail(RegistrationError::Malformed);
        };
        // XEP-0231 data travels in the iq or in the query.
        let bob: Vec<&Element> = iq
            .children()
            .chain(query.children())
            .filter(|c| c.is("data", ns::BOB))
            .collect();
        // A data form wins over the legacy fields beside it (XEP-0077 §6).
        let data = query
            .has_child("x", ns::DATA_FORMS)
            .then(|| FormQuery::try_from(query.clone()));
        let (form, answerable) = match data {
            Some(Ok(FormQuery { instructions, form })) => (
                Form {
                    instructions: form.instructions.clone().or(instructions),
                    fields: form.fields.iter().map(|f| field(f, &bob)).collect(),
                    legacy: false,
                },
                Answerable::Data(form),
            ),
            data => {
                let legacy = LegacyQuery::try_from(query.clone()).unwrap_or_default();
                let mut asked = legacy.clone();
                let fields: Vec<Field> = slots(&mut asked)
                    .into_iter()
                    .filter_map(|(var, value)| value.as_ref().map(|v| legacy_field(var, v)))
                    .collect();
                if fields.is_empty() {
                    return self.fail(RegistrationError::Malformed);
                }
                if let Some(Err(e)) = data {
                    self.ignore(format!("invalid data form, legacy fields used: {e}"));
                }
                let form = Form {
                    instructions: legacy.instructions,
                    fields,
                    legacy: true,
                };
                (form, Answerable::Legacy(Box::new(asked)))
            }
        };
        self.form = Some(answerable);
        self.events.push_back(RegistrationEvent::FormReceived(form));
    }
}

impl Session {
    /// XEP-0077 §3.3: a new password for our account, on our server.
    pub(super) fn change_password(&mut self, id: String, new_password: Secret) {
        let Some(user) = self.jid.node() else {
            return self.ignore("an account without a localpart has no password to change");
        };
        // Not filtered, as the account would get another password than typed.
        if !element::is_xml_text(new_password.expose()) {
            return self.event(Event::RequestFailed {
                id,
                error: RequestError::Stanza(DefinedCondition::NotAcceptable),
                text: None,
            });
        }
        if self.pending.contains(&id) {
            return self.ignore("a request with this id is under way");
        }
        // Built by hand: xmpp-parsers' `LegacyQuery` serialiser is 36 KB of
        // WASM that only registration, fetched on demand, needs otherwise.
        let field = |name: &str, value: String| Element::builder(name, ns::REGISTER).append(value);
        let query = Element::builder("query", ns::REGISTER)
            .append(field("username", user.to_string()))
            .append(field("password", new_password.expose().to_owned()))
            .build();
        self.pending
            .insert(id.clone(), Request::ChangePassword(new_password));
        // No `to`: the server answers for our account (RFC 6120 §10.3.3).
        self.send_stanza(element::set_element(id, query).to_element(), None);
    }

    /// The server took the new password: the next login derives fresh keys.
    pub(super) fn password_changed(&mut self, id: String, new: Secret) {
        self.login.password_changed(new.expose().to_owned());
        self.event(Event::PasswordChanged { id });
    }
}

#[cfg(test)]
mod tests;
