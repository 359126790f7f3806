//! The byte-budgeted store under the cache: primary key -> stored responses (one per `Vary`
//! variant), evicted by `quick_cache`'s policy (CLOCK-PRO-like, scan resistant, no clock reads).
//!
//! Theory of operation: values are immutable `Slot`s weighed once on insert (key bytes plus each
//! variant's weight); changing a key's variants replaces its slot. Evictions are counted through
//! `quick_cache`'s lifecycle hook; purges and invalidations remove whole keys or single variants.

use std::sync::Arc;

use quick_cache::{unsync, DefaultHashBuilder, Lifecycle, OptionsBuilder, Weighter};

use super::entry::StoredResponse;

pub type EntryRef = Arc<StoredResponse>;

/// The stored responses of one key; usually one.
#[derive(Clone, Debug)]
pub enum Slot {
    One(EntryRef),
    Many(Box<[EntryRef]>),
}

impl Slot {
    pub fn entries(&self) -> &[EntryRef] {
        match self {
            Slot::One(e) => std::slice::from_ref(e),
            Slot::Many(v) => v,
        }
    }

    pub fn from_vec(mut v: Vec<EntryRef>) -> Option<Slot> {
        match v.len() {
            0 => None,
            1 => v.pop().map(Slot::One),
            _ => Some(Slot::Many(v.into_boxed_slice())),
        }
    }
}

#[derive(Clone, Copy, Debug, Default)]
pub struct SlotWeighter;

impl Weighter<Box<str>, Slot> for SlotWeighter {
    fn weight(&self, key: &Box<str>, slot: &Slot) -> u64 {
        key.len() as u64 + slot.entries().iter().map(|e| e.weight()).sum::<u64>()
    }
}

/// Records what an insert pushed out: (key, stored responses). `quick_cache` reports a replaced
/// value of the inserted key through the same hook, so the caller tells the two apart by key.
#[derive(Clone, Copy, Debug, Default)]
pub struct EvictionCounter;

impl Lifecycle<Box<str>, Slot> for EvictionCounter {
    type RequestState = Vec<(Box<str>, u64)>;

    fn begin_request(&self) -> Self::RequestState {
        Vec::new()
    }

    fn on_evict(&self, state: &mut Self::RequestState, key: Box<str>, slot: Slot) {
        state.push((key, slot.entries().len() as u64));
    }
}

pub struct Storage {
    map: unsync::Cache<Box<str>, Slot, SlotWeighter, DefaultHashBuilder, EvictionCounter>,
    entries: u64,
    evictions: u64,
    max_bytes: u64,
}

impl Storage {
    pub fn new(max_bytes: u64, estimated_entries: usize) -> Self {
        let options = OptionsBuilder::new()
            .estimated_items_capacity(estimated_entries.max(16))
            .weight_capacity(max_bytes.max(1))
            .build()
            .unwrap_or_else(|_| unreachable!("non-zero capacity and estimate always build"));
        Storage {
            map: unsync::Cache::with_options(options, SlotWeighter, DefaultHashBuilder::default(), EvictionCounter),
            entries: 0,
            evictions: 0,
            max_bytes,
        }
    }

    /// The slot for `key`, marking it used for the eviction policy.
    #[inline]
    pub fn get(&self, key: &str) -> Option<&Slot> {
        self.map.get(key)
    }

    /// The slot for `key` without touching the eviction policy.
    pub fn peek(&self, key: &str) -> Option<&Slot> {
        self.map.peek(key)
    }

    /// Replaces the slot of `key` (or removes it when `slot` is `None`).
    pub fn set(&mut self, key: &str, slot: Option<Slot>) {
        let old = self.map.peek(key).map_or(0, |s| s.entries().len() as u64);
        match slot {
            None => {
                if self.map.remove(key).is_some() {
                    self.entries = self.entries.saturating_sub(old);
                }
            }
            Some(slot) => {
                let n = slot.entries().len() as u64;
                let pushed_out = self.map.insert_with_lifecycle(key.into(), slot);
                let admitted = self.map.contains_key(key);
                let evicted: u64 = pushed_out.iter().filter(|(k, _)| &**k != key).map(|(_, c)| c).sum();
                self.entries =
                    (self.entries.saturating_sub(old) + if admitted { n } else { 0 }).saturating_sub(evicted);
                self.evictions += evicted;
            }
        }
    }

    /// Removes every key for which `f(key, slot)` returns a replacement other than the current one:
    /// `f` returns `None` to keep, `Some(None)` to delete, `Some(Some(slot))` to replace.
    /// Returns the number of stored responses removed.
    pub fn rewrite(&mut self, mut f: impl FnMut(&str, &Slot) -> Option<Option<Slot>>) -> u64 {
        let mut changes: Vec<(Box<str>, Option<Slot>)> = Vec::new();
        for (key, slot) in self.map.iter() {
            if let Some(new) = f(key, slot) {
                changes.push((key.clone(), new));
            }
        }
        let before = self.entries;
        for (key, new) in changes {
            self.set(&key, new);
        }
        before.saturating_sub(self.entries)
    }

    pub fn clear(&mut self) -> u64 {
        let n = self.entries;
        self.map.clear();
        self.entries = 0;
        n
    }

    pub fn bytes(&self) -> u64 {
        self.map.weight()
    }

    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    pub fn entries(&self) -> u64 {
        self.entries
    }

    pub fn keys(&self) -> u64 {
        self.map.len() as u64
    }

    pub fn evictions(&self) -> u64 {
        self.evictions
    }

    /// Heap bytes `quick_cache` uses for its own tables.
    pub fn table_bytes(&self) -> usize {
        self.map.memory_used().total()
    }
}
