//! Where the Unicode data comes from: the browser in WASM, ICU4X elsewhere.

use crate::Form;

#[cfg(target_arch = "wasm32")]
pub fn normalize(text: &str, form: Form) -> String {
    let form = match form {
        Form::C => "NFC",
        Form::Kc => "NFKC",
    };
    js_sys::JsString::from(text).normalize(form).into()
}

#[cfg(target_arch = "wasm32")]
pub fn is_mark(c: char) -> bool {
    let mut buf = [0; 4];
    js_sys::RegExp::new(r"^\p{M}$", "u").test(c.encode_utf8(&mut buf))
}

#[cfg(not(target_arch = "wasm32"))]
pub fn normalize(text: &str, form: Form) -> String {
    use icu_normalizer::ComposingNormalizerBorrowed as Normalizer;
    let normalizer = match form {
        Form::C => Normalizer::new_nfc(),
        Form::Kc => Normalizer::new_nfkc(),
    };
    normalizer.normalize(text).into_owned()
}

#[cfg(not(target_arch = "wasm32"))]
pub fn is_mark(c: char) -> bool {
    use icu_properties::props::{GeneralCategory, GeneralCategoryGroup};
    let category = icu_properties::CodePointMapData::<GeneralCategory>::new().get(c);
    GeneralCategoryGroup::Mark.contains(category)
}

#[cfg(not(target_arch = "wasm32"))]
pub fn combining_class(c: char) -> u8 {
    use icu_properties::props::CanonicalCombiningClass;
    let class = icu_properties::CodePointMapData::<CanonicalCombiningClass>::new().get(c);
    // Classes run from 0 to 240.
    u8::try_from(u16::from(class)).unwrap_or(u8::MAX)
}
