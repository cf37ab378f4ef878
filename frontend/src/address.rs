//! Checks what a person types as their address before any connection.
//!
//! This is a light syntax check (RFC 7622 shape), kept free of the JID
//! normalisation tables; the server has the final word.

/// Why a typed address cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressError {
    /// Nothing typed.
    Empty,
    /// No `@`, or nothing before or after it.
    NotAnAddress,
    /// Spaces or characters RFC 7622 forbids in a local part or domain.
    BadCharacter,
    /// A part longer than 1023 bytes.
    TooLong,
}

/// A bare address, split into its parts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// The part before `@`.
    pub local: String,
    /// The server's domain, lower-cased, without a trailing dot.
    pub domain: String,
}

/// Parses `name@domain`, trimming surrounding space and ignoring a
/// `/resource` (the server chooses the resource).
pub fn parse(input: &str) -> Result<Address, AddressError> {
    let input = input.trim();
    if input.is_empty() {
        return Err(AddressError::Empty);
    }
    let bare = input.split_once('/').map_or(input, |(bare, _)| bare);
    let (local, domain) = bare.rsplit_once('@').ok_or(AddressError::NotAnAddress)?;
    let domain = domain.strip_suffix('.').unwrap_or(domain);
    if local.is_empty() || domain.is_empty() {
        return Err(AddressError::NotAnAddress);
    }
    if local.len() > 1023 || domain.len() > 1023 {
        return Err(AddressError::TooLong);
    }
    const FORBIDDEN_LOCAL: &[char] = &['"', '&', '\'', '/', ':', '<', '>', '@'];
    if local
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || FORBIDDEN_LOCAL.contains(&c))
        || domain
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "@/:[]<>\"'&".contains(c))
    {
        return Err(AddressError::BadCharacter);
    }
    Ok(Address {
        local: local.to_owned(),
        domain: domain.to_lowercase(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_bare_addresses() {
        let a = parse("  alice@Example.ORG ").unwrap();
        assert_eq!(
            a,
            Address {
                local: "alice".into(),
                domain: "example.org".into()
            }
        );
        assert_eq!(parse("bob@b.test/phone").unwrap().domain, "b.test");
        assert_eq!(parse("élodie@exemple.fr.").unwrap().domain, "exemple.fr");
    }

    #[test]
    fn explains_what_is_wrong() {
        assert_eq!(parse(""), Err(AddressError::Empty));
        assert_eq!(parse("alice"), Err(AddressError::NotAnAddress));
        assert_eq!(parse("@example.org"), Err(AddressError::NotAnAddress));
        assert_eq!(parse("alice@"), Err(AddressError::NotAnAddress));
        assert_eq!(parse("al ice@example.org"), Err(AddressError::BadCharacter));
        assert_eq!(parse("a<b@example.org"), Err(AddressError::BadCharacter));
        assert_eq!(parse("a@b@c"), Err(AddressError::BadCharacter));
        assert_eq!(
            parse(&format!("{}@x", "a".repeat(1024))),
            Err(AddressError::TooLong)
        );
    }
}
