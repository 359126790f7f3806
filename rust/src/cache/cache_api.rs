//! The Workers Cache API over `HttpCache`: `put`, `match` and `delete` with Cloudflare's rules, and
//! `CacheStorage` (`caches.default`, `caches.open(name)`).
//!
//! - `put` throws for a non-GET request, a 206 response, or `Vary: *`; it silently declines a
//!   response with `Set-Cookie` (unless `private=Set-Cookie` / `no-cache=Set-Cookie` lets the cache
//!   drop the field) and whatever the response's own directives do not let a shared cache store;
//! - `match` never goes to the origin: it returns a fresh stored response or nothing, answering the
//!   request's `Range` (206), `If-None-Match` and `If-Modified-Since` (304); request
//!   `Cache-Control` is not consulted; `ignore_method` treats any method as GET;
//! - `delete` removes every variant stored for the request's URL and says whether there was one.

use std::collections::HashMap;

use super::config::{CacheConfig, CacheOptions};
use super::directives::{FieldScope, RequestDirectives, ResponseDirectives};
use super::entry::StoredResponse;
use super::http_cache::{primary_key, HttpCache};
use super::policy::{self, Verdict};
use super::serve;
use super::status::CacheStatus;
use super::vary;
use crate::http::{Request, Response};

/// Why `put` refused (a `TypeError` in JavaScript).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PutError {
    #[error("Cannot cache response to non-GET request.")]
    MethodNotGet,
    #[error("Cannot cache response with status 206 (Partial Content).")]
    PartialContent,
    #[error("Cannot cache response with 'Vary: *' header.")]
    VaryStar,
}

fn lists(scope: &FieldScope, field: &str) -> bool {
    scope.fields().iter().any(|f| f == field)
}

impl HttpCache {
    /// `cache.put(request, response)` at `now_ns`. `Ok(true)` when stored, `Ok(false)` when the
    /// response's headers decline storage.
    pub fn put(&mut self, request: &Request, response: Response, now_ns: u64) -> Result<bool, PutError> {
        self.put_with(request, response, &CacheOptions::default(), now_ns)
    }

    /// `put` with an explicit key or TTL override (`cacheKey`, `cacheTtl`, `cacheTtlByStatus`,
    /// `cacheEverything`).
    pub fn put_with(
        &mut self,
        request: &Request,
        response: Response,
        options: &CacheOptions,
        now_ns: u64,
    ) -> Result<bool, PutError> {
        if request.method != "GET" {
            return Err(PutError::MethodNotGet);
        }
        if response.status == 206 {
            return Err(PutError::PartialContent);
        }
        if vary::is_vary_star(&response.headers) {
            return Err(PutError::VaryStar);
        }
        let dirs = ResponseDirectives::for_shared_cache(&response.headers, &self.config().targeted_fields);
        if response.headers.contains("set-cookie")
            && !lists(&dirs.private, "set-cookie")
            && !lists(&dirs.no_cache, "set-cookie")
            && options.forced_ttl(response.status).is_none()
        {
            return Ok(false);
        }
        // The Cache API stores what the caller hands it; the caller's request directives don't apply.
        let request_dirs = RequestDirectives::default();
        let verdict = policy::decide(
            &request.headers,
            &request_dirs,
            &response,
            &dirs,
            options,
            self.config(),
            now_ns,
        );
        let Verdict::Store(plan) = verdict else {
            return Ok(false);
        };
        let names = vary::vary_names(&response.headers);
        let secondary = vary::secondary_key(&names, &request.headers);
        let entry = StoredResponse::build(&response, &plan, secondary, now_ns, now_ns);
        let key = primary_key(&request.url, options).into_owned();
        Ok(self.insert_entry(&key, entry, &request.headers))
    }

    /// `cache.match(request, { ignoreMethod })` at `now_ns`.
    pub fn match_request(&mut self, request: &Request, ignore_method: bool, now_ns: u64) -> Option<Response> {
        self.match_with(request, &CacheOptions::default(), ignore_method, now_ns)
    }

    pub fn match_with(
        &mut self,
        request: &Request,
        options: &CacheOptions,
        ignore_method: bool,
        now_ns: u64,
    ) -> Option<Response> {
        if !ignore_method && request.method != "GET" {
            return None;
        }
        let key = primary_key(&request.url, options);
        let entry = self.select_entry(&key, &request.headers)?;
        if !entry.is_fresh(now_ns) {
            return None;
        }
        let mut as_get = request.clone();
        as_get.method = "GET".into();
        Some(serve::from_entry(
            &entry,
            &as_get,
            entry.age_s(now_ns),
            CacheStatus::Hit,
        ))
    }

    /// `cache.delete(request, { ignoreMethod })`.
    pub fn delete(&mut self, request: &Request, ignore_method: bool) -> bool {
        self.delete_with(request, &CacheOptions::default(), ignore_method)
    }

    pub fn delete_with(&mut self, request: &Request, options: &CacheOptions, ignore_method: bool) -> bool {
        if !ignore_method && request.method != "GET" {
            return false;
        }
        let key = primary_key(&request.url, options).into_owned();
        self.remove_key(&key)
    }
}

/// `caches`: the default cache (the one `fetch` goes through) and named caches, each with its own
/// byte budget from the same configuration.
pub struct CacheStorage {
    config: CacheConfig,
    default: HttpCache,
    named: HashMap<String, HttpCache>,
}

impl CacheStorage {
    pub fn new(config: CacheConfig) -> Self {
        CacheStorage {
            default: HttpCache::new(config.clone()),
            config,
            named: HashMap::new(),
        }
    }

    /// `caches.default`.
    pub fn default_cache(&mut self) -> &mut HttpCache {
        &mut self.default
    }

    /// `await caches.open(name)`: the named cache, created empty on first use.
    pub fn open(&mut self, name: &str) -> &mut HttpCache {
        let config = &self.config;
        self.named
            .entry(name.to_owned())
            .or_insert_with(|| HttpCache::new(config.clone()))
    }

    pub fn has(&self, name: &str) -> bool {
        self.named.contains_key(name)
    }

    /// Drops a named cache and everything in it.
    pub fn delete(&mut self, name: &str) -> bool {
        self.named.remove(name).is_some()
    }

    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.named.keys().cloned().collect();
        names.sort();
        names
    }
}
