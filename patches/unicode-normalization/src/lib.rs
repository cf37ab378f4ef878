//! Unicode normalization (UAX #15) for stringprep (RFC 3454) and IDNA
//! (UTS #46), which JIDs (RFC 7622) and SASLprep (RFC 4013) go through.
//!
//! The browser ships NFC and NFKC in `String.prototype.normalize` and the
//! Mark category in its regular expressions, so the client does not carry
//! 110 KB of tables for them; native builds use ICU4X. Only the API that
//! stringprep and `idna_adapter` 1.1 call is offered.

pub mod char;
mod platform;

/// Normalization of a string or a stream of characters. `I` only keeps the
/// two impls apart, as in the crate this replaces.
pub trait UnicodeNormalization<I> {
    /// The characters in normalization form C.
    fn nfc(self) -> std::vec::IntoIter<char>;
    /// The characters in normalization form KC.
    fn nfkc(self) -> std::vec::IntoIter<char>;
}

/// A normalization form that the platform computes.
#[derive(Clone, Copy)]
enum Form {
    C,
    Kc,
}

fn normalize(text: &str, form: Form) -> std::vec::IntoIter<char> {
    let chars: Vec<char> = if text.is_ascii() {
        // ASCII is its own normal form.
        text.chars().collect()
    } else {
        platform::normalize(text, form).chars().collect()
    };
    chars.into_iter()
}

impl<'a> UnicodeNormalization<std::str::Chars<'a>> for &'a str {
    fn nfc(self) -> std::vec::IntoIter<char> {
        normalize(self, Form::C)
    }

    fn nfkc(self) -> std::vec::IntoIter<char> {
        normalize(self, Form::Kc)
    }
}

impl<I: Iterator<Item = char>> UnicodeNormalization<I> for I {
    fn nfc(self) -> std::vec::IntoIter<char> {
        normalize(&self.collect::<String>(), Form::C)
    }

    fn nfkc(self) -> std::vec::IntoIter<char> {
        normalize(&self.collect::<String>(), Form::Kc)
    }
}

#[cfg(test)]
mod tests {
    use super::UnicodeNormalization;

    fn nfkc(s: &str) -> String {
        let from_chars: String = s.chars().nfkc().collect();
        assert_eq!(from_chars, s.nfkc().collect::<String>());
        from_chars
    }

    #[test]
    fn compatibility_forms_fold_in_nfkc_only() {
        // Ligature, full-width letter, superscript, Angstrom sign.
        assert_eq!(nfkc("\u{FB01}"), "fi");
        assert_eq!(nfkc("\u{FF21}"), "A");
        assert_eq!(nfkc("x\u{00B2}"), "x2");
        assert_eq!(nfkc("\u{212B}"), "\u{00C5}");
        assert_eq!("\u{FB01}".chars().nfc().collect::<String>(), "\u{FB01}");
        assert_eq!("\u{212B}".nfc().collect::<String>(), "\u{00C5}");
    }

    #[test]
    fn combining_marks_compose() {
        assert_eq!(nfkc("e\u{0301}"), "\u{00E9}");
        assert_eq!("e\u{0301}".nfc().collect::<String>(), "\u{00E9}");
        assert_eq!(nfkc("ascii stays"), "ascii stays");
    }
}
