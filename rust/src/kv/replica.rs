//! One PoP's replica of KV: what the PoP has cached of each namespace.
//!
//! Theory of operation. Workers KV keeps every value in a central store and caches what each
//! PoP reads. A replica entry is either a value or a *negative* entry (the key did not exist
//! when it was fetched); either is served until `until_ns` = the host time it was filled plus the
//! `cacheTtl` of the read that filled it (default 60 s). A read that finds a live entry is a hit
//! and never leaves the core; anything else is a miss: the isolate asks the host (the central
//! store, over the PoP-to-store latency) and `fill`s the answer in. Writes go to the central
//! store; once it accepted one, `write` puts the new value (or the deletion, as a negative
//! entry) into the writing PoP's replica, so the writer sees it at once while other PoPs keep
//! what they cached until it expires: that is KV's eventual consistency. A value past its own
//! `expiration` reads as absent even while its cache entry lives. Every entry remembers the
//! version (the central store's write time) it reflects, so a fill that lost a race with a
//! newer local write does not overwrite it, and the host can tell how stale a read was. Memory
//! is bounded by `max_bytes`: past it, entries whose cache time ended go first, then those that
//! would end soonest.

use super::limits::{DEFAULT_CACHE_TTL_S, MIN_CACHE_TTL_S};
use super::value::KvValue;
use hashbrown::HashMap;

/// How a replica caches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReplicaConfig {
    /// `cacheTtl` of reads that give none (60 s on Workers).
    pub default_cache_ttl_s: u64,
    /// The smallest `cacheTtl` a read may ask for (30 s on Workers).
    pub min_cache_ttl_s: u64,
    /// Bytes of values and metadata the replica keeps at most.
    pub max_bytes: usize,
}

impl Default for ReplicaConfig {
    fn default() -> Self {
        ReplicaConfig {
            default_cache_ttl_s: DEFAULT_CACHE_TTL_S,
            min_cache_ttl_s: MIN_CACHE_TTL_S,
            max_bytes: 64 * 1024 * 1024,
        }
    }
}

/// One cached key: its value, or `None` for a negative entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cached {
    pub value: Option<KvValue>,
    /// The central store's version this entry reflects (0: the key was never written).
    pub version_ns: u64,
    /// Host time the entry was filled (or written locally).
    pub filled_ns: u64,
    /// Host time after which the entry is no longer served.
    pub until_ns: u64,
}

impl Cached {
    fn size(&self, key: &str) -> usize {
        key.len() + self.value.as_ref().map_or(0, KvValue::size) + 64
    }
}

/// The answer of a lookup.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Lookup {
    /// Served from the replica: the value, or `None` (a negative entry, or a value past its
    /// expiration), with the version it reflects.
    Hit { value: Option<KvValue>, version_ns: u64 },
    /// Not cached, or its cache time ended: ask the central store.
    Miss,
}

/// Counters since the replica was created.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ReplicaMetrics {
    pub hits: u64,
    /// Hits that answered "no such key" (negative entries and expired values).
    pub negative_hits: u64,
    pub misses: u64,
    pub fills: u64,
    pub writes: u64,
    pub evictions: u64,
    pub entries: u64,
    pub bytes: u64,
}

#[derive(Default)]
pub struct Replica {
    config: ReplicaConfig,
    namespaces: HashMap<String, HashMap<String, Cached>>,
    bytes: usize,
    entries: usize,
    metrics: ReplicaMetrics,
}

const NS_PER_S: u64 = 1_000_000_000;

impl Replica {
    pub fn new(config: ReplicaConfig) -> Replica {
        Replica {
            config,
            ..Replica::default()
        }
    }

    pub fn config(&self) -> ReplicaConfig {
        self.config
    }

    /// Looks `key` up at host time `now_ns`.
    pub fn lookup(&mut self, namespace: &str, key: &str, now_ns: u64) -> Lookup {
        let found = self
            .namespaces
            .get(namespace)
            .and_then(|ns| ns.get(key))
            .filter(|c| c.until_ns > now_ns);
        match found {
            Some(c) => {
                let value = c.value.as_ref().filter(|v| !v.expired(now_ns)).cloned();
                self.metrics.hits += 1;
                if value.is_none() {
                    self.metrics.negative_hits += 1;
                }
                Lookup::Hit {
                    value,
                    version_ns: c.version_ns,
                }
            }
            None => {
                self.metrics.misses += 1;
                Lookup::Miss
            }
        }
    }

    /// Caches the central store's answer to a miss for `cache_ttl_s` from `now_ns`. An entry
    /// that already reflects a newer version (a local write landed meanwhile) is kept.
    pub fn fill(
        &mut self,
        namespace: &str,
        key: &str,
        value: Option<KvValue>,
        version_ns: u64,
        now_ns: u64,
        cache_ttl_s: u64,
    ) {
        if let Some(existing) = self.namespaces.get(namespace).and_then(|ns| ns.get(key)) {
            if existing.version_ns > version_ns && existing.until_ns > now_ns {
                return;
            }
        }
        self.metrics.fills += 1;
        self.cache(namespace, key, value, version_ns, now_ns, cache_ttl_s);
    }

    /// A write (`None`: a delete) the central store accepted with `version_ns`: visible in this
    /// PoP at once, cached for the default `cacheTtl`.
    pub fn write(&mut self, namespace: &str, key: &str, value: Option<KvValue>, version_ns: u64, now_ns: u64) {
        self.metrics.writes += 1;
        let ttl_s = self.config.default_cache_ttl_s;
        self.cache(namespace, key, value, version_ns, now_ns, ttl_s);
    }

    /// Caches `value` (as of `version_ns`) from `now_ns` for `ttl_s` seconds.
    fn cache(&mut self, namespace: &str, key: &str, value: Option<KvValue>, version_ns: u64, now_ns: u64, ttl_s: u64) {
        let entry = Cached {
            value,
            version_ns,
            filled_ns: now_ns,
            until_ns: now_ns.saturating_add(ttl_s.saturating_mul(NS_PER_S)),
        };
        self.insert(namespace, key, entry, now_ns);
    }

    fn insert(&mut self, namespace: &str, key: &str, entry: Cached, now_ns: u64) {
        let size = entry.size(key);
        let ns = match self.namespaces.get_mut(namespace) {
            Some(ns) => ns,
            None => self.namespaces.entry(namespace.to_owned()).or_default(),
        };
        match ns.insert(key.to_owned(), entry) {
            Some(old) => self.bytes -= old.size(key),
            None => self.entries += 1,
        }
        self.bytes += size;
        if self.bytes > self.config.max_bytes {
            self.evict(now_ns);
        }
    }

    /// Drops entries until the replica fits: those no longer served first, then the ones whose
    /// cache time ends soonest.
    fn evict(&mut self, now_ns: u64) {
        let before = self.entries;
        for ns in self.namespaces.values_mut() {
            ns.retain(|key, c| {
                let keep = c.until_ns > now_ns;
                if !keep {
                    self.bytes -= c.size(key);
                    self.entries -= 1;
                }
                keep
            });
        }
        if self.bytes > self.config.max_bytes {
            let mut all: Vec<(u64, String, String)> = self
                .namespaces
                .iter()
                .flat_map(|(n, ns)| ns.iter().map(move |(k, c)| (c.until_ns, n.clone(), k.clone())))
                .collect();
            all.sort_unstable();
            for (_, n, k) in all {
                if self.bytes <= self.config.max_bytes {
                    break;
                }
                if let Some(c) = self.namespaces.get_mut(&n).and_then(|ns| ns.remove(&k)) {
                    self.bytes -= c.size(&k);
                    self.entries -= 1;
                }
            }
        }
        self.namespaces.retain(|_, ns| !ns.is_empty());
        self.metrics.evictions += (before - self.entries) as u64;
    }

    /// What the replica holds of `namespace` that is still served at `now_ns`, sorted by key.
    pub fn entries(&self, namespace: &str, now_ns: u64) -> Vec<(String, Cached)> {
        let mut out: Vec<(String, Cached)> = self
            .namespaces
            .get(namespace)
            .map(|ns| {
                ns.iter()
                    .filter(|(_, c)| c.until_ns > now_ns)
                    .map(|(k, c)| (k.clone(), c.clone()))
                    .collect()
            })
            .unwrap_or_default();
        out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        out
    }

    /// Namespaces with at least one entry, sorted.
    pub fn namespaces(&self) -> Vec<String> {
        let mut out: Vec<String> = self.namespaces.keys().cloned().collect();
        out.sort_unstable();
        out
    }

    /// Forgets one key (or, with `key = None`, a whole namespace); returns entries removed.
    pub fn purge(&mut self, namespace: &str, key: Option<&str>) -> u64 {
        let Some(ns) = self.namespaces.get_mut(namespace) else {
            return 0;
        };
        let removed: Vec<(String, Cached)> = match key {
            Some(k) => ns.remove_entry(k).into_iter().collect(),
            None => ns.drain().collect(),
        };
        for (k, c) in &removed {
            self.bytes -= c.size(k);
            self.entries -= 1;
        }
        if ns.is_empty() {
            self.namespaces.remove(namespace);
        }
        removed.len() as u64
    }

    pub fn metrics(&self) -> ReplicaMetrics {
        ReplicaMetrics {
            entries: self.entries as u64,
            bytes: self.bytes as u64,
            ..self.metrics
        }
    }
}
