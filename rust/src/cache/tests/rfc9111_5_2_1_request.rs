//! RFC 9111 5.2.1 (request directives) and 5.4 (Pragma).

use super::*;

fn stored_for(h: &mut Harness, lifetime: u64) {
    h.fetch(
        &get(URL, &[]),
        &response(
            200,
            &[("cache-control", &format!("max-age={lifetime}")), ("etag", "\"e\"")],
            "x",
        ),
    );
}

#[test]
fn request_no_cache_forces_validation() {
    let mut h = Harness::new();
    stored_for(&mut h, 600);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "no-cache")])),
        Lookup::Revalidate { .. }
    ));
}

#[test]
fn pragma_no_cache_forces_validation_without_cache_control() {
    let mut h = Harness::new();
    stored_for(&mut h, 600);
    assert!(matches!(
        h.lookup(&get(URL, &[("pragma", "no-cache")])),
        Lookup::Revalidate { .. }
    ));
    assert!(matches!(
        h.lookup(&get(URL, &[("pragma", "no-cache"), ("cache-control", "max-stale")])),
        Lookup::Hit(_)
    ));
}

#[test]
fn request_no_store_is_not_stored_but_may_be_served() {
    let mut h = Harness::new();
    let out = h.fetch(&get(URL, &[("cache-control", "no-store")]), &fresh_for(600));
    assert_eq!(out.status, CacheStatus::Bypass);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
    stored_for(&mut h, 600);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "no-store")])),
        Lookup::Hit(_)
    ));
}

#[test]
fn request_max_age_limits_acceptable_age() {
    let mut h = Harness::new();
    stored_for(&mut h, 600);
    h.advance(30);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-age=30")])),
        Lookup::Hit(_)
    ));
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-age=29")])),
        Lookup::Revalidate { .. }
    ));
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-age=0")])),
        Lookup::Revalidate { .. }
    ));
}

#[test]
fn request_min_fresh_needs_remaining_freshness() {
    let mut h = Harness::new();
    stored_for(&mut h, 100);
    h.advance(50);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "min-fresh=50")])),
        Lookup::Hit(_)
    ));
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "min-fresh=51")])),
        Lookup::Revalidate { .. }
    ));
}

#[test]
fn request_max_stale_accepts_stale_within_bound() {
    let mut h = Harness::new();
    stored_for(&mut h, 10);
    h.advance(20); // 10 s stale
    let Lookup::Hit(hit) = h.lookup(&get(URL, &[("cache-control", "max-stale=10")])) else {
        panic!("expected hit")
    };
    assert_eq!(hit.status(), CacheStatus::Stale);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-stale=9")])),
        Lookup::Revalidate { .. }
    ));
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-stale")])),
        Lookup::Hit(_)
    ));
}

#[test]
fn only_if_cached_without_stored_response_is_504() {
    let mut h = Harness::new();
    let out = h.cached(&get(URL, &[("cache-control", "only-if-cached")]));
    assert_eq!(out.response.status, 504);
}

#[test]
fn only_if_cached_with_stale_response_is_504() {
    let mut h = Harness::new();
    stored_for(&mut h, 10);
    h.advance(20);
    assert_eq!(
        h.cached(&get(URL, &[("cache-control", "only-if-cached")]))
            .response
            .status,
        504
    );
    let ok = h.cached(&get(URL, &[("cache-control", "only-if-cached, max-stale")]));
    assert_eq!(ok.response.status, 200);
}

#[test]
fn only_if_cached_with_fresh_response_is_a_hit() {
    let mut h = Harness::new();
    stored_for(&mut h, 600);
    assert_eq!(
        h.cached(&get(URL, &[("cache-control", "only-if-cached")])).status,
        CacheStatus::Hit
    );
}
