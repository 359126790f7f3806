//! RFC 9213: targeted cache-control fields (CDN-Cache-Control, Cloudflare-CDN-Cache-Control).

use super::*;

#[test]
fn cdn_cache_control_overrides_cache_control() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[("cache-control", "no-store"), ("cdn-cache-control", "max-age=60")],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    let hit = h.cached(&get(URL, &[]));
    assert_eq!(hit.status, CacheStatus::Hit);
    assert_eq!(
        hit.header("cache-control"),
        Some("no-store"),
        "Cache-Control passes through for downstream"
    );
}

#[test]
fn cdn_cache_control_can_forbid_what_cache_control_allows() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[("cache-control", "max-age=600"), ("cdn-cache-control", "no-store")],
        "x",
    );
    assert_eq!(h.fetch(&get(URL, &[]), &r).status, CacheStatus::Bypass);
}

#[test]
fn lifetime_comes_from_the_targeted_field_only() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[("cache-control", "max-age=600"), ("cdn-cache-control", "max-age=5")],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    h.advance(6);
    assert!(!matches!(h.lookup(&get(URL, &[])), Lookup::Hit(_)));
}

#[test]
fn invalid_targeted_field_is_ignored() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[
            ("cache-control", "max-age=60"),
            ("cdn-cache-control", "max-age=\"5\"=?, ,"),
        ],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    h.advance(30);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
}

#[test]
fn cloudflare_field_is_more_specific_than_cdn_field() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[
            ("cdn-cache-control", "no-store"),
            ("cloudflare-cdn-cache-control", "max-age=60"),
        ],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
}

#[test]
fn targeted_field_must_revalidate_and_swr() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[
            ("cdn-cache-control", "max-age=10, stale-while-revalidate=30"),
            ("etag", "\"e\""),
        ],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    h.advance(20);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Stale { .. }));
    let mut h = Harness::new();
    let r = response(
        200,
        &[("cdn-cache-control", "max-age=10, must-revalidate"), ("etag", "\"e\"")],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    h.advance(20);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-stale")])),
        Lookup::Revalidate { .. }
    ));
}

#[test]
fn targeted_field_ignores_expires() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[
            ("cdn-cache-control", "public"),
            ("expires", &http_date(600)),
            ("etag", "\"e\""),
        ],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}
