//! The Workers Cache API rules: put / match / delete, named caches.

use super::super::{CacheStorage, PutError};
use super::*;

fn cache() -> HttpCache {
    HttpCache::new(CacheConfig::default())
}

#[test]
fn put_rejects_non_get_206_and_vary_star() {
    let mut c = cache();
    assert_eq!(
        c.put(&request("POST", URL, &[]), fresh_for(60), at(0)),
        Err(PutError::MethodNotGet)
    );
    assert_eq!(
        c.put(&request("HEAD", URL, &[]), fresh_for(60), at(0)),
        Err(PutError::MethodNotGet)
    );
    let partial = response(206, &[("cache-control", "max-age=60")], "x");
    assert_eq!(c.put(&get(URL, &[]), partial, at(0)), Err(PutError::PartialContent));
    let star = response(200, &[("cache-control", "max-age=60"), ("vary", "*")], "x");
    assert_eq!(c.put(&get(URL, &[]), star, at(0)), Err(PutError::VaryStar));
}

#[test]
fn put_then_match_returns_the_response_with_hit() {
    let mut c = cache();
    assert_eq!(c.put(&get(URL, &[]), fresh_for(60), at(0)), Ok(true));
    let found = c.match_request(&get(URL, &[]), false, at(30)).expect("stored");
    assert_eq!(found.body.as_bytes(), b"hello");
    assert_eq!(found.headers.get("cf-cache-status"), Some("HIT"));
    assert_eq!(found.headers.get("age"), Some("30"));
}

#[test]
fn match_returns_nothing_once_expired() {
    let mut c = cache();
    c.put(&get(URL, &[]), fresh_for(60), at(0)).unwrap();
    assert!(c.match_request(&get(URL, &[]), false, at(60)).is_none());
}

#[test]
fn match_ignores_request_cache_control() {
    let mut c = cache();
    c.put(&get(URL, &[]), fresh_for(60), at(0)).unwrap();
    assert!(c
        .match_request(&get(URL, &[("cache-control", "no-cache")]), false, at(1))
        .is_some());
}

#[test]
fn match_non_get_needs_ignore_method() {
    let mut c = cache();
    c.put(&get(URL, &[]), fresh_for(60), at(0)).unwrap();
    assert!(c.match_request(&request("POST", URL, &[]), false, at(1)).is_none());
    let found = c
        .match_request(&request("POST", URL, &[]), true, at(1))
        .expect("ignoreMethod");
    assert_eq!(found.body.as_bytes(), b"hello");
}

#[test]
fn match_answers_range_and_conditionals() {
    let mut c = cache();
    let r = response(
        200,
        &[
            ("cache-control", "max-age=60"),
            ("etag", "\"e\""),
            ("last-modified", &http_date(-10)),
        ],
        "0123456789",
    );
    c.put(&get(URL, &[]), r, at(0)).unwrap();
    let part = c
        .match_request(&get(URL, &[("range", "bytes=0-3")]), false, at(1))
        .unwrap();
    assert_eq!((part.status, part.body.as_bytes()), (206, &b"0123"[..]));
    assert_eq!(
        c.match_request(&get(URL, &[("if-none-match", "\"e\"")]), false, at(1))
            .unwrap()
            .status,
        304
    );
    let ims = get(URL, &[("if-modified-since", &http_date(0))]);
    assert_eq!(c.match_request(&ims, false, at(1)).unwrap().status, 304);
}

#[test]
fn put_declines_set_cookie_unless_private_names_it() {
    let mut c = cache();
    let cookie = response(
        200,
        &[("cache-control", "public, max-age=60"), ("set-cookie", "a=1")],
        "x",
    );
    assert_eq!(c.put(&get(URL, &[]), cookie, at(0)), Ok(false));
    let allowed = response(
        200,
        &[
            ("cache-control", "max-age=60, private=set-cookie"),
            ("set-cookie", "a=1"),
        ],
        "x",
    );
    assert_eq!(c.put(&get(URL, &[]), allowed, at(0)), Ok(true));
    let found = c.match_request(&get(URL, &[]), false, at(1)).unwrap();
    assert_eq!(found.headers.get("set-cookie"), None);
}

#[test]
fn put_declines_no_store_and_private() {
    let mut c = cache();
    for cc in ["no-store", "private, max-age=60"] {
        let r = response(200, &[("cache-control", cc)], "x");
        assert_eq!(c.put(&get(URL, &[]), r, at(0)), Ok(false), "{cc}");
    }
    assert!(c.match_request(&get(URL, &[]), false, at(0)).is_none());
}

#[test]
fn put_replaces_the_previous_response() {
    let mut c = cache();
    c.put(&get(URL, &[]), fresh_for(60), at(0)).unwrap();
    c.put(
        &get(URL, &[]),
        response(200, &[("cache-control", "max-age=60")], "second"),
        at(1),
    )
    .unwrap();
    assert_eq!(
        c.match_request(&get(URL, &[]), false, at(2)).unwrap().body.as_bytes(),
        b"second"
    );
}

#[test]
fn delete_removes_and_reports() {
    let mut c = cache();
    c.put(&get(URL, &[]), fresh_for(60), at(0)).unwrap();
    assert!(!c.delete(&request("POST", URL, &[]), false));
    assert!(c.delete(&get(URL, &[]), false));
    assert!(!c.delete(&get(URL, &[]), false));
    assert!(c.match_request(&get(URL, &[]), false, at(1)).is_none());
}

#[test]
fn named_caches_are_separate() {
    let mut caches = CacheStorage::new(CacheConfig::default());
    caches.open("a").put(&get(URL, &[]), fresh_for(60), at(0)).unwrap();
    assert!(caches.open("b").match_request(&get(URL, &[]), false, at(1)).is_none());
    assert!(caches
        .default_cache()
        .match_request(&get(URL, &[]), false, at(1))
        .is_none());
    assert!(caches.open("a").match_request(&get(URL, &[]), false, at(1)).is_some());
    assert_eq!(caches.names(), vec!["a".to_owned(), "b".to_owned()]);
    assert!(caches.delete("a"));
    assert!(!caches.has("a"));
    assert!(caches.open("a").match_request(&get(URL, &[]), false, at(1)).is_none());
}
