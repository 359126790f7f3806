//! RFC 9111 5.2 (Cache-Control syntax), 1.2.2 (delta-seconds), 4.2.1 (duplicates, invalid values).

use super::super::directives::{split_directives, Delta, DELTA_MAX};
use super::super::{FieldScope, RequestDirectives, ResponseDirectives};
use super::headers;

fn resp(cc: &str) -> ResponseDirectives {
    ResponseDirectives::from_cache_control(&headers(&[("cache-control", cc)]))
}

#[test]
fn names_are_case_insensitive() {
    let d = resp("MAX-AGE=5, No-Store, PUBLIC");
    assert_eq!(d.max_age, Some(Delta::Seconds(5)));
    assert!(d.no_store && d.public);
}

#[test]
fn quoted_argument_is_accepted() {
    assert_eq!(resp("max-age=\"7\"").max_age, Some(Delta::Seconds(7)));
}

#[test]
fn first_occurrence_of_a_duplicate_wins() {
    assert_eq!(resp("max-age=10, max-age=0").max_age, Some(Delta::Seconds(10)));
    let two_lines = headers(&[("cache-control", "s-maxage=3"), ("cache-control", "s-maxage=9")]);
    assert_eq!(
        ResponseDirectives::from_cache_control(&two_lines).s_maxage,
        Some(Delta::Seconds(3))
    );
}

#[test]
fn invalid_delta_seconds_are_invalid() {
    for bad in [
        "max-age=abc",
        "max-age=-1",
        "max-age=1.5",
        "max-age=",
        "max-age",
        "max-age=5 x",
    ] {
        assert_eq!(resp(bad).max_age, Some(Delta::Invalid), "{bad}");
        assert_eq!(resp(bad).max_age.map(Delta::or_stale), Some(0));
    }
}

#[test]
fn delta_seconds_saturate_at_2_pow_31() {
    assert_eq!(
        resp("max-age=99999999999999999999").max_age,
        Some(Delta::Seconds(DELTA_MAX))
    );
    assert_eq!(resp("max-age=2147483648").max_age, Some(Delta::Seconds(DELTA_MAX)));
}

#[test]
fn commas_inside_quotes_do_not_split() {
    let d = resp("no-cache=\"set-cookie, x-foo\", max-age=4");
    assert_eq!(
        d.no_cache,
        FieldScope::Fields(vec!["set-cookie".into(), "x-foo".into()])
    );
    assert_eq!(d.max_age, Some(Delta::Seconds(4)));
}

#[test]
fn unqualified_form_wins_over_field_list() {
    assert_eq!(resp("private=\"a\", private").private, FieldScope::Whole);
    assert_eq!(resp("no-cache, no-cache=\"a\"").no_cache, FieldScope::Whole);
}

#[test]
fn unknown_directives_are_ignored() {
    let d = resp("foo=bar, max-age=3, baz");
    assert_eq!(d.max_age, Some(Delta::Seconds(3)));
}

#[test]
fn split_handles_whitespace_and_empty_members() {
    let dirs = split_directives(" , max-age=3 ,, public ");
    let names: Vec<_> = dirs.iter().map(|d| d.name).collect();
    assert_eq!(names, vec!["max-age", "public"]);
}

#[test]
fn request_directives_parse() {
    let d = RequestDirectives::parse(&headers(&[(
        "cache-control",
        "max-age=3, max-stale, min-fresh=2, no-cache, no-store, only-if-cached, stale-if-error=9",
    )]));
    assert_eq!(d.max_age, Some(3));
    assert_eq!(d.max_stale, Some(None));
    assert_eq!(d.min_fresh, Some(2));
    assert!(d.no_cache && d.no_store && d.only_if_cached);
    assert_eq!(d.stale_if_error, Some(9));
    let bounded = RequestDirectives::parse(&headers(&[("cache-control", "max-stale=5")]));
    assert_eq!(bounded.max_stale, Some(Some(5)));
}

#[test]
fn pragma_no_cache_only_without_cache_control() {
    assert!(RequestDirectives::parse(&headers(&[("pragma", "no-cache")])).no_cache);
    let both = headers(&[("pragma", "no-cache"), ("cache-control", "max-age=5")]);
    assert!(!RequestDirectives::parse(&both).no_cache);
}

#[test]
fn stale_extensions_parse() {
    let d = resp("max-age=1, stale-while-revalidate=30, stale-if-error=60");
    assert_eq!(d.stale_while_revalidate, Some(30));
    assert_eq!(d.stale_if_error, Some(60));
}

#[test]
fn non_ascii_and_escapes_in_quoted_arguments_do_not_panic() {
    for value in [
        "no-cache=\"\\é, x\"",
        "private=\"é",
        "max-age=\"\\",
        "no-cache=\"a\\\"b\", max-age=5",
        "é=1, max-age=2",
    ] {
        let _ = resp(value);
    }
    assert_eq!(resp("no-cache=\"a\\\"b\", max-age=5").max_age, Some(Delta::Seconds(5)));
    assert_eq!(resp("é=1, max-age=2").max_age, Some(Delta::Seconds(2)));
}
