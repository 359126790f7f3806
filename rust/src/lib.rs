//! edgert's sans-I/O core.
//!
//! The engine never opens a socket, never sleeps and never reads the wall clock: the host passes
//! `now` in and receives operations to perform. The only clock read here is the thread CPU clock,
//! which the isolate uses to enforce and report CPU time (see `isolate::cpu`).
//!
//! `host/` is the exception by design: native host machinery beside the core (execution
//! threads and their watchdog) that reads the monotonic clock and owns threads, as the Python
//! hosts do; it drives the core through the same calls they make.
//!
//! `front/` is the other exception: the native HTTP/1.1 front of the edge server, a host that
//! opens sockets, runs its own I/O thread and reads clocks (see its module docs).
//!
//! The PyO3 bindings live in `py/` behind the `python` feature, so `cargo test` exercises the
//! engine without an interpreter.

pub mod bots;
pub mod cache;
pub mod d1;
pub mod durable;
pub mod front;
pub mod host;
pub mod http;
pub mod isolate;
pub mod jwt;
pub mod kv;
pub mod protocol;
pub mod ratelimit;
pub mod server;
pub mod sim;
pub mod transpile;
pub mod webcrypto;
pub mod worker;

#[cfg(feature = "python")]
mod py;
