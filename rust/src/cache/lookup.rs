//! What a lookup tells the host to do (the sans-I/O interface of the cache).
//!
//! ```text
//!   lookup(request, now) ─┬─ Hit          serve hit.response(request)
//!                         ├─ Stale        serve stale.response(request) now, send `revalidation`
//!                         │               in the background, then store(...) its answer
//!                         ├─ Revalidate   send `request` (conditional), then store(...) the answer
//!                         ├─ Miss         send `request`, then store(...) the answer
//!                         ├─ Bypass       send `request` unchanged, then store(...) (it only tags,
//!                         │               and invalidates after unsafe methods)
//!                         └─ Unavailable  answer `response` (504: only-if-cached)
//! ```
//! `store` returns the response to serve. If the origin cannot be reached after `Revalidate`,
//! `fetch_failed` may still find a stale response `stale-if-error` allows.

use super::entry::StoredResponse;
use super::serve;
use super::status::CacheStatus;
use super::storage::EntryRef;
use crate::http::{Request, Response};

/// A stored response chosen to serve.
#[derive(Clone, Debug)]
pub struct Hit {
    pub(crate) entry: EntryRef,
    pub(crate) age_s: u64,
    pub(crate) status: CacheStatus,
}

impl Hit {
    pub fn status(&self) -> CacheStatus {
        self.status
    }

    /// The `Age` the response carries, in seconds.
    pub fn age_s(&self) -> u64 {
        self.age_s
    }

    pub fn stored(&self) -> &StoredResponse {
        &self.entry
    }

    /// True when `response(request)` is just the stored fields (`served_fields`), `Age`
    /// (`age_s`), `cf-cache-status` (`status`) and the stored body: a host may then build its own
    /// representation without an intermediate `Response`.
    pub fn serves_as_is(&self, request: &Request) -> bool {
        serve::serves_as_is(request)
    }

    /// The stored header fields a client sees (the cache's own fields left out), in order.
    pub fn served_fields(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entry.headers().filter(|(name, _)| !serve::internal(name))
    }

    /// The response to send for `request`: `Age` and `cf-cache-status` added, the client's
    /// conditionals (304) and `Range` (206/416) answered, no content for HEAD.
    pub fn response(&self, request: &Request) -> Response {
        serve::from_entry(&self.entry, request, self.age_s, self.status)
    }
}

/// The outcome of `HttpCache::lookup`.
#[derive(Clone, Debug)]
pub enum Lookup {
    /// A usable stored response (`HIT`, or `STALE` when the client's `max-stale` accepted it).
    Hit(Hit),
    /// Serve the stale response now (`UPDATING`) and send `revalidation` in the background.
    Stale { hit: Hit, revalidation: Request },
    /// Send this conditional request; give its answer to `store`.
    Revalidate { request: Request },
    /// Nothing stored: send this request (a HEAD becomes a GET, the client's validators and range
    /// are removed so the answer can be stored); give its answer to `store`.
    Miss { request: Request },
    /// Not served from the cache (`DYNAMIC` for methods, `BYPASS` for `no-store` requests): send
    /// the request unchanged; give the answer to `store`.
    Bypass { request: Request, status: CacheStatus },
    /// `only-if-cached` and nothing usable: answer this (504).
    Unavailable { response: Response },
}

impl Lookup {
    /// The status this lookup would produce if the origin's answer does not change it.
    pub fn status(&self) -> CacheStatus {
        match self {
            Lookup::Hit(hit) => hit.status,
            Lookup::Stale { .. } => CacheStatus::Updating,
            Lookup::Revalidate { .. } => CacheStatus::Expired,
            Lookup::Miss { .. } | Lookup::Unavailable { .. } => CacheStatus::Miss,
            Lookup::Bypass { status, .. } => *status,
        }
    }

    /// The request the host must send to the origin, if any (for `Stale`, in the background).
    pub fn origin_request(&self) -> Option<&Request> {
        match self {
            Lookup::Stale { revalidation, .. } => Some(revalidation),
            Lookup::Revalidate { request } | Lookup::Miss { request } | Lookup::Bypass { request, .. } => Some(request),
            Lookup::Hit(_) | Lookup::Unavailable { .. } => None,
        }
    }
}

/// What `store` (or `fetch_failed`) tells the host.
#[derive(Clone, Debug)]
pub enum Completion {
    /// Send this response to the client.
    Serve(Served),
    /// The origin answered 304 but nothing stored matched it any more: send this unconditional
    /// request and give its answer to `store`.
    Refetch(Request),
}

#[derive(Clone, Debug)]
pub struct Served {
    pub response: Response,
    pub status: CacheStatus,
    /// The origin's response was stored (or a stored one updated).
    pub stored: bool,
}
