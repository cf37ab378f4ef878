//! XEP-0388: Extensible SASL Profile, with XEP-0386 (Bind 2) and XEP-0198
//! inline: authentication, resource binding and stream management in one
//! round trip, without a stream restart.

use crate::element::ToElement;
use minidom::Element;
use xmpp_parsers::bind2::BindQuery;
use xmpp_parsers::sasl2::{Authenticate, Authentication, Success, UserAgent};

use crate::ns;
use crate::session::{Session, State};

/// What went inline in our `<authenticate/>`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(in crate::session) struct Inline {
    /// Bind 2 was asked for.
    pub bind: bool,
    /// Carbons were enabled inside the bind.
    pub carbons: bool,
}

impl Session {
    /// The `<authenticate/>` for `mechanism`, with Bind 2 (carbons and stream
    /// management inline) and resumption when offered.
    pub(in crate::session) fn authenticate(
        &mut self,
        offer: &Authentication,
        mechanism: &str,
        initial: Vec<u8>,
    ) -> Element {
        let mut payloads = Vec::new();
        let mut inline = Inline::default();
        let offered = offer.inline.as_ref();
        self.sm.offered(offered.is_some_and(|i| i.sm.is_some()));
        match self.sm.resume_request() {
            Some(resume) => payloads.push(resume),
            None => self.new_session(),
        }
        if let Some(bind) = offered.and_then(|i| i.bind2.as_ref()) {
            let mut bind_payloads = Vec::new();
            if bind.inline_features.iter().any(|f| f == ns::CARBONS) {
                bind_payloads.push(xmpp_parsers::carbons::Enable.into());
                inline.carbons = true;
            }
            let sm_inline = bind.inline_features.iter().any(|f| f == ns::SM);
            // Only when asked for: enabling starts the counters.
            let enable = if sm_inline { self.sm.enable_request() } else { None };
            bind_payloads.extend(enable);
            payloads.push(
                BindQuery {
                    tag: Some("Parlons".into()),
                    payloads: bind_payloads,
                }
                .to_element(),
            );
            inline.bind = true;
        }
        self.login.inline = Some(inline);
        Authenticate {
            mechanism: mechanism.to_owned(),
            initial_response: Some(initial),
            user_agent: UserAgent {
                id: self.device_id,
                software: Some("Parlons".into()),
                device: None,
            },
            payloads,
        }
        .to_element()
    }

    /// `<success/>` of SASL2: the stream is authenticated, and maybe bound or
    /// resumed, with no restart.
    pub(in crate::session) fn sasl2_success(&mut self, success: Success) {
        let inline = self.login.inline.take().unwrap_or_default();
        let find = |name: &str, ns: &str| success.payloads.iter().find(|p| p.is(name, ns)).cloned();
        if let Some(resumed) = find("resumed", ns::SM) {
            self.state = State::Resuming;
            return self.stream_management(resumed);
        }
        if find("failed", ns::SM).is_some() {
            let unacknowledged = self.previous_session_ended();
            self.event(crate::session::Event::ResumeFailed { unacknowledged });
        }
        let bound = find("bound", ns::BIND2);
        let jid = success.authorization_identifier.clone().try_into_full().ok();
        match (bound, jid) {
            (Some(bound), Some(jid)) if inline.bind => {
                match bound.get_child("enabled", ns::SM) {
                    Some(enabled) => self.sm.enabled(enabled),
                    // Not enabled inline (or resumption failed): ask now.
                    None => {
                        self.sm.forget();
                        if let Some(enable) = self.sm.enable_request() {
                            self.send(enable);
                        }
                    }
                }
                self.bound_with(jid, inline.carbons);
            }
            // No Bind 2: bind the classic way, on this same stream.
            _ => {
                self.sm.forget();
                self.bind();
            }
        }
    }
}
