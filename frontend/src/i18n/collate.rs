//! Natural, locale-aware order for names: the browser's `Intl.Collator`
//! with `numeric`, so that "Contact 103" comes before "Contact 1003".
//!
//! Names are ranked once: the collator sorts the first set in JavaScript,
//! and names that come later are sorted there too, then merged in with a
//! comparison each. Each name keeps its rank as its sort key, so sorting
//! 5,000 names again makes no call into JavaScript.

use std::cell::RefCell;
use std::collections::HashMap;

use super::Lang;

/// The kinds of names sorted, each with ranks of its own, so that one
/// kind's new names do not rank the others again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Names {
    /// Contacts' names.
    Contacts = 0,
    /// Roster groups.
    Groups = 1,
    /// Room occupants' nicks.
    Nicks = 2,
}

/// Ranks kept between sorts, for one language: the names in order, and
/// each name's place.
struct Ranks {
    lang: Lang,
    order: Vec<String>,
    of: HashMap<String, u32>,
}

thread_local! {
    /// By kind of name, as [`Names`] numbers them.
    static RANKS: RefCell<[Option<Ranks>; 3]> = const { RefCell::new([None, None, None]) };
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
    RANKS.with_borrow_mut(|all| {
        let ranks = all[kind as usize].get_or_insert_with(|| Ranks {
            lang,
            order: Vec::new(),
            of: HashMap::new(),
        });
        let new: Vec<&str> = names
            .iter()
            .copied()
            .filter(|n| !ranks.of.contains_key(*n))
            .collect();
        let afresh = ranks.lang != lang || ranks.of.len() > names.len() + STALE;
        if afresh || !new.is_empty() {
            // A name given twice is ranked twice, the later rank kept:
            // cheaper in WASM than a sort to find repeats.
            let collator = Collator::new(lang);
            let order = if afresh {
                collator.sort(names)
            } else {
                // The new names sorted, then merged into those known: a
                // comparison per name rather than a sort of them all.
                merge(&collator, std::mem::take(&mut ranks.order), collator.sort(&new))
            };
            ranks.of = order.iter().cloned().zip(0..).collect();
            ranks.order = order;
            ranks.lang = lang;
        }
        names
            .iter()
            .map(|n| ranks.of.get(*n).copied().unwrap_or(u32::MAX))
            .collect()
    })
}

/// `items` in the order of `keys`, one for each, lowest first; ties keep
/// their order. Every list ordered by collated names goes through here.
pub fn arrange<T>(items: Vec<T>, keys: impl Iterator<Item = u64>) -> Vec<T> {
    let mut order: Vec<(u64, usize)> = keys.zip(0..).collect();
    radix_sort(&mut order);
    let mut slots: Vec<Option<T>> = items.into_iter().map(Some).collect();
    order
        .into_iter()
        .filter_map(|(_, at)| slots.get_mut(at)?.take())
        .collect()
}

/// Sorts by key, a byte at a time from the lowest, each pass stable: ties
/// keep their order. Linear, and a few hundred bytes of WASM where a
/// comparison sort costs kilobytes for each element type.
fn radix_sort(pairs: &mut Vec<(u64, usize)>) {
    let highest = pairs.iter().map(|p| p.0).max().unwrap_or(0);
    let mut spare = pairs.clone();
    let mut shift = 0;
    while shift < 64 && highest >> shift != 0 {
        let digit = |key: u64| ((key >> shift) & 0xff) as usize;
        // Where each digit's run starts.
        let mut starts = [0usize; 256];
        for p in pairs.iter() {
            if let Some(next) = starts.get_mut(digit(p.0) + 1) {
                *next += 1;
            }
        }
        for d in 1..256 {
            starts[d] += starts[d - 1];
        }
        for p in pairs.iter() {
            let at = &mut starts[digit(p.0)];
            spare[*at] = *p;
            *at += 1;
        }
        std::mem::swap(pairs, &mut spare);
        shift += 8;
    }
}

/// Two lists in the collator's order, as one; on a tie, `old` first.
fn merge(collator: &Collator, old: Vec<String>, new: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(old.len() + new.len());
    let (mut old, mut new) = (old.into_iter().peekable(), new.into_iter().peekable());
    while let (Some(a), Some(b)) = (old.peek(), new.peek()) {
        let next = if collator.compare(a, b).is_gt() {
            new.next()
        } else {
            old.next()
        };
        out.extend(next);
    }
    out.extend(old);
    out.extend(new);
    out
}

/// The browser's collator for a language, numeric.
#[cfg(target_arch = "wasm32")]
struct Collator {
    compare: js_sys::Function,
}

#[cfg(target_arch = "wasm32")]
impl Collator {
    fn new(lang: Lang) -> Self {
        use wasm_bindgen::JsValue;
        let options = js_sys::Object::new();
        // Reflect::set on a fresh plain object cannot fail.
        let _ = js_sys::Reflect::set(&options, &"numeric".into(), &JsValue::TRUE);
        let locales = js_sys::Array::of1(&JsValue::from_str(lang.tag()));
        let collator = js_sys::Intl::Collator::new(&locales, &options);
        Self {
            compare: collator.compare(),
        }
    }

    /// `names` in the collator's order, sorted in JavaScript with its own
    /// comparison; a stable sort, so names it holds equal keep their order.
    fn sort(&self, names: &[&str]) -> Vec<String> {
        use wasm_bindgen::{JsCast, JsValue};
        let array: js_sys::Array = names.iter().map(|n| JsValue::from_str(n)).collect();
        if let Ok(sort) = js_sys::Reflect::get(&array, &"sort".into()) {
            let _ = sort
                .unchecked_into::<js_sys::Function>()
                .call1(&array, &self.compare);
        }
        array.iter().filter_map(|v| v.as_string()).collect()
    }

    fn compare(&self, a: &str, b: &str) -> std::cmp::Ordering {
        let order = self
            .compare
            .call2(&wasm_bindgen::JsValue::NULL, &a.into(), &b.into())
            .ok()
            .and_then(|v| v.as_f64())
            .unwrap_or(0.0);
        order.partial_cmp(&0.0).unwrap_or(std::cmp::Ordering::Equal)
    }
}

/// Natively (tests): the same order for ASCII names, from [`natural_key`].
#[cfg(not(target_arch = "wasm32"))]
struct Collator;

#[cfg(not(target_arch = "wasm32"))]
impl Collator {
    fn new(_: Lang) -> Self {
        Self
    }

    fn sort(&self, names: &[&str]) -> Vec<String> {
        let mut out: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        out.sort_by_cached_key(|n| natural_key(n));
        out
    }

    fn compare(&self, a: &str, b: &str) -> std::cmp::Ordering {
        natural_key(a).cmp(&natural_key(b))
    }
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

    #[test]
    fn arrange_orders_by_key_and_keeps_ties_in_place() {
        let items = vec!["c", "a", "b", "a2"];
        assert_eq!(arrange(items, [3, 1, 2, 1].into_iter()), ["a", "a2", "b", "c"]);
        // Keys over many bytes, and ties, against a comparison sort.
        let keys: Vec<u64> = (0..500u64)
            .map(|i| (((i * 7_919) % 1_000) << 40) | (i % 3))
            .collect();
        let mut expected: Vec<(u64, usize)> = keys.iter().copied().zip(0..).collect();
        expected.sort();
        let items: Vec<usize> = (0..500).collect();
        let got = arrange(items, keys.into_iter());
        assert_eq!(got, expected.into_iter().map(|(_, i)| i).collect::<Vec<_>>());
    }

    #[test]
    fn names_merged_in_rank_as_a_whole_sort_would() {
        let even: Vec<String> = (0..50).map(|i| format!("user {}", i * 2)).collect();
        keys_in(
            Lang::En,
            Names::Nicks,
            &even.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        // Backwards, so that only ranking puts them in order.
        let all: Vec<String> = (0..100).rev().map(|i| format!("user {i}")).collect();
        let keys = keys_in(
            Lang::En,
            Names::Nicks,
            &all.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        assert_eq!(keys, (0..100).rev().collect::<Vec<u32>>());
    }
}
