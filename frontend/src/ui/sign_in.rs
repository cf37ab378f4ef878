//! What a sign-in asks for, and the sentence for each way one fails:
//! shared by the sign-in form, account creation and the chunk loader
//! between them.

use crate::store::Problem;

/// What the person asked to sign in with.
#[derive(Clone)]
pub struct LoginRequest {
    /// The local part of the address.
    pub local: String,
    /// The server's domain.
    pub domain: String,
    /// The password, handed straight to the session and never stored.
    pub password: String,
    /// Keep the SCRAM keys for the next visit.
    pub keep: bool,
    /// Another RFC 7395 endpoint than the default.
    pub url: Option<String>,
}

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
