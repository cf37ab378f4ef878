//! The sentence for each way a sign-in fails: shared by the sign-in
//! form, account creation and the chunk loader between them.

use crate::store::Problem;

/// The sentence for a failed sign-in.
pub fn problem_key(p: &Problem) -> &'static str {
    match p {
        Problem::WrongPassword => "error-wrong-password",
        Problem::AuthRefused(_) => "error-auth-refused",
        Problem::ServerUnreachable => "error-server-unreachable",
        Problem::DomainRefused => "error-domain-refused",
        Problem::StanzaTooLarge => "error-stanza-too-large",
        Problem::StreamClosed(_) => "error-stream-closed",
        Problem::GatewayUnreachable => "error-gateway-unreachable",
    }
}
