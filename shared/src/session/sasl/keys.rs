//! ScramKeys in a compact, versioned text form, for "keep me signed in":
//! `v1:<hash>:<iterations>:<base64 salt>:<base64 salted password>`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

use super::{Hash, MAX_ITERATIONS, ScramKeys};

/// Why a text is not encoded [`ScramKeys`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum KeysError {
    /// Not `version:hash:iterations:salt:salted`.
    #[error("not five colon-separated parts")]
    Malformed,
    /// A version this client does not know.
    #[error("unknown version")]
    UnknownVersion,
    /// A hash this client does not know.
    #[error("unknown hash")]
    UnknownHash,
    /// The iteration count is not a number from 1 to the maximum we accept.
    #[error("bad iteration count")]
    BadIterations,
    /// The salt or the salted password is not base64.
    #[error("bad base64")]
    BadBase64,
    /// The salted password is not as long as the hash's output.
    #[error("the salted password has the wrong length for its hash")]
    WrongLength,
}

/// The version of [`ScramKeys::encode`]'s format.
const KEYS_VERSION: &str = "v1";

impl ScramKeys {
    /// A compact text to store them in, e.g.
    /// `v1:sha-256:4096:<base64 salt>:<base64 salted password>`. It holds
    /// no password, but signs in as well as one: store it as a secret.
    pub fn encode(&self) -> String {
        format!(
            "{KEYS_VERSION}:{}:{}:{}:{}",
            self.hash.name(),
            self.iterations,
            B64.encode(&self.salt),
            B64.encode(&self.salted)
        )
    }

    /// Reads what [`ScramKeys::encode`] wrote.
    pub fn decode(text: &str) -> Result<Self, KeysError> {
        let parts: Vec<&str> = text.trim().split(':').collect();
        let [version, hash, iterations, salt, salted] = parts[..] else {
            return Err(KeysError::Malformed);
        };
        if version != KEYS_VERSION {
            return Err(KeysError::UnknownVersion);
        }
        let hash = Hash::from_name(hash).ok_or(KeysError::UnknownHash)?;
        let iterations = iterations
            .parse::<u32>()
            .ok()
            .filter(|i| (1..=MAX_ITERATIONS).contains(i))
            .ok_or(KeysError::BadIterations)?;
        let salt = B64.decode(salt).map_err(|_| KeysError::BadBase64)?;
        let salted = B64.decode(salted).map_err(|_| KeysError::BadBase64)?;
        if salted.len() != hash.len() {
            return Err(KeysError::WrongLength);
        }
        Ok(Self {
            hash,
            salt,
            iterations,
            salted,
        })
    }
}

impl Hash {
    /// The name in [`ScramKeys::encode`].
    fn name(self) -> &'static str {
        match self {
            Self::Sha1 => "sha-1",
            Self::Sha256 => "sha-256",
            Self::Sha512 => "sha-512",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [Self::Sha1, Self::Sha256, Self::Sha512]
            .into_iter()
            .find(|h| h.name() == name)
    }

    /// The output length, in bytes.
    fn len(self) -> usize {
        match self {
            Self::Sha1 => 20,
            Self::Sha256 => 32,
            Self::Sha512 => 64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Mechanism, Scram};
    use super::*;

    /// RFC 7677's SaltedPassword, SCRAM-SHA-256 of "pencil".
    const RFC7677: &str =
        "v1:sha-256:4096:W22ZaJ0SNY7soEsUEjb6gQ==:xKSVEDI6tPlSysH6mUQZOeeOp01r6B3fcJbodRPcYV0=";

    #[test]
    fn encodes_the_salted_password_and_never_the_password() {
        let mut s = Scram::new(Mechanism::ScramSha256, "user", "pencil", "rOprNGfwEbeRWgbNEkqO").unwrap();
        s.client_final(
            b"r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096",
        )
        .unwrap();
        let keys = s.keys().unwrap();
        assert_eq!(keys.encode(), RFC7677);
        assert_eq!(ScramKeys::decode(RFC7677), Ok(keys));
    }

    #[test]
    fn round_trips_every_hash() {
        for (hash, len) in [(Hash::Sha1, 20), (Hash::Sha256, 32), (Hash::Sha512, 64)] {
            let keys = ScramKeys {
                hash,
                salt: b"salt".to_vec(),
                iterations: 10_000,
                salted: vec![7; len],
            };
            assert_eq!(ScramKeys::decode(&keys.encode()), Ok(keys));
        }
    }

    #[test]
    fn refuses_each_kind_of_damage() {
        for (text, error) in [
            ("", KeysError::Malformed),
            ("v1:sha-256:4096:W22ZaJ0SNY7soEsUEjb6gQ==", KeysError::Malformed),
            (&format!("{RFC7677}:extra"), KeysError::Malformed),
            (&RFC7677.replace("v1:", "v2:"), KeysError::UnknownVersion),
            (&RFC7677.replace("sha-256", "md5"), KeysError::UnknownHash),
            (&RFC7677.replace("4096", "many"), KeysError::BadIterations),
            (&RFC7677.replace("4096", "0"), KeysError::BadIterations),
            (&RFC7677.replace("4096", "-1"), KeysError::BadIterations),
            (&RFC7677.replace("4096", "4000000000"), KeysError::BadIterations),
            (
                &RFC7677.replace("W22ZaJ0SNY7soEsUEjb6gQ==", "%%%"),
                KeysError::BadBase64,
            ),
            (&RFC7677.replace("xKSVEDI6", "xKSVEDI*"), KeysError::BadBase64),
            // SHA-256 keys labelled SHA-1.
            (&RFC7677.replace("sha-256", "sha-1"), KeysError::WrongLength),
        ] {
            assert_eq!(ScramKeys::decode(text), Err(error), "{text}");
        }
    }
}
