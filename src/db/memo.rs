//! Answers derived from many rows, kept while what they were made from is unchanged.
//!
//! A [`Memo`] keeps, per key, a value with its *basis*: the cheap stamps (a version column
//! bumped in the transaction of every change, or the stamps of the tables it counts) read
//! from the database **before** the value was computed. A value is used again only when
//! the basis read now equals the one it was made with, so every instance serving one
//! database stays exact with no messages between them: a change made while a value was
//! being computed leaves a newer basis behind, and the next read recomputes. Each server
//! process fills its own memo; correctness never depends on it. The number of keys is
//! bounded: past the bound a quarter of the entries leave, whichever they are (the keys
//! are ids of rounds, trees, dashboards: a handful are hot at once).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

/// The kept values by key, each with its basis and weight, and their total weight.
/// The bytes of text one memo of author-sized values (texts, outlines, rendered answers)
/// keeps at most, for [`Memo::with_budget`].
pub const TEXT_BUDGET: usize = 8 << 20;

#[derive(Debug)]
struct Entries<K, B, V> {
    map: HashMap<K, (B, Arc<V>, usize)>,
    bytes: usize,
}

/// Values by key, each with the basis it was computed from (see the module's docs).
#[derive(Debug)]
pub struct Memo<K, B, V> {
    entries: Arc<Mutex<Entries<K, B, V>>>,
    capacity: usize,
    budget: usize,
    weigh: fn(&V) -> usize,
}

impl<K, B, V> Clone for Memo<K, B, V> {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
            capacity: self.capacity,
            budget: self.budget,
            weigh: self.weigh,
        }
    }
}

impl<K: Eq + Hash, B: PartialEq, V> Memo<K, B, V> {
    /// An empty memo of at most `capacity` keys, for values of a bounded size.
    pub fn new(capacity: usize) -> Self {
        Self::with_budget(capacity, usize::MAX, |_| 0)
    }

    /// An empty memo of at most `capacity` keys whose values weigh at most `budget` bytes
    /// together, as `weigh` tells (roughly: the text they hold), for values whose size
    /// their writers choose (texts, outlines). A value heavier than the budget is not kept;
    /// past the budget a quarter of it leaves, as past the number of keys.
    pub fn with_budget(capacity: usize, budget: usize, weigh: fn(&V) -> usize) -> Self {
        Self {
            entries: Arc::new(Mutex::new(Entries {
                map: HashMap::new(),
                bytes: 0,
            })),
            capacity: capacity.max(1),
            budget,
            weigh,
        }
    }

    /// The value of `key` made from `basis`: the kept one when its basis is `basis`, else
    /// `compute()`'s, which is kept (with `basis`) when it succeeds. The lock is not held
    /// while computing.
    pub fn get_or_try<E>(
        &self,
        key: K,
        basis: B,
        compute: impl FnOnce() -> Result<V, E>,
    ) -> Result<Arc<V>, E> {
        if let Some(value) = self.get(&key, &basis) {
            return Ok(value);
        }
        Ok(self.put(key, basis, compute()?))
    }

    /// The values of several keys, each made from its basis: the kept ones, and those of
    /// the others computed together by `read` (given the missing keys; a key it leaves out
    /// gets `V::default()`) and kept. One `read` for the lot, none when all are kept.
    pub fn get_all<E>(
        &self,
        keys: impl IntoIterator<Item = (K, B)>,
        read: impl FnOnce(&[K]) -> Result<HashMap<K, V>, E>,
    ) -> Result<HashMap<K, Arc<V>>, E>
    where
        K: Clone,
        V: Default,
    {
        let mut found = HashMap::new();
        let mut missing = Vec::new();
        for (key, basis) in keys {
            match self.get(&key, &basis) {
                Some(v) => {
                    found.insert(key, v);
                }
                None => missing.push((key, basis)),
            }
        }
        if !missing.is_empty() {
            let ids: Vec<K> = missing.iter().map(|(k, _)| k.clone()).collect();
            let mut read = read(&ids)?;
            for (key, basis) in missing {
                let v = read.remove(&key).unwrap_or_default();
                found.insert(key.clone(), self.put(key, basis, v));
            }
        }
        Ok(found)
    }

    /// The value kept for `key` when it was made from `basis`.
    pub fn get(&self, key: &K, basis: &B) -> Option<Arc<V>> {
        self.lock()
            .map
            .get(key)
            .filter(|(b, _, _)| b == basis)
            .map(|(_, v, _)| v.clone())
    }

    /// Keeps `value`, made from what was read after `basis` (see the module's docs), for
    /// `key`; for callers that compute the values of several keys at once.
    pub fn put(&self, key: K, basis: B, value: V) -> Arc<V> {
        let weight = (self.weigh)(&value);
        let value = Arc::new(value);
        if weight > self.budget {
            return value;
        }
        let mut entries = self.lock();
        if let Some((_, _, old)) = entries.map.remove(&key) {
            entries.bytes -= old;
        }
        if entries.map.len() >= self.capacity || entries.bytes + weight > self.budget {
            // Room for a quarter more: arbitrary entries (the map's order) leave, not all of
            // them, so a working set a little larger than the memo still mostly hits and no
            // burst of recomputation follows (everything was computed again at once when
            // the memo started empty).
            let keys = (self.capacity - self.capacity / 4).min(self.capacity - 1);
            let bytes = (self.budget - self.budget / 4).saturating_sub(weight);
            let Entries { map, bytes: total } = &mut *entries;
            let mut len = map.len();
            map.retain(|_, (_, _, w)| {
                if len > keys || *total > bytes {
                    len -= 1;
                    *total -= *w;
                    false
                } else {
                    true
                }
            });
        }
        entries.bytes += weight;
        entries.map.insert(key, (basis, value.clone(), weight));
        value
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries<K, B, V>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::Memo;

    #[test]
    fn a_value_is_reused_only_with_the_same_basis() {
        let memo: Memo<i64, i64, String> = Memo::new(4);
        let computed = std::cell::Cell::new(0);
        let get = |key: i64, basis: i64| {
            memo.get_or_try::<()>(key, basis, || {
                computed.set(computed.get() + 1);
                Ok(format!("{key}@{basis}"))
            })
            .unwrap()
        };
        assert_eq!(*get(1, 0), "1@0");
        assert_eq!(*get(1, 0), "1@0");
        assert_eq!(*get(1, 1), "1@1");
        assert_eq!(*get(2, 0), "2@0");
        assert_eq!(*get(1, 1), "1@1");
        assert_eq!(*get(2, 1), "2@1");
        assert_eq!(computed.get(), 4);
    }

    #[test]
    fn several_keys_read_what_is_missing_at_once() {
        use std::collections::HashMap;
        let memo: Memo<i64, i64, String> = Memo::new(8);
        let reads = std::cell::RefCell::new(Vec::new());
        let get = |keys: &[(i64, i64)]| {
            memo.get_all::<()>(keys.iter().copied(), |ids| {
                reads.borrow_mut().push(ids.to_vec());
                // Key 3 has nothing to read: it gets the default.
                Ok(ids
                    .iter()
                    .filter(|id| **id != 3)
                    .map(|id| (*id, format!("v{id}")))
                    .collect::<HashMap<_, _>>())
            })
            .unwrap()
        };
        let first = get(&[(1, 0), (2, 0), (3, 0)]);
        assert_eq!(*first[&1], "v1");
        assert_eq!(*first[&3], "");
        // Kept: no read. A new basis for 2: only 2 is read.
        get(&[(1, 0), (3, 0)]);
        let again = get(&[(1, 0), (2, 1)]);
        assert_eq!(*again[&2], "v2");
        assert_eq!(*reads.borrow(), vec![vec![1, 2, 3], vec![2]]);
    }

    /// The keys and total weight kept now.
    fn kept<K, B, V>(memo: &Memo<K, B, V>) -> (usize, usize)
    where
        K: Eq + std::hash::Hash,
        B: PartialEq,
    {
        let entries = memo.lock();
        (entries.map.len(), entries.bytes)
    }

    #[test]
    fn past_its_keys_a_quarter_leaves_not_all() {
        let memo: Memo<i64, i64, i64> = Memo::new(8);
        for key in 0..8 {
            memo.put(key, 0, key);
        }
        assert_eq!(kept(&memo), (8, 0));
        // The ninth key makes room: six of the eight stay, with it seven.
        memo.put(8, 0, 8);
        assert_eq!(kept(&memo).0, 7);
        let hits = (0..8).filter(|k| memo.get(k, &0).is_some()).count();
        assert_eq!(hits, 6);
        assert_eq!(memo.get(&8, &0).as_deref(), Some(&8));
        // Never more than the bound, however many keys come.
        for key in 9..1_000 {
            memo.put(key, 0, key);
            assert!(kept(&memo).0 <= 8);
        }
        // A memo of one key keeps the last one.
        let one: Memo<i64, i64, i64> = Memo::new(1);
        one.put(1, 0, 1);
        one.put(2, 0, 2);
        assert_eq!(kept(&one).0, 1);
        assert!(one.get(&2, &0).is_some());
    }

    #[test]
    fn values_are_kept_within_their_budget() {
        let memo: Memo<i64, i64, String> = Memo::with_budget(100, 12, String::len);
        let computed = std::cell::Cell::new(0);
        let get = |key: i64, text: &str| {
            memo.get_or_try::<()>(key, 0, || {
                computed.set(computed.get() + 1);
                Ok(text.to_owned())
            })
            .unwrap()
        };
        get(1, "abcd");
        get(2, "efgh");
        get(1, "abcd");
        assert_eq!(computed.get(), 2);
        assert_eq!(kept(&memo), (2, 8));
        // 12 bytes fit the budget; the next 4 make room down to 9 - 4 = 5 bytes: one of
        // the three stays, with the new one.
        get(3, "ijkl");
        assert_eq!(kept(&memo), (3, 12));
        get(4, "mnop");
        assert_eq!(kept(&memo), (2, 8));
        assert!(memo.get(&4, &0).is_some());
        // A value heavier than the budget is answered, never kept.
        let before = computed.get();
        get(5, "too heavy to keep");
        get(5, "too heavy to keep");
        assert_eq!(computed.get(), before + 2);
        assert_eq!(kept(&memo), (2, 8));
        // The weight kept never passes the budget.
        for key in 6..200 {
            get(key, &"x".repeat(usize::try_from(key % 7).unwrap()));
            assert!(kept(&memo).1 <= 12);
        }
    }

    #[test]
    fn a_failed_computation_keeps_nothing() {
        let memo: Memo<i64, i64, i64> = Memo::new(4);
        assert!(memo.get_or_try(1, 0, || Err("down")).is_err());
        assert_eq!(*memo.get_or_try::<()>(1, 0, || Ok(7)).unwrap(), 7);
    }
}
