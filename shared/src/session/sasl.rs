//! RFC 4422 SASL mechanisms for the client: SCRAM (RFC 5802, RFC 7677,
//! SCRAM-SHA-512) and PLAIN (RFC 4616).
//!
//! Channel binding (`-PLUS`) is never offered: TLS may end at a gateway, so
//! the client cannot know the server's TLS channel.

use crate::ns;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use hmac::{Hmac, KeyInit, Mac};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};
use xso::{AsXml, FromXml};

mod keys;
pub use keys::KeysError;

/// `<auth/>`, with any mechanism name (xmpp-parsers' own type has no
/// SCRAM-SHA-512).
#[derive(FromXml, AsXml, PartialEq, Debug, Clone)]
#[xml(namespace = ns::SASL, name = "auth")]
pub struct Auth {
    /// The mechanism.
    #[xml(attribute)]
    pub mechanism: String,
    /// The initial response.
    #[xml(text = xso::text::Base64)]
    pub data: Vec<u8>,
}

/// The mechanisms we implement, strongest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Mechanism {
    /// SCRAM with SHA-512.
    ScramSha512,
    /// SCRAM with SHA-256 (RFC 7677).
    ScramSha256,
    /// SCRAM with SHA-1 (RFC 5802).
    ScramSha1,
    /// PLAIN (RFC 4616): only over a secure transport.
    Plain,
}

impl Mechanism {
    /// The IANA name.
    pub fn name(self) -> &'static str {
        match self {
            Self::ScramSha512 => "SCRAM-SHA-512",
            Self::ScramSha256 => "SCRAM-SHA-256",
            Self::ScramSha1 => "SCRAM-SHA-1",
            Self::Plain => "PLAIN",
        }
    }

    /// The strongest of `offered` that we support; PLAIN only if `secure`.
    pub fn choose<'a>(offered: impl IntoIterator<Item = &'a str>, secure: bool) -> Option<Self> {
        let offered: Vec<&str> = offered.into_iter().collect();
        [Self::ScramSha512, Self::ScramSha256, Self::ScramSha1, Self::Plain]
            .into_iter()
            .filter(|m| *m != Self::Plain || secure)
            .find(|m| offered.contains(&m.name()))
    }
}

/// Why authentication cannot go on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SaslError {
    /// The password contains characters SASLprep forbids.
    #[error("the password contains characters that are not allowed")]
    InvalidPassword,
    /// The server's message is malformed.
    #[error("the server sent a malformed SCRAM message")]
    Malformed,
    /// The server's nonce does not extend ours.
    #[error("the server's nonce does not match ours")]
    NonceMismatch,
    /// The iteration count is zero or absurdly high.
    #[error("the server asked for {0} iterations")]
    Iterations(u32),
    /// The server could not prove it knows the password: it may be an
    /// impostor.
    #[error("the server's signature is wrong")]
    ServerSignature,
    /// The server changed its salt or iteration count, so the stored keys no
    /// longer fit: the password must be asked again.
    #[error("the password is needed again")]
    PasswordNeeded,
    /// The server reported an error in its final message.
    #[error("the server refused: {0}")]
    Server(String),
}

/// More iterations than this would let a server stall the client.
const MAX_ITERATIONS: u32 = 1_000_000;

/// The secret a SCRAM exchange proves knowledge of.
#[derive(Clone)]
enum Secret {
    Password(String),
    Keys(ScramKeys),
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(…)")
    }
}

/// The salted password of a SCRAM authentication, with what it depends on:
/// enough to authenticate again (XEP-0198 resumption needs that), not
/// enough to recover the password.
#[derive(Clone, PartialEq, Eq)]
pub struct ScramKeys {
    hash: Hash,
    salt: Vec<u8>,
    iterations: u32,
    salted: Vec<u8>,
}

impl std::fmt::Debug for ScramKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScramKeys")
            .field("hash", &self.hash)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Hash {
    Sha1,
    Sha256,
    Sha512,
}

macro_rules! with_hash {
    ($hash:expr, $d:ident => $body:expr) => {
        match $hash {
            Hash::Sha1 => {
                type $d = Sha1;
                $body
            }
            Hash::Sha256 => {
                type $d = Sha256;
                $body
            }
            Hash::Sha512 => {
                type $d = Sha512;
                $body
            }
        }
    };
}

impl Hash {
    fn mechanism(self) -> Mechanism {
        match self {
            Self::Sha1 => Mechanism::ScramSha1,
            Self::Sha256 => Mechanism::ScramSha256,
            Self::Sha512 => Mechanism::ScramSha512,
        }
    }

    fn digest(self, data: &[u8]) -> Vec<u8> {
        with_hash!(self, D => D::digest(data).to_vec())
    }

    fn hmac(self, key: &[u8], data: &[u8]) -> Vec<u8> {
        with_hash!(self, D => {
            // HMAC takes keys of any length.
            let mut mac = <Hmac<D> as KeyInit>::new_from_slice(key).unwrap_or_else(|_| unreachable!());
            mac.update(data);
            mac.finalize().into_bytes().to_vec()
        })
    }

    fn pbkdf2(self, password: &[u8], salt: &[u8], rounds: u32) -> Vec<u8> {
        with_hash!(self, D => {
            let mut out = vec![0u8; <D as sha2::digest::OutputSizeUser>::output_size()];
            pbkdf2::pbkdf2_hmac::<D>(password, salt, rounds, &mut out);
            out
        })
    }
}

/// The exchange of one SCRAM authentication, from the client's side.
#[derive(Debug, Clone)]
pub struct Scram {
    hash: Hash,
    secret: Secret,
    nonce: String,
    client_first_bare: String,
    server_signature: Option<Vec<u8>>,
}

impl Scram {
    /// Starts SCRAM with `mechanism` (a SCRAM one) for `username`, with the
    /// random `nonce` (printable ASCII, no comma) chosen by the caller.
    pub fn new(mechanism: Mechanism, username: &str, password: &str, nonce: &str) -> Result<Self, SaslError> {
        let hash = match mechanism {
            Mechanism::ScramSha1 => Hash::Sha1,
            Mechanism::ScramSha256 => Hash::Sha256,
            Mechanism::ScramSha512 | Mechanism::Plain => Hash::Sha512,
        };
        let password = stringprep::saslprep(password)
            .map_err(|_| SaslError::InvalidPassword)?
            .into_owned();
        Ok(Self::with_secret(
            hash,
            Secret::Password(password),
            username,
            nonce,
        ))
    }

    /// Starts SCRAM again from the keys of an earlier authentication, without
    /// the password; it works while the server keeps the same salt and
    /// iteration count.
    pub fn from_keys(keys: ScramKeys, username: &str, nonce: &str) -> Self {
        let hash = keys.hash;
        Self::with_secret(hash, Secret::Keys(keys), username, nonce)
    }

    fn with_secret(hash: Hash, secret: Secret, username: &str, nonce: &str) -> Self {
        // RFC 5802 §5.1: SASLprep, then escape. A localpart that JID rules
        // already allowed passes unchanged, or as it is if SASLprep refuses.
        let user = stringprep::saslprep(username).unwrap_or(std::borrow::Cow::Borrowed(username));
        let user = user.replace('=', "=3D").replace(',', "=2C");
        Self {
            hash,
            secret,
            nonce: nonce.to_owned(),
            client_first_bare: format!("n={user},r={nonce}"),
            server_signature: None,
        }
    }

    /// The mechanism of this exchange.
    pub fn mechanism(&self) -> Mechanism {
        self.hash.mechanism()
    }

    /// What a later authentication needs instead of the password, once the
    /// challenge has been answered.
    pub fn keys(&self) -> Option<ScramKeys> {
        match &self.secret {
            Secret::Keys(k) => Some(k.clone()),
            Secret::Password(_) => None,
        }
    }

    /// The initial response: `n,,n=user,r=nonce`.
    pub fn client_first(&self) -> String {
        format!("n,,{}", self.client_first_bare)
    }

    /// Answers the server's challenge with the client proof.
    pub fn client_final(&mut self, server_first: &[u8]) -> Result<String, SaslError> {
        let server_first = std::str::from_utf8(server_first).map_err(|_| SaslError::Malformed)?;
        let mut nonce = None;
        let mut salt = None;
        let mut iterations = None;
        for part in server_first.split(',') {
            match part.split_once('=') {
                Some(("r", v)) => nonce = Some(v),
                Some(("s", v)) => salt = Some(B64.decode(v).map_err(|_| SaslError::Malformed)?),
                Some(("i", v)) => iterations = Some(v.parse::<u32>().map_err(|_| SaslError::Malformed)?),
                Some(("m", _)) => return Err(SaslError::Malformed),
                _ => {}
            }
        }
        let (Some(nonce), Some(salt), Some(iterations)) = (nonce, salt, iterations) else {
            return Err(SaslError::Malformed);
        };
        if !nonce.starts_with(&self.nonce) || nonce.len() == self.nonce.len() {
            return Err(SaslError::NonceMismatch);
        }
        if iterations == 0 || iterations > MAX_ITERATIONS {
            return Err(SaslError::Iterations(iterations));
        }
        let h = self.hash;
        let salted = match &self.secret {
            Secret::Password(p) => h.pbkdf2(p.as_bytes(), &salt, iterations),
            Secret::Keys(k) if k.salt == salt && k.iterations == iterations => k.salted.clone(),
            Secret::Keys(_) => return Err(SaslError::PasswordNeeded),
        };
        // From now on only the derived key is kept.
        self.secret = Secret::Keys(ScramKeys {
            hash: h,
            salt,
            iterations,
            salted: salted.clone(),
        });
        let client_key = h.hmac(&salted, b"Client Key");
        let stored_key = h.digest(&client_key);
        let without_proof = format!("c=biws,r={nonce}");
        let auth_message = format!("{},{server_first},{without_proof}", self.client_first_bare);
        let client_signature = h.hmac(&stored_key, auth_message.as_bytes());
        let proof: Vec<u8> = client_key
            .iter()
            .zip(&client_signature)
            .map(|(a, b)| a ^ b)
            .collect();
        let server_key = h.hmac(&salted, b"Server Key");
        self.server_signature = Some(h.hmac(&server_key, auth_message.as_bytes()));
        Ok(format!("{without_proof},p={}", B64.encode(proof)))
    }

    /// Checks the server's final message (`v=…`): the server must prove it
    /// knows the password too.
    pub fn verify_server_final(&self, server_final: &[u8]) -> Result<(), SaslError> {
        let text = std::str::from_utf8(server_final).map_err(|_| SaslError::Malformed)?;
        if let Some(e) = text.strip_prefix("e=") {
            return Err(SaslError::Server(e.chars().take(100).collect()));
        }
        let v = text
            .split(',')
            .find_map(|p| p.strip_prefix("v="))
            .ok_or(SaslError::Malformed)?;
        let got = B64.decode(v).map_err(|_| SaslError::Malformed)?;
        match &self.server_signature {
            Some(expected) if *expected == got => Ok(()),
            _ => Err(SaslError::ServerSignature),
        }
    }
}

/// The PLAIN initial response (RFC 4616): `\0user\0password`.
pub fn plain(username: &str, password: &str) -> Vec<u8> {
    format!("\0{username}\0{password}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc5802_sha1_vector() {
        let mut s = Scram::new(Mechanism::ScramSha1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL").unwrap();
        assert_eq!(s.client_first(), "n,,n=user,r=fyko+d2lbbFgONRv9qkxdawL");
        let fin = s
            .client_final(b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")
            .unwrap();
        assert_eq!(
            fin,
            "c=biws,r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,p=v0X8v3Bz2T0CJGbJQyF0X+HI4Ts="
        );
        s.verify_server_final(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=").unwrap();
    }

    #[test]
    fn rfc7677_sha256_vector() {
        let mut s = Scram::new(Mechanism::ScramSha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO").unwrap();
        let fin = s
            .client_final(
                b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
            )
            .unwrap();
        assert_eq!(
            fin,
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ="
        );
        s.verify_server_final(b"v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=")
            .unwrap();
    }

    #[test]
    fn authenticates_again_from_keys_without_the_password() {
        let mut s = Scram::new(Mechanism::ScramSha1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL").unwrap();
        let challenge = b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096";
        let first = s.client_final(challenge).unwrap();
        let keys = s.keys().unwrap();
        assert!(!format!("{s:?}{keys:?}").contains("pencil"));
        let mut again = Scram::from_keys(keys.clone(), "user", "fyko+d2lbbFgONRv9qkxdawL");
        assert_eq!(again.client_final(challenge).unwrap(), first);
        again
            .verify_server_final(b"v=rmF9pqV8S7suAoZWja4dJRkFsKQ=")
            .unwrap();
        // A new salt needs the password.
        let mut stale = Scram::from_keys(keys, "user", "abc");
        assert_eq!(
            stale.client_final(b"r=abcdef,s=QUJD,i=4096"),
            Err(SaslError::PasswordNeeded)
        );
    }

    #[test]
    fn refuses_a_wrong_server_signature() {
        let mut s = Scram::new(Mechanism::ScramSha1, "user", "pencil", "fyko+d2lbbFgONRv9qkxdawL").unwrap();
        s.client_final(b"r=fyko+d2lbbFgONRv9qkxdawL3rfcNHYJY1ZVvWVs7j,s=QSXCR+Q6sek8bf92,i=4096")
            .unwrap();
        assert_eq!(
            s.verify_server_final(b"v=AAAApqV8S7suAoZWja4dJRkFsKQ="),
            Err(SaslError::ServerSignature)
        );
        assert_eq!(
            s.verify_server_final(b"e=invalid-proof"),
            Err(SaslError::Server("invalid-proof".into()))
        );
    }

    #[test]
    fn refuses_hostile_challenges() {
        let new = || Scram::new(Mechanism::ScramSha1, "user", "pencil", "abc").unwrap();
        assert_eq!(
            new().client_final(b"r=xyz,s=QSXCR+Q6sek8bf92,i=4096"),
            Err(SaslError::NonceMismatch)
        );
        assert_eq!(
            new().client_final(b"r=abc,s=QSXCR+Q6sek8bf92,i=4096"),
            Err(SaslError::NonceMismatch)
        );
        assert_eq!(
            new().client_final(b"r=abcd,s=QSXCR+Q6sek8bf92,i=4000000000"),
            Err(SaslError::Iterations(4_000_000_000))
        );
        assert_eq!(
            new().client_final(b"r=abcd,s=QSXCR+Q6sek8bf92,i=0"),
            Err(SaslError::Iterations(0))
        );
        assert_eq!(new().client_final(b"r=abcd,i=1"), Err(SaslError::Malformed));
        assert_eq!(
            new().client_final(b"m=ext,r=abcd,s=QQ==,i=1"),
            Err(SaslError::Malformed)
        );
        assert_eq!(new().client_final(&[0xff, 0xfe]), Err(SaslError::Malformed));
    }

    #[test]
    fn preps_and_escapes_the_username_and_preps_the_password() {
        let s = Scram::new(Mechanism::ScramSha1, "a=b,c\u{00AD}", "pass\u{00AD}word", "n").unwrap();
        assert_eq!(s.client_first(), "n,,n=a=3Db=2Cc,r=n");
        assert!(matches!(&s.secret, Secret::Password(p) if p == "password"));
        // A non-ASCII space becomes a space.
        let s = Scram::new(Mechanism::ScramSha1, "a\u{2002}b", "p", "n").unwrap();
        assert_eq!(s.client_first(), "n,,n=a b,r=n");
        assert_eq!(
            Scram::new(Mechanism::ScramSha1, "u", "bad\u{0007}", "n").unwrap_err(),
            SaslError::InvalidPassword
        );
    }

    #[test]
    fn chooses_the_strongest_mechanism() {
        let offered = ["PLAIN", "SCRAM-SHA-1", "SCRAM-SHA-256"];
        assert_eq!(Mechanism::choose(offered, true), Some(Mechanism::ScramSha256));
        assert_eq!(Mechanism::choose(["PLAIN"], false), None);
        assert_eq!(
            Mechanism::choose(["PLAIN", "X-OAUTH2"], true),
            Some(Mechanism::Plain)
        );
        assert_eq!(Mechanism::choose(["SCRAM-SHA-1-PLUS"], true), None);
    }

    #[test]
    fn plain_is_nul_separated() {
        assert_eq!(plain("juliet", "r0m30"), b"\0juliet\0r0m30");
    }
}
