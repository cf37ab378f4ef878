//! Why something failed, in the person's words: a sentence for each
//! stanza error condition (RFC 6120 §8.3.3) that a message or a request
//! can meet.

use parlons_shared::session::{RequestError, StanzaCondition as C};

/// Why a message of ours will not arrive; where a request's reason says
/// it as well, that one.
pub fn message_reason(error: &RequestError) -> &'static str {
    match error {
        RequestError::Stanza(
            C::ServiceUnavailable | C::ItemNotFound | C::RecipientUnavailable | C::Gone { .. },
        ) => "failed-no-recipient",
        RequestError::Stanza(C::RemoteServerNotFound | C::RemoteServerTimeout) => "failed-remote-server",
        RequestError::Stanza(C::UndefinedCondition | C::UnexpectedRequest | C::Redirect { .. }) => {
            "failed-other"
        }
        other => request_reason(other),
    }
}

/// Why a request of the person's did not go through.
pub fn request_reason(error: &RequestError) -> &'static str {
    match error {
        RequestError::SessionEnded => "reason-connection",
        RequestError::NotConnected => "reason-offline",
        RequestError::Stanza(condition) => match condition {
            C::Forbidden | C::NotAllowed | C::NotAuthorized | C::PolicyViolation => "reason-refused",
            C::ServiceUnavailable | C::FeatureNotImplemented => "reason-unsupported",
            C::NotAcceptable | C::BadRequest | C::JidMalformed | C::Conflict => "reason-invalid",
            C::ResourceConstraint
            | C::InternalServerError
            | C::RemoteServerNotFound
            | C::RemoteServerTimeout => "reason-busy",
            _ => "reason-other",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_failure_gets_its_own_sentence() {
        let stanza = |c| RequestError::Stanza(c);
        let all = [
            RequestError::SessionEnded,
            RequestError::NotConnected,
            stanza(C::ServiceUnavailable),
            stanza(C::RemoteServerNotFound),
            stanza(C::Forbidden),
            stanza(C::ResourceConstraint),
            stanza(C::ItemNotFound),
            stanza(C::NotAcceptable),
            stanza(C::UndefinedCondition),
        ];
        for error in &all {
            for key in [message_reason(error), request_reason(error)] {
                assert_ne!(crate::i18n::text(crate::i18n::Lang::En, key), key);
            }
        }
        assert_eq!(
            message_reason(&stanza(C::ServiceUnavailable)),
            "failed-no-recipient"
        );
        assert_eq!(
            message_reason(&stanza(C::RemoteServerTimeout)),
            "failed-remote-server"
        );
        assert_eq!(message_reason(&RequestError::SessionEnded), "reason-connection");
        assert_eq!(message_reason(&stanza(C::Forbidden)), "reason-refused");
        assert_eq!(message_reason(&stanza(C::UndefinedCondition)), "failed-other");
        assert_eq!(request_reason(&stanza(C::NotAllowed)), "reason-refused");
        assert_eq!(request_reason(&stanza(C::NotAcceptable)), "reason-invalid");
        assert_eq!(request_reason(&RequestError::NotConnected), "reason-offline");
        assert_eq!(request_reason(&stanza(C::UnexpectedRequest)), "reason-other");
    }
}
