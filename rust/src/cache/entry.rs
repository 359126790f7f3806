//! One stored response and its freshness state.
//!
//! Theory of operation: a `StoredResponse` is immutable once built (the eviction policy weighs it
//! once). Freshness is computed at store time into a lifetime and a corrected initial age
//! (RFC 9111 4.2.3); at lookup only `now` moves: `current_age = initial_age + (now - response_time)`.
//! A 304 or a new response builds a new `StoredResponse` that replaces the old one.

use super::date;
use super::header_block::HeaderBlock;
use super::policy::{self, Plan, F_FORCED, F_IMMUTABLE, F_NO_CACHE, F_NO_STALE, F_S_MAXAGE};
use crate::http::{Body, Headers, Response};

/// Estimated bytes of bookkeeping per entry beyond its text and body, charged to the budget.
pub const ENTRY_OVERHEAD: u64 = 200;

#[derive(Debug)]
pub struct StoredResponse {
    pub(crate) status: u16,
    pub(crate) flags: u8,
    pub(crate) swr_s: u32,
    pub(crate) sie_s: u32,
    pub(crate) headers: HeaderBlock,
    pub(crate) body: Body,
    /// Secondary key (`Vary`), `None` when the response does not vary.
    pub(crate) vary: Option<Box<str>>,
    /// `response_time - corrected_initial_age` (RFC 9111 4.2.3): the instant the response had age
    /// zero, so that `current_age = now - born`. One field instead of two keeps entries small.
    pub(crate) born_ns: i64,
    pub(crate) lifetime_s: u32,
}

impl StoredResponse {
    /// Builds the stored form of `response` under `plan`.
    pub(crate) fn build(
        response: &Response,
        plan: &Plan,
        vary: Option<Box<str>>,
        request_time_ns: u64,
        response_time_ns: u64,
    ) -> Self {
        let tokens = policy::connection_tokens(&response.headers);
        let mut headers = HeaderBlock::pack(&response.headers, |name| {
            !policy::never_stored(name, &tokens) && !plan.strip.iter().any(|s| s == name)
        });
        let date_s = policy::date_value(&response.headers, response_time_ns);
        if !headers.contains("date") {
            // RFC 9110 6.6.1: a recipient with a clock records the time of receipt as Date.
            let mut with_date = response.headers.clone();
            let _ = with_date.append("date", &date::format(date_s));
            headers = HeaderBlock::pack(&with_date, |name| {
                !policy::never_stored(name, &tokens) && !plan.strip.iter().any(|s| s == name)
            });
        }
        let initial_age_ns = policy::corrected_initial_age_ns(&response.headers, request_time_ns, response_time_ns);
        StoredResponse {
            status: response.status,
            flags: plan.flags,
            swr_s: plan.stale_while_revalidate_s,
            sie_s: plan.stale_if_error_s,
            headers,
            body: response.body.clone(),
            vary,
            born_ns: (response_time_ns.min(i64::MAX as u64) as i64)
                .saturating_sub(initial_age_ns.min(i64::MAX as u64) as i64),
            lifetime_s: u32::try_from(plan.lifetime_s).unwrap_or(u32::MAX),
        }
    }

    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)
    }

    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> {
        self.headers.iter()
    }

    pub fn body(&self) -> &Body {
        &self.body
    }

    /// The stored header section as `Headers`.
    pub fn header_list(&self) -> Headers {
        self.headers.to_headers(0, |_| false)
    }

    /// The stored response as a plain `Response` (no `Age`, no cache status).
    pub fn to_response(&self) -> Response {
        Response::new(self.status, self.header_list(), self.body.clone())
    }

    pub fn freshness_lifetime_s(&self) -> u64 {
        u64::from(self.lifetime_s)
    }

    /// `current_age` (RFC 9111 4.2.3) in nanoseconds.
    pub fn current_age_ns(&self, now_ns: u64) -> u64 {
        u64::try_from((now_ns.min(i64::MAX as u64) as i64).saturating_sub(self.born_ns)).unwrap_or(0)
    }

    /// The `Age` header value: whole seconds.
    pub fn age_s(&self, now_ns: u64) -> u64 {
        self.current_age_ns(now_ns) / date::NS_PER_S
    }

    fn lifetime_ns(&self) -> u64 {
        u64::from(self.lifetime_s).saturating_mul(date::NS_PER_S)
    }

    /// `freshness_lifetime > current_age` (4.2).
    pub fn is_fresh(&self, now_ns: u64) -> bool {
        self.lifetime_ns() > self.current_age_ns(now_ns)
    }

    /// How long past its lifetime, in nanoseconds (0 while fresh).
    pub fn staleness_ns(&self, now_ns: u64) -> u64 {
        self.current_age_ns(now_ns).saturating_sub(self.lifetime_ns())
    }

    /// Remaining freshness in nanoseconds (0 when stale).
    pub fn remaining_ns(&self, now_ns: u64) -> u64 {
        self.lifetime_ns().saturating_sub(self.current_age_ns(now_ns))
    }

    pub(crate) fn requires_validation(&self) -> bool {
        self.flags & F_NO_CACHE != 0
    }

    /// No stale use at all (`must-revalidate`, `proxy-revalidate`, unqualified `no-cache`).
    pub(crate) fn forbids_stale(&self) -> bool {
        self.flags & (F_NO_STALE | F_NO_CACHE) != 0
    }

    /// The client's `max-stale` may not be honoured (`s-maxage` implies `proxy-revalidate`).
    pub(crate) fn forbids_client_stale(&self) -> bool {
        self.forbids_stale() || self.flags & (F_S_MAXAGE | F_FORCED) != 0
    }

    pub(crate) fn immutable(&self) -> bool {
        self.flags & F_IMMUTABLE != 0
    }

    /// How recent the response is, for choosing among variants (RFC 9111 4.1: by `Date`).
    pub(crate) fn recency(&self) -> (i64, i64) {
        (
            self.headers.get("date").and_then(date::parse).unwrap_or(i64::MIN),
            self.born_ns,
        )
    }

    pub fn etag(&self) -> Option<&str> {
        self.headers.get("etag")
    }

    pub fn last_modified(&self) -> Option<&str> {
        self.headers.get("last-modified")
    }

    /// Bytes charged to the cache's budget for this response.
    pub fn weight(&self) -> u64 {
        (self.headers.byte_len() + self.body.len() + self.vary.as_ref().map_or(0, |v| v.len())) as u64 + ENTRY_OVERHEAD
    }

    /// `Cache-Tag` values (comma-separated, compared case-insensitively).
    pub fn has_tag(&self, tag: &str) -> bool {
        self.headers
            .get_all("cache-tag")
            .flat_map(|v| v.split(','))
            .any(|t| t.trim_matches([' ', '\t']).eq_ignore_ascii_case(tag))
    }
}
