//! Coalescing and short-lived sharing of identical upstream answers: callers asking for
//! the same key while a call is in flight wait for its answer; a successful answer is
//! shared for a time-to-live; a failed one is forgotten at once.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use tokio::sync::OnceCell;

use super::UpstreamError;

/// One shared answer (filled once).
pub(crate) type Cell<T> = Arc<OnceCell<Result<T, UpstreamError>>>;

/// The cache of one kind of answer.
pub(crate) struct Cache<T> {
    map: Mutex<HashMap<String, (Instant, Cell<T>)>>,
}

impl<T: Clone> Cache<T> {
    pub(crate) fn new() -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
        }
    }

    /// The cell for `key`: an in-flight or fresh one (`true`: shared), else a new one.
    pub(crate) fn cell(&self, key: &str, ttl: Duration) -> (Cell<T>, bool) {
        let mut m = self.map.lock();
        let now = Instant::now();
        if m.len() > 10_000 {
            m.retain(|_, (t, c)| c.get().is_none() || now.duration_since(*t) < ttl);
        }
        if let Some((t, c)) = m.get(key) {
            if c.get().is_none() || now.duration_since(*t) < ttl {
                return (c.clone(), true);
            }
        }
        let c: Cell<T> = Arc::new(OnceCell::new());
        m.insert(key.to_owned(), (now, c.clone()));
        (c, false)
    }

    /// Stores an answer read outside the cache (a fresh read), shared from now on.
    pub(crate) fn put(&self, key: &str, value: T) {
        let c: Cell<T> = Arc::new(OnceCell::new_with(Some(Ok(value))));
        self.map.lock().insert(key.to_owned(), (Instant::now(), c));
    }

    /// Drops a failed cell (if it is still the one for `key`).
    pub(crate) fn forget_failed(&self, key: &str, cell: &Cell<T>) {
        let mut m = self.map.lock();
        if m.get(key).is_some_and(|(_, c)| Arc::ptr_eq(c, cell)) {
            m.remove(key);
        }
    }

    /// Drops every entry whose key starts with `prefix`.
    pub(crate) fn forget_prefix(&self, prefix: &str) {
        self.map.lock().retain(|k, _| !k.starts_with(prefix));
    }
}
