//! RFC 9111 4.2: freshness lifetime (4.2.1), heuristics (4.2.2), age (4.2.3), serving fresh (4.2).

use super::*;

#[test]
fn max_age_bounds_freshness() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &fresh_for(10));
    h.advance(9);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
    h.advance(1); // age 10 == lifetime: no longer fresh
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}

#[test]
fn s_maxage_wins_over_max_age_for_a_shared_cache() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[]),
        &response(200, &[("cache-control", "max-age=1, s-maxage=100")], "x"),
    );
    h.advance(50);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[]),
        &response(200, &[("cache-control", "max-age=100, s-maxage=1")], "x"),
    );
    h.advance(2);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}

#[test]
fn max_age_wins_over_expires() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[("cache-control", "max-age=100"), ("expires", &http_date(1))],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    h.advance(50);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
}

#[test]
fn expires_minus_date() {
    let mut h = Harness::new();
    // Date is 100 s in the past (the origin's clock is behind); lifetime is still Expires - Date.
    let r = response(200, &[("date", &http_date(-100)), ("expires", &http_date(-70))], "x");
    h.fetch(&get(URL, &[]), &r);
    // apparent age is 100 > lifetime 30: stale at once.
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
    let mut h = Harness::new();
    let r = response(200, &[("date", &http_date(0)), ("expires", &http_date(30))], "x");
    h.fetch(&get(URL, &[]), &r);
    h.advance(29);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
    h.advance(1);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}

#[test]
fn invalid_expires_means_already_expired() {
    for bad in ["0", "-1", "soon"] {
        let mut h = Harness::new();
        let r = response(200, &[("expires", bad), ("etag", "\"e\"")], "x");
        h.fetch(&get(URL, &[]), &r);
        assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }), "{bad}");
    }
}

#[test]
fn invalid_max_age_is_stale() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[
            ("cache-control", "max-age=abc"),
            ("etag", "\"e\""),
            ("expires", &http_date(100)),
        ],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}

#[test]
fn duplicate_max_age_uses_the_first() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[]),
        &response(200, &[("cache-control", "max-age=100, max-age=0")], "x"),
    );
    h.advance(10);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
}

#[test]
fn heuristic_freshness_is_a_fraction_of_last_modified_age() {
    let mut h = Harness::new();
    let r = response(200, &[("last-modified", &http_date(-1000))], "x");
    h.fetch(&get(URL, &[]), &r);
    h.advance(99);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
    h.advance(1);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}

#[test]
fn no_heuristic_when_explicit_expiration_present() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[("last-modified", &http_date(-100_000)), ("cache-control", "max-age=5")],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    h.advance(6);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}

#[test]
fn no_heuristic_for_non_heuristic_status() {
    let mut h = Harness::new();
    let r = response(403, &[("last-modified", &http_date(-1000)), ("etag", "\"e\"")], "x");
    h.fetch(&get(URL, &[]), &r);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
}

#[test]
fn public_allows_heuristic_for_any_status() {
    let mut h = Harness::new();
    let r = response(
        403,
        &[("last-modified", &http_date(-1000)), ("cache-control", "public")],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    assert_eq!(h.cached(&get(URL, &[])).response.status, 403);
}

#[test]
fn age_header_counts_resident_time() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &fresh_for(60));
    h.advance(7);
    assert_eq!(h.cached(&get(URL, &[])).header("age"), Some("7"));
}

#[test]
fn received_age_is_added() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[]),
        &response(200, &[("cache-control", "max-age=60"), ("age", "50")], "x"),
    );
    h.advance(5);
    assert_eq!(h.cached(&get(URL, &[])).header("age"), Some("55"));
    h.advance(5);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}

#[test]
fn invalid_age_is_ignored_and_list_uses_first() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[]),
        &response(200, &[("cache-control", "max-age=60"), ("age", "abc")], "x"),
    );
    assert_eq!(h.cached(&get(URL, &[])).header("age"), Some("0"));
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[]),
        &response(200, &[("cache-control", "max-age=60"), ("age", "10, 20")], "x"),
    );
    assert_eq!(h.cached(&get(URL, &[])).header("age"), Some("10"));
}

#[test]
fn response_delay_is_added_to_age() {
    let mut h = Harness::new();
    h.latency = 3;
    // Date equals the request time: the corrected age is the 3 s the exchange took.
    let r = response(200, &[("cache-control", "max-age=60"), ("date", &http_date(0))], "x");
    h.fetch(&get(URL, &[]), &r);
    h.advance(3);
    assert_eq!(h.cached(&get(URL, &[])).header("age"), Some("3"));
}

#[test]
fn apparent_age_from_date_counts() {
    let mut h = Harness::new();
    let r = response(200, &[("cache-control", "max-age=60"), ("date", &http_date(-20))], "x");
    h.fetch(&get(URL, &[]), &r);
    assert_eq!(h.cached(&get(URL, &[])).header("age"), Some("20"));
}

#[test]
fn origin_age_header_on_stored_response_is_replaced_not_duplicated() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[]),
        &response(200, &[("cache-control", "max-age=60"), ("age", "2")], "x"),
    );
    let hit = h.cached(&get(URL, &[]));
    assert_eq!(hit.response.headers.get_all("age").count(), 1);
}

#[test]
fn max_age_zero_with_validator_is_stored_but_always_revalidated() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[]),
        &response(200, &[("cache-control", "max-age=0"), ("etag", "\"v\"")], "x"),
    );
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}
