//! Tests of the cache, one file per RFC section (plus storage, the Cache API and the options).
//! `Harness` is a tiny virtual-time host: it performs a lookup, "fetches" from a scripted origin
//! and stores the answer, recording what the origin saw.

mod cache_api;
mod directives;
mod options;
mod rfc5861_stale;
mod rfc9110_conditional_range;
mod rfc9111_3_storing;
mod rfc9111_4_1_vary;
mod rfc9111_4_2_freshness;
mod rfc9111_4_3_validation;
mod rfc9111_4_4_invalidation;
mod rfc9111_5_2_1_request;
mod rfc9111_5_2_2_response;
mod rfc9213_targeted;
mod storage;

use super::date::{format, NS_PER_S};
use super::{CacheConfig, CacheOptions, CacheStatus, Completion, HttpCache, Lookup};
use crate::http::{Body, Headers, Request, Response};

/// An arbitrary epoch for tests: 2023-11-14T22:13:20Z.
pub const T0_S: i64 = 1_700_000_000;

pub fn at(secs: i64) -> u64 {
    (T0_S + secs) as u64 * NS_PER_S
}

pub fn http_date(secs: i64) -> String {
    format(T0_S + secs)
}

pub fn headers(pairs: &[(&str, &str)]) -> Headers {
    Headers::try_from_pairs(pairs.iter().copied()).expect("valid test headers")
}

pub fn request(method: &str, url: &str, pairs: &[(&str, &str)]) -> Request {
    Request {
        method: method.into(),
        url: url.into(),
        headers: headers(pairs),
        body: Body::none(),
    }
}

pub fn get(url: &str, pairs: &[(&str, &str)]) -> Request {
    request("GET", url, pairs)
}

pub fn response(status: u16, pairs: &[(&str, &str)], body: &str) -> Response {
    Response::new(status, headers(pairs), Body::from(body))
}

pub const URL: &str = "https://example.com/a";

/// The result of one request through the harness.
#[derive(Debug)]
pub struct Outcome {
    pub response: Response,
    pub status: CacheStatus,
    /// The request the origin received, if any (for `UPDATING`, the background revalidation).
    pub origin_request: Option<Request>,
}

impl Outcome {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.response.headers.get(name)
    }

    pub fn body(&self) -> &[u8] {
        self.response.body.as_bytes()
    }

    pub fn went_to_origin(&self) -> bool {
        self.origin_request.is_some()
    }
}

pub struct Harness {
    pub cache: HttpCache,
    pub options: CacheOptions,
    /// Seconds after `T0_S` of the virtual clock.
    pub now: i64,
    /// Seconds the origin takes to answer.
    pub latency: i64,
}

impl Harness {
    pub fn new() -> Self {
        Self::with(CacheConfig::default())
    }

    pub fn with(config: CacheConfig) -> Self {
        Harness {
            cache: HttpCache::new(config),
            options: CacheOptions::default(),
            now: 0,
            latency: 0,
        }
    }

    pub fn advance(&mut self, secs: i64) {
        self.now += secs;
    }

    pub fn lookup(&mut self, req: &Request) -> Lookup {
        self.cache.lookup(req, &self.options, at(self.now))
    }

    /// Sends `req` through the cache; `origin` answers any origin request (given the request it
    /// received). A background revalidation (UPDATING) is performed at once, after serving.
    pub fn send(&mut self, req: &Request, origin: impl FnMut(&Request) -> Option<Response>) -> Outcome {
        let mut origin = origin;
        let lookup = self.lookup(req);
        match lookup {
            Lookup::Hit(hit) => Outcome {
                response: hit.response(req),
                status: hit.status(),
                origin_request: None,
            },
            Lookup::Unavailable { response } => Outcome {
                response,
                status: CacheStatus::Miss,
                origin_request: None,
            },
            Lookup::Stale { hit, revalidation } => {
                let served = hit.response(req);
                let t = self.now;
                if let Some(answer) = origin(&revalidation) {
                    let _ = self
                        .cache
                        .store(req, answer, &self.options, at(t), at(t + self.latency));
                }
                Outcome {
                    response: served,
                    status: hit.status(),
                    origin_request: Some(revalidation),
                }
            }
            Lookup::Revalidate { request } | Lookup::Miss { request } | Lookup::Bypass { request, .. } => {
                self.exchange(req, request, &mut origin)
            }
        }
    }

    fn exchange(
        &mut self,
        req: &Request,
        forwarded: Request,
        origin: &mut dyn FnMut(&Request) -> Option<Response>,
    ) -> Outcome {
        let t = self.now;
        let Some(answer) = origin(&forwarded) else {
            return match self.cache.fetch_failed(req, &self.options, at(t + self.latency)) {
                Some(served) => Outcome {
                    response: served.response,
                    status: served.status,
                    origin_request: Some(forwarded),
                },
                None => Outcome {
                    response: Response::text(502, "Bad Gateway"),
                    status: CacheStatus::Miss,
                    origin_request: Some(forwarded),
                },
            };
        };
        match self
            .cache
            .store(req, answer, &self.options, at(t), at(t + self.latency))
        {
            Completion::Serve(served) => Outcome {
                response: served.response,
                status: served.status,
                origin_request: Some(forwarded),
            },
            Completion::Refetch(again) => self.exchange(req, again, origin),
        }
    }

    /// `send` with an origin that always answers `answer` (with a `Date` of the current time
    /// added unless the test gave one).
    pub fn fetch(&mut self, req: &Request, answer: &Response) -> Outcome {
        let now = self.now + self.latency;
        let answer = with_date(answer, now);
        self.send(req, move |_| Some(answer.clone()))
    }

    /// `send` with an origin that must not be contacted.
    pub fn cached(&mut self, req: &Request) -> Outcome {
        let out = self.send(req, |r| panic!("unexpected origin request: {r:?}"));
        assert!(
            !out.went_to_origin() || out.status == CacheStatus::Updating,
            "went to origin: {out:?}"
        );
        out
    }
}

/// `answer` with `Date: now` added when it has none.
pub fn with_date(answer: &Response, now: i64) -> Response {
    let mut answer = answer.clone();
    if !answer.headers.contains("date") {
        answer.headers.append("date", &http_date(now)).unwrap();
    }
    answer
}

/// A 200 with `Cache-Control: max-age=N` and body "hello".
pub fn fresh_for(secs: u64) -> Response {
    response(200, &[("cache-control", &format!("max-age={secs}"))], "hello")
}
