//! Native host machinery beside the sans-I/O core: execution threads and their watchdog.
//!
//! Unlike the rest of the crate, this module reads the monotonic clock and owns threads: it
//! is a *host* of the core (as the Python hosts are), not part of it. The core's rule stands:
//! nothing under `isolate/`, `worker/`, `cache/`, `kv/` or `jwt/` reads a clock or sleeps; the
//! executor passes the host's `now` into every call it makes.
//!
//! - `Executor`: a pool of execution threads that run the core's calls (`begin`, `complete`,
//!   `abort`) off the caller's thread, so an event loop never runs JavaScript itself.
//! - `Channel`: where finished calls wait for the thread that submitted them (one per event
//!   loop), with a socket that becomes readable when there is something to take.
//! - the watchdog (in `executor`): a call that has not come back within its wall limit is
//!   answered at once, its isolate condemned, its thread abandoned and replaced.

// The clock and thread rules of `clippy.toml` keep the *core* sans-I/O; this module is a host.
#![allow(clippy::disallowed_methods)]

mod channel;
mod executor;

pub use channel::{Channel, Done, Reply};
pub use executor::{Call, Executor, ExecutorStats};
