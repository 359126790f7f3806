//! Per-request options: cacheTtl, cacheTtlByStatus, cacheEverything, cacheKey.

use super::super::StatusTtl;
use super::*;

#[test]
fn cache_ttl_overrides_origin_directives() {
    let mut h = Harness::new();
    h.options.cache_ttl_s = Some(100);
    let r = response(
        200,
        &[("cache-control", "no-store, private"), ("set-cookie", "a=1")],
        "x",
    );
    let out = h.fetch(&get(URL, &[]), &r);
    assert_eq!(out.status, CacheStatus::Miss);
    h.advance(99);
    let hit = h.cached(&get(URL, &[]));
    assert_eq!(hit.status, CacheStatus::Hit);
    assert_eq!(hit.header("set-cookie"), None);
    h.advance(1);
    assert!(!matches!(h.lookup(&get(URL, &[])), Lookup::Hit(_)));
}

#[test]
fn cache_ttl_applies_only_to_its_status_codes() {
    let mut h = Harness::new();
    h.options.cache_ttl_s = Some(100);
    let out = h.fetch(&get(URL, &[]), &response(500, &[], "err"));
    assert_eq!(out.status, CacheStatus::Dynamic);
}

#[test]
fn negative_ttl_means_do_not_cache() {
    let mut h = Harness::new();
    h.options.cache_ttl_s = Some(-1);
    assert_eq!(h.fetch(&get(URL, &[]), &fresh_for(60)).status, CacheStatus::Bypass);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
}

#[test]
fn zero_ttl_stores_but_revalidates() {
    let mut h = Harness::new();
    h.options.cache_ttl_s = Some(0);
    h.fetch(&get(URL, &[]), &response(200, &[("etag", "\"e\"")], "x"));
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}

#[test]
fn cache_ttl_by_status_ranges() {
    let mut h = Harness::new();
    h.options.cache_ttl_by_status = vec![
        StatusTtl {
            from: 200,
            to: 299,
            ttl_s: 50,
        },
        StatusTtl {
            from: 404,
            to: 404,
            ttl_s: 5,
        },
        StatusTtl {
            from: 500,
            to: 599,
            ttl_s: -1,
        },
    ];
    h.fetch(&get(URL, &[]), &response(200, &[], "ok"));
    h.advance(49);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
    let missing = "https://example.com/missing";
    h.fetch(&get(missing, &[]), &response(404, &[], "no"));
    h.advance(5);
    assert!(!matches!(h.lookup(&get(missing, &[])), Lookup::Hit(_)));
    let broken = "https://example.com/broken";
    assert_eq!(
        h.fetch(
            &get(broken, &[]),
            &response(503, &[("cache-control", "max-age=60")], "")
        )
        .status,
        CacheStatus::Bypass
    );
}

#[test]
fn cache_everything_gives_default_ttls_but_respects_no_store() {
    let mut h = Harness::new();
    h.options.cache_everything = true;
    h.fetch(&get(URL, &[]), &response(200, &[], "x"));
    h.advance(7199);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
    let other = "https://example.com/private";
    h.fetch(&get(other, &[]), &response(200, &[("cache-control", "no-store")], "x"));
    assert!(matches!(h.lookup(&get(other, &[])), Lookup::Miss { .. }));
}

#[test]
fn cache_key_replaces_the_url() {
    let mut h = Harness::new();
    h.options.cache_key = Some("shared-key".into());
    h.fetch(&get("https://example.com/x?utm=1", &[]), &fresh_for(60));
    assert_eq!(
        h.cached(&get("https://example.com/x?utm=2", &[])).status,
        CacheStatus::Hit
    );
    h.options.cache_key = None;
    assert!(matches!(
        h.lookup(&get("https://example.com/x?utm=2", &[])),
        Lookup::Miss { .. }
    ));
    assert_eq!(h.cache.purge_url("shared-key"), 1);
}

#[test]
fn put_with_forced_ttl_and_key() {
    let mut c = HttpCache::new(CacheConfig::default());
    let options = CacheOptions {
        cache_ttl_s: Some(30),
        cache_key: Some("k".into()),
        ..Default::default()
    };
    assert_eq!(
        c.put_with(
            &get(URL, &[]),
            response(200, &[("cache-control", "no-store")], "x"),
            &options,
            at(0)
        ),
        Ok(true)
    );
    assert!(c
        .match_with(&get("https://example.com/other", &[]), &options, false, at(29))
        .is_some());
    assert!(c
        .match_with(&get("https://example.com/other", &[]), &options, false, at(30))
        .is_none());
}
