//! RFC 9111 3 (storing responses), 3.1 (what is stored), 3.5 (Authorization); Set-Cookie policy.

use super::*;

#[test]
fn explicitly_fresh_200_is_stored_and_reused() {
    let mut h = Harness::new();
    let first = h.fetch(&get(URL, &[]), &fresh_for(60));
    assert_eq!(first.status, CacheStatus::Miss);
    h.advance(10);
    let second = h.cached(&get(URL, &[]));
    assert_eq!(second.status, CacheStatus::Hit);
    assert_eq!(second.body(), b"hello");
}

#[test]
fn no_store_response_is_not_stored() {
    let mut h = Harness::new();
    let r = response(200, &[("cache-control", "max-age=60, no-store")], "x");
    assert_eq!(h.fetch(&get(URL, &[]), &r).status, CacheStatus::Bypass);
    assert!(h.fetch(&get(URL, &[]), &r).went_to_origin());
}

#[test]
fn private_response_is_not_stored_by_a_shared_cache() {
    let mut h = Harness::new();
    let r = response(200, &[("cache-control", "private, max-age=60")], "x");
    assert_eq!(h.fetch(&get(URL, &[]), &r).status, CacheStatus::Bypass);
    assert!(h.fetch(&get(URL, &[]), &r).went_to_origin());
}

#[test]
fn qualified_private_strips_only_the_named_fields() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[
            ("cache-control", "private=\"x-user\", max-age=60"),
            ("x-user", "alice"),
            ("x-other", "1"),
        ],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    let hit = h.cached(&get(URL, &[]));
    assert_eq!(hit.header("x-user"), None);
    assert_eq!(hit.header("x-other"), Some("1"));
}

#[test]
fn qualified_no_cache_fields_are_not_served_from_the_cache() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[
            ("cache-control", "no-cache=\"x-secret\", max-age=60"),
            ("x-secret", "s"),
        ],
        "x",
    );
    let first = h.fetch(&get(URL, &[]), &r);
    assert_eq!(
        first.header("x-secret"),
        Some("s"),
        "the origin's own response passes through"
    );
    let hit = h.cached(&get(URL, &[]));
    assert_eq!(hit.status, CacheStatus::Hit);
    assert_eq!(hit.header("x-secret"), None);
}

#[test]
fn status_206_is_not_stored() {
    let mut h = Harness::new();
    let r = response(
        206,
        &[("cache-control", "max-age=60"), ("content-range", "bytes 0-0/5")],
        "h",
    );
    h.fetch(&get(URL, &[]), &r);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
}

#[test]
fn status_without_heuristic_and_without_freshness_is_not_stored() {
    let mut h = Harness::new();
    let r = response(302, &[("location", "/b"), ("last-modified", &http_date(-10_000))], "");
    assert_eq!(h.fetch(&get(URL, &[]), &r).status, CacheStatus::Dynamic);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
}

#[test]
fn explicit_freshness_makes_any_final_status_storable() {
    let mut h = Harness::new();
    let r = response(302, &[("location", "/b"), ("cache-control", "max-age=60")], "");
    h.fetch(&get(URL, &[]), &r);
    assert_eq!(h.cached(&get(URL, &[])).response.status, 302);
}

#[test]
fn heuristically_cacheable_404_with_last_modified_is_stored() {
    let mut h = Harness::new();
    let r = response(404, &[("last-modified", &http_date(-1000))], "gone");
    h.fetch(&get(URL, &[]), &r);
    h.advance(50); // 10% of 1000 s = 100 s of heuristic freshness
    assert_eq!(h.cached(&get(URL, &[])).response.status, 404);
}

#[test]
fn authorization_request_not_stored_without_permission() {
    let mut h = Harness::new();
    let auth = get(URL, &[("authorization", "Bearer t")]);
    h.fetch(&auth, &fresh_for(60));
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
}

#[test]
fn authorization_request_stored_with_public_s_maxage_or_must_revalidate() {
    for cc in ["public, max-age=60", "s-maxage=60", "must-revalidate, max-age=60"] {
        let mut h = Harness::new();
        let auth = get(URL, &[("authorization", "Bearer t")]);
        h.fetch(&auth, &response(200, &[("cache-control", cc)], "x"));
        assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Hit(_)), "{cc}");
    }
}

#[test]
fn hop_by_hop_fields_are_not_stored() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[
            ("cache-control", "max-age=60"),
            ("connection", "x-hop, close"),
            ("x-hop", "1"),
            ("keep-alive", "timeout=5"),
            ("te", "trailers"),
            ("transfer-encoding", "chunked"),
            ("upgrade", "h2c"),
            ("proxy-authenticate", "Basic"),
            ("proxy-authentication-info", "x"),
            ("proxy-authorization", "y"),
            ("x-end", "2"),
        ],
        "x",
    );
    h.fetch(&get(URL, &[]), &r);
    let hit = h.cached(&get(URL, &[]));
    for name in [
        "connection",
        "x-hop",
        "keep-alive",
        "te",
        "transfer-encoding",
        "upgrade",
        "proxy-authenticate",
        "proxy-authentication-info",
        "proxy-authorization",
    ] {
        assert_eq!(hit.header(name), None, "{name}");
    }
    assert_eq!(hit.header("x-end"), Some("2"));
}

#[test]
fn set_cookie_without_explicit_sharing_is_not_stored() {
    let mut h = Harness::new();
    let r = response(200, &[("cache-control", "max-age=60"), ("set-cookie", "id=1")], "x");
    let out = h.fetch(&get(URL, &[]), &r);
    assert_eq!(out.status, CacheStatus::Bypass);
    assert_eq!(out.header("set-cookie"), Some("id=1"));
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
}

#[test]
fn set_cookie_with_public_is_stored_without_the_cookie() {
    let mut h = Harness::new();
    let r = response(
        200,
        &[("cache-control", "public, max-age=60"), ("set-cookie", "id=1")],
        "x",
    );
    let out = h.fetch(&get(URL, &[]), &r);
    assert_eq!(
        out.header("set-cookie"),
        Some("id=1"),
        "the requester still gets its cookie"
    );
    let hit = h.cached(&get(URL, &[]));
    assert_eq!(hit.header("set-cookie"), None);
}

#[test]
fn must_understand_overrides_no_store_for_understood_status() {
    let mut h = Harness::new();
    let r = response(200, &[("cache-control", "must-understand, no-store, max-age=60")], "x");
    h.fetch(&get(URL, &[]), &r);
    assert_eq!(h.cached(&get(URL, &[])).status, CacheStatus::Hit);
    let mut h = Harness::new();
    let odd = response(299, &[("cache-control", "must-understand, no-store, max-age=60")], "x");
    h.fetch(&get(URL, &[]), &odd);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
}

#[test]
fn date_is_added_when_missing() {
    let mut h = Harness::new();
    let r = fresh_for(60);
    h.send(&get(URL, &[]), move |_| Some(r.clone()));
    let hit = h.cached(&get(URL, &[]));
    assert_eq!(hit.header("date"), Some(http_date(0).as_str()));
}

#[test]
fn unsafe_and_unknown_methods_are_not_looked_up_or_stored() {
    let mut h = Harness::new();
    let post = request("POST", URL, &[]);
    let out = h.fetch(&post, &fresh_for(60));
    assert_eq!(out.status, CacheStatus::Dynamic);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Miss { .. }));
    assert!(matches!(
        h.lookup(&request("OPTIONS", URL, &[])),
        Lookup::Bypass {
            status: CacheStatus::Dynamic,
            ..
        }
    ));
}

#[test]
fn fragment_is_not_part_of_the_key() {
    let mut h = Harness::new();
    h.fetch(&get("https://example.com/a#x", &[]), &fresh_for(60));
    assert_eq!(h.cached(&get("https://example.com/a#y", &[])).status, CacheStatus::Hit);
}
