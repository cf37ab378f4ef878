//! The registration form: XEP-0004 data forms (with XEP-0221 media and
//! XEP-0231 data) and legacy fields, read into one [`Form`], and the answers
//! written back in kind.

use crate::element::{self, ToElement};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use minidom::Element;
use xmpp_parsers::data_forms::{self, DataForm, FieldType};
use xmpp_parsers::ibr::LegacyQuery;
use xmpp_parsers::media_element::MediaElement;

use crate::ns;

/// What the server asks for, from a data form or legacy fields alike.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    /// The server's instructions, if any.
    pub instructions: Option<String>,
    /// The fields, in the server's order.
    pub fields: Vec<Field>,
    /// Legacy fields (no data form): text only, all required.
    pub legacy: bool,
}

/// One field of a [`Form`].
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Its name, to answer with; empty for a fixed text.
    pub var: String,
    /// Its label, if the server gave one.
    pub label: Option<String>,
    /// What kind of answer it takes.
    pub kind: FieldKind,
    /// Whether it must be answered.
    pub required: bool,
    /// Its current or default values.
    pub values: Vec<String>,
    /// An image or sound to show with it (a CAPTCHA, XEP-0158).
    pub media: Option<Media>,
}

/// The XEP-0004 field types.
#[derive(Debug, Clone, PartialEq)]
pub enum FieldKind {
    /// One line of text.
    TextSingle,
    /// A secret line of text (a password).
    TextPrivate,
    /// Several lines of text (also JIDs, one per line).
    TextMulti,
    /// Not shown; sent back as it is.
    Hidden,
    /// Text to show, not a question.
    Fixed,
    /// Yes or no.
    Boolean,
    /// One of `options`.
    ListSingle {
        /// The choices.
        options: Vec<ListOption>,
    },
    /// Any of `options`.
    ListMulti {
        /// The choices.
        options: Vec<ListOption>,
    },
    /// One JID.
    JidSingle,
}

/// A choice of a list field.
#[derive(Debug, Clone, PartialEq)]
pub struct ListOption {
    /// What to show, if given.
    pub label: Option<String>,
    /// What to answer.
    pub value: String,
}

/// XEP-0221: the media of a field.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    /// Its MIME type.
    pub mime: String,
    /// `data:` URI of the XEP-0231 data the server sent with the form.
    pub data_uri: Option<String>,
    /// An http(s) URI to fetch it from.
    pub http_uri: Option<String>,
}

/// The form as the server sent it, to answer in kind.
#[derive(Debug, Clone)]
pub(super) enum Answerable {
    Data(DataForm),
    Legacy(Box<LegacyQuery>),
}

/// The legacy fields by name, in XEP-0077 order.
pub(super) fn slots(q: &mut LegacyQuery) -> [(&'static str, &mut Option<String>); 17] {
    [
        ("username", &mut q.username),
        ("nick", &mut q.nick),
        ("password", &mut q.password),
        ("name", &mut q.name),
        ("first", &mut q.first),
        ("last", &mut q.last),
        ("email", &mut q.email),
        ("address", &mut q.address),
        ("city", &mut q.city),
        ("state", &mut q.state),
        ("zip", &mut q.zip),
        ("phone", &mut q.phone),
        ("url", &mut q.url),
        ("date", &mut q.date),
        ("misc", &mut q.misc),
        ("text", &mut q.text),
        ("key", &mut q.key),
    ]
}

/// A legacy field: text, required; the obsolete `key` is sent back as is.
pub(super) fn legacy_field(var: &str, value: &str) -> Field {
    Field {
        var: var.to_owned(),
        label: None,
        kind: match var {
            "password" => FieldKind::TextPrivate,
            "key" => FieldKind::Hidden,
            _ => FieldKind::TextSingle,
        },
        required: true,
        values: if value.is_empty() {
            Vec::new()
        } else {
            vec![value.to_owned()]
        },
        media: None,
    }
}

/// One of our fields from a data form's.
pub(super) fn field(f: &data_forms::Field, bob: &[&Element]) -> Field {
    let options = || {
        f.options
            .iter()
            .map(|o| ListOption {
                label: o.label.clone(),
                value: o.value.clone(),
            })
            .collect()
    };
    let kind = match f.type_ {
        FieldType::Boolean => FieldKind::Boolean,
        FieldType::Fixed => FieldKind::Fixed,
        FieldType::Hidden => FieldKind::Hidden,
        FieldType::JidSingle => FieldKind::JidSingle,
        FieldType::JidMulti | FieldType::TextMulti => FieldKind::TextMulti,
        FieldType::ListSingle => FieldKind::ListSingle { options: options() },
        FieldType::ListMulti => FieldKind::ListMulti { options: options() },
        FieldType::TextPrivate => FieldKind::TextPrivate,
        FieldType::TextSingle => FieldKind::TextSingle,
    };
    Field {
        var: f.var.clone().unwrap_or_default(),
        label: f.label.clone(),
        kind,
        required: f.required,
        values: f.values.clone(),
        media: f.media.iter().find_map(|m| media(m, bob)),
    }
}

/// The media's first usable URI, with the inline data it names if any.
pub(super) fn media(m: &MediaElement, bob: &[&Element]) -> Option<Media> {
    let mut found: Option<Media> = None;
    for uri in &m.uris {
        let (data_uri, http_uri) = if let Some(cid) = uri.uri.strip_prefix("cid:") {
            (data_uri(&uri.type_, cid, bob), None)
        } else if uri.uri.starts_with("https://") || uri.uri.starts_with("http://") {
            (None, Some(uri.uri.clone()))
        } else {
            continue;
        };
        if data_uri.is_none() && http_uri.is_none() {
            continue;
        }
        let media = found.get_or_insert_with(|| Media {
            mime: uri.type_.clone(),
            data_uri: None,
            http_uri: None,
        });
        media.data_uri = media.data_uri.take().or(data_uri);
        media.http_uri = media.http_uri.take().or(http_uri);
    }
    found
}

/// `data:mime;base64,…` of the XEP-0231 data with content id `cid`.
pub(super) fn data_uri(mime: &str, cid: &str, bob: &[&Element]) -> Option<String> {
    // A MIME type is a token, so it cannot break out of the URI.
    let token = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "!#$&^_.+-".contains(c))
    };
    let valid = mime
        .split_once('/')
        .is_some_and(|(kind, sub)| token(kind) && token(sub));
    if !valid {
        return None;
    }
    let data = bob.iter().find(|d| d.attr("cid") == Some(cid))?;
    let text: String = data.text().chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = B64.decode(text).ok()?;
    Some(format!("data:{mime};base64,{}", B64.encode(bytes)))
}

/// A submitted data form: its hidden fields as they came, then the answers.
pub(super) fn data_submission(form: &DataForm, answers: Vec<(String, Vec<String>)>) -> Element {
    let hidden = form
        .fields
        .iter()
        .filter(|f| f.type_ == FieldType::Hidden && f.var.as_deref() != Some("FORM_TYPE"))
        .filter_map(|f| Some((f.var.as_deref()?, &f.values)))
        .filter(|(var, _)| !answers.iter().any(|(answered, _)| answered == var))
        .map(|(var, values)| element::form_field(var, true, values.iter().map(String::as_str)));
    let answered = answers
        .iter()
        .map(|(var, values)| element::form_field(var, false, values.iter().map(String::as_str)));
    let form_type = form.form_type().unwrap_or(ns::REGISTER);
    let submitted = element::submit_form(form_type, hidden.chain(answered));
    Element::builder("query", ns::REGISTER).append(submitted).build()
}

/// Legacy answers, for the fields the server asked for only; its `key`
/// goes back unless answered.
pub(super) fn legacy_submission(asked: &LegacyQuery, answers: Vec<(String, Vec<String>)>) -> Element {
    let mut asked = asked.clone();
    let mut submitted = LegacyQuery {
        key: asked.key.clone(),
        ..LegacyQuery::default()
    };
    let asked = slots(&mut asked);
    for (var, values) in answers {
        let slot = slots(&mut submitted)
            .into_iter()
            .zip(&asked)
            .find(|((name, _), (_, wanted))| *name == var && wanted.is_some());
        if let Some(((_, slot), _)) = slot {
            *slot = Some(values.into_iter().next().unwrap_or_default());
        }
    }
    submitted.to_element()
}
