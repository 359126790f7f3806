//! The isolate's heap: QuickJS's allocations, with the isolate's memory limit enforced here
//! rather than by `JS_SetMemoryLimit`, so that every refusal is *seen*.
//!
//! QuickJS answers a refused allocation with an `InternalError: out of memory`, but near the
//! limit it cannot always allocate that error object either, and then throws whatever it can
//! (a worker sees `null`); a worker may also catch the error and carry on. Reading the thrown
//! value cannot tell an out-of-memory from a worker's own `throw null`. This allocator records
//! that it refused, which the isolate reads after each turn: one refusal and the turn ends as
//! `exceededMemory`, the isolate is replaced.
//!
//! The allocator also answers for the CPU budget where the interpreter cannot: QuickJS polls
//! its interrupt handler every 10 000 bytecodes, so a loop whose every iteration is one long
//! builtin (`for (;;) JSON.parse(text)`, `for (;;) s.normalize()`) ran for minutes past the
//! limit. Builtins that do much work allocate as they go; every `POLL_BYTES` allocated the
//! allocator looks at the budget, and once it has tripped it refuses large blocks (at least
//! `LARGE_BYTES`, above QuickJS's 4 KiB arenas: never the small ones the interpreter's
//! uncatchable interrupt error needs), so such a builtin fails at once and the interpreter's
//! next poll ends the turn (`exceededCpu`).
//! Those refusals are not out-of-memory ones.
//!
//! Accounting is by `malloc_usable_size` (what the C library really handed out) of the blocks
//! QuickJS asks the allocator for: its arenas of small objects and its large blocks. A request
//! that would take the total over the limit is refused before reaching `malloc`.

use super::cpu::CpuBudget;
use rquickjs::allocator::Allocator;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;

#[derive(Debug)]
struct HeapInner {
    limit: usize,
    used: AtomicUsize,
    refused: AtomicBool,
}

/// What the isolate keeps of its heap: the limit, the bytes in use, whether a request was refused.
#[derive(Clone, Debug)]
pub struct Heap(Arc<HeapInner>);

impl Heap {
    /// A heap of at most `limit` bytes (0: no limit).
    pub fn new(limit: usize) -> Heap {
        Heap(Arc::new(HeapInner {
            limit: if limit == 0 { usize::MAX } else { limit },
            used: AtomicUsize::new(0),
            refused: AtomicBool::new(false),
        }))
    }

    /// The allocator to give `rquickjs::Runtime::new_with_alloc`, answering for `budget` too.
    pub fn allocator(&self, budget: CpuBudget) -> LimitedAllocator {
        LimitedAllocator {
            heap: self.0.clone(),
            budget,
            since_poll: 0,
        }
    }

    /// Whether an allocation was refused for the limit since the heap was made.
    pub fn refused(&self) -> bool {
        self.0.refused.load(Ordering::Relaxed)
    }

    /// Bytes the allocator has handed out and not had back.
    #[cfg(test)]
    pub fn used(&self) -> usize {
        self.0.used.load(Ordering::Relaxed)
    }
}

/// Bytes allocated between two looks at the CPU budget.
const POLL_BYTES: usize = 1 << 20;
/// Smallest block refused once the CPU budget has tripped.
const LARGE_BYTES: usize = 8 << 10;

/// The QuickJS allocator of one runtime (see the module documentation).
pub struct LimitedAllocator {
    heap: Arc<HeapInner>,
    budget: CpuBudget,
    since_poll: usize,
}

/// The bytes `malloc` made usable at `ptr`.
///
/// # Safety
/// `ptr` came from this C library's `malloc`, `calloc` or `realloc` and was not freed.
unsafe fn usable(ptr: *mut u8) -> usize {
    // SAFETY: per the contract.
    unsafe {
        #[cfg(target_vendor = "apple")]
        {
            libc::malloc_size(ptr.cast())
        }
        #[cfg(not(target_vendor = "apple"))]
        {
            libc::malloc_usable_size(ptr.cast())
        }
    }
}

impl LimitedAllocator {
    /// Whether `more` bytes may be allocated, `less` being about to be released.
    fn fits(&mut self, more: usize, less: usize) -> bool {
        self.since_poll = self.since_poll.saturating_add(more);
        let tripped = if self.since_poll >= POLL_BYTES {
            self.since_poll = 0;
            self.budget.should_interrupt()
        } else {
            self.budget.tripped()
        };
        if tripped && more >= LARGE_BYTES {
            return false;
        }
        let used = self.heap.used.load(Ordering::Relaxed).saturating_sub(less);
        if used.checked_add(more).is_some_and(|total| total <= self.heap.limit) {
            return true;
        }
        self.heap.refused.store(true, Ordering::Relaxed);
        false
    }

    fn account(&self, ptr: *mut u8, released: usize) -> *mut u8 {
        if !ptr.is_null() {
            // SAFETY: `ptr` was just returned by the C library's allocator.
            let size = unsafe { usable(ptr) };
            let used = self.heap.used.load(Ordering::Relaxed);
            self.heap
                .used
                .store(used.saturating_sub(released).saturating_add(size), Ordering::Relaxed);
        }
        ptr
    }
}

// SAFETY: every block comes from the C library's allocator, which aligns to at least 16 bytes
// (more than `usize`) and reports the usable size of each block; a refusal returns null, as
// `malloc` does when it fails, which QuickJS handles.
unsafe impl Allocator for LimitedAllocator {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        if !self.fits(size, 0) {
            return std::ptr::null_mut();
        }
        // SAFETY: plain `malloc`; the block is accounted and handed to QuickJS.
        self.account(unsafe { libc::malloc(size.max(1)) }.cast(), 0)
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        let Some(total) = count.checked_mul(size) else {
            return std::ptr::null_mut();
        };
        if !self.fits(total, 0) {
            return std::ptr::null_mut();
        }
        // SAFETY: plain `calloc` of a size that does not overflow.
        self.account(unsafe { libc::calloc(total.max(1), 1) }.cast(), 0)
    }

    unsafe fn dealloc(&mut self, ptr: *mut u8) {
        // SAFETY: QuickJS frees only blocks this allocator gave it, once.
        unsafe {
            let size = usable(ptr);
            let used = self.heap.used.load(Ordering::Relaxed);
            self.heap.used.store(used.saturating_sub(size), Ordering::Relaxed);
            libc::free(ptr.cast());
        }
    }

    unsafe fn realloc(&mut self, ptr: *mut u8, new_size: usize) -> *mut u8 {
        if ptr.is_null() {
            return self.alloc(new_size);
        }
        // SAFETY: `ptr` is a live block of this allocator (the trait's contract); on failure
        // `realloc` leaves it untouched, as QuickJS expects.
        unsafe {
            let old = usable(ptr);
            if new_size > old && !self.fits(new_size, old) {
                return std::ptr::null_mut();
            }
            let new = libc::realloc(ptr.cast(), new_size.max(1)).cast::<u8>();
            if new.is_null() {
                return new;
            }
            self.account(new, old)
        }
    }

    unsafe fn usable_size(ptr: *mut u8) -> usize {
        // SAFETY: QuickJS asks only about blocks this allocator gave it.
        unsafe { usable(ptr) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_past_the_limit_and_remembers() {
        let heap = Heap::new(1 << 20);
        let mut a = heap.allocator(CpuBudget::new());
        let p = a.alloc(1000);
        assert!(!p.is_null() && heap.used() >= 1000);
        assert!(!heap.refused());
        assert!(a.alloc(2 << 20).is_null());
        assert!(heap.refused());
        // SAFETY: `p` came from `a` and is freed once; a failed realloc leaves it valid.
        unsafe {
            assert!(a.realloc(p, 4 << 20).is_null());
            let q = a.realloc(p, 2000);
            assert!(!q.is_null());
            a.dealloc(q);
        }
        assert_eq!(heap.used(), 0);
    }

    #[test]
    fn a_runtime_out_of_memory_is_recorded() {
        let heap = Heap::new(4 << 20);
        let rt = rquickjs::Runtime::new_with_alloc(heap.allocator(CpuBudget::new())).unwrap();
        let ctx = rquickjs::Context::full(&rt).unwrap();
        ctx.with(|ctx| {
            let r: rquickjs::Result<()> = ctx.eval("let a = []; for (;;) a.push('x'.repeat(1 << 16) + a.length);");
            assert!(r.is_err());
        });
        assert!(heap.refused());
    }

    #[test]
    fn a_tripped_budget_refuses_large_blocks_only() {
        let heap = Heap::new(0);
        let budget = CpuBudget::new();
        let mut a = heap.allocator(budget.clone());
        budget.arm(0);
        assert!(budget.should_interrupt());
        assert!(a.alloc(LARGE_BYTES).is_null());
        let small = a.alloc(256);
        assert!(!small.is_null());
        // SAFETY: `small` came from `a`, freed once.
        unsafe { a.dealloc(small) };
        assert!(!heap.refused(), "a CPU refusal is not an out-of-memory");
        budget.arm(u64::MAX / 2);
        let big = a.alloc(LARGE_BYTES);
        assert!(!big.is_null());
        // SAFETY: as above.
        unsafe { a.dealloc(big) };
    }
}
