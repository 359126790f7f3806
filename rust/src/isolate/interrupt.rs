//! How native code that may run long (the engine fast paths) polls the isolate's CPU budget,
//! and ends the turn the way QuickJS's interpreter does when its interrupt handler says stop.
//!
//! The interpreter asks the runtime's interrupt handler every 10 000 ticks of bytecode, and
//! the regexp matcher every few thousand backtracking steps (`lre_check_timeout`); a native
//! function runs no bytecode, so without polling itself it could run past any deadline. The
//! fast paths count their work in *units* (a byte searched or copied, a value written) and
//! ask the same handler, through the same `lre_check_timeout` the regexp matcher calls, every
//! `POLL_UNITS`. When it says stop they throw what the interpreter throws: an uncatchable
//! `InternalError: interrupted`, so no `catch` in the worker runs and the turn ends with the
//! budget tripped (outcome `exceededCpu`).

use rquickjs::qjs;
use std::cell::Cell;
use std::ffi::{c_int, c_void};

extern "C" {
    /// QuickJS's poll of the runtime's interrupt handler for the regexp matcher (`quickjs.c`,
    /// declared in `libregexp.h`): non-zero when the handler asks to stop. `opaque` is the
    /// context.
    fn lre_check_timeout(opaque: *mut c_void) -> c_int;
}

/// Units of work between two polls: ~1 MiB of bytes searched or copied, well under a
/// millisecond; a poll reads the thread CPU clock (a system call, ~0.2-1 us).
pub const POLL_UNITS: usize = 1 << 20;

thread_local! {
    /// Units left before the next poll, on this thread. It outlives each native call, so a
    /// loop of short calls (each under `POLL_UNITS`) polls as often as one long call: the
    /// interpreter's own poll counts bytecodes, not the work of the natives between them.
    static LEFT: Cell<usize> = const { Cell::new(POLL_UNITS) };
}

/// Counts a native function's work and polls the interrupt handler every `POLL_UNITS`.
pub struct Poll {
    ctx: *mut qjs::JSContext,
}

/// The turn must end: the uncatchable interrupt exception is pending.
#[derive(Debug)]
pub struct Interrupted;

impl Poll {
    /// # Safety
    /// `ctx` is a live context, used by the calling thread for as long as the `Poll` lives.
    pub unsafe fn new(ctx: *mut qjs::JSContext) -> Poll {
        Poll { ctx }
    }

    /// Counts `units` of work; past `POLL_UNITS` since the last poll, asks the interrupt
    /// handler, and when it says stop throws the interrupt and returns `Interrupted`.
    pub fn tick(&mut self, units: usize) -> Result<(), Interrupted> {
        let left = LEFT.with(Cell::get);
        if units < left {
            LEFT.with(|l| l.set(left - units));
            return Ok(());
        }
        LEFT.with(|l| l.set(POLL_UNITS));
        // SAFETY: `ctx` is live and ours (the contract of `new`); the handler is the
        // isolate's own (`CpuBudget::should_interrupt`), which runs no JavaScript.
        if unsafe { lre_check_timeout(self.ctx.cast()) } != 0 {
            // SAFETY: as above.
            unsafe { throw_interrupted(self.ctx) };
            return Err(Interrupted);
        }
        Ok(())
    }
}

/// Throws the interpreter's interrupt: `InternalError: interrupted`, uncatchable.
///
/// # Safety
/// `ctx` is a live context.
pub unsafe fn throw_interrupted(ctx: *mut qjs::JSContext) {
    // SAFETY: per the contract; the format has no conversion, the exception value is taken
    // back from the context, marked and thrown again (ownership moves back to the context).
    unsafe {
        qjs::JS_ThrowInternalError(ctx, c"interrupted".as_ptr());
        let error = qjs::JS_GetException(ctx);
        qjs::JS_SetUncatchableError(ctx, error);
        qjs::JS_Throw(ctx, error);
    }
}

/// Ends the turn from a native function whose CPU budget was tripped (`cpu::armed_cannot_finish`):
/// throws the uncatchable interrupt and returns the error the native returns with it.
pub fn end_turn(ctx: &rquickjs::Ctx<'_>) -> rquickjs::Error {
    // SAFETY: `ctx` is a live context used by this thread for the duration of the call.
    unsafe { throw_interrupted(ctx.as_raw().as_ptr()) };
    rquickjs::Error::Exception
}

/// Ends the turn (as `end_turn`) when what is left of its CPU budget cannot cover `work_ns`,
/// a lower bound of the call a native is about to make (`cpu::armed_cannot_finish`): the call
/// would have ended past the deadline; it ends before it runs instead. No work (a call with no
/// lower bound) reads no clock.
pub fn afford(ctx: &rquickjs::Ctx<'_>, work_ns: u64) -> rquickjs::Result<()> {
    if work_ns > 0 && super::cpu::armed_cannot_finish(work_ns) {
        return Err(end_turn(ctx));
    }
    Ok(())
}

/// Counts `units` of work a native function is about to do on its input (bytes hashed, copied
/// or parsed), as `Poll::tick` does, for natives that neither poll while they work nor
/// allocate from the isolate's heap in proportion (a digest of 32 MiB returns 32 bytes: a
/// `for (;;) await crypto.subtle.digest(...)` loop would otherwise be polled only by the
/// interpreter, once per 10 000 ticks, i.e. after thousands of calls). `Err(Exception)` with
/// the uncatchable interrupt pending when the turn must end: the work is not done.
pub fn charge(ctx: &rquickjs::Ctx<'_>, units: usize) -> rquickjs::Result<()> {
    // SAFETY: `ctx` is a live context used by this thread for the duration of the call.
    let mut poll = unsafe { Poll::new(ctx.as_raw().as_ptr()) };
    poll.tick(units).map_err(|Interrupted| rquickjs::Error::Exception)
}

/// A copy of a Uint8Array's bytes, charged to the CPU budget first (`charge`): the input of a
/// native that works on all of it and returns far less (a digest, a signature check, a
/// compressed stream). A TypeError for a detached buffer.
pub fn charged_bytes<'js>(ctx: &rquickjs::Ctx<'js>, v: &rquickjs::Value<'js>) -> rquickjs::Result<Vec<u8>> {
    let arr = rquickjs::TypedArray::<u8>::from_value(v.clone())?;
    charge(ctx, arr.len())?;
    // SAFETY: the slice is copied before any JavaScript can run again.
    let copied = unsafe { arr.as_bytes() }.map(<[u8]>::to_vec);
    copied.ok_or_else(|| rquickjs::Exception::throw_type(ctx, "detached buffer"))
}
