use super::*;

const S: u64 = 1_000_000_000;

#[test]
fn fixed_window_counts_exactly() {
    let mut w = Window::default();
    let ok = (0..25).filter(|i| w.hit(*i * S / 10, 10, 10, Mode::Fixed)).count();
    assert_eq!(ok, 10);
    // The next window starts afresh.
    assert!(w.hit(10 * S, 10, 10, Mode::Fixed));
}

#[test]
fn sliding_window_weights_the_previous_window() {
    let mut w = Window::default();
    let ok = (0..20).filter(|_| w.hit(S, 10, 10, Mode::Sliding)).count();
    assert_eq!(ok, 10);
    // 1 s into the next window, 90% of the previous 10 still count: 9 + 1 <= 10 fits once.
    assert!(w.hit(11 * S, 10, 10, Mode::Sliding));
    assert!(!w.hit(11 * S, 10, 10, Mode::Sliding));
    // Half-way, 5 of the previous window count plus 1 this window: 4 more fit.
    let ok = (0..10).filter(|_| w.hit(15 * S, 10, 10, Mode::Sliding)).count();
    assert_eq!(ok, 4);
    // Two windows on, nothing counts.
    let ok = (0..20).filter(|_| w.hit(40 * S, 10, 10, Mode::Sliding)).count();
    assert_eq!(ok, 10);
}

#[test]
fn tables_count_keys_and_namespaces_apart() {
    let t = SharedCounters::new(Mode::Sliding);
    let (a, b) = ("1001", "1002");
    let mut c = t.lock();
    assert_eq!((0..5).filter(|_| c.hit(a, "k", 3, 60, S)).count(), 3);
    assert_eq!((0..5).filter(|_| c.hit(a, "other", 3, 60, S)).count(), 3);
    assert_eq!((0..5).filter(|_| c.hit(b, "k", 3, 60, S)).count(), 3);
    assert_eq!((c.allowed, c.refused, c.len()), (9, 6, 3));
}

#[test]
fn registry_holds_tables_weakly() {
    let t = SharedCounters::new(Mode::Fixed);
    let id = t.id;
    assert!(SharedCounters::find(id).is_some());
    drop(t);
    assert!(SharedCounters::find(id).is_none());
}
