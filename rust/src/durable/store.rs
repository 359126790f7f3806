//! The storage of Durable Objects: one ordered key-value map and one alarm per object.
//!
//! Theory of operation. A `DurableStore` is shared (an `Arc`) by every isolate that hosts
//! objects of one worker, and by the host, which seeds it from disk and drains its changes.
//! Values are opaque strings (the isolate's tagged serialization of structured-clonable values);
//! keys are strings ordered by their UTF-8 bytes, as Workers orders them. Each operation is
//! applied at once, under the store's lock, so reads after writes are strongly consistent and
//! a batch (`put_many`, `delete_many`) is all-or-nothing. Every mutation marks the object and the
//! key dirty; `take_changes` hands the host the net effect since its last call (the current
//! value of each dirty key, a `cleared` flag for `deleteAll`, the alarm if it changed), which
//! the host writes to disk in one transaction: writes made in one turn of JavaScript (awaited or
//! not) thereby reach disk together. Nothing here reads a clock: alarm times are plain numbers.

use parking_lot::Mutex;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::Arc;

/// Workers' limits: keys up to 2 KiB, values up to 128 KiB (here measured on the serialized
/// form), 128 keys per batch.
pub const MAX_KEY_BYTES: usize = 2048;
pub const MAX_VALUE_BYTES: usize = 128 * 1024;
pub const MAX_BATCH_KEYS: usize = 128;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StorageError {
    #[error("Keys cannot be larger than {MAX_KEY_BYTES} bytes ({0} given)")]
    KeyTooLarge(usize),
    #[error("Values cannot be larger than {MAX_VALUE_BYTES} bytes ({0} given)")]
    ValueTooLarge(usize),
    #[error("A batch may have at most {MAX_BATCH_KEYS} keys ({0} given)")]
    TooManyKeys(usize),
}

/// `list()` options, as Workers defines them: `start` inclusive, `end` exclusive.
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    pub prefix: Option<String>,
    pub start: Option<String>,
    pub end: Option<String>,
    pub limit: Option<usize>,
    pub reverse: bool,
}

/// The net change of one object since the last `take_changes`.
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    pub namespace: String,
    pub id: String,
    /// `deleteAll()` ran: every key not in `puts` is gone.
    pub cleared: bool,
    pub puts: Vec<(String, String)>,
    pub deletes: Vec<String>,
    /// `Some(alarm)` when the alarm changed (`Some(None)`: deleted).
    pub alarm: Option<Option<f64>>,
}

#[derive(Debug, Default)]
struct Object {
    entries: BTreeMap<String, String>,
    alarm_ms: Option<f64>,
    dirty: BTreeSet<String>,
    cleared: bool,
    alarm_dirty: bool,
}

type Key = (String, String);

/// Every object's storage, for one worker (its namespaces are its exported classes).
#[derive(Debug, Default)]
pub struct Store {
    objects: HashMap<Key, Object>,
    dirty: BTreeSet<Key>,
}

fn check_key(key: &str) -> Result<(), StorageError> {
    if key.len() > MAX_KEY_BYTES {
        return Err(StorageError::KeyTooLarge(key.len()));
    }
    Ok(())
}

fn check_batch(n: usize) -> Result<(), StorageError> {
    if n > MAX_BATCH_KEYS {
        return Err(StorageError::TooManyKeys(n));
    }
    Ok(())
}

impl Store {
    fn object(&self, ns: &str, id: &str) -> Option<&Object> {
        self.objects.get(&(ns.to_owned(), id.to_owned()))
    }

    fn object_mut(&mut self, ns: &str, id: &str) -> &mut Object {
        let key = (ns.to_owned(), id.to_owned());
        self.dirty.insert(key.clone());
        self.objects.entry(key).or_default()
    }

    pub fn get(&self, ns: &str, id: &str, key: &str) -> Option<String> {
        self.object(ns, id).and_then(|o| o.entries.get(key).cloned())
    }

    /// Values of `keys`, in the order given (`None` where absent).
    pub fn get_many(&self, ns: &str, id: &str, keys: &[String]) -> Result<Vec<Option<String>>, StorageError> {
        check_batch(keys.len())?;
        let object = self.object(ns, id);
        Ok(keys
            .iter()
            .map(|k| object.and_then(|o| o.entries.get(k).cloned()))
            .collect())
    }

    /// Writes every pair, or none if one breaks a limit.
    pub fn put_many(&mut self, ns: &str, id: &str, entries: Vec<(String, String)>) -> Result<(), StorageError> {
        check_batch(entries.len())?;
        for (k, v) in &entries {
            check_key(k)?;
            if v.len() > MAX_VALUE_BYTES {
                return Err(StorageError::ValueTooLarge(v.len()));
            }
        }
        let object = self.object_mut(ns, id);
        for (k, v) in entries {
            object.dirty.insert(k.clone());
            object.entries.insert(k, v);
        }
        Ok(())
    }

    /// Deletes `keys`; returns how many existed.
    pub fn delete_many(&mut self, ns: &str, id: &str, keys: &[String]) -> Result<usize, StorageError> {
        check_batch(keys.len())?;
        for k in keys {
            check_key(k)?;
        }
        if self.object(ns, id).is_none() {
            return Ok(0);
        }
        let object = self.object_mut(ns, id);
        let mut n = 0;
        for k in keys {
            if object.entries.remove(k).is_some() {
                n += 1;
                object.dirty.insert(k.clone());
            }
        }
        Ok(n)
    }

    /// Entries in key order (or reverse), filtered by the options.
    pub fn list(&self, ns: &str, id: &str, options: &ListOptions) -> Vec<(String, String)> {
        let Some(object) = self.object(ns, id) else {
            return Vec::new();
        };
        let prefix = options.prefix.as_deref().unwrap_or("");
        // The range is the intersection of [start, end) and the keys with the prefix.
        let mut lower = options.start.clone().unwrap_or_default();
        if prefix > lower.as_str() {
            lower = prefix.to_owned();
        }
        let upper = match &options.end {
            Some(end) => Bound::Excluded(end.clone()),
            None => Bound::Unbounded,
        };
        if let Bound::Excluded(end) = &upper {
            if *end <= lower {
                return Vec::new();
            }
        }
        let range = object.entries.range((Bound::Included(lower), upper));
        let matching = |(k, _): &(&String, &String)| k.starts_with(prefix);
        let limit = options.limit.unwrap_or(usize::MAX);
        let pick = |(k, v): (&String, &String)| (k.clone(), v.clone());
        if options.reverse {
            range.rev().filter(matching).take(limit).map(pick).collect()
        } else {
            range
                .take_while(|(k, _)| k.starts_with(prefix))
                .take(limit)
                .map(pick)
                .collect()
        }
    }

    /// `deleteAll()`: every key goes (the alarm stays, as on Workers).
    pub fn delete_all(&mut self, ns: &str, id: &str) {
        if self.object(ns, id).is_none() {
            return;
        }
        let object = self.object_mut(ns, id);
        object.entries.clear();
        object.dirty.clear();
        object.cleared = true;
    }

    pub fn alarm(&self, ns: &str, id: &str) -> Option<f64> {
        self.object(ns, id).and_then(|o| o.alarm_ms)
    }

    /// Sets (`Some(ms since the epoch)`) or deletes (`None`) the object's alarm.
    pub fn set_alarm(&mut self, ns: &str, id: &str, at_ms: Option<f64>) {
        if at_ms.is_none() && !self.object(ns, id).is_some_and(|o| o.alarm_ms.is_some()) {
            return;
        }
        let object = self.object_mut(ns, id);
        object.alarm_ms = at_ms.filter(|t| t.is_finite());
        object.alarm_dirty = true;
    }

    /// Seeds an object from disk (not marked as changed).
    pub fn load(&mut self, ns: &str, id: &str, entries: Vec<(String, String)>, alarm_ms: Option<f64>) {
        let object = self.objects.entry((ns.to_owned(), id.to_owned())).or_default();
        object.entries.extend(entries);
        object.alarm_ms = alarm_ms.or(object.alarm_ms);
    }

    pub fn has_changes(&self) -> bool {
        !self.dirty.is_empty()
    }

    /// The net changes since the last call, object by object.
    pub fn take_changes(&mut self) -> Vec<Change> {
        let dirty = std::mem::take(&mut self.dirty);
        let mut out = Vec::with_capacity(dirty.len());
        for key in dirty {
            let Some(object) = self.objects.get_mut(&key) else {
                continue;
            };
            let keys = std::mem::take(&mut object.dirty);
            let mut puts = Vec::new();
            let mut deletes = Vec::new();
            for k in keys {
                match object.entries.get(&k) {
                    Some(v) => puts.push((k, v.clone())),
                    None => deletes.push(k),
                }
            }
            let change = Change {
                namespace: key.0.clone(),
                id: key.1.clone(),
                cleared: std::mem::take(&mut object.cleared),
                puts,
                deletes,
                alarm: std::mem::take(&mut object.alarm_dirty).then_some(object.alarm_ms),
            };
            if change.cleared || change.alarm.is_some() || !change.puts.is_empty() || !change.deletes.is_empty() {
                out.push(change);
            }
        }
        out
    }

    /// Ids of the objects of `ns` that hold data or an alarm, sorted.
    pub fn ids(&self, ns: &str) -> Vec<String> {
        let mut ids: Vec<String> = self
            .objects
            .iter()
            .filter(|((n, _), o)| n == ns && (!o.entries.is_empty() || o.alarm_ms.is_some()))
            .map(|((_, id), _)| id.clone())
            .collect();
        ids.sort_unstable();
        ids
    }
}

/// A `Store` shared by the isolates hosting a worker's objects and by the host.
#[derive(Clone, Debug, Default)]
pub struct DurableStore(Arc<Mutex<Store>>);

impl DurableStore {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn lock(&self) -> parking_lot::MutexGuard<'_, Store> {
        self.0.lock()
    }
}
