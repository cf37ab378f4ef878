//! Randomness from `crypto.getRandomValues`: stanza ids, SCRAM nonces and
//! the device id.

/// `n` random bytes (at most 65,536), or `None` where the browser has no
/// cryptographic randomness.
pub fn bytes(n: usize) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; n];
    let crypto = web_sys::window()?.crypto().ok()?;
    crypto.get_random_values_with_u8_array(&mut buf).ok()?;
    Some(buf)
}

/// `n` random characters from a URL-safe alphabet with no comma: a SCRAM
/// nonce, or an id that nobody can guess.
pub fn token(n: usize) -> Option<String> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    // 256 is a multiple of 64: every character is equally likely.
    let chars = bytes(n)?
        .into_iter()
        .map(|b| char::from(ALPHABET[usize::from(b) % ALPHABET.len()]))
        .collect();
    Some(chars)
}

/// A random version-4 UUID.
pub fn uuid() -> Option<uuid::Uuid> {
    let b: [u8; 16] = bytes(16)?.try_into().ok()?;
    Some(uuid::Builder::from_random_bytes(b).into_uuid())
}
