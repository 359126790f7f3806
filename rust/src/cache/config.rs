//! Configuration of one cache, and the per-request options a worker's `fetch(url, { cf })` or a
//! zone's rules give (Cloudflare's `cacheTtl`, `cacheTtlByStatus`, `cacheEverything`, `cacheKey`).

/// How a cache is built. `Default` gives 64 MiB and Cloudflare's targeted fields.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheConfig {
    /// Byte budget: stored bodies, header text, keys and a per-entry overhead estimate.
    pub max_bytes: u64,
    /// Expected number of keys (sizes the hash table; a hint, not a limit).
    pub estimated_entries: usize,
    /// Targeted cache-control fields this cache obeys, most specific first (RFC 9213 2.2).
    pub targeted_fields: Vec<String>,
    /// Heuristic freshness: this fraction of the time since `Last-Modified` (RFC 9111 4.2.2).
    pub heuristic_fraction: f64,
    /// ...capped at this many seconds.
    pub heuristic_max_s: u64,
    /// Most stored variants (`Vary`) kept per key; the oldest goes first.
    pub max_variants: usize,
    /// Largest response stored (weighed as in the budget); `None`: an eighth of `max_bytes`, so
    /// that no single response can flush most of the cache.
    pub max_entry_bytes: Option<u64>,
    /// When the origin cannot be reached at all, a stored response up to this many seconds
    /// stale may be served (`STALE`) even without `stale-if-error`: RFC 9111 4.2.4 allows stale
    /// responses from a disconnected cache, and CDNs serve them rather than an error. Responses
    /// with `must-revalidate`, `proxy-revalidate`, `no-cache` or `s-maxage` never are. 0: off.
    pub stale_if_unreachable_s: u64,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            max_bytes: 64 << 20,
            estimated_entries: 4096,
            targeted_fields: vec!["cloudflare-cdn-cache-control".into(), "cdn-cache-control".into()],
            heuristic_fraction: 0.1,
            heuristic_max_s: 86_400,
            max_variants: 16,
            max_entry_bytes: None,
            stale_if_unreachable_s: 86_400,
        }
    }
}

impl CacheConfig {
    pub fn with_max_bytes(max_bytes: u64) -> Self {
        CacheConfig {
            max_bytes,
            ..Default::default()
        }
    }

    /// The largest weight a stored response may have.
    pub fn max_entry_bytes(&self) -> u64 {
        self.max_entry_bytes.unwrap_or(self.max_bytes / 8)
    }
}

/// A TTL for a range of status codes (`cacheTtlByStatus: {"200-299": 86400, "404": 1}`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusTtl {
    pub from: u16,
    pub to: u16,
    /// Negative: do not cache; zero: store but treat as stale at once.
    pub ttl_s: i64,
}

/// Per-request cache options (Cloudflare's `cf` fetch options).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CacheOptions {
    /// Replaces the URL as the cache key (`cacheKey`).
    pub cache_key: Option<String>,
    /// Forces an edge TTL regardless of the response's headers (`cacheTtl`), for the status codes
    /// Cloudflare applies it to: 200, 203, 301, 302, 303, 404, 410. Negative: do not cache.
    pub cache_ttl_s: Option<i64>,
    /// Forces an edge TTL per status range (`cacheTtlByStatus`); takes precedence over `cache_ttl_s`.
    pub cache_ttl_by_status: Vec<StatusTtl>,
    /// Caches responses that carry no freshness information, with Cloudflare's default edge TTLs
    /// (`cacheEverything`); the response's `no-store`/`private` still apply.
    pub cache_everything: bool,
}

impl CacheOptions {
    /// The forced TTL for `status`, if any option forces one.
    pub fn forced_ttl(&self, status: u16) -> Option<i64> {
        if let Some(rule) = self
            .cache_ttl_by_status
            .iter()
            .find(|r| r.from <= status && status <= r.to)
        {
            return Some(rule.ttl_s);
        }
        match self.cache_ttl_s {
            Some(ttl) if matches!(status, 200 | 203 | 301 | 302 | 303 | 404 | 410) => Some(ttl),
            _ => None,
        }
    }

    /// Cloudflare's default edge TTL under `cacheEverything` for a response without freshness
    /// information.
    pub fn default_ttl(&self, status: u16) -> Option<u64> {
        if !self.cache_everything {
            return None;
        }
        match status {
            200 | 203 | 301 => Some(7200),
            302 | 303 => Some(1200),
            404 | 410 => Some(180),
            _ => None,
        }
    }

    pub fn is_default(&self) -> bool {
        *self == CacheOptions::default()
    }
}
