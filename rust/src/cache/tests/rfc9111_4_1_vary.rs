//! RFC 9111 4.1: secondary keys from Vary.

use super::*;

fn varying(on: &str, body: &str) -> Response {
    response(200, &[("cache-control", "max-age=60"), ("vary", on)], body)
}

#[test]
fn same_selecting_value_matches() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[("accept-language", "en")]),
        &varying("Accept-Language", "en"),
    );
    assert_eq!(h.cached(&get(URL, &[("accept-language", "en")])).body(), b"en");
}

#[test]
fn different_selecting_value_misses() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[("accept-language", "en")]),
        &varying("accept-language", "en"),
    );
    assert!(matches!(
        h.lookup(&get(URL, &[("accept-language", "fr")])),
        Lookup::Miss { .. }
    ));
}

#[test]
fn absent_matches_only_absent() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &varying("accept-language", "none"));
    assert!(matches!(
        h.lookup(&get(URL, &[("accept-language", "")])),
        Lookup::Miss { .. }
    ));
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Hit(_)));
}

#[test]
fn variants_are_kept_side_by_side() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[("accept-language", "en")]),
        &varying("accept-language", "en"),
    );
    h.fetch(
        &get(URL, &[("accept-language", "fr")]),
        &varying("accept-language", "fr"),
    );
    assert_eq!(h.cached(&get(URL, &[("accept-language", "en")])).body(), b"en");
    assert_eq!(h.cached(&get(URL, &[("accept-language", "fr")])).body(), b"fr");
    assert_eq!(h.cache.metrics().entries, 2);
}

#[test]
fn whitespace_and_line_splitting_are_normalized() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[("accept-encoding", "gzip,br")]),
        &varying("accept-encoding", "z"),
    );
    let split = get(URL, &[("accept-encoding", "gzip"), ("accept-encoding", " br")]);
    assert_eq!(h.cached(&split).body(), b"z");
    // Accept-Encoding members carry no order and no case: the same variant.
    assert_eq!(h.cached(&get(URL, &[("accept-encoding", "BR, gzip")])).body(), b"z");
    assert!(matches!(
        h.lookup(&get(URL, &[("accept-encoding", "br")])),
        Lookup::Miss { .. }
    ));
}

#[test]
fn accept_language_ignores_order_case_and_space_but_not_weights() {
    let mut h = Harness::new();
    h.fetch(
        &get(URL, &[("accept-language", "en, de")]),
        &varying("accept-language", "x"),
    );
    for same in ["de, en", "eN, De", " en ,   de"] {
        assert_eq!(h.cached(&get(URL, &[("accept-language", same)])).body(), b"x", "{same}");
    }
    assert!(matches!(
        h.lookup(&get(URL, &[("accept-language", "en;q=0.5, de")])),
        Lookup::Miss { .. }
    ));
    // Other fields keep their members' order.
    h.fetch(&get(URL, &[("foo", "1, 2")]), &varying("foo", "y"));
    assert!(matches!(h.lookup(&get(URL, &[("foo", "2, 1")])), Lookup::Miss { .. }));
}

#[test]
fn several_vary_fields_must_all_match() {
    let mut h = Harness::new();
    let req = get(URL, &[("a", "1"), ("b", "2")]);
    h.fetch(&req, &varying("a, B", "ab"));
    assert_eq!(h.cached(&req).body(), b"ab");
    assert!(matches!(
        h.lookup(&get(URL, &[("a", "1"), ("b", "3")])),
        Lookup::Miss { .. }
    ));
}

#[test]
fn vary_star_never_matches() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[]), &varying("*", "x"));
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
    h.fetch(&get(URL, &[]), &varying("accept, *", "x"));
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
}

#[test]
fn most_recent_matching_variant_is_served() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[("a", "1")]), &varying("a", "old"));
    h.advance(5);
    // A newer response without Vary also matches the same request.
    h.fetch(&get(URL, &[("cache-control", "no-cache"), ("a", "1")]), &fresh_for(60));
    assert_eq!(h.cached(&get(URL, &[("a", "1")])).body(), b"hello");
}

#[test]
fn a_variant_miss_offers_the_stored_entity_tags_and_a_304_reuses_one() {
    let mut h = Harness::new();
    let headers = [("cache-control", "max-age=60"), ("vary", "abc"), ("etag", "\"e1\"")];
    h.fetch(&get(URL, &[("abc", "123")]), &response(200, &headers, "one"));
    let Lookup::Miss { request } = h.lookup(&get(URL, &[("abc", "456")])) else {
        panic!("expected a miss")
    };
    assert_eq!(request.headers.get("if-none-match"), Some("\"e1\""));
    // The origin says the stored representation is right for this request too.
    let out = h.fetch(&get(URL, &[("abc", "456")]), &response(304, &headers, ""));
    assert_eq!(out.status, CacheStatus::Revalidated);
    assert_eq!(out.body(), b"one");
    assert_eq!(h.cached(&get(URL, &[("abc", "456")])).body(), b"one");
    assert_eq!(h.cached(&get(URL, &[("abc", "123")])).body(), b"one");
    // A full answer to another variant's miss is stored beside them.
    let out = h.fetch(&get(URL, &[("abc", "789")]), &response(200, &headers, "three"));
    assert_eq!(out.body(), b"three");
    assert_eq!(h.cached(&get(URL, &[("abc", "789")])).body(), b"three");
    assert_eq!(h.cached(&get(URL, &[("abc", "123")])).body(), b"one");
}

#[test]
fn a_variant_miss_without_stored_entity_tags_is_unconditional() {
    let mut h = Harness::new();
    h.fetch(&get(URL, &[("abc", "1")]), &varying("abc", "x"));
    let Lookup::Miss { request } = h.lookup(&get(URL, &[("abc", "2"), ("if-none-match", "\"c\"")])) else {
        panic!("expected a miss")
    };
    assert_eq!(request.headers.get("if-none-match"), None);
}
