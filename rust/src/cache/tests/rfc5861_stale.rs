//! RFC 5861: stale-while-revalidate (3) and stale-if-error (4).

use super::*;

fn stored(h: &mut Harness, cc: &str) {
    h.fetch(
        &get(URL, &[]),
        &response(200, &[("cache-control", cc), ("etag", "\"e\"")], "old"),
    );
}

#[test]
fn stale_while_revalidate_serves_stale_and_revalidates_in_background() {
    let mut h = Harness::new();
    stored(&mut h, "max-age=10, stale-while-revalidate=30");
    h.advance(25);
    let Lookup::Stale { hit, revalidation } = h.lookup(&get(URL, &[])) else {
        panic!("expected stale")
    };
    assert_eq!(hit.status(), CacheStatus::Updating);
    assert_eq!(hit.response(&get(URL, &[])).body.as_bytes(), b"old");
    assert_eq!(revalidation.headers.get("if-none-match"), Some("\"e\""));
    // The background answer refreshes the entry.
    let fresh = with_date(
        &response(200, &[("cache-control", "max-age=10"), ("etag", "\"f\"")], "new"),
        25,
    );
    h.cache
        .store(&get(URL, &[]), fresh, &CacheOptions::default(), at(25), at(25));
    assert_eq!(h.cached(&get(URL, &[])).body(), b"new");
}

#[test]
fn stale_while_revalidate_window_ends() {
    let mut h = Harness::new();
    stored(&mut h, "max-age=10, stale-while-revalidate=30");
    h.advance(41); // 31 s stale
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}

#[test]
fn stale_while_revalidate_not_used_with_must_revalidate() {
    let mut h = Harness::new();
    stored(&mut h, "max-age=10, stale-while-revalidate=30, must-revalidate");
    h.advance(20);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}

#[test]
fn stale_while_revalidate_applies_with_s_maxage() {
    let mut h = Harness::new();
    stored(&mut h, "s-maxage=10, stale-while-revalidate=30");
    h.advance(20);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Stale { .. }));
}

#[test]
fn stale_while_revalidate_not_used_when_request_wants_fresh() {
    let mut h = Harness::new();
    stored(&mut h, "max-age=10, stale-while-revalidate=30");
    h.advance(20);
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "no-cache")])),
        Lookup::Revalidate { .. }
    ));
    assert!(matches!(
        h.lookup(&get(URL, &[("cache-control", "max-age=5")])),
        Lookup::Revalidate { .. }
    ));
}

#[test]
fn stale_if_error_serves_stale_on_5xx() {
    for code in [500, 502, 503, 504] {
        let mut h = Harness::new();
        stored(&mut h, "max-age=10, stale-if-error=60");
        h.advance(30);
        let out = h.fetch(&get(URL, &[]), &response(code, &[], "down"));
        assert_eq!(out.status, CacheStatus::Stale, "{code}");
        assert_eq!(out.body(), b"old");
        assert_eq!(out.header("age"), Some("30"));
    }
}

#[test]
fn stale_if_error_not_for_other_statuses() {
    let mut h = Harness::new();
    stored(&mut h, "max-age=10, stale-if-error=60");
    h.advance(30);
    let out = h.fetch(&get(URL, &[]), &response(501, &[], "nope"));
    assert_eq!(out.response.status, 501);
}

#[test]
fn stale_if_error_window_ends() {
    let mut h = Harness::new();
    stored(&mut h, "max-age=10, stale-if-error=60");
    h.advance(71);
    assert_eq!(
        h.fetch(&get(URL, &[]), &response(503, &[], "down")).response.status,
        503
    );
}

#[test]
fn stale_if_error_on_network_failure() {
    let mut h = Harness::new();
    stored(&mut h, "max-age=10, stale-if-error=60");
    h.advance(30);
    let out = h.send(&get(URL, &[]), |_| None);
    assert_eq!(out.status, CacheStatus::Stale);
    assert_eq!(out.body(), b"old");
}

#[test]
fn stale_if_error_from_the_request() {
    let mut h = Harness::new();
    stored(&mut h, "max-age=10");
    h.advance(30);
    let out = h.fetch(
        &get(URL, &[("cache-control", "stale-if-error=60")]),
        &response(503, &[], "down"),
    );
    assert_eq!(out.status, CacheStatus::Stale);
    let out = h.fetch(
        &get(URL, &[("cache-control", "stale-if-error=5")]),
        &response(503, &[], "down"),
    );
    assert_eq!(out.response.status, 503);
}

#[test]
fn error_does_not_evict_the_stale_response() {
    let mut h = Harness::new();
    stored(&mut h, "max-age=10");
    h.advance(30);
    h.fetch(&get(URL, &[]), &response(503, &[], "down"));
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Revalidate { .. }));
}

#[test]
fn one_background_revalidation_at_a_time() {
    let mut h = Harness::new();
    stored(&mut h, "max-age=10, stale-while-revalidate=60");
    h.advance(20);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Stale { .. }));
    // While it is in flight, others are served stale (UPDATING) without another revalidation.
    let Lookup::Hit(hit) = h.lookup(&get(URL, &[])) else {
        panic!("expected a stale hit")
    };
    assert_eq!(hit.status(), CacheStatus::Updating);
    // It times out if the host never answers...
    h.advance(31);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Stale { .. }));
    // ...and the answer clears it.
    let answer = with_date(
        &response(
            304,
            &[
                ("etag", "\"e\""),
                ("cache-control", "max-age=1, stale-while-revalidate=60"),
            ],
            "",
        ),
        h.now,
    );
    h.cache
        .store(&get(URL, &[]), answer, &CacheOptions::default(), at(h.now), at(h.now));
    h.advance(2);
    assert!(matches!(h.lookup(&get(URL, &[])), Lookup::Stale { .. }));
}

// RFC 9111 4.2.4: a disconnected cache may serve stale (`stale_if_unreachable_s`), unless the
// response forbids it; an error *response* (503) is not a disconnection.

#[test]
fn unreachable_origin_gets_stale_within_the_configured_window() {
    let mut h = Harness::new();
    stored(&mut h, "max-age=10");
    h.advance(3600);
    let out = h.send(&get(URL, &[]), |_| None);
    assert_eq!(out.status, CacheStatus::Stale);
    assert_eq!(out.body(), b"old");
    assert_eq!(
        h.fetch(&get(URL, &[]), &response(503, &[], "down")).response.status,
        503
    );
    h.advance(86_400);
    assert_eq!(h.send(&get(URL, &[]), |_| None).response.status, 502);
}

#[test]
fn unreachable_origin_gets_no_stale_when_the_response_forbids_it() {
    for cc in [
        "max-age=10, must-revalidate",
        "max-age=10, proxy-revalidate",
        "max-age=10, no-cache",
        "max-age=10, s-maxage=10",
    ] {
        let mut h = Harness::new();
        stored(&mut h, cc);
        h.advance(30);
        assert_eq!(h.send(&get(URL, &[]), |_| None).response.status, 502, "{cc}");
    }
    let mut h = Harness::with(CacheConfig {
        stale_if_unreachable_s: 0,
        ..Default::default()
    });
    stored(&mut h, "max-age=10");
    h.advance(30);
    assert_eq!(h.send(&get(URL, &[]), |_| None).response.status, 502);
}
