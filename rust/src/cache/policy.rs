//! Whether a response may be stored (RFC 9111 3), what is stored of it (3.1), and for how long it
//! is fresh (4.2.1 explicit, 4.2.2 heuristic), with the per-request overrides applied.
//!
//! Decisions that the RFC leaves to the cache, taken here (see docs/cache.md):
//! - `206` is never stored (no partial-content storage; ranges are served from full responses);
//! - `Set-Cookie`: a response carrying it is stored only when the origin marked it explicitly shared
//!   (`public`, `s-maxage`, a targeted field) or a TTL is forced; the stored copy never has it;
//! - a response with no usable freshness, no validator and no stale allowance is not stored;
//! - `Vary: *` is not stored (it could never be matched).

use super::config::{CacheConfig, CacheOptions};
use super::date;
use super::directives::{FieldScope, RequestDirectives, ResponseDirectives};
use super::status::CacheStatus;
use crate::http::{Headers, Response};

/// Status codes that are heuristically cacheable (RFC 9110 15.1).
pub fn heuristically_cacheable(status: u16) -> bool {
    matches!(
        status,
        200 | 203 | 204 | 206 | 300 | 301 | 308 | 404 | 405 | 410 | 414 | 501
    )
}

/// Final status codes whose caching requirements this cache implements (for `must-understand`).
pub fn understood(status: u16) -> bool {
    matches!(status,
        200..=205 | 300..=303 | 307 | 308 | 400..=418 | 421 | 422 | 426 | 428 | 429 | 431 | 451
        | 500..=505 | 511)
}

/// Hop-by-hop and proxy-specific fields that are never stored (RFC 9111 3.1), plus fields the
/// cache writes itself.
pub fn never_stored(name: &str, connection_tokens: &[String]) -> bool {
    matches!(
        name,
        "connection"
            | "proxy-connection"
            | "keep-alive"
            | "te"
            | "transfer-encoding"
            | "upgrade"
            | "proxy-authenticate"
            | "proxy-authentication-info"
            | "proxy-authorization"
            | "cf-cache-status"
    ) || connection_tokens.iter().any(|t| t == name)
}

/// Lower-cased field names listed in `Connection`.
pub fn connection_tokens(headers: &Headers) -> Vec<String> {
    headers
        .get_all("connection")
        .flat_map(|v| v.split(','))
        .map(|t| t.trim_matches([' ', '\t']).to_ascii_lowercase())
        .filter(|t| !t.is_empty())
        .collect()
}

/// `Date` of the response in seconds, or the time it was received when absent or invalid
/// (RFC 9110 6.6.1).
pub fn date_value(headers: &Headers, response_time_ns: u64) -> i64 {
    headers
        .get("date")
        .and_then(date::parse)
        .unwrap_or_else(|| date::ns_to_s(response_time_ns))
}

/// The first member of `Age`, ignored if invalid (RFC 9111 5.1).
pub fn age_value(headers: &Headers) -> u64 {
    let Some(raw) = headers.get("age") else {
        return 0;
    };
    let first = raw.split(',').next().unwrap_or("").trim();
    match super::directives::parse_delta(Some(first)) {
        super::directives::Delta::Seconds(s) => s,
        super::directives::Delta::Invalid => 0,
    }
}

/// `corrected_initial_age` of RFC 9111 4.2.3, in nanoseconds.
pub fn corrected_initial_age_ns(headers: &Headers, request_time_ns: u64, response_time_ns: u64) -> u64 {
    let date_ns = u64::try_from(date_value(headers, response_time_ns))
        .unwrap_or(0)
        .saturating_mul(date::NS_PER_S);
    let apparent_age = response_time_ns.saturating_sub(date_ns);
    let response_delay = response_time_ns.saturating_sub(request_time_ns);
    let corrected_age_value = age_value(headers)
        .saturating_mul(date::NS_PER_S)
        .saturating_add(response_delay);
    apparent_age.max(corrected_age_value)
}

/// Freshness lifetime in seconds for a shared cache (RFC 9111 4.2.1), or `None` when the response
/// carries no explicit expiration (a heuristic may then apply).
pub fn explicit_lifetime(headers: &Headers, dirs: &ResponseDirectives, response_time_ns: u64) -> Option<u64> {
    if let Some(s) = dirs.s_maxage {
        return Some(s.or_stale());
    }
    if let Some(m) = dirs.max_age {
        return Some(m.or_stale());
    }
    if dirs.targeted {
        return None;
    }
    // The first Expires field line; an invalid date means "already expired" (5.3).
    let expires = headers.get_all("expires").next()?;
    let Some(expires_s) = date::parse(expires) else {
        return Some(0);
    };
    let date_s = date_value(headers, response_time_ns);
    Some(u64::try_from(expires_s.saturating_sub(date_s)).unwrap_or(0))
}

/// Heuristic freshness (4.2.2): a fraction of the time since `Last-Modified`, capped.
pub fn heuristic_lifetime(headers: &Headers, response_time_ns: u64, config: &CacheConfig) -> u64 {
    let Some(last_modified) = headers.get("last-modified").and_then(date::parse) else {
        return 0;
    };
    let date_s = date_value(headers, response_time_ns);
    let since = date_s.saturating_sub(last_modified);
    if since <= 0 {
        return 0;
    }
    let lifetime = (since as f64 * config.heuristic_fraction) as u64;
    lifetime.min(config.heuristic_max_s)
}

/// What to store, when the answer is yes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    pub lifetime_s: u64,
    pub flags: u8,
    pub stale_while_revalidate_s: u32,
    pub stale_if_error_s: u32,
    /// Lower-case field names to leave out of the stored copy.
    pub strip: Vec<String>,
}

pub const F_NO_CACHE: u8 = 1;
/// `must-revalidate` / `proxy-revalidate`: never served stale, not even on error.
pub const F_NO_STALE: u8 = 2;
/// `s-maxage` (implies `proxy-revalidate` for the client's `max-stale`; the origin's own
/// `stale-while-revalidate`/`stale-if-error` still apply).
pub const F_S_MAXAGE: u8 = 4;
pub const F_IMMUTABLE: u8 = 8;
/// The lifetime was forced by an option; the origin's directives no longer govern reuse.
pub const F_FORCED: u8 = 16;

/// The verdict on one response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Store(Plan),
    /// Not stored; the reason is the status the response carries (`BYPASS` or `DYNAMIC`).
    Skip(CacheStatus),
}

fn clamp32(v: Option<u64>) -> u32 {
    v.map_or(0, |s| u32::try_from(s).unwrap_or(u32::MAX))
}

/// Decides whether `response` (to a GET with `request_headers`) may be stored by a shared cache.
pub fn decide(
    request_headers: &Headers,
    request_dirs: &RequestDirectives,
    response: &Response,
    dirs: &ResponseDirectives,
    options: &CacheOptions,
    config: &CacheConfig,
    response_time_ns: u64,
) -> Verdict {
    let status = response.status;
    let headers = &response.headers;
    if !(200..=599).contains(&status) || status == 206 || status == 304 {
        return Verdict::Skip(CacheStatus::Dynamic);
    }
    if request_dirs.no_store {
        return Verdict::Skip(CacheStatus::Bypass);
    }
    if super::vary::is_vary_star(headers) {
        return Verdict::Skip(CacheStatus::Dynamic);
    }
    let mut strip = Vec::new();
    // A forced TTL (cacheTtl / cacheTtlByStatus) overrides the origin's caching directives.
    if let Some(ttl) = options.forced_ttl(status) {
        if ttl < 0 {
            return Verdict::Skip(CacheStatus::Bypass);
        }
        strip.push("set-cookie".to_owned());
        return Verdict::Store(Plan {
            lifetime_s: ttl as u64,
            flags: F_FORCED,
            stale_while_revalidate_s: clamp32(dirs.stale_while_revalidate),
            stale_if_error_s: clamp32(dirs.stale_if_error),
            strip,
        });
    }
    // 5.2.2.3: must-understand lets a cache that understands the status ignore no-store.
    if dirs.must_understand {
        if !understood(status) {
            return Verdict::Skip(CacheStatus::Bypass);
        }
    } else if dirs.no_store {
        return Verdict::Skip(CacheStatus::Bypass);
    }
    match &dirs.private {
        FieldScope::Whole => return Verdict::Skip(CacheStatus::Bypass),
        FieldScope::Fields(fields) => strip.extend(fields.iter().cloned()),
        FieldScope::Absent => {}
    }
    if let FieldScope::Fields(fields) = &dirs.no_cache {
        strip.extend(fields.iter().cloned());
    }
    // 3.5: a request with Authorization is stored only when the response explicitly allows it.
    if request_headers.contains("authorization") && !(dirs.public || dirs.s_maxage.is_some() || dirs.must_revalidate) {
        return Verdict::Skip(CacheStatus::Bypass);
    }
    let explicitly_shared = dirs.public || dirs.s_maxage.is_some() || dirs.targeted;
    if headers.contains("set-cookie") {
        if !explicitly_shared && !strip.iter().any(|f| f == "set-cookie") {
            return Verdict::Skip(CacheStatus::Bypass);
        }
        strip.push("set-cookie".to_owned());
    }
    let explicit = explicit_lifetime(headers, dirs, response_time_ns);
    let lifetime_s = match explicit {
        Some(l) => l,
        None => {
            if let Some(ttl) = options.default_ttl(status) {
                ttl
            } else if heuristically_cacheable(status) || dirs.public {
                heuristic_lifetime(headers, response_time_ns, config)
            } else {
                return Verdict::Skip(CacheStatus::Dynamic);
            }
        }
    };
    let swr = clamp32(dirs.stale_while_revalidate);
    let sie = clamp32(dirs.stale_if_error);
    let has_validator = headers.contains("etag") || headers.contains("last-modified");
    // A response that must be revalidated on every use but has nothing to revalidate with, or
    // that is never fresh and may never be served stale, is storable yet useless: pass it on.
    let always_revalidate = lifetime_s == 0 || dirs.no_cache.is_whole();
    let may_serve_stale = (swr > 0 || sie > 0) && !dirs.forbids_stale();
    if always_revalidate && !has_validator && !may_serve_stale {
        // Storable, but it could never be reused: pass it through.
        return Verdict::Skip(if explicit.is_some() {
            CacheStatus::Bypass
        } else {
            CacheStatus::Dynamic
        });
    }
    let mut flags = 0;
    if dirs.no_cache.is_whole() {
        flags |= F_NO_CACHE;
    }
    if dirs.must_revalidate || dirs.proxy_revalidate {
        flags |= F_NO_STALE;
    }
    if dirs.s_maxage.is_some() {
        flags |= F_S_MAXAGE;
    }
    if dirs.immutable {
        flags |= F_IMMUTABLE;
    }
    Verdict::Store(Plan {
        lifetime_s,
        flags,
        stale_while_revalidate_s: swr,
        stale_if_error_s: sie,
        strip,
    })
}
