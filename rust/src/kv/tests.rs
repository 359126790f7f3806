//! Unit tests of the replica and the limits.

use super::limits::*;
use super::*;
use std::sync::Arc;

const S: u64 = 1_000_000_000;

fn value(text: &str, version_ns: u64) -> KvValue {
    KvValue {
        bytes: Arc::from(text.as_bytes()),
        metadata: None,
        expiration_s: None,
        version_ns,
    }
}

fn hit_text(l: &Lookup) -> Option<Option<String>> {
    match l {
        Lookup::Hit { value, .. } => Some(value.as_ref().map(|v| String::from_utf8(v.bytes.to_vec()).unwrap())),
        Lookup::Miss => None,
    }
}

#[test]
fn a_miss_then_a_fill_is_a_hit_until_its_cache_ttl_ends() {
    let mut r = Replica::new(ReplicaConfig::default());
    assert_eq!(r.lookup("ns", "k", 100 * S), Lookup::Miss);
    r.fill("ns", "k", Some(value("a", 5)), 5, 100 * S, 60);
    assert_eq!(hit_text(&r.lookup("ns", "k", 159 * S)), Some(Some("a".into())));
    assert_eq!(r.lookup("ns", "k", 160 * S), Lookup::Miss);
    let m = r.metrics();
    assert_eq!((m.hits, m.misses, m.fills, m.entries), (1, 2, 1, 1));
}

#[test]
fn negative_entries_are_cached_and_counted() {
    let mut r = Replica::new(ReplicaConfig::default());
    r.fill("ns", "absent", None, 0, 0, 30);
    assert_eq!(hit_text(&r.lookup("ns", "absent", 29 * S)), Some(None));
    assert_eq!(r.lookup("ns", "absent", 30 * S), Lookup::Miss);
    assert_eq!(r.metrics().negative_hits, 1);
}

#[test]
fn a_local_write_is_visible_at_once_and_a_late_fill_does_not_undo_it() {
    let mut r = Replica::new(ReplicaConfig::default());
    r.fill("ns", "k", Some(value("old", 1)), 1, 0, 60);
    r.write("ns", "k", Some(value("new", 10 * S)), 10 * S, 10 * S);
    assert_eq!(hit_text(&r.lookup("ns", "k", 10 * S)), Some(Some("new".into())));
    // A miss sent before the write answers with the older version: the write stays.
    r.fill("ns", "k", Some(value("old", 1)), 1, 11 * S, 60);
    assert_eq!(hit_text(&r.lookup("ns", "k", 11 * S)), Some(Some("new".into())));
    // A delete is a negative entry.
    r.write("ns", "k", None, 12 * S, 12 * S);
    assert_eq!(hit_text(&r.lookup("ns", "k", 12 * S)), Some(None));
}

#[test]
fn a_value_past_its_expiration_reads_as_absent() {
    let mut r = Replica::new(ReplicaConfig::default());
    let mut v = value("x", 1);
    v.expiration_s = Some(100);
    r.fill("ns", "k", Some(v), 1, 90 * S, 60);
    assert_eq!(hit_text(&r.lookup("ns", "k", 99 * S)), Some(Some("x".into())));
    assert_eq!(hit_text(&r.lookup("ns", "k", 100 * S)), Some(None));
}

#[test]
fn namespaces_are_separate_and_entries_are_listed_sorted() {
    let mut r = Replica::new(ReplicaConfig::default());
    r.fill("a", "z", Some(value("1", 1)), 1, 0, 60);
    r.fill("a", "b", None, 0, 0, 60);
    r.fill("b", "z", Some(value("2", 1)), 1, 0, 60);
    let keys: Vec<String> = r.entries("a", 0).into_iter().map(|(k, _)| k).collect();
    assert_eq!(keys, ["b", "z"]);
    assert_eq!(r.namespaces(), ["a", "b"]);
    assert!(r.entries("a", 60 * S).is_empty());
    assert_eq!(r.purge("a", None), 2);
    assert_eq!(r.namespaces(), ["b"]);
}

#[test]
fn memory_is_bounded_dropping_what_ends_soonest() {
    let mut r = Replica::new(ReplicaConfig {
        max_bytes: 3000,
        ..ReplicaConfig::default()
    });
    let big = "v".repeat(900);
    r.fill("ns", "short", Some(value(&big, 1)), 1, 0, 30);
    r.fill("ns", "long1", Some(value(&big, 1)), 1, 0, 300);
    r.fill("ns", "long2", Some(value(&big, 1)), 1, 0, 300);
    r.fill("ns", "long3", Some(value(&big, 1)), 1, 0, 300);
    assert_eq!(r.lookup("ns", "short", S), Lookup::Miss);
    assert!(matches!(r.lookup("ns", "long3", S), Lookup::Hit { .. }));
    let m = r.metrics();
    assert!(m.bytes <= 3000 && m.evictions >= 1, "{m:?}");
}

#[test]
fn limits() {
    assert!(check_key("GET", &"k".repeat(512)).is_ok());
    let e = check_key("PUT", &"é".repeat(257)).unwrap_err();
    assert_eq!(
        e.message,
        "KV PUT failed: 414 UTF-8 encoded length of 514 exceeds key length limit of 512."
    );
    assert!(check_key("GET", "").is_err());
    assert!(check_key("GET", "..").is_err());
    assert!(check_value(MAX_VALUE_BYTES).is_ok());
    assert!(check_value(MAX_VALUE_BYTES + 1).is_err());
    assert!(check_metadata(&"x".repeat(1024)).is_ok());
    assert!(check_metadata(&"x".repeat(1025)).is_err());
    assert_eq!(expiration(1000.5, None, Some(60.0)), Ok(Some(1060)));
    assert_eq!(
        expiration(1000.0, None, Some(59.0)).unwrap_err().message,
        "KV PUT failed: 400 Invalid expiration_ttl of 59. Expiration TTL must be at least 60."
    );
    assert_eq!(expiration(1000.0, Some(1060.0), None), Ok(Some(1060)));
    assert!(expiration(1000.0, Some(1059.0), None).is_err());
    assert_eq!(expiration(1000.0, Some(1.0), Some(120.0)), Ok(Some(1120)));
    assert_eq!(expiration(1000.0, Some(f64::NAN), None).unwrap_err().class, "TypeError");
    assert_eq!(list_limit(None), Ok(1000));
    assert_eq!(list_limit(Some(1.0)), Ok(1));
    assert!(list_limit(Some(1001.0)).is_err());
    assert!(list_limit(Some(0.0)).is_err());
    assert!(list_limit(Some(2.5)).is_err());
    assert_eq!(cache_ttl("GET", None, 30), Ok(60));
    assert_eq!(cache_ttl("GET", Some(30.0), 30), Ok(30));
    assert!(cache_ttl("GET", Some(29.0), 30).is_err());
}
