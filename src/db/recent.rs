//! Answers read from the database a moment ago, given again without reading.
//!
//! A [`Recent`] keeps, per key, a value read from the database with two marks taken
//! **before** the read: this process's write generation ([`generation`], bumped by every
//! write transaction that commits here, whatever it wrote) and the instant. The value is
//! given again only while both hold: no write has committed in this process since, and
//! less than the window ([`WINDOW`]) has passed. So:
//!
//! - in one process (the SQLite deployment, or one instance), an answer given after a
//!   change was committed never predates it: the writer bumps the generation before its
//!   own answer leaves, so every request that follows it reads again;
//! - a change committed by *another* process (a second instance on the same PostgreSQL, a
//!   command run beside the server) is seen at most [`WINDOW`] later. That is the rule for
//!   what a `Recent` may keep: facts that may lag a second behind another instance (whether
//!   a login is still open; the stamps a dashboard was computed at), never a value a write
//!   decides on (writes read inside their transaction, not from here).
//!
//! **One reader refreshes.** When a value has outlived the window but nothing was written
//! in this process since it was read, the first reader to ask is told to read it again
//! (`get` answers `None` and the reader `keep`s what it read), and every other reader of
//! that key is given the previous value meanwhile, for at most another window, or until
//! that reader finds the value gone ([`Recent::forget`]). Without
//! this, the readers of a busy key (a dashboard, the login of a client with many
//! connections) all missed in the same millisecond once a second and all read at once.
//! Nothing changes for a write made in this process: after it, every reader reads again.
//! So a change made by another instance is seen within two windows at most, usually one.
//!
//! **Which writes.** A `Recent` made with [`Recent::new`] is read again after every write
//! committed here ([`WRITES`]). One made with [`Recent::after`] only after the writes of
//! one kind of fact, each named by a [`Generation`] of its own: [`LOGINS`] for whether a
//! login is open and what it carries (a login ended, an account's status, role or preferred
//! language changed). A write of such a
//! fact calls the generation's marker (e.g. [`logins_changed`]) inside its transaction,
//! and the transaction's end bumps it. Without this, a server busy with writes of any kind
//! (every completion, every post) read every login again at every request. A write that
//! forgot its marker would be seen as another instance's is: at most two windows late.
//!
//! Reading from a `Recent` costs a lock and a hash lookup on the worker: no hand-off to the
//! blocking pool, no connection. The number of keys is bounded: past the bound it starts
//! again empty.

use std::cell::Cell;
use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long a kept value may be given again when nothing was written in this process: the
/// most another instance's change can lag behind here.
pub const WINDOW: Duration = Duration::from_secs(1);

/// A count of the write transactions committed (or attempted) in this process that wrote
/// one kind of fact: a value kept with an older count is read again.
#[derive(Debug)]
pub struct Generation(AtomicU64);

impl Generation {
    const fn new() -> Self {
        Self(AtomicU64::new(0))
    }

    fn get(&self) -> u64 {
        self.0.load(Ordering::SeqCst)
    }

    fn bump(&self) {
        self.0.fetch_add(1, Ordering::SeqCst);
    }
}

/// Every write transaction committed (or attempted) in this process.
pub static WRITES: Generation = Generation::new();

/// The write transactions that ended a login or changed an account's status, role or
/// preferred language (those that called [`logins_changed`]).
pub static LOGINS: Generation = Generation::new();

thread_local! {
    /// Whether the transaction running on this thread called [`logins_changed`].
    static LOGINS_CHANGED: Cell<bool> = const { Cell::new(false) };
}

/// Called inside a write transaction that ends a login or changes an account's status,
/// role or preferred language (what a kept login carries): when the transaction ends, logins kept by a `Recent` on [`LOGINS`] are read again.
/// (A transaction runs on one thread from start to end, the SQLite writer's or one of the
/// blocking pool's, and the mark waits on that thread for [`bump`].)
pub fn logins_changed() {
    LOGINS_CHANGED.with(|changed| changed.set(true));
}

/// Called by `db::write_transaction` and the SQLite writer once a transaction has ended,
/// on the thread that ran it: every value kept on [`WRITES`] is read again, and those kept
/// on [`LOGINS`] when the transaction called [`logins_changed`].
pub(crate) fn bump() {
    WRITES.bump();
    if LOGINS_CHANGED.with(|changed| changed.replace(false)) {
        LOGINS.bump();
    }
}

/// Every kept value is read again: a connection was used outside requests (commands,
/// tests), and what it wrote is not known.
pub(crate) fn bump_all() {
    logins_changed();
    bump();
}

/// When a read was made: take it **before** reading ([`Recent::seen`]), keep the value
/// with it.
#[derive(Debug, Clone, Copy)]
pub struct Seen {
    generation: u64,
    at: Instant,
}

impl Seen {
    fn still_holds(&self, generation: &Generation, window: Duration) -> bool {
        self.generation == generation.get() && self.at.elapsed() < window
    }
}

/// A kept value, and since when one reader has been reading it again (see the module's
/// docs).
#[derive(Debug)]
struct Entry<V> {
    seen: Seen,
    value: V,
    refreshing_since: Option<Instant>,
}

type Entries<K, V> = HashMap<K, Entry<V>>;

/// Values by key, each with when it was read (see the module's docs).
#[derive(Debug)]
pub struct Recent<K, V> {
    entries: Arc<Mutex<Entries<K, V>>>,
    capacity: usize,
    window: Duration,
    generation: &'static Generation,
}

impl<K, V> Clone for Recent<K, V> {
    fn clone(&self) -> Self {
        Self {
            entries: self.entries.clone(),
            capacity: self.capacity,
            window: self.window,
            generation: self.generation,
        }
    }
}

impl<K: Eq + Hash, V: Clone> Recent<K, V> {
    /// An empty store of at most `capacity` keys, each kept at most [`WINDOW`] and until a
    /// write commits here.
    pub fn new(capacity: usize) -> Self {
        Self::after(&WRITES, capacity)
    }

    /// An empty store of at most `capacity` keys, each kept at most [`WINDOW`] and until a
    /// write of `generation`'s kind commits here.
    pub fn after(generation: &'static Generation, capacity: usize) -> Self {
        Self::with_window(generation, capacity, WINDOW)
    }

    fn with_window(generation: &'static Generation, capacity: usize, window: Duration) -> Self {
        Self {
            entries: Arc::new(Mutex::new(HashMap::new())),
            capacity: capacity.max(1),
            window,
            generation,
        }
    }

    /// Now, before a read whose value will be [`keep`](Self::keep)-ed.
    pub fn seen(&self) -> Seen {
        Seen {
            generation: self.generation.get(),
            at: Instant::now(),
        }
    }

    /// Whether a value read after `seen` still holds, `windows` windows after.
    fn holds(&self, seen: &Seen, windows: u32) -> bool {
        seen.still_holds(self.generation, windows * self.window)
    }

    /// The value kept for `key`, while it still holds; `None` tells the caller to read it
    /// and [`keep`](Self::keep) it. Past the window, with nothing written here since, only
    /// the first caller gets `None`: the others get the previous value while that caller
    /// reads (for at most another window).
    pub fn get(&self, key: &K) -> Option<V> {
        let mut entries = self.lock();
        let entry = entries.get_mut(key)?;
        if self.holds(&entry.seen, 1) {
            return Some(entry.value.clone());
        }
        if !self.holds(&entry.seen, 2) {
            return None;
        }
        match entry.refreshing_since {
            Some(since) if since.elapsed() < self.window => Some(entry.value.clone()),
            _ => {
                entry.refreshing_since = Some(Instant::now());
                None
            }
        }
    }

    /// Keeps `value` for `key`, read after `seen` was taken.
    pub fn keep(&self, key: K, seen: Seen, value: V) {
        if !self.holds(&seen, 1) {
            return;
        }
        let (generation, window) = (self.generation, 2 * self.window);
        let mut entries = self.lock();
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, entry| entry.seen.still_holds(generation, window));
            if entries.len() >= self.capacity {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Entry {
                seen,
                value,
                refreshing_since: None,
            },
        );
    }

    /// Drops what is kept for `key`: the read made after `get` answered `None` found
    /// nothing (a login that has ended), so no reader may be given the previous value.
    pub fn forget(&self, key: &K) {
        self.lock().remove(key);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Entries<K, V>> {
        self.entries.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_holds_until_a_write_commits_in_this_process() {
        let recent: Recent<i64, &str> = Recent::new(4);
        let seen = recent.seen();
        recent.keep(1, seen, "one");
        // Other tests in this process write too: only assert when none did meanwhile.
        if recent.holds(&seen, 1) {
            assert_eq!(recent.get(&1), Some("one"));
        }
        bump();
        assert_eq!(recent.get(&1), None);
        // A value read before a write is not kept after it.
        let before = recent.seen();
        bump();
        recent.keep(2, before, "stale");
        assert_eq!(recent.get(&2), None);
    }

    #[test]
    fn a_login_holds_until_a_write_of_logins_commits() {
        let logins: Recent<i64, &str> = Recent::after(&LOGINS, 4);
        let seen = logins.seen();
        logins.keep(1, seen, "open");
        // Another write, of anything else: the login is still given.
        bump();
        // Other tests in this process end logins too: only assert when none did meanwhile.
        if logins.holds(&seen, 1) {
            assert_eq!(logins.get(&1), Some("open"));
        }
        // A write that ends a login: read again once it has ended, not before.
        logins_changed();
        if logins.holds(&seen, 1) {
            assert_eq!(logins.get(&1), Some("open"));
        }
        bump();
        assert_eq!(logins.get(&1), None);
        // The mark was spent by that end: the next write of this thread is another kind.
        assert!(!LOGINS_CHANGED.with(Cell::get));
        // A connection used outside requests counts as every kind of write.
        let before = logins.seen();
        bump_all();
        logins.keep(2, before, "stale");
        assert_eq!(logins.get(&2), None);
    }

    #[test]
    fn a_value_holds_at_most_the_window() {
        let recent: Recent<i64, i64> = Recent::with_window(&WRITES, 4, Duration::from_millis(20));
        let seen = recent.seen();
        recent.keep(1, seen, 7);
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(recent.get(&1), None);
    }

    #[test]
    fn past_the_window_one_reader_reads_again_and_the_others_keep_the_value() {
        let window = Duration::from_millis(200);
        let recent: Recent<i64, i64> = Recent::with_window(&WRITES, 4, window);
        let seen = recent.seen();
        recent.keep(1, seen, 7);
        std::thread::sleep(window + Duration::from_millis(10));
        // The first reader is told to read; the next ones get the previous value.
        let got = [recent.get(&1), recent.get(&1), recent.get(&1)];
        // What the first reader keeps is given from then on.
        recent.keep(1, recent.seen(), 8);
        let then = recent.get(&1);
        // Other tests in this process write too: only assert when none did meanwhile
        // (and when this thread was not held up past the second window).
        if recent.holds(&seen, 2) {
            assert_eq!(got, [None, Some(7), Some(7)]);
            assert_eq!(then, Some(8));
        }
        // A write made here: everyone reads again, nobody gets the previous value.
        bump();
        assert_eq!(recent.get(&1), None);
        assert_eq!(recent.get(&1), None);
    }

    #[test]
    fn a_value_found_gone_is_given_to_nobody() {
        let window = Duration::from_millis(200);
        let recent: Recent<i64, i64> = Recent::with_window(&WRITES, 4, window);
        recent.keep(1, recent.seen(), 7);
        std::thread::sleep(window + Duration::from_millis(10));
        // The reader told to read finds nothing: the others are not given the old value.
        let first = recent.get(&1);
        recent.forget(&1);
        let then = [recent.get(&1), recent.get(&1)];
        // Whatever other tests write meanwhile, nobody gets the old value.
        assert_eq!(first, None);
        assert_eq!(then, [None, None]);
    }

    #[test]
    fn the_previous_value_is_given_at_most_two_windows() {
        let window = Duration::from_millis(20);
        let recent: Recent<i64, i64> = Recent::with_window(&WRITES, 4, window);
        recent.keep(1, recent.seen(), 7);
        std::thread::sleep(window + Duration::from_millis(5));
        // A reader is told to read, and never keeps what it read (it failed, say).
        let _ = recent.get(&1);
        std::thread::sleep(window + Duration::from_millis(5));
        assert_eq!(recent.get(&1), None);
        assert_eq!(recent.get(&1), None);
    }

    #[test]
    fn past_the_bound_old_values_make_room() {
        let recent: Recent<i64, i64> = Recent::with_window(&WRITES, 2, Duration::from_secs(60));
        let seen = recent.seen();
        for k in 0..10 {
            recent.keep(k, seen, k);
        }
        assert!(recent.lock().len() <= 2);
    }
}
