//! Interface strings, in English and French, from `en.ftl` and `fr.ftl`.
//!
//! The files use a subset of Fluent: `key = text` lines with `{ $name }`
//! placeables. A hand-written reader costs a few kilobytes of WASM where
//! the `fluent` crates cost far more (`docs/size.md`).

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

    fn source(self) -> &'static str {
        match self {
            Self::En => include_str!("en.ftl"),
            Self::Fr => include_str!("fr.ftl"),
        }
    }

    fn table(self) -> &'static HashMap<&'static str, &'static str> {
        static EN: OnceLock<HashMap<&str, &str>> = OnceLock::new();
        static FR: OnceLock<HashMap<&str, &str>> = OnceLock::new();
        let cell = match self {
            Self::En => &EN,
            Self::Fr => &FR,
        };
        cell.get_or_init(|| parse(self.source()))
    }
}

/// Reads `key = text` lines; `#` starts a comment.
fn parse(source: &str) -> HashMap<&str, &str> {
    source
        .lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .filter_map(|l| l.split_once(" = "))
        .map(|(k, v)| (k.trim(), v.trim()))
        .collect()
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
