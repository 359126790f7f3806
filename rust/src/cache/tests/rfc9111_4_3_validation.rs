//! RFC 9111 4.3: conditional requests (4.3.1), client validators (4.3.2), 304 handling (4.3.3,
//! 4.3.4) and updating stored headers (3.2).

use super::*;

fn validated(cc: &str) -> Response {
    response(
        200,
        &[
            ("cache-control", cc),
            ("etag", "\"v1\""),
            ("last-modified", &http_date(-500)),
            ("x-version", "1"),
        ],
        "body-v1",
    )
}

fn not_modified(pairs: &[(&str, &str)]) -> Response {
    response(304, pairs, "")
}

#[test]
fn revalidation_sends_etag_and_last_modified() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=10"));
    h.advance(20);
    let Lookup::Revalidate { request } = h.lookup(&get(URL, &[])) else {
        panic!("expected revalidate")
    };
    assert_eq!(request.headers.get("if-none-match"), Some("\"v1\""));
    assert_eq!(request.headers.get("if-modified-since"), Some(http_date(-500).as_str()));
}

#[test]
fn client_validators_are_replaced_by_the_caches() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=10"));
    h.advance(20);
    let Lookup::Revalidate { request } = h.lookup(&get(URL, &[("if-none-match", "\"client\"")])) else {
        panic!("expected revalidate")
    };
    assert_eq!(
        request.headers.get_all("if-none-match").collect::<Vec<_>>(),
        vec!["\"v1\""]
    );
}

#[test]
fn miss_forwards_without_client_validators() {
    let mut h = Harness::new();
    let Lookup::Miss { request } = h.lookup(&get(URL, &[("if-none-match", "\"x\""), ("range", "bytes=0-1")])) else {
        panic!("expected miss")
    };
    assert!(!request.headers.contains("if-none-match") && !request.headers.contains("range"));
}

#[test]
fn not_modified_freshens_and_serves_stored_body() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=10"));
    h.advance(20);
    let out = h.fetch(
        &get(URL, &[]),
        &not_modified(&[("etag", "\"v1\""), ("cache-control", "max-age=10")]),
    );
    assert_eq!(out.status, CacheStatus::Revalidated);
    assert_eq!(out.response.status, 200);
    assert_eq!(out.body(), b"body-v1");
    h.advance(5);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
}

#[test]
fn not_modified_updates_stored_header_fields() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=10"));
    h.advance(20);
    h.fetch(
        &get(URL, &[]),
        &not_modified(&[("etag", "\"v1\""), ("x-version", "2"), ("cache-control", "max-age=100")]),
    );
    h.advance(50);
    let hit = h.cached(&get(URL, &[]));
    assert_eq!(hit.header("x-version"), Some("2"));
    assert_eq!(hit.header("cache-control"), Some("max-age=100"));
    assert_eq!(hit.response.headers.get_all("x-version").count(), 1);
}

#[test]
fn not_modified_does_not_update_content_length_or_hop_by_hop() {
    let mut h = Harness::new();
    let mut r = validated("max-age=10");
    r.headers.append("content-length", "7").unwrap();
    h.fetch(&get(URL, &[]), &r);
    h.advance(20);
    h.fetch(
        &get(URL, &[]),
        &not_modified(&[
            ("etag", "\"v1\""),
            ("content-length", "0"),
            ("connection", "x-h"),
            ("x-h", "1"),
            ("cache-control", "max-age=10"),
        ]),
    );
    let hit = h.cached(&get(URL, &[]));
    assert_eq!(hit.header("content-length"), Some("7"));
    assert_eq!(hit.header("x-h"), None);
}

#[test]
fn strong_etag_selects_only_matching_stored_responses() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=10"));
    h.advance(20);
    // The 304 names another representation: nothing is selected; the cache fetches it fresh.
    let mut calls = 0;
    let out = h.send(&get(URL, &[]), |req| {
        calls += 1;
        if req.headers.contains("if-none-match") {
            Some(with_date(&not_modified(&[("etag", "\"other\"")]), 20))
        } else {
            Some(with_date(
                &response(200, &[("cache-control", "max-age=10"), ("etag", "\"v2\"")], "body-v2"),
                20,
            ))
        }
    });
    assert_eq!(
        calls, 2,
        "304 for an unknown validator leads to an unconditional request"
    );
    assert_eq!(out.body(), b"body-v2");
}

#[test]
fn weak_etag_or_last_modified_selects_the_stored_response() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[]),
        &response(200, &[("cache-control", "max-age=1"), ("etag", "W/\"w\"")], "weak"),
    );
    h.advance(5);
    let out = h.fetch(
        &get(URL, &[]),
        &not_modified(&[("etag", "W/\"w\""), ("cache-control", "max-age=30")]),
    );
    assert_eq!(out.status, CacheStatus::Revalidated);
    assert_eq!(out.body(), b"weak");
}

#[test]
fn full_response_after_revalidation_replaces_and_is_expired() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=10"));
    h.advance(20);
    let out = h.fetch(
        &get(URL, &[]),
        &response(200, &[("cache-control", "max-age=10"), ("etag", "\"v2\"")], "body-v2"),
    );
    assert_eq!(out.status, CacheStatus::Expired);
    assert_eq!(h.cached(&get(URL, &[])).body(), b"body-v2");
}

#[test]
fn client_if_none_match_answered_304_from_cache() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=60"));
    let out = h.cached(&get(URL, &[("if-none-match", "\"x\", W/\"v1\"")]));
    assert_eq!(out.response.status, 304);
    assert!(out.body().is_empty());
    assert_eq!(out.header("etag"), Some("\"v1\""));
    assert_eq!(out.header("x-version"), None, "304 carries only the listed fields");
    let out = h.cached(&get(URL, &[("if-none-match", "\"other\"")]));
    assert_eq!(out.response.status, 200);
}

#[test]
fn client_if_modified_since_answered_from_cache() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=60"));
    assert_eq!(
        h.cached(&get(URL, &[("if-modified-since", &http_date(-500))]))
            .response
            .status,
        304
    );
    assert_eq!(
        h.cached(&get(URL, &[("if-modified-since", &http_date(-501))]))
            .response
            .status,
        200
    );
}

#[test]
fn if_none_match_takes_precedence_over_if_modified_since() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=60"));
    let req = get(
        URL,
        &[("if-none-match", "\"other\""), ("if-modified-since", &http_date(0))],
    );
    assert_eq!(h.cached(&req).response.status, 200);
}

#[test]
fn client_validators_answered_on_a_miss_too() {
    let mut h = Harness::new();
    let out = h.fetch(&get(URL, &[("if-none-match", "\"v1\"")]), &validated("max-age=60"));
    assert_eq!(out.status, CacheStatus::Miss);
    assert_eq!(out.response.status, 304);
}

#[test]
fn no_cache_response_is_revalidated_every_time() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("no-cache, max-age=60"));
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
    let out = h.fetch(&get(URL, &[]), &not_modified(&[("etag", "\"v1\"")]));
    assert_eq!(out.status, CacheStatus::Revalidated);
    assert_eq!(out.body(), b"body-v1");
}

#[test]
fn not_modified_without_validator_updates_the_single_selected_response() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=1"));
    h.advance(5);
    let out = h.fetch(&get(URL, &[]), &not_modified(&[("cache-control", "max-age=60")]));
    assert_eq!(out.status, CacheStatus::Revalidated);
    assert_eq!(out.body(), b"body-v1");
}

#[test]
fn not_modified_that_forbids_storage_removes_the_entry() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=1"));
    h.advance(5);
    let out = h.fetch(
        &get(URL, &[]),
        &not_modified(&[("etag", "\"v1\""), ("cache-control", "no-store")]),
    );
    assert_eq!(out.body(), b"body-v1");
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
}

#[test]
fn head_is_answered_from_a_stored_get() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=60"));
    let out = h.cached(&request("HEAD", URL, &[]));
    assert_eq!(out.status, CacheStatus::Hit);
    assert_eq!(out.response.status, 200);
    assert!(out.response.body.is_none());
    assert_eq!(out.header("x-version"), Some("1"));
}

#[test]
fn head_miss_fetches_get_and_stores_it() {
    let mut h = Harness::new();
    let Lookup::Miss { request } = h.lookup(&request("HEAD", URL, &[])) else {
        panic!("expected miss")
    };
    assert_eq!(request.method, "GET");
    let out = h.fetch(&super::request("HEAD", URL, &[]), &validated("max-age=60"));
    assert!(out.response.body.is_none());
    assert_eq!(h.cached(&get(URL, &[])).body(), b"body-v1");
}

#[test]
fn not_modified_without_date_restarts_the_age() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=10"));
    h.advance(20);
    let bare = not_modified(&[("etag", "\"v1\""), ("cache-control", "max-age=10")]);
    let out = h.send(&get(URL, &[]), move |_| Some(bare.clone()));
    assert_eq!(out.status, CacheStatus::Revalidated);
    assert_eq!(out.header("age"), Some("0"));
    h.advance(5);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
}

#[test]
fn if_match_and_if_unmodified_since_go_to_the_origin() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &validated("max-age=60"));
    for (name, value) in [
        ("if-match", "\"v1\""),
        ("if-unmodified-since", "Tue, 14 Nov 2023 22:13:20 GMT"),
    ] {
        let Lookup::Bypass { request, status } = h.lookup(&get(URL, &[(name, value)])) else {
            panic!("expected bypass for {name}")
        };
        assert_eq!(status, CacheStatus::Bypass);
        assert_eq!(request.headers.get(name), Some(value));
    }
}
