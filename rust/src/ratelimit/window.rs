//! One key's counter: Cloudflare's sliding-window approximation over fixed windows.
//!
//! Theory of operation. Time is cut into fixed windows of `period` seconds (window `i` covers
//! `[i * period, (i + 1) * period)`). A counter keeps the number of calls let through in the
//! current window and in the one before it. At time `t`, `f` the fraction of the current window
//! already elapsed, the rate is estimated as `previous * (1 - f) + current`: the previous
//! window's calls are assumed to have been spread evenly over it, so the part of them that falls
//! inside the sliding window `(t - period, t]` is `previous * (1 - f)`. A call succeeds when the
//! estimate plus itself does not exceed `limit`; only successful calls are counted, so a client
//! that keeps calling while refused is let through again as soon as the estimate drops (the
//! refused calls do not prolong the block). When `t` moves into a later window the counts roll:
//! one window on, `current` becomes `previous`; two or more, both are zero.

/// A counter of one key.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Window {
    /// Index of the current window (`t / period`).
    index: u64,
    current: u32,
    previous: u32,
}

/// How windows are counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// The sliding-window estimate (the default, as Cloudflare's rate limiting counts).
    Sliding,
    /// Plain fixed windows: at most `limit` calls per window (the previous window is ignored).
    Fixed,
}

impl Window {
    /// Counts one call at `now_ns` if it fits under `limit` per `period_s`; returns whether it did.
    pub fn hit(&mut self, now_ns: u64, limit: u32, period_s: u32, mode: Mode) -> bool {
        let period_ns = u64::from(period_s.max(1)) * 1_000_000_000;
        let index = now_ns / period_ns;
        if index != self.index {
            self.previous = if index == self.index + 1 { self.current } else { 0 };
            self.current = 0;
            self.index = index;
        }
        let fits = match mode {
            Mode::Fixed => self.current < limit,
            Mode::Sliding => {
                let elapsed = (now_ns - index * period_ns) as f64 / period_ns as f64;
                let estimate = f64::from(self.previous) * (1.0 - elapsed) + f64::from(self.current);
                estimate + 1.0 <= f64::from(limit)
            }
        };
        if fits {
            self.current += 1;
        }
        fits
    }

    /// Whether this counter can no longer affect any call at or after `now_ns`.
    pub fn expired(&self, now_ns: u64, period_s: u32) -> bool {
        let period_ns = u64::from(period_s.max(1)) * 1_000_000_000;
        now_ns / period_ns > self.index + 1
    }
}
