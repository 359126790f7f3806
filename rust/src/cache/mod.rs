//! The per-PoP HTTP cache: a shared cache by RFC 9111, with RFC 5861 (`stale-while-revalidate`,
//! `stale-if-error`), RFC 9213 (`CDN-Cache-Control`) and RFC 8246 (`immutable`), a byte budget with
//! `quick_cache`'s eviction policy, purges, metrics, `cf-cache-status`, and the Workers Cache API.
//!
//! Sans-I/O: see `lookup` for the protocol between the cache and its host. No clock is read here.

mod cache_api;
mod config;
mod date;
mod directives;
mod entry;
mod header_block;
mod http_cache;
mod invalidation;
mod lookup;
mod metrics;
mod policy;
mod serve;
mod shared;
mod status;
mod storage;
mod validation;
mod vary;

#[cfg(test)]
mod tests;

pub use cache_api::{CacheStorage, PutError};
pub use config::{CacheConfig, CacheOptions, StatusTtl};
pub use directives::{Delta, FieldScope, RequestDirectives, ResponseDirectives};
pub use entry::{StoredResponse, ENTRY_OVERHEAD};
pub use http_cache::{is_safe_method, primary_key, HttpCache, REVALIDATION_TIMEOUT_NS};
pub use lookup::{Completion, Hit, Lookup, Served};
pub use metrics::Metrics;
pub use shared::{options_from_cf_json, status_range, SharedCache};
pub use status::CacheStatus;
