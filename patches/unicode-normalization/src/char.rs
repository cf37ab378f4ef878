//! Character properties that IDNA (UTS #46) asks about.

/// Canonical_Combining_Class. IDNA's CONTEXTJ rule asks only whether it is
/// 9 (Virama), so the browser build knows that class alone and gives 0 for
/// every other character; native builds give the true class.
pub fn canonical_combining_class(c: char) -> u8 {
    #[cfg(target_arch = "wasm32")]
    {
        if VIRAMAS.binary_search(&u32::from(c)).is_ok() {
            9
        } else {
            0
        }
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        crate::platform::combining_class(c)
    }
}

/// Whether the General_Category is a Mark (Mn, Mc or Me).
pub fn is_combining_mark(c: char) -> bool {
    !c.is_ascii() && crate::platform::is_mark(c)
}

/// The code points whose Canonical_Combining_Class is Virama (Unicode 16),
/// sorted. A native test checks this list against ICU4X.
#[cfg_attr(not(any(test, target_arch = "wasm32")), allow(dead_code))]
const VIRAMAS: &[u32] = &[
    0x094D, 0x09CD, 0x0A4D, 0x0ACD, 0x0B4D, 0x0BCD, 0x0C4D, 0x0CCD, 0x0D3B, 0x0D3C, 0x0D4D, 0x0DCA, 0x0E3A,
    0x0EBA, 0x0F84, 0x1039, 0x103A, 0x1714, 0x1715, 0x1734, 0x17D2, 0x1A60, 0x1B44, 0x1BAA, 0x1BAB, 0x1BF2,
    0x1BF3, 0x2D7F, 0xA806, 0xA82C, 0xA8C4, 0xA953, 0xA9C0, 0xAAF6, 0xABED, 0x10A3F, 0x11046, 0x11070,
    0x1107F, 0x110B9, 0x11133, 0x11134, 0x111C0, 0x11235, 0x112EA, 0x1134D, 0x113CE, 0x113CF, 0x113D0,
    0x11442, 0x114C2, 0x115BF, 0x1163F, 0x116B6, 0x1172B, 0x11839, 0x1193D, 0x1193E, 0x119E0, 0x11A34,
    0x11A47, 0x11A99, 0x11C3F, 0x11D44, 0x11D45, 0x11D97, 0x11F41, 0x11F42, 0x1612F,
];

#[cfg(test)]
mod tests {
    use super::{VIRAMAS, canonical_combining_class, is_combining_mark};

    #[test]
    fn virama_list_matches_the_unicode_data() {
        let from_data: Vec<u32> = (0..=u32::from(char::MAX))
            .filter_map(char::from_u32)
            .filter(|&c| canonical_combining_class(c) == 9)
            .map(u32::from)
            .collect();
        assert_eq!(from_data, VIRAMAS);
    }

    #[test]
    fn marks_are_told_from_letters() {
        assert!(is_combining_mark('\u{0301}'));
        assert!(is_combining_mark('\u{094D}'));
        assert!(!is_combining_mark('e'));
        assert!(!is_combining_mark('\u{00E9}'));
    }
}
