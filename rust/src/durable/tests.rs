//! Storage and id semantics (Workers' Durable Object storage API, key-value part).

use super::*;

fn s(x: &str) -> String {
    x.to_owned()
}

fn filled() -> Store {
    let mut st = Store::default();
    let entries = ["b", "a", "ab", "abc", "c", "é", "B"]
        .iter()
        .map(|k| (s(k), format!("v{k}")))
        .collect();
    st.put_many("N", "x", entries).unwrap();
    st
}

fn keys(v: Vec<(String, String)>) -> Vec<String> {
    v.into_iter().map(|(k, _)| k).collect()
}

#[test]
fn list_is_in_utf8_byte_order() {
    let st = filled();
    let all = keys(st.list("N", "x", &ListOptions::default()));
    assert_eq!(all, ["B", "a", "ab", "abc", "b", "c", "é"]);
}

#[test]
fn list_prefix_start_end_limit_reverse() {
    let st = filled();
    let opt = |prefix: Option<&str>, start: Option<&str>, end: Option<&str>, limit: Option<usize>, reverse: bool| {
        keys(st.list(
            "N",
            "x",
            &ListOptions {
                prefix: prefix.map(s),
                start: start.map(s),
                end: end.map(s),
                limit,
                reverse,
            },
        ))
    };
    assert_eq!(opt(Some("a"), None, None, None, false), ["a", "ab", "abc"]);
    assert_eq!(opt(Some("a"), None, None, None, true), ["abc", "ab", "a"]);
    assert_eq!(opt(None, Some("ab"), Some("c"), None, false), ["ab", "abc", "b"]);
    assert_eq!(opt(None, Some("ab"), Some("c"), Some(2), true), ["b", "abc"]);
    assert_eq!(opt(Some("a"), Some("ab"), None, None, false), ["ab", "abc"]);
    assert_eq!(opt(Some("a"), Some("b"), None, None, false), Vec::<String>::new());
    assert_eq!(opt(None, Some("c"), Some("b"), None, false), Vec::<String>::new());
    assert_eq!(opt(None, None, None, Some(1), true), ["é"]);
    assert!(st.list("N", "other", &ListOptions::default()).is_empty());
}

#[test]
fn batches_are_all_or_nothing_and_limited() {
    let mut st = Store::default();
    let big = "k".repeat(MAX_KEY_BYTES + 1);
    let err = st
        .put_many("N", "x", vec![(s("ok"), s("1")), (big, s("2"))])
        .unwrap_err();
    assert!(matches!(err, StorageError::KeyTooLarge(_)));
    assert_eq!(st.get("N", "x", "ok"), None, "a failed batch writes nothing");
    let too_many: Vec<_> = (0..=MAX_BATCH_KEYS).map(|i| (format!("k{i}"), s("v"))).collect();
    assert!(matches!(
        st.put_many("N", "x", too_many),
        Err(StorageError::TooManyKeys(129))
    ));
    let value = "v".repeat(MAX_VALUE_BYTES + 1);
    assert!(matches!(
        st.put_many("N", "x", vec![(s("k"), value)]),
        Err(StorageError::ValueTooLarge(_))
    ));
    st.put_many("N", "x", vec![(s("a"), s("1")), (s("b"), s("2"))]).unwrap();
    assert_eq!(st.delete_many("N", "x", &[s("a"), s("zz")]).unwrap(), 1);
    assert_eq!(st.get_many("N", "x", &[s("b"), s("a")]).unwrap(), [Some(s("2")), None]);
}

#[test]
fn changes_are_net_and_drained_once() {
    let mut st = Store::default();
    st.put_many("N", "x", vec![(s("a"), s("1")), (s("b"), s("2"))]).unwrap();
    st.put_many("N", "x", vec![(s("a"), s("3"))]).unwrap();
    st.delete_many("N", "x", &[s("b")]).unwrap();
    st.set_alarm("N", "x", Some(5000.0));
    let changes = st.take_changes();
    assert_eq!(changes.len(), 1);
    let c = &changes[0];
    assert_eq!(c.puts, [(s("a"), s("3"))]);
    assert_eq!(c.deletes, [s("b")]);
    assert_eq!(c.alarm, Some(Some(5000.0)));
    assert!(!c.cleared);
    assert!(st.take_changes().is_empty());
    st.delete_all("N", "x");
    st.put_many("N", "x", vec![(s("z"), s("9"))]).unwrap();
    let c = &st.take_changes()[0];
    assert!(c.cleared);
    assert_eq!(c.puts, [(s("z"), s("9"))]);
    assert_eq!(c.alarm, None, "deleteAll keeps the alarm");
    assert_eq!(st.alarm("N", "x"), Some(5000.0));
}

#[test]
fn load_seeds_without_changes() {
    let mut st = Store::default();
    st.load("N", "x", vec![(s("k"), s("v"))], Some(1.0));
    assert!(!st.has_changes());
    assert_eq!(st.get("N", "x", "k"), Some(s("v")));
    assert_eq!(st.alarm("N", "x"), Some(1.0));
    assert_eq!(st.ids("N"), [s("x")]);
    assert!(st.ids("M").is_empty());
}

#[test]
fn ids_are_deterministic_and_namespaced() {
    let a = id_from_name("Counter", "alice");
    assert_eq!(a.len(), 64);
    assert_eq!(a, id_from_name("Counter", "alice"));
    assert_ne!(a, id_from_name("Counter", "bob"));
    assert_ne!(a, id_from_name("Other", "alice"));
    assert!(id_is_valid("Counter", &a));
    assert!(id_is_valid("Counter", &a.to_uppercase()));
    assert!(!id_is_valid("Other", &a));
    assert!(!id_is_valid("Counter", &a[..62]));
    assert!(!id_is_valid("Counter", &format!("{}zz", &a[..62])));
    let mut flipped = a.clone().into_bytes();
    flipped[0] = if flipped[0] == b'0' { b'1' } else { b'0' };
    assert!(!id_is_valid("Counter", std::str::from_utf8(&flipped).unwrap()));
    let unique = id_from_bytes("Counter", &[7u8; 24]);
    assert!(id_is_valid("Counter", &unique));
}
