//! RFC 5890 domain names as the gateway compares them, in `<open to=…/>`
//! and in its configuration: IDNA (UTS #46) A-labels in lower case.

use std::net::{IpAddr, Ipv4Addr};

/// Why a name is not a domain.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    /// Not a usable DNS domain.
    #[error("{0:?} is not a valid domain")]
    Invalid(String),
    /// An IP address where a domain is expected.
    #[error("IP addresses are not accepted, only domains")]
    IpLiteral,
}

/// The longest domain (RFC 1035 §2.3.4, without the final dot).
const MAX_DOMAIN: usize = 253;

/// Normalises the domain of an `<open to=…/>`: IDNA (UTS #46) to lower-case
/// A-labels, no trailing dot, no IP literal, no port.
pub fn normalise(input: &str) -> Result<String, DomainError> {
    let invalid = || DomainError::Invalid(input.chars().take(64).collect());
    let trimmed = input.strip_suffix('.').unwrap_or(input);
    if trimmed.is_empty() || trimmed.len() > 4 * MAX_DOMAIN {
        return Err(invalid());
    }
    if trimmed.parse::<IpAddr>().is_ok() || trimmed.starts_with('[') {
        return Err(DomainError::IpLiteral);
    }
    let ascii = idna::domain_to_ascii_strict(trimmed).map_err(|_| invalid())?;
    if ascii.is_empty()
        || ascii.len() > MAX_DOMAIN
        || ascii.split('.').any(|l| l.is_empty() || l.len() > 63)
        || ascii.parse::<Ipv4Addr>().is_ok()
    {
        return Err(invalid());
    }
    Ok(ascii)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_domains() {
        assert_eq!(normalise("Example.ORG.").unwrap(), "example.org");
        assert_eq!(normalise("bücher.example").unwrap(), "xn--bcher-kva.example");
        assert_eq!(normalise("localhost").unwrap(), "localhost");
    }

    #[test]
    fn refuses_what_is_not_a_domain() {
        assert_eq!(normalise("127.0.0.1"), Err(DomainError::IpLiteral));
        assert_eq!(normalise("::1"), Err(DomainError::IpLiteral));
        assert_eq!(normalise("[::1]"), Err(DomainError::IpLiteral));
        for bad in [
            "",
            ".",
            "example.org:5222",
            "a b.example",
            "a..b",
            "x/y",
            &"a".repeat(64),
            &"a.".repeat(130),
        ] {
            assert!(matches!(normalise(bad), Err(DomainError::Invalid(_))), "{bad:?}");
        }
    }
}
