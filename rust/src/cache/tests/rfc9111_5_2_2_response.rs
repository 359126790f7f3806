//! RFC 9111 5.2.2 (response directives) and RFC 8246 (immutable).

use super::*;

fn stale_by(h: &mut Harness, cc: &str, secs: i64) {
    h.fetch(
        &get(URL, &[]),
        &response(200, &[("cache-control", cc), ("etag", "\"e\"")], "x"),
    );
    h.advance(secs);
}

#[test]
fn must_revalidate_refuses_max_stale() {
    let mut h = Harness::new();
    stale_by(&mut h, "max-age=10, must-revalidate", 20);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-stale")])),
        Lookup::Revalidate { .. }
    ));
}

#[test]
fn proxy_revalidate_refuses_max_stale_in_a_shared_cache() {
    let mut h = Harness::new();
    stale_by(&mut h, "max-age=10, proxy-revalidate", 20);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-stale")])),
        Lookup::Revalidate { .. }
    ));
}

#[test]
fn s_maxage_implies_proxy_revalidate() {
    let mut h = Harness::new();
    stale_by(&mut h, "s-maxage=10", 20);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-stale")])),
        Lookup::Revalidate { .. }
    ));
}

#[test]
fn without_revalidate_directives_max_stale_is_honoured() {
    let mut h = Harness::new();
    stale_by(&mut h, "max-age=10", 20);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-stale")])),
        Lookup::Hit(_)
    ));
}

#[test]
fn must_revalidate_refuses_stale_if_error() {
    let mut h = Harness::new();
    stale_by(&mut h, "max-age=10, must-revalidate, stale-if-error=600", 20);
    let out = h.fetch(&get(URL, &[]), &response(503, &[], "down"));
    assert_eq!(out.response.status, 503);
}

#[test]
fn no_cache_refuses_max_stale() {
    let mut h = Harness::new();
    stale_by(&mut h, "no-cache", 0);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-stale")])),
        Lookup::Revalidate { .. }
    ));
}

#[test]
fn public_makes_storable_without_other_freshness() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[("cache-control", "public"), ("last-modified", &http_date(-10_000))],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
}

#[test]
fn immutable_fresh_response_is_not_revalidated_on_reload() {
    let mut h = Harness::new();
    stale_by(&mut h, "max-age=600, immutable", 30);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-age=0")])),
        Lookup::Hit(_)
    ));
    // A forced reload still revalidates, and immutable does nothing once stale.
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "no-cache")])),
        Lookup::Revalidate { .. }
    ));
    h.advance(600);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}

#[test]
fn without_immutable_reload_revalidates() {
    let mut h = Harness::new();
    stale_by(&mut h, "max-age=600", 30);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-age=0")])),
        Lookup::Revalidate { .. }
    ));
}

#[test]
fn no_cache_without_validator_is_passed_through() {
    let mut h = Harness::new();
    let r = response(200, &[("cache-control", "no-cache, max-age=600")], "x");
    assert_eq!(h.fetch(&get(URL, &[]), &r).status, CacheStatus::Bypass);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
}
