//! Discrete-event simulation support: the event queue `edgert simulate` measures its event loop
//! with (sans-I/O: times are passed in, nothing sleeps or reads a clock).

pub mod queue;

pub use queue::{EventQueue, QueueError};
