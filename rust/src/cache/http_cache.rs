//! `HttpCache`: a shared HTTP cache (RFC 9111 + RFC 5861 + RFC 9213) over a byte-budgeted store.
//!
//! Theory of operation. Sans-I/O: `lookup(request, options, now)` decides from what is stored and
//! returns a `Lookup` (hit, stale-while-revalidating, revalidate, miss, bypass, unavailable); the
//! host performs any origin request itself and hands the answer to `store(request, response,
//! options, request_time, response_time)`, which stores or freshens (304), serves stale on error
//! when allowed, invalidates after unsafe methods, and returns the response to send with its
//! `cf-cache-status`. Nothing here blocks, sleeps or reads a clock; all times are passed in.
//! Keys: the URL without fragment, or `CacheOptions::cache_key`; `Vary` variants share a key.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use super::config::{CacheConfig, CacheOptions};
use super::date::NS_PER_S;
use super::directives::{RequestDirectives, ResponseDirectives};
use super::entry::StoredResponse;
use super::lookup::{Completion, Hit, Lookup, Served};
use super::metrics::Metrics;
use super::policy::{self, Verdict};
use super::serve;
use super::status::CacheStatus;
use super::storage::{EntryRef, Slot, Storage};
use super::vary;
use crate::http::{Headers, Request, Response};

/// Request fields the cache answers itself when it forwards a cacheable request.
const CLIENT_CONDITIONALS: [&str; 4] = ["if-none-match", "if-modified-since", "range", "if-range"];

pub struct HttpCache {
    config: CacheConfig,
    pub(super) storage: Storage,
    pub(super) metrics: Metrics,
    /// Keys with a background revalidation handed out (`UPDATING`), until this deadline: later
    /// lookups serve stale without sending another one (one revalidation per key at a time).
    revalidating: HashMap<Box<str>, u64>,
}

/// How long a handed-out background revalidation blocks another one for the same key.
pub const REVALIDATION_TIMEOUT_NS: u64 = 30 * NS_PER_S;
const MAX_PENDING_REVALIDATIONS: usize = 4096;

/// The primary key: the cache key option, else the URL without its fragment.
pub fn primary_key<'a>(url: &'a str, options: &'a CacheOptions) -> Cow<'a, str> {
    if let Some(key) = &options.cache_key {
        return Cow::Borrowed(key.as_str());
    }
    match url.find('#') {
        Some(i) => Cow::Borrowed(&url[..i]),
        None => Cow::Borrowed(url),
    }
}

/// Methods whose semantics are safe (RFC 9110 9.2.1); any other method invalidates.
pub fn is_safe_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "OPTIONS" | "TRACE")
}

fn has_request_directives(headers: &Headers) -> bool {
    headers.contains("cache-control") || headers.contains("pragma")
}

/// The request to send on a miss: a GET without the client's validators and range.
fn forward_request(request: &Request) -> Request {
    let mut out = request.clone();
    if out.method == "HEAD" {
        out.method = "GET".into();
    }
    for name in CLIENT_CONDITIONALS {
        out.headers.remove(name);
    }
    out
}

/// The conditional request that validates `entry` (RFC 9111 4.3.1).
fn conditional_request(request: &Request, entry: &StoredResponse) -> Request {
    let mut out = forward_request(request);
    if let Some(etag) = entry.etag() {
        let _ = out.headers.append("if-none-match", etag);
    }
    if let Some(lm) = entry.last_modified() {
        let _ = out.headers.append("if-modified-since", lm);
    }
    out
}

/// Status codes that count as an error for `stale-if-error` (RFC 5861 4).
fn is_error_status(status: u16) -> bool {
    matches!(status, 500 | 502 | 503 | 504)
}

impl HttpCache {
    pub fn new(config: CacheConfig) -> Self {
        let storage = Storage::new(config.max_bytes, config.estimated_entries);
        HttpCache {
            config,
            storage,
            metrics: Metrics::default(),
            revalidating: HashMap::new(),
        }
    }

    pub fn with_max_bytes(max_bytes: u64) -> Self {
        Self::new(CacheConfig::with_max_bytes(max_bytes))
    }

    pub fn config(&self) -> &CacheConfig {
        &self.config
    }

    /// The stored response `request` selects (the most recent matching variant, RFC 9111 4.1).
    fn select(&self, key: &str, request_headers: &Headers, touch: bool) -> Option<EntryRef> {
        let slot = if touch {
            self.storage.get(key)?
        } else {
            self.storage.peek(key)?
        };
        match slot {
            Slot::One(entry) => match &entry.vary {
                None => Some(entry.clone()),
                Some(v) if vary::matches(v, request_headers) => Some(entry.clone()),
                Some(_) => None,
            },
            Slot::Many(entries) => entries
                .iter()
                .filter(|e| e.vary.as_deref().map_or(true, |v| vary::matches(v, request_headers)))
                .max_by_key(|e| e.recency())
                .cloned(),
        }
    }

    /// Decides how to answer `request` at `now_ns` (nanoseconds since the epoch).
    pub fn lookup(&mut self, request: &Request, options: &CacheOptions, now_ns: u64) -> Lookup {
        self.metrics.lookups += 1;
        let method = request.method.as_str();
        if method != "GET" && method != "HEAD" {
            self.metrics.dynamic += 1;
            return Lookup::Bypass {
                request: request.clone(),
                status: CacheStatus::Dynamic,
            };
        }
        if request.headers.contains("if-match") || request.headers.contains("if-unmodified-since") {
            // RFC 9111 4.3.2: preconditions a cache cannot evaluate go to the origin untouched.
            self.metrics.bypass += 1;
            return Lookup::Bypass {
                request: request.clone(),
                status: CacheStatus::Bypass,
            };
        }
        let dirs = if has_request_directives(&request.headers) {
            RequestDirectives::parse(&request.headers)
        } else {
            RequestDirectives::default()
        };
        let key = primary_key(&request.url, options);
        let Some(entry) = self.select(&key, &request.headers, true) else {
            if dirs.only_if_cached {
                self.metrics.misses += 1;
                return Lookup::Unavailable {
                    response: Response::text(504, "Gateway Timeout"),
                };
            }
            if dirs.no_store {
                self.metrics.bypass += 1;
                return Lookup::Bypass {
                    request: request.clone(),
                    status: CacheStatus::Bypass,
                };
            }
            self.metrics.misses += 1;
            return Lookup::Miss {
                request: self.variant_miss_request(&key, request),
            };
        };
        let age_ns = entry.current_age_ns(now_ns);
        let age_s = age_ns / NS_PER_S;
        let fresh = entry.is_fresh(now_ns);
        let needs_validation = entry.requires_validation() || dirs.no_cache;
        if fresh && !needs_validation {
            let mut acceptable = true;
            if let Some(max_age) = dirs.max_age {
                // RFC 8246 2.1: an immutable response is not revalidated on a reload while fresh.
                acceptable &= entry.immutable() || age_ns <= max_age.saturating_mul(NS_PER_S);
            }
            if let Some(min_fresh) = dirs.min_fresh {
                acceptable &= entry.remaining_ns(now_ns) >= min_fresh.saturating_mul(NS_PER_S);
            }
            if acceptable {
                self.metrics.hits += 1;
                return Lookup::Hit(Hit {
                    entry,
                    age_s,
                    status: CacheStatus::Hit,
                });
            }
        }
        if !fresh && !needs_validation {
            let staleness = entry.staleness_ns(now_ns);
            if let Some(max_stale) = dirs.max_stale {
                let within = max_stale.map_or(true, |limit| staleness <= limit.saturating_mul(NS_PER_S));
                let age_ok = dirs.max_age.map_or(true, |m| age_ns <= m.saturating_mul(NS_PER_S));
                if within && age_ok && !entry.forbids_client_stale() {
                    self.metrics.stale += 1;
                    return Lookup::Hit(Hit {
                        entry,
                        age_s,
                        status: CacheStatus::Stale,
                    });
                }
            }
            let swr_ns = u64::from(entry.swr_s).saturating_mul(NS_PER_S);
            if swr_ns > 0
                && staleness <= swr_ns
                && !entry.forbids_stale()
                && dirs.max_age.is_none()
                && dirs.min_fresh.is_none()
            {
                self.metrics.stale += 1;
                let hit = Hit {
                    entry,
                    age_s,
                    status: CacheStatus::Updating,
                };
                if self.revalidating.get(&*key).is_some_and(|&deadline| deadline > now_ns) {
                    // Another request is already revalidating this response.
                    return Lookup::Hit(hit);
                }
                if self.revalidating.len() >= MAX_PENDING_REVALIDATIONS {
                    self.revalidating.retain(|_, deadline| *deadline > now_ns);
                }
                self.revalidating
                    .insert(key.as_ref().into(), now_ns.saturating_add(REVALIDATION_TIMEOUT_NS));
                self.metrics.updating += 1;
                let revalidation = conditional_request(request, &hit.entry);
                return Lookup::Stale { hit, revalidation };
            }
        }
        if dirs.only_if_cached {
            self.metrics.misses += 1;
            return Lookup::Unavailable {
                response: Response::text(504, "Gateway Timeout"),
            };
        }
        self.metrics.expired += 1;
        Lookup::Revalidate {
            request: conditional_request(request, &entry),
        }
    }

    /// Consumes the origin's answer to the request a lookup returned. `request` is the client's
    /// request (as given to `lookup`); `request_time_ns` and `response_time_ns` bracket the origin
    /// exchange (RFC 9111 4.2.3). Returns the response to serve.
    pub fn store(
        &mut self,
        request: &Request,
        response: Response,
        options: &CacheOptions,
        request_time_ns: u64,
        response_time_ns: u64,
    ) -> Completion {
        let method = request.method.as_str();
        if method != "GET" && method != "HEAD" {
            if !is_safe_method(method) && (200..400).contains(&response.status) {
                self.invalidate(request, &response.headers, options);
            }
            return Completion::Serve(Served {
                response: serve::from_origin(&response, request, CacheStatus::Dynamic, false),
                status: CacheStatus::Dynamic,
                stored: false,
            });
        }
        let request_dirs = RequestDirectives::parse(&request.headers);
        if request_dirs.no_store {
            return Completion::Serve(Served {
                response: serve::from_origin(&response, request, CacheStatus::Bypass, false),
                status: CacheStatus::Bypass,
                stored: false,
            });
        }
        let key = primary_key(&request.url, options).into_owned();
        if !self.revalidating.is_empty() {
            self.revalidating.remove(key.as_str());
        }
        let prior = self.select(&key, &request.headers, false);
        if response.status == 304 {
            return self.freshen(request, &response, &key, options, request_time_ns, response_time_ns);
        }
        if is_error_status(response.status) {
            if let Some(entry) = &prior {
                if self.stale_if_error(entry, &request_dirs, response_time_ns) {
                    self.metrics.stale += 1;
                    let age_s = entry.age_s(response_time_ns);
                    return Completion::Serve(Served {
                        response: serve::from_entry(entry, request, age_s, CacheStatus::Stale),
                        status: CacheStatus::Stale,
                        stored: false,
                    });
                }
            }
        }
        let dirs = ResponseDirectives::for_shared_cache(&response.headers, &self.config.targeted_fields);
        let verdict = policy::decide(
            &request.headers,
            &request_dirs,
            &response,
            &dirs,
            options,
            &self.config,
            response_time_ns,
        );
        let (status, stored) = match verdict {
            Verdict::Store(plan) => {
                let names = vary::vary_names(&response.headers);
                let secondary = vary::secondary_key(&names, &request.headers);
                let entry = StoredResponse::build(&response, &plan, secondary, request_time_ns, response_time_ns);
                let stored = self.insert(&key, entry, &request.headers);
                self.metrics.stores += u64::from(stored);
                (
                    if prior.is_some() {
                        CacheStatus::Expired
                    } else {
                        CacheStatus::Miss
                    },
                    stored,
                )
            }
            Verdict::Skip(status) => {
                if prior.is_some() && status == CacheStatus::Bypass && response.status < 500 {
                    // The origin no longer allows reuse: the old response must not be served again.
                    self.remove_matching(&key, &request.headers);
                }
                match status {
                    CacheStatus::Dynamic => self.metrics.dynamic += 1,
                    _ => self.metrics.bypass += 1,
                }
                (status, false)
            }
        };
        Completion::Serve(Served {
            response: serve::from_origin(&response, request, status, true),
            status,
            stored,
        })
    }

    /// The origin could not be reached after a `Revalidate`: serve stale if `stale-if-error`
    /// allows (RFC 5861 4), or, disconnected, within `stale_if_unreachable_s` (RFC 9111 4.2.4)
    /// when the response does not forbid it; otherwise the host answers with its own error.
    pub fn fetch_failed(&mut self, request: &Request, options: &CacheOptions, now_ns: u64) -> Option<Served> {
        let key = primary_key(&request.url, options);
        let entry = self.select(&key, &request.headers, false)?;
        let dirs = RequestDirectives::parse(&request.headers);
        let disconnected = !entry.forbids_client_stale()
            && entry.staleness_ns(now_ns) <= self.config.stale_if_unreachable_s.saturating_mul(NS_PER_S);
        if !disconnected && !self.stale_if_error(&entry, &dirs, now_ns) {
            return None;
        }
        self.metrics.stale += 1;
        let response = serve::from_entry(&entry, request, entry.age_s(now_ns), CacheStatus::Stale);
        Some(Served {
            response,
            status: CacheStatus::Stale,
            stored: false,
        })
    }

    fn stale_if_error(&self, entry: &StoredResponse, dirs: &RequestDirectives, now_ns: u64) -> bool {
        if entry.forbids_stale() || entry.requires_validation() {
            return false;
        }
        let staleness = entry.staleness_ns(now_ns);
        let by_response = entry.sie_s > 0 && staleness <= u64::from(entry.sie_s).saturating_mul(NS_PER_S);
        let by_request = !entry.forbids_client_stale()
            && dirs
                .stale_if_error
                .is_some_and(|s| staleness <= s.saturating_mul(NS_PER_S));
        by_response || by_request
    }

    /// Stores `entry` under `key`, replacing the variants the same request selects.
    /// Returns false (storing nothing) when the response is larger than `max_entry_bytes`.
    fn insert(&mut self, key: &str, entry: StoredResponse, request_headers: &Headers) -> bool {
        if entry.weight() > self.config.max_entry_bytes() {
            return false;
        }
        let mut variants: Vec<EntryRef> = Vec::new();
        if entry.vary.is_some() {
            if let Some(slot) = self.storage.peek(key) {
                variants.extend(
                    slot.entries()
                        .iter()
                        .filter(|e| e.vary.as_deref().is_some_and(|v| !vary::matches(v, request_headers)))
                        .cloned(),
                );
            }
        }
        variants.push(Arc::new(entry));
        if variants.len() > self.config.max_variants.max(1) {
            variants.sort_by_key(|e| std::cmp::Reverse(e.born_ns));
            variants.truncate(self.config.max_variants.max(1));
        }
        self.storage.set(key, Slot::from_vec(variants));
        self.storage.peek(key).is_some()
    }

    fn remove_matching(&mut self, key: &str, request_headers: &Headers) {
        let Some(slot) = self.storage.peek(key) else {
            return;
        };
        let keep: Vec<EntryRef> = slot
            .entries()
            .iter()
            .filter(|e| e.vary.as_deref().is_some_and(|v| !vary::matches(v, request_headers)))
            .cloned()
            .collect();
        self.storage.set(key, Slot::from_vec(keep));
    }

    /// The request to forward on a miss. When other `Vary` variants of the URL are stored, it
    /// carries their entity-tags in `If-None-Match` (RFC 9111 4.1, 4.3.1), so that the origin
    /// can answer 304 when one of them is also right for this request.
    fn variant_miss_request(&mut self, key: &str, request: &Request) -> Request {
        let mut out = forward_request(request);
        let Some(slot) = self.storage.peek(key) else {
            return out;
        };
        let mut tags: Vec<&str> = Vec::new();
        for tag in slot.entries().iter().filter_map(|e| e.etag()) {
            if !tags.contains(&tag) {
                tags.push(tag);
            }
        }
        if !tags.is_empty() {
            let _ = out.headers.append("if-none-match", &tags.join(", "));
        }
        out
    }

    /// Handles a 304 (RFC 9111 4.3.3, 4.3.4): selects the stored responses it validates, updates
    /// their header fields (3.2) and serves the one the request selects. When no selected
    /// response is the request's own variant (a `Vary` miss validated by another variant's
    /// entity-tag), the validated response is also stored as this request's variant and served.
    fn freshen(
        &mut self,
        request: &Request,
        not_modified: &Response,
        key: &str,
        options: &CacheOptions,
        request_time_ns: u64,
        response_time_ns: u64,
    ) -> Completion {
        let client_conditional =
            request.headers.contains("if-none-match") || request.headers.contains("if-modified-since");
        let entries: Vec<EntryRef> = self.storage.peek(key).map(|s| s.entries().to_vec()).unwrap_or_default();
        let selected = super::validation::select_for_304(&entries, &not_modified.headers, &request.headers);
        if selected.is_empty() {
            if client_conditional {
                // Nothing of ours was validated; the 304 answers the client's own validators.
                return Completion::Serve(Served {
                    response: serve::from_origin(not_modified, request, CacheStatus::Miss, false),
                    status: CacheStatus::Miss,
                    stored: false,
                });
            }
            return Completion::Refetch(forward_request(request));
        }
        let request_dirs = RequestDirectives::parse(&request.headers);
        let mut updated: Vec<EntryRef> = Vec::with_capacity(entries.len());
        let mut served: Option<EntryRef> = None;
        let mut removed_served: Option<Response> = None;
        let mut other_variant: Option<(Response, policy::Plan)> = None;
        for entry in &entries {
            if !selected.iter().any(|s| Arc::ptr_eq(s, entry)) {
                updated.push(entry.clone());
                continue;
            }
            self.metrics.revalidations += 1;
            let merged = super::validation::merge_304(entry, not_modified, response_time_ns);
            let dirs = ResponseDirectives::for_shared_cache(&merged.headers, &self.config.targeted_fields);
            let verdict = policy::decide(
                &request.headers,
                &request_dirs,
                &merged,
                &dirs,
                options,
                &self.config,
                response_time_ns,
            );
            let matches_request = entry
                .vary
                .as_deref()
                .map_or(true, |v| vary::matches(v, &request.headers));
            match verdict {
                Verdict::Store(plan) => {
                    let fresh = Arc::new(StoredResponse::build(
                        &merged,
                        &plan,
                        entry.vary.clone(),
                        request_time_ns,
                        response_time_ns,
                    ));
                    if matches_request {
                        served = Some(fresh.clone());
                    } else if other_variant.is_none() {
                        other_variant = Some((merged, plan));
                    }
                    updated.push(fresh);
                }
                Verdict::Skip(_) => {
                    if matches_request {
                        removed_served = Some(merged);
                    }
                }
            }
        }
        if served.is_none() && removed_served.is_none() {
            if let Some((merged, plan)) = other_variant {
                let names = vary::vary_names(&merged.headers);
                let secondary = vary::secondary_key(&names, &request.headers);
                let fresh = Arc::new(StoredResponse::build(
                    &merged,
                    &plan,
                    secondary,
                    request_time_ns,
                    response_time_ns,
                ));
                if updated.len() >= self.config.max_variants {
                    updated.remove(0);
                }
                updated.push(fresh.clone());
                served = Some(fresh);
            }
        }
        self.storage.set(key, Slot::from_vec(updated));
        if let Some(entry) = served {
            let age_s = entry.age_s(response_time_ns);
            return Completion::Serve(Served {
                response: serve::from_entry(&entry, request, age_s, CacheStatus::Revalidated),
                status: CacheStatus::Revalidated,
                stored: true,
            });
        }
        if let Some(merged) = removed_served {
            return Completion::Serve(Served {
                response: serve::from_origin(&merged, request, CacheStatus::Revalidated, true),
                status: CacheStatus::Revalidated,
                stored: false,
            });
        }
        Completion::Refetch(forward_request(request))
    }

    /// Removes the responses stored under `key` (a primary key, as the Cache API's `delete`).
    pub(crate) fn remove_key(&mut self, key: &str) -> bool {
        let present = self.storage.peek(key).is_some();
        self.storage.set(key, None);
        present
    }

    pub(crate) fn select_entry(&self, key: &str, request_headers: &Headers) -> Option<EntryRef> {
        self.select(key, request_headers, true)
    }

    pub(crate) fn insert_entry(&mut self, key: &str, entry: StoredResponse, request_headers: &Headers) -> bool {
        let stored = self.insert(key, entry, request_headers);
        self.metrics.stores += u64::from(stored);
        stored
    }

    pub fn metrics(&self) -> Metrics {
        Metrics {
            bytes: self.storage.bytes(),
            max_bytes: self.storage.max_bytes(),
            entries: self.storage.entries(),
            keys: self.storage.keys(),
            evictions: self.storage.evictions(),
            ..self.metrics
        }
    }

    /// Heap bytes of the eviction policy's own tables (for the overhead benchmark).
    pub fn table_bytes(&self) -> usize {
        self.storage.table_bytes()
    }
}
