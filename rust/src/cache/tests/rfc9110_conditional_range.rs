//! RFC 9110 13 and 14 as the cache answers them from a stored response: byte ranges (206/416),
//! If-Range, and the Age / cf-cache-status fields on what it serves.

use super::*;

fn stored_body(h: &mut Harness) {
    let r = response(
        200,
        &[
            ("cache-control", "max-age=600"),
            ("etag", "\"v\""),
            ("last-modified", &http_date(-100)),
            ("content-length", "10"),
        ],
        "0123456789",
    );
    h.fetch(&get(URL, &[]), &r);
}

#[test]
fn single_range_is_served_as_206() {
    let mut h = Harness::new();
    stored_body(&mut h);
    let out = h.cached(&get(URL, &[("range", "bytes=2-4")]));
    assert_eq!(out.response.status, 206);
    assert_eq!(out.body(), b"234");
    assert_eq!(out.header("content-range"), Some("bytes 2-4/10"));
    assert_eq!(out.header("content-length"), Some("3"));
}

#[test]
fn open_and_suffix_ranges() {
    let mut h = Harness::new();
    stored_body(&mut h);
    assert_eq!(h.cached(&get(URL, &[("range", "bytes=7-")])).body(), b"789");
    assert_eq!(h.cached(&get(URL, &[("range", "bytes=-2")])).body(), b"89");
    assert_eq!(h.cached(&get(URL, &[("range", "bytes=8-100")])).body(), b"89");
}

#[test]
fn unsatisfiable_range_is_416() {
    let mut h = Harness::new();
    stored_body(&mut h);
    let out = h.cached(&get(URL, &[("range", "bytes=20-30")]));
    assert_eq!(out.response.status, 416);
    assert_eq!(out.header("content-range"), Some("bytes */10"));
}

#[test]
fn multiple_or_malformed_ranges_get_the_full_response() {
    let mut h = Harness::new();
    stored_body(&mut h);
    assert_eq!(h.cached(&get(URL, &[("range", "bytes=0-1,4-5")])).response.status, 200);
    assert_eq!(h.cached(&get(URL, &[("range", "bytes=5-2")])).response.status, 200);
    assert_eq!(h.cached(&get(URL, &[("range", "items=0-1")])).response.status, 200);
}

#[test]
fn if_range_must_match_strongly() {
    let mut h = Harness::new();
    stored_body(&mut h);
    assert_eq!(
        h.cached(&get(URL, &[("range", "bytes=0-1"), ("if-range", "\"v\"")]))
            .response
            .status,
        206
    );
    assert_eq!(
        h.cached(&get(URL, &[("range", "bytes=0-1"), ("if-range", "\"w\"")]))
            .response
            .status,
        200
    );
    assert_eq!(
        h.cached(&get(URL, &[("range", "bytes=0-1"), ("if-range", "W/\"v\"")]))
            .response
            .status,
        200
    );
    let by_date = get(URL, &[("range", "bytes=0-1"), ("if-range", &http_date(-100))]);
    assert_eq!(h.cached(&by_date).response.status, 206);
}

#[test]
fn range_on_a_miss_fetches_the_full_response_and_cuts_it() {
    let mut h = Harness::new();
    let out = h.send(&get(URL, &[("range", "bytes=0-2")]), |req| {
        assert!(!req.headers.contains("range"));
        Some(with_date(
            &response(200, &[("cache-control", "max-age=60")], "abcdef"),
            0,
        ))
    });
    assert_eq!(out.response.status, 206);
    assert_eq!(out.body(), b"abc");
    assert_eq!(h.cached(&get(URL, &[])).body(), b"abcdef");
}

#[test]
fn cache_status_header_on_every_response() {
    let mut h = Harness::new();
    let miss = h.fetch(&get(URL, &[]), &fresh_for(60));
    assert_eq!(miss.header("cf-cache-status"), Some("MISS"));
    let hit = h.cached(&get(URL, &[]));
    assert_eq!(hit.header("cf-cache-status"), Some("HIT"));
    let dynamic = h.fetch(&request("POST", URL, &[]), &response(200, &[], ""));
    assert_eq!(dynamic.header("cf-cache-status"), Some("DYNAMIC"));
}

#[test]
fn cache_tag_is_not_shown_to_clients() {
    let mut h = Harness::new();
    let r = response(200, &[("cache-control", "max-age=60"), ("cache-tag", "a,b")], "x");
    assert_eq!(h.fetch(&get(URL, &[]), &r).header("cache-tag"), None);
    assert_eq!(h.cached(&get(URL, &[])).header("cache-tag"), None);
}
