//! The thread CPU clock and the CPU budget that the interrupt handler enforces.
//!
//! This is the one clock the core reads: CPU time is a property of the work done, not of the
//! host's timeline, so the host cannot pass it in. The simulator adds what is measured here to
//! virtual latency.

use std::cell::RefCell;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

thread_local! {
    /// The budget armed last on this thread: the turn that runs here. Natives that can tell
    /// before a call how much work it will do ask it (`armed_cannot_finish`).
    static ARMED: RefCell<Option<CpuBudget>> = const { RefCell::new(None) };
}

/// Nanoseconds of CPU time the calling thread has used.
pub fn thread_cpu_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `clock_gettime` writes one `timespec` through a valid, exclusive pointer to a local;
    // CLOCK_THREAD_CPUTIME_ID is supported on every Linux and macOS version we build for.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return 0;
    }
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}

/// A deadline on the thread CPU clock, shared with the isolate's interrupt handler.
///
/// `arm` sets the deadline before a turn of JavaScript; the handler trips once the thread's CPU
/// clock passes it; `disarm` lifts it. `u64::MAX` means "no deadline".
#[derive(Clone, Debug, Default)]
pub struct CpuBudget {
    inner: Arc<BudgetInner>,
}

#[derive(Debug)]
struct BudgetInner {
    deadline_ns: AtomicU64,
    tripped: AtomicBool,
    /// The isolate's heap limit (bytes): what bounds the work of a call on a dense array.
    heap_bytes: AtomicUsize,
}

impl Default for BudgetInner {
    fn default() -> Self {
        BudgetInner {
            deadline_ns: AtomicU64::new(u64::MAX),
            tripped: AtomicBool::new(false),
            heap_bytes: AtomicUsize::new(usize::MAX),
        }
    }
}

impl CpuBudget {
    pub fn new() -> Self {
        Self::default()
    }

    /// Allows `budget_ns` more CPU time to the current thread from now on.
    pub fn arm(&self, budget_ns: u64) {
        self.arm_from(thread_cpu_ns(), budget_ns);
    }

    /// Like `arm`, from a CPU clock reading the caller already took (saves a system call).
    pub fn arm_from(&self, now_cpu_ns: u64, budget_ns: u64) {
        ARMED.with(|armed| {
            let mut armed = armed.borrow_mut();
            if !armed.as_ref().is_some_and(|b| Arc::ptr_eq(&b.inner, &self.inner)) {
                *armed = Some(self.clone());
            }
        });
        self.inner.tripped.store(false, Ordering::Relaxed);
        self.inner
            .deadline_ns
            .store(now_cpu_ns.saturating_add(budget_ns), Ordering::Relaxed);
    }

    pub fn disarm(&self) {
        self.inner.deadline_ns.store(u64::MAX, Ordering::Relaxed);
    }

    /// Called by the interrupt handler: true once the deadline has passed (and stays true).
    pub fn should_interrupt(&self) -> bool {
        if self.inner.tripped.load(Ordering::Relaxed) {
            return true;
        }
        let deadline = self.inner.deadline_ns.load(Ordering::Relaxed);
        if deadline != u64::MAX && thread_cpu_ns() >= deadline {
            self.inner.tripped.store(true, Ordering::Relaxed);
            return true;
        }
        false
    }

    /// The isolate's heap limit, for `armed_heap_bytes`.
    pub fn set_heap_bytes(&self, bytes: usize) {
        self.inner.heap_bytes.store(bytes, Ordering::Relaxed);
    }

    /// Whether the last armed turn ran out of budget.
    pub fn tripped(&self) -> bool {
        self.inner.tripped.load(Ordering::Relaxed)
    }
}

/// Whether the turn armed on this thread cannot do `work_ns` more of CPU time within its budget.
/// If so its budget is tripped now: the turn ends as over its CPU limit, as it would once the
/// work had run past the deadline (natives call this with a lower bound of a call's cost).
pub fn armed_cannot_finish(work_ns: u64) -> bool {
    ARMED.with(|armed| {
        let armed = armed.borrow();
        let Some(budget) = armed.as_ref() else {
            return false;
        };
        let deadline = budget.inner.deadline_ns.load(Ordering::Relaxed);
        if deadline == u64::MAX || thread_cpu_ns().saturating_add(work_ns) < deadline {
            return false;
        }
        budget.inner.tripped.store(true, Ordering::Relaxed);
        true
    })
}

/// CPU time left to the turn armed on this thread (`u64::MAX` if none is armed, or it is
/// disarmed).
pub fn armed_remaining_ns() -> u64 {
    ARMED.with(|armed| {
        let armed = armed.borrow();
        let Some(budget) = armed.as_ref() else {
            return u64::MAX;
        };
        let deadline = budget.inner.deadline_ns.load(Ordering::Relaxed);
        if deadline == u64::MAX {
            return u64::MAX;
        }
        deadline.saturating_sub(thread_cpu_ns())
    })
}

/// The heap limit of the isolate whose turn was armed last on this thread (`usize::MAX` if none).
pub fn armed_heap_bytes() -> usize {
    ARMED.with(|armed| {
        armed
            .borrow()
            .as_ref()
            .map_or(usize::MAX, |b| b.inner.heap_bytes.load(Ordering::Relaxed))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_clock_advances_with_work() {
        let start = thread_cpu_ns();
        let mut x = 0u64;
        for i in 0..5_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        std::hint::black_box(x);
        assert!(thread_cpu_ns() > start);
    }

    #[test]
    fn budget_trips_after_deadline() {
        let b = CpuBudget::new();
        assert!(!b.should_interrupt());
        b.arm(0);
        assert!(b.should_interrupt());
        assert!(b.tripped());
        b.arm(u64::MAX / 2);
        assert!(!b.should_interrupt());
        b.disarm();
        assert!(!b.should_interrupt());
    }

    #[test]
    fn a_predicted_overrun_trips_the_budget_armed_on_this_thread() {
        let b = CpuBudget::new();
        b.set_heap_bytes(1 << 20);
        b.arm(1_000_000_000); // a second
        assert_eq!(armed_heap_bytes(), 1 << 20);
        assert!(!armed_cannot_finish(1_000)); // a microsecond fits
        assert!(!b.tripped());
        assert!(armed_cannot_finish(10_000_000_000)); // ten seconds do not
        assert!(b.tripped() && b.should_interrupt());
        b.disarm();
        assert!(!armed_cannot_finish(u64::MAX)); // no deadline: nothing is predicted
                                                 // Another thread has no armed budget.
        std::thread::spawn(|| assert!(!armed_cannot_finish(u64::MAX) && armed_heap_bytes() == usize::MAX))
            .join()
            .unwrap();
    }
}
