//! Natural, locale-aware order for names: the browser's `Intl.Collator`
//! with `numeric`, so that "Contact 103" comes before "Contact 1003".
//!
//! The collator is asked once per new set of names, which it sorts in
//! JavaScript; each name then keeps its rank as its sort key, so sorting
//! 5,000 names makes no call into JavaScript per comparison.

use std::cell::RefCell;
use std::collections::HashMap;

use super::Lang;

/// The kinds of names sorted, each with ranks of its own, so that one
/// kind's new names do not rank the others again.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Names {
    /// Contacts' names.
    Contacts,
    /// Roster groups.
    Groups,
    /// Room occupants' nicks.
    Nicks,
}

/// Ranks kept between sorts, for one language.
struct Ranks {
    lang: Lang,
    of: HashMap<String, u32>,
}

thread_local! {
    static RANKS: RefCell<HashMap<Names, Ranks>> = RefCell::new(HashMap::new());
}

/// Names kept from earlier sorts beyond those asked for, at most: past
/// it they are dropped at the next ranking, so that names that came and
/// went (a busy room's nicks) do not pile up.
const STALE: usize = 2_000;

/// A sort key for each of `names`, in order: equal keys for equal names,
/// and keys in the current language's natural order. Reactive on the
/// language.
pub fn keys(kind: Names, names: &[&str]) -> Vec<u32> {
    keys_in(super::current(), kind, names)
}

/// [`keys`] in `lang`.
pub fn keys_in(lang: Lang, kind: Names, names: &[&str]) -> Vec<u32> {
    RANKS.with_borrow_mut(|all_ranks| {
        let ranks = all_ranks.entry(kind).or_insert_with(|| Ranks {
            lang,
            of: HashMap::new(),
        });
        let fresh = ranks.lang != lang;
        if fresh || names.iter().any(|n| !ranks.of.contains_key(*n)) {
            let mut all: Vec<&str> = names.to_vec();
            if !fresh && ranks.of.len() <= names.len() + STALE {
                all.extend(ranks.of.keys().map(String::as_str));
            }
            // Ties in the collator (none with its default sensitivity, but
            // a browser may differ) keep a stable order: by code point.
            all.sort_unstable();
            all.dedup();
            let sorted = sort(lang, &all);
            let of = sorted.into_iter().zip(0..).collect();
            *ranks = Ranks { lang, of };
        }
        names
            .iter()
            .map(|n| ranks.of.get(*n).copied().unwrap_or(u32::MAX))
            .collect()
    })
}

/// `names` (sorted by code point) in the collator's order.
#[cfg(target_arch = "wasm32")]
fn sort(lang: Lang, names: &[&str]) -> Vec<String> {
    use wasm_bindgen::{JsCast, JsValue};

    let array: js_sys::Array = names.iter().map(|n| JsValue::from_str(n)).collect();
    let options = js_sys::Object::new();
    // Reflect::set on a fresh plain object cannot fail.
    let _ = js_sys::Reflect::set(&options, &"numeric".into(), &JsValue::TRUE);
    let locales = js_sys::Array::of1(&JsValue::from_str(lang.tag()));
    let collator = js_sys::Intl::Collator::new(&locales, &options);
    // `Array.prototype.sort` with the collator's own comparison, all in
    // JavaScript; a stable sort, so names it holds equal keep their order.
    if let Ok(sort) = js_sys::Reflect::get(&array, &"sort".into()) {
        let _ = sort
            .unchecked_into::<js_sys::Function>()
            .call1(&array, &collator.compare());
    }
    array.iter().filter_map(|v| v.as_string()).collect()
}

/// Natively (tests): the same order for ASCII names, from [`natural_key`].
#[cfg(not(target_arch = "wasm32"))]
fn sort(_: Lang, names: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
    out.sort_by_cached_key(|n| natural_key(n));
    out
}

/// A sort key in natural order: case aside, and runs of digits by their
/// value, so that "user 9" comes before "user 10".
#[cfg(not(target_arch = "wasm32"))]
pub fn natural_key(name: &str) -> Vec<u32> {
    let mut key = Vec::with_capacity(name.len());
    let mut digits = String::new();
    let flush = |digits: &mut String, key: &mut Vec<u32>| {
        if !digits.is_empty() {
            let trimmed = digits.trim_start_matches('0');
            // Longer numbers are larger: the length first, then the digits.
            key.push(u32::from(b'0') - 1);
            key.push(trimmed.len() as u32);
            key.extend(trimmed.chars().map(u32::from));
            digits.clear();
        }
    };
    for c in name.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_digit() {
            digits.push(c);
        } else {
            flush(&mut digits, &mut key);
            key.push(u32::from(c));
        }
    }
    flush(&mut digits, &mut key);
    key
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ordered(names: &[&str]) -> Vec<String> {
        let keys = keys_in(Lang::En, Names::Nicks, names);
        let mut pairs: Vec<(u32, &str)> = keys.into_iter().zip(names.iter().copied()).collect();
        pairs.sort_unstable();
        pairs.into_iter().map(|(_, n)| n.to_owned()).collect()
    }

    #[test]
    fn numbers_sort_by_value_and_case_aside() {
        assert_eq!(
            ordered(&[
                "Contact 1003",
                "contact 20",
                "Contact 103",
                "Contact 3",
                "bob",
                "Contact"
            ]),
            [
                "bob",
                "Contact",
                "Contact 3",
                "contact 20",
                "Contact 103",
                "Contact 1003"
            ]
        );
    }

    #[test]
    fn keys_follow_new_names_and_equal_names_share_a_key() {
        let first = keys_in(Lang::En, Names::Groups, &["b", "d"]);
        assert!(first[0] < first[1]);
        // A name between the two is ranked with them, and repeats agree.
        let next = keys_in(Lang::En, Names::Groups, &["d", "c", "b", "c"]);
        assert!(next[2] < next[1] && next[1] < next[0]);
        assert_eq!(next[1], next[3]);
        // Another language ranks afresh.
        let fr = keys_in(Lang::Fr, Names::Groups, &["é 10", "é 9"]);
        assert!(fr[1] < fr[0]);
    }
}
