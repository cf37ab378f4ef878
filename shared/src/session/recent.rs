//! A bounded memory of recent ids: the oldest is forgotten first, so that a
//! long session or a hostile peer cannot make it grow without end.

use std::collections::{HashMap, VecDeque};

/// At most `N` ids, each with a value.
#[derive(Debug)]
pub struct Recent<V, const N: usize> {
    map: HashMap<String, V>,
    order: VecDeque<String>,
}

impl<V, const N: usize> Default for Recent<V, N> {
    fn default() -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
        }
    }
}

impl<V, const N: usize> Recent<V, N> {
    /// Records `id` with `value`; false, and nothing changes, when `id` is
    /// already known.
    pub fn insert(&mut self, id: &str, value: V) -> bool {
        if self.map.contains_key(id) {
            return false;
        }
        if self.order.len() >= N
            && let Some(oldest) = self.order.pop_front()
        {
            self.map.remove(&oldest);
        }
        self.map.insert(id.to_owned(), value);
        self.order.push_back(id.to_owned());
        true
    }

    /// The value recorded for `id`, unless forgotten.
    pub fn get(&self, id: &str) -> Option<&V> {
        self.map.get(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forgets_the_oldest_first() {
        let mut r: Recent<u8, 2> = Recent::default();
        assert!(r.insert("a", 1));
        assert!(!r.insert("a", 9));
        assert_eq!(r.get("a"), Some(&1));
        assert!(r.insert("b", 2));
        assert!(r.insert("c", 3));
        assert_eq!((r.get("a"), r.get("b"), r.get("c")), (None, Some(&2), Some(&3)));
        assert!(r.insert("a", 4));
        assert_eq!(r.get("b"), None);
    }
}
