//! A discrete-event queue in virtual time.
//!
//! Events are ordered by (time, sequence number): ties in time pop in scheduling order, so a run
//! is deterministic. Times are seconds as `f64` (the caller's virtual clock); an event scheduled
//! in the past runs "now". Cancelling is O(1): the event stays in the heap, marked, and is
//! skipped when it comes up. The queue never reads a clock: `pop_until` moves the queue's `now`
//! to the time of the event it returns.

use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};
use std::fmt;

/// A bad argument to the queue.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueError {
    /// A time that is not a finite number.
    BadTime(f64),
}

impl fmt::Display for QueueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            QueueError::BadTime(t) => write!(f, "event time must be a finite number, got {t}"),
        }
    }
}

impl std::error::Error for QueueError {}

struct Entry<T> {
    time: f64,
    seq: u64,
    item: T,
}

impl<T> PartialEq for Entry<T> {
    fn eq(&self, other: &Self) -> bool {
        self.seq == other.seq
    }
}

impl<T> Eq for Entry<T> {}

impl<T> PartialOrd for Entry<T> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl<T> Ord for Entry<T> {
    /// Reversed, so that `BinaryHeap` (a max-heap) pops the earliest event first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.time.total_cmp(&self.time).then_with(|| other.seq.cmp(&self.seq))
    }
}

/// Events carrying an item of type `T`, popped in (time, scheduling order).
pub struct EventQueue<T> {
    heap: BinaryHeap<Entry<T>>,
    pending: HashSet<u64>,
    next_seq: u64,
    now: f64,
}

impl<T> EventQueue<T> {
    /// An empty queue whose clock starts at `start`.
    pub fn new(start: f64) -> Result<Self, QueueError> {
        if !start.is_finite() {
            return Err(QueueError::BadTime(start));
        }
        Ok(EventQueue {
            heap: BinaryHeap::new(),
            pending: HashSet::new(),
            next_seq: 0,
            now: start,
        })
    }

    /// The time of the last event popped (or the start, or the last `until` reached).
    pub fn now(&self) -> f64 {
        self.now
    }

    /// Events scheduled and neither run nor cancelled.
    pub fn len(&self) -> usize {
        self.pending.len()
    }

    /// True when no event is pending.
    pub fn is_empty(&self) -> bool {
        self.pending.is_empty()
    }

    /// Schedules `item` at `when` (clamped to now); returns the event's id.
    pub fn schedule(&mut self, when: f64, item: T) -> Result<u64, QueueError> {
        if !when.is_finite() {
            return Err(QueueError::BadTime(when));
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        let time = if when > self.now { when } else { self.now };
        self.heap.push(Entry { time, seq, item });
        self.pending.insert(seq);
        Ok(seq)
    }

    /// Cancels a pending event; returns false if it already ran, was cancelled, or never was.
    pub fn cancel(&mut self, id: u64) -> bool {
        self.pending.remove(&id)
    }

    /// Pops the next pending event at or before `until` (any time when `None`) and moves the
    /// clock to it. Returns `None` when no such event is left; with an `until`, the clock then
    /// moves forward to `until`.
    pub fn pop_until(&mut self, until: Option<f64>) -> Option<(f64, T)> {
        while let Some(top) = self.heap.peek() {
            if !self.pending.contains(&top.seq) {
                self.heap.pop();
                continue;
            }
            if let Some(limit) = until {
                if top.time > limit {
                    if limit > self.now {
                        self.now = limit;
                    }
                    return None;
                }
            }
            let entry = self.heap.pop()?;
            self.pending.remove(&entry.seq);
            self.now = entry.time;
            return Some((entry.time, entry.item));
        }
        if let Some(limit) = until {
            if limit > self.now {
                self.now = limit;
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_then_scheduling_order() {
        let mut q = EventQueue::new(0.0).unwrap();
        q.schedule(2.0, "c").unwrap();
        q.schedule(1.0, "a").unwrap();
        q.schedule(1.0, "b").unwrap();
        assert_eq!(q.len(), 3);
        assert_eq!(q.pop_until(None), Some((1.0, "a")));
        assert_eq!(q.pop_until(None), Some((1.0, "b")));
        assert_eq!(q.now(), 1.0);
        assert_eq!(q.pop_until(None), Some((2.0, "c")));
        assert_eq!(q.pop_until(None), None);
        assert!(q.is_empty());
    }

    #[test]
    fn past_events_run_now_and_bad_times_are_errors() {
        let mut q = EventQueue::new(10.0).unwrap();
        q.schedule(5.0, 1).unwrap();
        assert_eq!(q.pop_until(None), Some((10.0, 1)));
        assert!(q.schedule(f64::NAN, 2).is_err());
        assert!(q.schedule(f64::INFINITY, 2).is_err());
        assert!(EventQueue::<u8>::new(f64::NAN).is_err());
    }

    #[test]
    fn cancelled_events_neither_run_nor_move_the_clock() {
        let mut q = EventQueue::new(0.0).unwrap();
        let a = q.schedule(1.0, 'a').unwrap();
        q.schedule(3.0, 'b').unwrap();
        assert!(q.cancel(a));
        assert!(!q.cancel(a));
        assert_eq!(q.len(), 1);
        assert_eq!(q.pop_until(Some(2.0)), None);
        assert_eq!(q.now(), 2.0);
        assert_eq!(q.pop_until(Some(2.5)), None);
        assert_eq!(q.pop_until(None), Some((3.0, 'b')));
        // Cancelling an event that already ran does nothing.
        assert!(!q.cancel(1));
        assert_eq!(q.pop_until(Some(1.0)), None);
        assert_eq!(q.now(), 3.0, "until in the past does not move the clock back");
    }
}
