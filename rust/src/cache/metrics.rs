//! Counters a cache keeps; read them with `HttpCache::metrics`.

/// A snapshot of a cache's counters and occupancy.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Metrics {
    pub lookups: u64,
    pub hits: u64,
    pub misses: u64,
    /// Lookups that found only a stale response that had to be revalidated.
    pub expired: u64,
    /// Stale responses served (`STALE` and `UPDATING`).
    pub stale: u64,
    /// Background revalidations handed to the host (`UPDATING`).
    pub updating: u64,
    /// Stored responses freshened by a 304.
    pub revalidations: u64,
    pub bypass: u64,
    pub dynamic: u64,
    /// Responses stored (new or replacing).
    pub stores: u64,
    pub evictions: u64,
    /// Stored responses removed by purges.
    pub purged: u64,
    /// Stored responses removed because an unsafe method changed their URI (RFC 9111 4.4).
    pub invalidations: u64,
    /// Weighted bytes held (bodies, header text, keys, per-entry overhead estimate).
    pub bytes: u64,
    pub max_bytes: u64,
    /// Stored responses (variants count separately).
    pub entries: u64,
    /// Distinct cache keys.
    pub keys: u64,
}
