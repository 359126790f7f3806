//! RFC 9111 4.4: unsafe methods invalidate the target URI and same-origin Location /
//! Content-Location.

use super::*;

fn stored(h: &mut Harness, url: &str) {
    h.fetch(&get(url, &[]), &fresh_for(600));
    assert!(matches!(h.lookup(&get(url, &[])), Lookup::Hit(_)));
}

fn is_miss(h: &mut Harness, url: &str) -> bool {
    matches!(h.lookup(&get(url, &[])), Lookup::Miss { .. })
}

#[test]
fn post_with_success_invalidates_the_target() {
    let mut h = Harness::new();
    stored(&mut h, URL);
    let out = h.fetch(&request("POST", URL, &[]), &response(200, &[], "ok"));
    assert_eq!(out.status, CacheStatus::Dynamic);
    assert!(is_miss(&mut h, URL));
    assert_eq!(h.cache.metrics().invalidations, 1);
}

#[test]
fn every_unsafe_or_unknown_method_invalidates() {
    for method in ["PUT", "DELETE", "PATCH", "PURGEX"] {
        let mut h = Harness::new();
        stored(&mut h, URL);
        h.fetch(&request(method, URL, &[]), &response(204, &[], ""));
        assert!(is_miss(&mut h, URL), "{method}");
    }
}

#[test]
fn error_response_does_not_invalidate() {
    let mut h = Harness::new();
    stored(&mut h, URL);
    h.fetch(&request("POST", URL, &[]), &response(500, &[], "err"));
    assert!(!is_miss(&mut h, URL));
}

#[test]
fn safe_methods_do_not_invalidate() {
    let mut h = Harness::new();
    stored(&mut h, URL);
    h.fetch(&request("OPTIONS", URL, &[]), &response(200, &[], ""));
    assert!(!is_miss(&mut h, URL));
}

#[test]
fn same_origin_location_and_content_location_are_invalidated() {
    let mut h = Harness::new();
    stored(&mut h, "https://example.com/b");
    stored(&mut h, "https://example.com/c");
    h.fetch(
        &request("POST", URL, &[]),
        &response(
            201,
            &[("location", "/b"), ("content-location", "https://example.com/c")],
            "",
        ),
    );
    assert!(is_miss(&mut h, "https://example.com/b"));
    assert!(is_miss(&mut h, "https://example.com/c"));
}

#[test]
fn cross_origin_location_is_not_invalidated() {
    let mut h = Harness::new();
    stored(&mut h, "https://other.example/b");
    h.fetch(
        &request("POST", URL, &[]),
        &response(201, &[("location", "https://other.example/b")], ""),
    );
    assert!(!is_miss(&mut h, "https://other.example/b"));
}
