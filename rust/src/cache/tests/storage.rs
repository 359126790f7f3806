//! The byte budget, eviction, purges and metrics.

use super::*;

fn body_of(n: usize) -> String {
    "x".repeat(n)
}

#[test]
fn budget_is_respected_and_evictions_counted() {
    let mut h = Harness::with(CacheConfig {
        max_bytes: 20_000,
        estimated_entries: 64,
        ..Default::default()
    });
    for i in 0..100 {
        let r = response(200, &[("cache-control", "max-age=600")], &body_of(1000));
        h.fetch(&get(&format!("https://example.com/{i}"), &[]), &r);
    }
    let m = h.cache.metrics();
    assert!(m.bytes <= 20_000, "{m:?}");
    assert!(m.evictions > 0);
    assert_eq!(m.entries, m.keys);
    assert!(m.entries < 100 && m.entries > 5, "{m:?}");
    assert_eq!(m.stores, 100);
}

#[test]
fn oversized_response_is_not_stored() {
    let mut h = Harness::with(CacheConfig {
        max_bytes: 1000,
        ..Default::default()
    });
    let r = response(200, &[("cache-control", "max-age=600")], &body_of(5000));
    h.fetch(&get(URL, &[]), &r);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
    assert_eq!(h.cache.metrics().entries, 0);
}

#[test]
fn frequently_used_entries_survive_a_scan() {
    let mut h = Harness::with(CacheConfig {
        max_bytes: 40_000,
        estimated_entries: 64,
        ..Default::default()
    });
    let hot = "https://example.com/hot";
    h.fetch(
        &get(hot, &[]),
        &response(200, &[("cache-control", "max-age=600")], &body_of(1000)),
    );
    for i in 0..200 {
        assert!(
            matches!(h.lookup(&get(hot, &[])), Lookup::Hit(_)),
            "hot entry evicted at {i}"
        );
        let r = response(200, &[("cache-control", "max-age=600")], &body_of(1000));
        h.fetch(&get(&format!("https://example.com/scan/{i}"), &[]), &r);
    }
}

fn fill(h: &mut Harness, url: &str, tags: &str) {
    let r = response(200, &[("cache-control", "max-age=600"), ("cache-tag", tags)], "x");
    h.fetch(&get(url, &[]), &r);
}

#[test]
fn purge_by_url() {
    let mut h = Harness::new();
    fill(&mut h, URL, "t");
    fill(&mut h, "https://example.com/b", "t");
    assert_eq!(h.cache.purge_url(URL), 1);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
    assert!(matches!(h.lookup(&get("https://example.com/b", &[])), Lookup::Hit(_)));
    assert_eq!(h.cache.purge_url(URL), 0);
}

#[test]
fn purge_by_prefix_with_and_without_scheme() {
    let mut h = Harness::new();
    fill(&mut h, "https://example.com/assets/1", "");
    fill(&mut h, "http://example.com/assets/2", "");
    fill(&mut h, "https://example.com/other", "");
    assert_eq!(h.cache.purge_prefix("example.com/assets/"), 2);
    assert_eq!(h.cache.metrics().entries, 1);
    fill(&mut h, "https://example.com/assets/1", "");
    fill(&mut h, "http://example.com/assets/2", "");
    assert_eq!(h.cache.purge_prefix("https://example.com/assets"), 1);
}

#[test]
fn purge_by_tag_is_case_insensitive_and_per_variant() {
    let mut h = Harness::new();
    fill(&mut h, "https://example.com/1", "Product-1, all");
    fill(&mut h, "https://example.com/2", "product-2,all");
    fill(&mut h, "https://example.com/3", "other");
    assert_eq!(h.cache.purge_tags(&["product-1"]), 1);
    assert_eq!(h.cache.purge_tags(&["ALL"]), 1);
    assert_eq!(h.cache.metrics().entries, 1);
    assert_eq!(h.cache.metrics().purged, 2);
}

#[test]
fn purge_all_empties_the_cache() {
    let mut h = Harness::new();
    fill(&mut h, "https://example.com/1", "");
    fill(&mut h, "https://example.com/2", "");
    assert_eq!(h.cache.purge_all(), 2);
    let m = h.cache.metrics();
    assert_eq!((m.entries, m.keys, m.bytes), (0, 0, 0));
}

#[test]
fn metrics_count_each_outcome() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[]),
        &response(
            200,
            &[
                ("cache-control", "max-age=10, stale-while-revalidate=100"),
                ("etag", "\"e\""),
            ],
            "x",
        ),
    );
    h.cached(&get(URL, &[]));
    h.advance(20);
    h.fetch(
        &get(URL, &[]),
        &response(304, &[("etag", "\"e\""), ("cache-control", "max-age=10")], ""),
    );
    h.fetch(&request("POST", URL, &[]), &response(500, &[], ""));
    let m = h.cache.metrics();
    assert_eq!(
        (m.misses, m.hits, m.stale, m.updating, m.revalidations, m.dynamic),
        (1, 1, 1, 1, 1, 1)
    );
    assert!(m.bytes > 0 && m.entries == 1 && m.max_bytes == CacheConfig::default().max_bytes);
}

#[test]
fn responses_above_the_entry_limit_are_served_but_not_stored() {
    let mut h = Harness::with(CacheConfig {
        max_bytes: 80_000,
        ..Default::default()
    });
    let big = response(200, &[("cache-control", "max-age=600")], &body_of(20_000));
    let out = h.fetch(&get(URL, &[]), &big);
    assert_eq!(out.body().len(), 20_000);
    assert!(
        matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }),
        "above max_bytes / 8"
    );
    let mut h = Harness::with(CacheConfig {
        max_bytes: 80_000,
        max_entry_bytes: Some(40_000),
        ..Default::default()
    });
    h.fetch(&get(URL, &[]), &big);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Hit(_)));
}
