//! QuickJS isolates: the sandbox a worker runs in, its limits and its Web APIs.

mod cache_native;
mod compression_native;
pub mod cpu;
mod d1_native;
mod durable_native;
mod encoding_native;
mod errors;
mod form_native;
mod heap;
mod interrupt;
mod intrinsics;
mod json_stringify;
mod kv_native;
mod lazy_globals;
mod limits;
mod module_set;
mod modules;
mod native;
mod prelude;
mod promise_fast;
mod ratelimit_native;
mod regexp_replace;
mod rewriter_native;
mod runtime;
mod script;
mod state;
mod string_search;
mod subtle_native;
mod text_search;
mod webapi_native;
mod websocket_native;

pub use limits::Limits;
pub use module_set::{compile_graph, ModuleBody, ModuleSet, ModuleSource};
pub use runtime::{Isolate, IsolateSpec, Prewarmed, StartupError};
pub use script::{compile, CompileError, Script, ScriptKind};
pub use state::OpIds;
