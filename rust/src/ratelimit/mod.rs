//! The rate-limiting binding's counters: one table per PoP, as on Workers (each location
//! counts on its own), consulted inside the worker's `limit()` call with no host round trip.
//!
//! A table belongs to the host (one per PoP, `edgert._core.RateLimitCounters`); a core reaches
//! it by the table's id, carried in the binding's JSON (`{"type": "ratelimit", "store": id,
//! ...}`), through a process-wide registry of weak references. The registry keeps no table
//! alive: when the host drops its table, a binding that still names it gets "no such table".

mod window;

#[cfg(test)]
mod tests;

pub use window::{Mode, Window};

use hashbrown::HashMap;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};

/// Counters kept before expired ones are swept (a sweep is amortised over inserts).
const SWEEP_AT: usize = 4096;

/// One key's counter with the period it counts over.
type Entry = (Window, u32);

/// One PoP's counters: by namespace id, then key.
#[derive(Debug)]
pub struct Counters {
    windows: HashMap<Box<str>, HashMap<Box<str>, Entry>>,
    count: usize,
    next_sweep: usize,
    pub mode: Mode,
    /// Calls let through and refused, for metrics.
    pub allowed: u64,
    pub refused: u64,
}

impl Counters {
    pub fn new(mode: Mode) -> Counters {
        Counters {
            windows: HashMap::new(),
            count: 0,
            next_sweep: SWEEP_AT,
            mode,
            allowed: 0,
            refused: 0,
        }
    }

    /// Counts one call of `key` in `namespace` at `now_ns`; whether it is within the limit.
    pub fn hit(&mut self, namespace: &str, key: &str, limit: u32, period_s: u32, now_ns: u64) -> bool {
        let mode = self.mode;
        let found = self.windows.get_mut(namespace).and_then(|keys| keys.get_mut(key));
        let ok = match found {
            Some((w, _)) => w.hit(now_ns, limit, period_s, mode),
            None => {
                if self.count >= self.next_sweep {
                    self.sweep(now_ns);
                }
                let mut w = Window::default();
                let ok = w.hit(now_ns, limit, period_s, mode);
                let keys = self.windows.entry(Box::from(namespace)).or_default();
                keys.insert(Box::from(key), (w, period_s));
                self.count += 1;
                ok
            }
        };
        if ok {
            self.allowed += 1;
        } else {
            self.refused += 1;
        }
        ok
    }

    fn sweep(&mut self, now_ns: u64) {
        for keys in self.windows.values_mut() {
            keys.retain(|_, (w, period)| !w.expired(now_ns, *period));
        }
        self.windows.retain(|_, keys| !keys.is_empty());
        self.count = self.windows.values().map(HashMap::len).sum();
        self.next_sweep = (self.count * 2).max(SWEEP_AT);
    }

    /// Keys currently counted (over all namespaces).
    pub fn len(&self) -> usize {
        self.count
    }

    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

/// A PoP's table, cheap to clone; the lock is held for one lookup, never while JavaScript runs.
#[derive(Clone, Debug)]
pub struct SharedCounters {
    pub id: u64,
    inner: Arc<Mutex<Counters>>,
}

fn registry() -> &'static Mutex<HashMap<u64, Weak<Mutex<Counters>>>> {
    static REGISTRY: OnceLock<Mutex<HashMap<u64, Weak<Mutex<Counters>>>>> = OnceLock::new();
    REGISTRY.get_or_init(|| Mutex::new(HashMap::new()))
}

impl SharedCounters {
    /// A new table, registered so that bindings naming its id reach it.
    pub fn new(mode: Mode) -> SharedCounters {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let id = NEXT.fetch_add(1, Ordering::Relaxed);
        let inner = Arc::new(Mutex::new(Counters::new(mode)));
        let mut reg = registry().lock();
        reg.retain(|_, w| w.strong_count() > 0);
        reg.insert(id, Arc::downgrade(&inner));
        SharedCounters { id, inner }
    }

    /// The live table of an id.
    pub fn find(id: u64) -> Option<SharedCounters> {
        let inner = registry().lock().get(&id)?.upgrade()?;
        Some(SharedCounters { id, inner })
    }

    pub fn lock(&self) -> parking_lot::MutexGuard<'_, Counters> {
        self.inner.lock()
    }
}
