//! The `cf-cache-status` value each response through the cache carries, with Cloudflare's meanings.

use std::fmt;

/// What the cache did for one response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CacheStatus {
    /// Served from the cache; the stored response was fresh (or acceptable to the request).
    Hit,
    /// Not in the cache (no usable stored response); fetched from the origin.
    Miss,
    /// A stored response existed but was stale; the origin sent a full new response.
    Expired,
    /// Served stale from the cache without revalidation: the origin failed and `stale-if-error`
    /// allowed it, or the request's `max-stale` accepted a stale response.
    Stale,
    /// Served stale while the cache revalidates in the background (`stale-while-revalidate`).
    Updating,
    /// A stale stored response was revalidated with the origin (304) and served from the cache.
    Revalidated,
    /// Eligible for caching in principle, but the request or the origin said not to store or reuse
    /// it (`no-store`, `private`, `Set-Cookie`, `Authorization`, a negative TTL).
    Bypass,
    /// Not eligible for caching: an unsafe or uncacheable method, or a response without freshness
    /// information the cache could use; passed through from the origin.
    Dynamic,
}

impl CacheStatus {
    pub const HEADER: &'static str = "cf-cache-status";

    pub fn as_str(self) -> &'static str {
        match self {
            CacheStatus::Hit => "HIT",
            CacheStatus::Miss => "MISS",
            CacheStatus::Expired => "EXPIRED",
            CacheStatus::Stale => "STALE",
            CacheStatus::Updating => "UPDATING",
            CacheStatus::Revalidated => "REVALIDATED",
            CacheStatus::Bypass => "BYPASS",
            CacheStatus::Dynamic => "DYNAMIC",
        }
    }
}

impl fmt::Display for CacheStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
