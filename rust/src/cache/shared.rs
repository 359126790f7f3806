//! The per-PoP cache as the workers of a PoP share it, and Workers' `cf` fetch options read from
//! the JSON a worker's `fetch(url, { cf })` carries.
//!
//! Every isolate of every worker at one PoP holds a clone of one `SharedCache`; native functions
//! lock it for the length of one lookup or store (never across JavaScript), so a hit is answered
//! inside the isolate's turn without reaching the host.

use std::sync::Arc;

use parking_lot::{Mutex, MutexGuard};

use super::cache_api::CacheStorage;
use super::config::{CacheConfig, CacheOptions, StatusTtl};

/// A `CacheStorage` (`caches.default`, the cache outbound `fetch` goes through, and the named
/// caches) shared by the workers of one PoP.
#[derive(Clone)]
pub struct SharedCache(Arc<Mutex<CacheStorage>>);

impl SharedCache {
    pub fn new(config: CacheConfig) -> Self {
        SharedCache(Arc::new(Mutex::new(CacheStorage::new(config))))
    }

    /// Locks the storage. Held only for one cache operation, never while JavaScript runs.
    pub fn lock(&self) -> MutexGuard<'_, CacheStorage> {
        self.0.lock()
    }

    /// True when both handles name the same storage.
    pub fn same(&self, other: &SharedCache) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl std::fmt::Debug for SharedCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedCache").finish_non_exhaustive()
    }
}

/// A status-code range key of `cacheTtlByStatus`: `"404"` or `"200-299"`.
pub fn status_range(key: &str) -> Option<(u16, u16)> {
    let parse = |s: &str| s.trim().parse::<u16>().ok().filter(|c| (100..=599).contains(c));
    match key.split_once('-') {
        Some((a, b)) => {
            let (from, to) = (parse(a)?, parse(b)?);
            (from <= to).then_some((from, to))
        }
        None => parse(key).map(|c| (c, c)),
    }
}

/// Reads the cache options of Workers' `cf` object (JSON text): `cacheKey`, `cacheTtl`,
/// `cacheEverything`, `cacheTtlByStatus`. Other members (`image`, `resolveOverride`, ...) are
/// ignored; `null` members count as absent. A member of the wrong type is an error naming it.
pub fn options_from_cf_json(json: &str) -> Result<CacheOptions, String> {
    let value: serde_json::Value = serde_json::from_str(json).map_err(|e| format!("cf: {e}"))?;
    let mut options = CacheOptions::default();
    let Some(cf) = value.as_object() else {
        return if value.is_null() {
            Ok(options)
        } else {
            Err("cf must be an object".into())
        };
    };
    let wrong = |name: &str| format!("cf.{name} has the wrong type");
    let get = |name: &str| cf.get(name).filter(|v| !v.is_null());
    if let Some(key) = get("cacheKey") {
        options.cache_key = Some(key.as_str().ok_or_else(|| wrong("cacheKey"))?.to_owned());
    }
    if let Some(ttl) = get("cacheTtl") {
        let ttl = ttl
            .as_f64()
            .filter(|t| t.is_finite())
            .ok_or_else(|| wrong("cacheTtl"))?;
        options.cache_ttl_s = Some(ttl as i64);
    }
    if let Some(everything) = get("cacheEverything") {
        options.cache_everything = everything.as_bool().ok_or_else(|| wrong("cacheEverything"))?;
    }
    if let Some(by_status) = get("cacheTtlByStatus") {
        let map = by_status.as_object().ok_or_else(|| wrong("cacheTtlByStatus"))?;
        for (key, ttl) in map {
            let (from, to) =
                status_range(key).ok_or_else(|| format!("cf.cacheTtlByStatus: invalid status range {key:?}"))?;
            let ttl = ttl
                .as_f64()
                .filter(|t| t.is_finite())
                .ok_or_else(|| wrong("cacheTtlByStatus"))?;
            options.cache_ttl_by_status.push(StatusTtl {
                from,
                to,
                ttl_s: ttl as i64,
            });
        }
    }
    Ok(options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_every_cf_cache_option() {
        let o = options_from_cf_json(
            r#"{"cacheTtl": 60, "cacheEverything": true, "cacheKey": "k", "cacheTtlByStatus": {"200-299": 5, "404": -1}, "image": {}}"#,
        )
        .unwrap();
        assert_eq!(o.cache_ttl_s, Some(60));
        assert!(o.cache_everything);
        assert_eq!(o.cache_key.as_deref(), Some("k"));
        assert_eq!(o.forced_ttl(204), Some(5));
        assert_eq!(o.forced_ttl(404), Some(-1));
        assert_eq!(o.forced_ttl(410), Some(60));
    }

    #[test]
    fn rejects_wrong_types_and_ranges() {
        assert!(options_from_cf_json(r#"{"cacheTtl": "60"}"#).is_err());
        assert!(options_from_cf_json(r#"{"cacheTtlByStatus": {"299-200": 1}}"#).is_err());
        assert!(options_from_cf_json(r#"{"cacheTtlByStatus": {"abc": 1}}"#).is_err());
        assert!(options_from_cf_json("[]").is_err());
        assert!(options_from_cf_json("null").unwrap().is_default());
        assert!(options_from_cf_json(r#"{"cacheKey": null}"#).unwrap().is_default());
    }
}
