//! A client's request rate at one PoP: requests in the last window (10 s), estimated from two
//! fixed windows, the previous one weighted by how much of it the sliding window still
//! overlaps (as the rate-limiting counters do).
//!
//! Theory of operation. Per `(PoP, client key)` three numbers: the index of the current fixed
//! window, its count, and the previous window's count. A hit in a later window moves the
//! current count to "previous" when the windows are adjacent (else drops it) and starts
//! again; then counts itself. The window index is Python's `float(int(now // window))`
//! (CPython's floor division, below): the model's scores were first defined in Python, and
//! the simulator's published figures depend on these exact floats.

use std::collections::HashMap;

use parking_lot::Mutex;

/// Keys remembered before the table starts again.
const MAX_KEYS: usize = 200_000;

pub struct RateTracker {
    window_s: f64,
    counts: Mutex<HashMap<(String, String), [f64; 3]>>,
}

/// CPython's `float.__floordiv__` (`_float_div_mod` in `floatobject.c`).
fn floor_div(vx: f64, wx: f64) -> f64 {
    let modulo = vx % wx; // fmod
    let mut div = (vx - modulo) / wx;
    if modulo != 0.0 && ((wx < 0.0) != (modulo < 0.0)) {
        div -= 1.0;
    }
    if div != 0.0 {
        let mut floordiv = div.floor();
        if div - floordiv > 0.5 {
            floordiv += 1.0;
        }
        floordiv
    } else {
        0.0f64.copysign(vx / wx)
    }
}

impl RateTracker {
    pub fn new(window_s: f64) -> Self {
        RateTracker {
            window_s,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one request of `key` at `pop` at `now` (seconds); returns the estimated number
    /// of requests in the last window, this one included.
    pub fn hit(&self, pop: &str, key: &str, now: f64) -> f64 {
        let w = self.window_s;
        let index = floor_div(now, w).trunc(); // float(int(now // window))
        let mut counts = self.counts.lock();
        let k = (pop.to_owned(), key.to_owned());
        if !counts.contains_key(&k) && counts.len() >= MAX_KEYS {
            counts.clear();
        }
        let c = counts.entry(k).or_insert([index, 0.0, 0.0]);
        if c[0] != index {
            c[2] = if index == c[0] + 1.0 { c[1] } else { 0.0 };
            c[1] = 0.0;
            c[0] = index;
        }
        c[1] += 1.0;
        let elapsed = (now - index * w) / w;
        c[2] * (1.0 - elapsed) + c[1]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_windows() {
        let r = RateTracker::new(10.0);
        assert_eq!(r.hit("NRT", "a", 1.0), 1.0);
        assert_eq!(r.hit("NRT", "a", 2.0), 2.0);
        assert_eq!(r.hit("FRA", "a", 2.0), 1.0); // each PoP counts on its own
                                                 // 15 s: the previous window (2 hits) overlaps half of the last 10 s.
        assert_eq!(r.hit("NRT", "a", 15.0), 2.0 * 0.5 + 1.0);
        assert_eq!(r.hit("NRT", "a", 45.0), 1.0); // windows not adjacent: forgotten
        assert_eq!(floor_div(-1.0, 10.0), -1.0);
        assert_eq!(floor_div(25.0, 10.0), 2.0);
    }
}
