//! The thread CPU clock and the CPU budget that the interrupt handler enforces.
//!
//! This is the one clock the core reads: CPU time is a property of the work done, not of the
//! host's timeline, so the host cannot pass it in. The simulator adds what is measured here to
//! virtual latency.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;

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
}

impl Default for BudgetInner {
    fn default() -> Self {
        BudgetInner {
            deadline_ns: AtomicU64::new(u64::MAX),
            tripped: AtomicBool::new(false),
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

    /// Whether the last armed turn ran out of budget.
    pub fn tripped(&self) -> bool {
        self.inner.tripped.load(Ordering::Relaxed)
    }
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
}
