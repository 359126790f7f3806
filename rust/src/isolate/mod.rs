//! QuickJS isolates: the sandbox a worker runs in, its limits and its Web APIs.

pub mod cpu;
mod errors;
mod isolate;
mod limits;
mod native;
mod prelude;
mod script;
mod state;
mod webapi_native;

pub use isolate::{Isolate, IsolateSpec, StartupError};
pub use limits::Limits;
pub use script::{compile, CompileError, Script, ScriptKind};
pub use state::OpIds;
