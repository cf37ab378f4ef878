//! RFC 6120 §6: SASL authentication as the session drives it. The
//! mechanism is chosen from what the server offers: SCRAM (RFC 5802, whose
//! maths is in `sasl`) or PLAIN, over RFC 6120 SASL or XEP-0388 (SASL2,
//! whose request is built in `sasl2`).

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use minidom::Element;
use xmpp_parsers::stream_features::StreamFeatures;

use super::sasl::{self, Mechanism, Scram, ScramKeys};
use super::{AuthError, Event, SaslCondition, Session, State};
use crate::element::ToElement;
use crate::framing::Close;
use crate::ns;

#[derive(Debug)]
pub(super) enum SaslState {
    Scram(Box<Scram>),
    Plain,
}

/// What authentication needs.
#[derive(Clone)]
pub enum Credential {
    /// Until the first SCRAM login, or always with PLAIN.
    Password(String),
    /// After a SCRAM login, or kept from one ("keep me signed in"): the
    /// salted password only.
    Keys(ScramKeys),
}

impl std::fmt::Debug for Credential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Credential(…)")
    }
}

fn scram_start(scram: Scram) -> (SaslState, Mechanism, Vec<u8>) {
    let first = scram.client_first().into_bytes();
    let mechanism = scram.mechanism();
    (SaslState::Scram(Box::new(scram)), mechanism, first)
}

/// What authentication keeps: the credential (the password is replaced
/// by SCRAM keys after a first login), whether this session verified those
/// keys, the transport's security, the nonce of the next exchange and
/// what went inline in a SASL2 request.
#[derive(Debug)]
pub(super) struct Login {
    credential: Credential,
    keys_verified: bool,
    secure: bool,
    nonce: Option<String>,
    inline: Option<sasl2::Inline>,
}

impl Login {
    pub fn new(credential: Credential, secure: bool) -> Self {
        Self {
            credential,
            keys_verified: false,
            secure,
            nonce: None,
            inline: None,
        }
    }
}

impl Login {
    /// A new connection: the next exchange uses `nonce`.
    pub fn start(&mut self, nonce: String) {
        self.nonce = Some(nonce);
    }

    /// The server took a new password: the next login derives fresh keys.
    pub fn password_changed(&mut self, new: String) {
        self.credential = Credential::Password(new);
        self.keys_verified = false;
    }
}

impl Session {
    /// The salted-password keys, once a SCRAM login has succeeded: the owner
    /// may store them to sign in again without the password (see
    /// [`super::ScramKeys::encode`]). `None` before, with PLAIN, after a failed
    /// login (stored keys should then be dropped), or after a password
    /// change until the next login.
    pub fn scram_keys(&self) -> Option<&super::ScramKeys> {
        match &self.login.credential {
            super::Credential::Keys(keys) if self.login.keys_verified => Some(keys),
            _ => None,
        }
    }

    pub(super) fn start_sasl(&mut self, features: &StreamFeatures) {
        // XEP-0388 when the server offers it, else RFC 6120 SASL.
        let offered: Vec<&str> = match &features.sasl2 {
            Some(a) => a.mechanisms.iter().map(String::as_str).collect(),
            None => features.sasl_mechanisms.iter().map(String::as_str).collect(),
        };
        let user = self.jid.node().map(|n| n.to_string()).unwrap_or_default();
        let nonce = self.login.nonce.take().unwrap_or_default();
        let started = match &self.login.credential {
            // After a first login only the SCRAM keys are left: the same
            // mechanism must be offered again.
            Credential::Keys(keys) => {
                let scram = Scram::from_keys(keys.clone(), &user, &nonce);
                if offered.contains(&scram.mechanism().name()) {
                    Ok(scram_start(scram))
                } else {
                    Err(AuthError::PasswordNeeded)
                }
            }
            Credential::Password(password) => {
                match Mechanism::choose(offered.iter().copied(), self.login.secure) {
                    None => Err(AuthError::NoSupportedMechanism),
                    Some(Mechanism::Plain) => {
                        Ok((SaslState::Plain, Mechanism::Plain, sasl::plain(&user, password)))
                    }
                    Some(m) => Scram::new(m, &user, password, &nonce)
                        .map(scram_start)
                        .map_err(|_| AuthError::InvalidPassword),
                }
            }
        };
        let (state, mechanism, initial) = match started {
            Ok(s) => s,
            Err(error) => {
                self.state = State::Idle;
                self.login.keys_verified = false;
                return self.event(Event::AuthFailed { error, text: None });
            }
        };
        self.state = State::Sasl(state);
        let auth = match &features.sasl2 {
            Some(offer) => self.authenticate(offer, mechanism.name(), initial),
            None => {
                self.login.inline = None;
                sasl::Auth {
                    mechanism: mechanism.name().to_owned(),
                    data: initial,
                }
                .to_element()
            }
        };
        self.send(auth);
    }

    pub(super) fn sasl(&mut self, el: Element) {
        let State::Sasl(state) = &mut self.state else {
            return self.ignore(format!("SASL <{}/> outside authentication", el.name()));
        };
        let sasl2 = el.ns() == ns::SASL2;
        // SASL2 carries the server's final message in <additional-data/>.
        let encoded = match el.get_child("additional-data", ns::SASL2) {
            Some(d) if sasl2 => d.text(),
            _ => el.text(),
        };
        let data = B64.decode(encoded.trim()).unwrap_or_default();
        match (el.name(), state) {
            ("challenge", SaslState::Scram(scram)) => match scram.client_final(&data) {
                Ok(response) => {
                    let response = response.into_bytes();
                    let el: Element = if sasl2 {
                        xmpp_parsers::sasl2::Response { sasl_data: response }.to_element()
                    } else {
                        xmpp_parsers::sasl::Response { data: response }.to_element()
                    };
                    self.send(el);
                }
                Err(e) => self.abort_sasl(sasl_error(&e)),
            },
            ("success", SaslState::Scram(scram)) => match scram.verify_server_final(&data) {
                Ok(()) => {
                    // The password is dropped; the keys suffice to resume.
                    if let Some(keys) = scram.keys() {
                        self.login.credential = Credential::Keys(keys);
                        self.login.keys_verified = true;
                    }
                    self.authenticated(el, sasl2);
                }
                Err(e) => self.abort_sasl(sasl_error(&e)),
            },
            ("success", SaslState::Plain) => self.authenticated(el, sasl2),
            ("failure", _) => {
                // SASL2 wraps the same conditions, in the SASL namespace.
                let error = el
                    .children()
                    .find_map(|c| xmpp_parsers::sasl::DefinedCondition::try_from(c.clone()).ok())
                    .unwrap_or(SaslCondition::NotAuthorized);
                let text = el.get_child("text", el.ns().as_str()).map(Element::text);
                self.state = State::Idle;
                self.login.keys_verified = false;
                self.event(Event::AuthFailed {
                    error: AuthError::Sasl(error),
                    text,
                });
                self.send(Close::default().to_element());
            }
            (other, _) => self.ignore(format!("unexpected SASL <{other}/>")),
        }
    }

    /// The server failed to prove itself: stop, do not trust it.
    pub(super) fn abort_sasl(&mut self, error: AuthError) {
        self.state = State::Idle;
        self.login.keys_verified = false;
        self.send(xmpp_parsers::sasl::Abort.to_element());
        self.send(Close::default().to_element());
        self.event(Event::AuthFailed { error, text: None });
    }

    /// RFC 6120 §6.4.6: restart the stream; with SASL2 the stream goes on.
    fn authenticated(&mut self, success: Element, sasl2: bool) {
        if !sasl2 {
            self.state = State::Features { authenticated: true };
            return self.send(self.open());
        }
        match xmpp_parsers::sasl2::Success::try_from(success) {
            Ok(s) => self.sasl2_success(s),
            Err(_) => self.abort_sasl(AuthError::ServerNotTrusted),
        }
    }
}

/// What a failed SCRAM step means for the owner.
fn sasl_error(e: &sasl::SaslError) -> AuthError {
    match e {
        sasl::SaslError::PasswordNeeded => AuthError::PasswordNeeded,
        sasl::SaslError::InvalidPassword => AuthError::InvalidPassword,
        _ => AuthError::ServerNotTrusted,
    }
}

mod sasl2;

#[cfg(test)]
mod tests;
