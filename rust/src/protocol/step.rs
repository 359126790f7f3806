//! A step: what changed for one task after the core ran.

use super::{Operation, Stats, TaskId};
use crate::http::Response;

#[derive(Clone, Debug)]
pub struct Step {
    pub task: TaskId,
    /// The response, the one time it becomes available.
    pub response: Option<Response>,
    /// Operations the host must now perform.
    pub ops: Vec<Operation>,
    /// True once the response was given and all `waitUntil` work has settled.
    pub done: bool,
    /// Present with the response, and again (final) when the task is done.
    pub stats: Option<Stats>,
}
