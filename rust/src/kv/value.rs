//! One stored value as a replica holds it.

use std::sync::Arc;

/// A value of a KV key: its bytes, metadata (JSON text) and absolute expiration, plus the
/// version the central store gave the write (its host time in ns; used to measure staleness).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KvValue {
    pub bytes: Arc<[u8]>,
    pub metadata: Option<Arc<str>>,
    /// Seconds since the epoch after which the key no longer exists.
    pub expiration_s: Option<u64>,
    pub version_ns: u64,
}

impl KvValue {
    /// Whether the key has expired at host time `now_ns`.
    pub fn expired(&self, now_ns: u64) -> bool {
        self.expiration_s
            .is_some_and(|e| e.saturating_mul(1_000_000_000) <= now_ns)
    }

    /// Bytes this value keeps in memory (value, metadata, bookkeeping).
    pub fn size(&self) -> usize {
        self.bytes.len() + self.metadata.as_ref().map_or(0, |m| m.len()) + 48
    }
}
