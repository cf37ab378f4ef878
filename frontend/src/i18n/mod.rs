//! Interface strings, in English and French, from `en.ftl` and `fr.ftl`.
//!
//! The files use a subset of Fluent: `key = text` lines with `{ $name }`
//! placeables, and select expressions on `$count` whose variants are
//! plural categories, chosen by the browser's `Intl.PluralRules`
//! ([`plural`]). A hand-written reader costs a few kilobytes of WASM where
//! the `fluent` crates cost far more (`docs/size.md`). English is built in;
//! French is fetched when first needed ([`load`]).

pub mod collate;
mod load;

pub use load::load;

use std::collections::HashMap;
use std::sync::OnceLock;

use leptos::prelude::*;

/// An interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English, the fallback.
    En,
    /// French.
    Fr,
}

impl Lang {
    /// Every language, in the order Settings lists them.
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Fr];

    /// Its BCP 47 tag.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::Fr => "fr",
        }
    }

    /// Its name in itself.
    pub fn name(self) -> &'static str {
        match self {
            Self::En => "English",
            Self::Fr => "Français",
        }
    }

    /// The language for a tag such as `fr-CA`, if we have it.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|l| l.tag() == primary)
    }

    /// Its table. English is built in. On the web the others are fetched
    /// when first needed ([`load`]), and English stands in until then;
    /// natively (tests) they are built in.
    fn table(self) -> &'static HashMap<&'static str, &'static str> {
        static EN: OnceLock<HashMap<&str, &str>> = OnceLock::new();
        match self {
            Self::En => EN.get_or_init(|| parse(include_str!("en.ftl"))),
            Self::Fr => {
                #[cfg(not(target_arch = "wasm32"))]
                FR.get_or_init(|| parse(include_str!("fr.ftl")));
                FR.get().unwrap_or_else(|| Self::En.table())
            }
        }
    }

    /// Whether its table is here.
    pub fn loaded(self) -> bool {
        match self {
            Self::En => true,
            Self::Fr => cfg!(not(target_arch = "wasm32")) || FR.get().is_some(),
        }
    }
}

/// The French table, once fetched.
static FR: OnceLock<HashMap<&str, &str>> = OnceLock::new();

impl Lang {
    /// Takes its table, fetched.
    #[cfg(target_arch = "wasm32")]
    fn set_table(self, source: &'static str) {
        if self == Self::Fr {
            let _ = FR.set(parse(source));
        }
    }
}

/// Reads `key = text` lines; `#` starts a comment. A select expression
/// (`key = { $count ->`) runs to its closing `}` line, kept whole.
fn parse(source: &'static str) -> HashMap<&'static str, &'static str> {
    let mut out = HashMap::new();
    let mut rest = source;
    while !rest.is_empty() {
        let (line, next) = rest.split_once('\n').unwrap_or((rest, ""));
        rest = next;
        if line.trim_start().starts_with('#') {
            continue;
        }
        let Some((key, value)) = line.split_once(" = ") else {
            continue;
        };
        let value = value.trim();
        if value.ends_with("->") {
            // The block ends at a line holding only `}`.
            let end = rest.find("\n}").map_or(rest.len(), |e| e + 2);
            let start = value.as_ptr() as usize - source.as_ptr() as usize;
            let stop = rest.as_ptr() as usize - source.as_ptr() as usize + end;
            out.insert(key.trim(), &source[start..stop]);
            rest = rest.get(end..).unwrap_or("");
        } else {
            out.insert(key.trim(), value);
        }
    }
    out
}

/// The variant of a select expression for `category`, else its default
/// (`*[…]`); text that is not a select expression as it is.
fn select<'a>(text: &'a str, category: &str) -> &'a str {
    if !text.ends_with('}') || !text.starts_with("{ $") {
        return text;
    }
    let mut default = "";
    for line in text.lines().skip(1) {
        let line = line.trim();
        let (star, line) = match line.strip_prefix('*') {
            Some(l) => (true, l),
            None => (false, line),
        };
        let Some((name, variant)) = line.strip_prefix('[').and_then(|l| l.split_once(']')) else {
            continue;
        };
        if name == category {
            return variant.trim();
        }
        if star {
            default = variant.trim();
        }
    }
    default
}

/// The text of `key` for the number `n` in `lang`, in its plural category.
pub fn text_count(lang: Lang, key: &str, category: &str, n: usize) -> String {
    let raw = text(lang, key);
    let count = n.to_string();
    select(&raw, category).replace("{ $count }", &count)
}

/// The plural category of `n` in `lang`, as `Intl.PluralRules` says.
#[cfg(target_arch = "wasm32")]
fn plural_category(lang: Lang, n: usize) -> String {
    let tags = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(lang.tag()));
    let rules = js_sys::Intl::PluralRules::new(&tags, &js_sys::Object::new());
    String::from(rules.select(n as f64))
}

/// Natively (tests), the English rule.
#[cfg(not(target_arch = "wasm32"))]
fn plural_category(_: Lang, n: usize) -> String {
    if n == 1 { "one" } else { "other" }.to_owned()
}

/// The text of `key` for the count `n` in the current language; reactive.
pub fn plural(key: &str, n: usize) -> String {
    let lang = current();
    text_count(lang, key, &plural_category(lang, n), n)
}

/// The text of `key` in `lang`, else in English, else the key itself.
pub fn text(lang: Lang, key: &str) -> String {
    lang.table()
        .get(key)
        .or_else(|| Lang::En.table().get(key))
        .map_or_else(|| key.to_owned(), |s| (*s).to_owned())
}

/// The text of `key` with `{ $name }` placeables filled in.
pub fn text_with(lang: Lang, key: &str, args: &[(&str, &str)]) -> String {
    let mut s = text(lang, key);
    for (name, value) in args {
        s = s.replace(&format!("{{ ${name} }}"), value);
    }
    s
}

/// The chosen language, as a context.
#[derive(Debug, Clone, Copy)]
pub struct Locale(pub RwSignal<Lang>);

fn current() -> Lang {
    use_context::<Locale>().map_or(Lang::En, |l| l.0.get())
}

/// The current language's tag; reactive.
pub fn current_tag() -> &'static str {
    current().tag()
}

/// The text of `key` in the current language; reactive.
pub fn t(key: &str) -> String {
    text(current(), key)
}

/// [`t`] with placeables.
pub fn t_with(key: &str, args: &[(&str, &str)]) -> String {
    text_with(current(), key, args)
}

/// The browser's preferred language that we have, else English.
pub fn browser_lang() -> Lang {
    let Some(nav) = web_sys::window().map(|w| w.navigator()) else {
        return Lang::En;
    };
    nav.languages()
        .iter()
        .filter_map(|v| v.as_string())
        .chain(nav.language())
        .find_map(|tag| Lang::from_tag(&tag))
        .unwrap_or(Lang::En)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(lang: Lang) -> Vec<&'static str> {
        let mut k: Vec<_> = lang.table().keys().copied().collect();
        k.sort_unstable();
        k
    }

    #[test]
    fn both_languages_have_the_same_keys() {
        assert_eq!(keys(Lang::En), keys(Lang::Fr));
    }

    #[test]
    fn every_key_the_code_uses_is_translated() {
        let src = concat!(env!("CARGO_MANIFEST_DIR"), "/src");
        let mut missing = Vec::new();
        for path in rust_files(std::path::Path::new(src)) {
            let code = std::fs::read_to_string(&path).unwrap();
            for used in used_keys(&code) {
                if !Lang::En.table().contains_key(used.as_str()) {
                    missing.push(format!("{}: {used}", path.display()));
                }
            }
        }
        assert_eq!(missing, Vec::<String>::new());
    }

    /// Literal first arguments of `t(` and `t_with(`.
    fn used_keys(code: &str) -> Vec<String> {
        let mut out = Vec::new();
        for marker in ["t(\"", "t_with(\""] {
            for (i, _) in code.match_indices(marker) {
                let prev = code[..i].chars().next_back();
                if prev.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                    continue;
                }
                let rest = &code[i + marker.len()..];
                if let Some(end) = rest.find('"') {
                    out.push(rest[..end].to_owned());
                }
            }
        }
        out
    }

    fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let p = entry.path();
            if p.is_dir() {
                out.extend(rust_files(&p));
            } else if p.extension().is_some_and(|e| e == "rs") {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn plural_forms_come_from_select_expressions() {
        assert_eq!(text_count(Lang::En, "occupant-count", "one", 1), "1 occupant");
        assert_eq!(text_count(Lang::En, "occupant-count", "other", 3), "3 occupants");
        // French counts 0 and 1 as "one"; Intl.PluralRules says so.
        assert_eq!(text_count(Lang::Fr, "occupant-count", "one", 0), "0 participant");
        assert_eq!(
            text_count(Lang::Fr, "occupant-count", "many", 1_000_000),
            "1000000 participants"
        );
        // Lines after the block are read as usual.
        assert_eq!(text(Lang::En, "occupants"), "Occupants");
    }

    #[test]
    fn placeables_and_fallbacks() {
        assert_eq!(
            text_with(Lang::Fr, "unread-title", &[("count", "3")]),
            "(3) Parlons"
        );
        assert_eq!(text(Lang::Fr, "no-such-key"), "no-such-key");
        assert_eq!(Lang::from_tag("fr-CA"), Some(Lang::Fr));
        assert_eq!(Lang::from_tag("de"), None);
    }
}
