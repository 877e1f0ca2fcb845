//! Answers derived from many rows, kept while what they were made from is unchanged.
//!
//! A [`Memo`] keeps, per key, a value with its *basis*: the cheap stamps (a version column
//! bumped in the transaction of every change, or the stamps of the tables it counts) read
//! from the database **before** the value was computed. A value is used again only when
//! the basis read now equals the one it was made with, so every instance serving one
//! database stays exact with no messages between them: a change made while a value was
//! being computed leaves a newer basis behind, and the next read recomputes. Each server
//! process fills its own memo; correctness never depends on it. The number of keys is
//! bounded: past the bound the memo starts again empty (the keys are ids of rounds,
//! trees, dashboards: a handful are hot at once).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

/// The kept values by key, each with its basis.
type Entries<K, B, V> = HashMap<K, (B, Arc<V>)>;

/// Values by key, each with the basis it was computed from (see the module's docs).
#[derive(Debug)]
pub struct Memo<K, B, V> {
    entries: Arc<Mutex<Entries<K, B, V>>>,
    capacity: usize,
}

impl<K, B, V> Clone for Memo<K, B, V> {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
            capacity: self.capacity,
        }
    }
}

impl<K: Eq + Hash, B: PartialEq, V> Memo<K, B, V> {
    /// An empty memo of at most `capacity` keys.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Arc::new(Mutex::new(HashMap::new())),
            capacity: capacity.max(1),
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

    /// The value kept for `key` when it was made from `basis`.
    pub fn get(&self, key: &K, basis: &B) -> Option<Arc<V>> {
        self.lock()
            .get(key)
            .filter(|(b, _)| b == basis)
            .map(|(_, v)| v.clone())
    }

    /// Keeps `value`, made from what was read after `basis` (see the module's docs), for
    /// `key`; for callers that compute the values of several keys at once.
    pub fn put(&self, key: K, basis: B, value: V) -> Arc<V> {
        let value = Arc::new(value);
        let mut entries = self.lock();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.clear();
        }
        entries.insert(key, (basis, value.clone()));
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
        let memo: Memo<i64, i64, String> = Memo::new(2);
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
        // A third key starts the memo again: 1 is computed anew.
        assert_eq!(*get(3, 0), "3@0");
        assert_eq!(*get(1, 1), "1@1");
        assert_eq!(computed.get(), 5);
    }

    #[test]
    fn a_failed_computation_keeps_nothing() {
        let memo: Memo<i64, i64, i64> = Memo::new(4);
        assert!(memo.get_or_try(1, 0, || Err("down")).is_err());
        assert_eq!(*memo.get_or_try::<()>(1, 0, || Ok(7)).unwrap(), 7);
    }
}
