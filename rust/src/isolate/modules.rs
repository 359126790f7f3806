//! The built-in modules a worker may import: `cloudflare:workers` (the `DurableObject`,
//! `WorkerEntrypoint` and `RpcTarget` base classes) and `node:buffer` (also `buffer`, Workers'
//! nodejs_compat `Buffer`). Any other import fails to resolve.
//!
//! The module's source takes its exports from a function the isolate puts on the global object
//! only while the worker's module is being evaluated (see `Isolate::load`), so the prelude's
//! classes are reached without leaving a global behind.

use rquickjs::loader::{ImportAttributes, Loader, Resolver};
use rquickjs::module::Declared;
use rquickjs::{Ctx, Error, Exception, Module, Result};
use std::sync::OnceLock;

/// The global the isolate sets during module evaluation: `() => exports of cloudflare:workers`.
pub const HIDDEN_GLOBAL: &str = "__edgert_cloudflare_workers";

const CLOUDFLARE_WORKERS: &str = "cloudflare:workers";
const SOURCE: &str = "const m = globalThis.__edgert_cloudflare_workers();\n\
export const DurableObject = m.DurableObject;\n\
export const WorkerEntrypoint = m.WorkerEntrypoint;\n\
export const RpcTarget = m.RpcTarget;\n";
const NODE_BUFFER: &str = "node:buffer";
const BUFFER_SOURCE: &str = "const m = globalThis.__edgert_cloudflare_workers.buffer();\n\
export const Buffer = m.Buffer;\n\
export const kMaxLength = m.kMaxLength;\n\
export const constants = m.constants;\n\
export default m;\n";

/// The compiled bytecode of a built-in module (compiled once per process).
fn builtin<'js>(
    ctx: &Ctx<'js>,
    cell: &'static OnceLock<std::result::Result<Vec<u8>, String>>,
    name: &str,
    source: &str,
) -> Result<Module<'js, Declared>> {
    // Worker contexts cannot compile source (no eval): the module is compiled once per
    // process, in the compiler's full context, and read as bytecode.
    let bytes = cell
        .get_or_init(|| super::script::compile_module(name, source).map_err(|e| e.message))
        .as_ref()
        .map_err(|m| Exception::throw_internal(ctx, &format!("{name}: {m}")))?;
    // SAFETY: the bytecode was produced by `compile_module` in this process from the same
    // QuickJS build, so it is well-formed for JS_ReadObject.
    unsafe { Module::load(ctx.clone(), bytes) }
}

pub struct Builtins;

impl Resolver for Builtins {
    fn resolve<'js>(
        &mut self,
        _ctx: &Ctx<'js>,
        base: &str,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> Result<String> {
        if name == CLOUDFLARE_WORKERS {
            Ok(name.to_owned())
        } else if name == NODE_BUFFER || name == "buffer" {
            Ok(NODE_BUFFER.to_owned())
        } else {
            Err(Error::new_resolving(base, name))
        }
    }
}

impl Loader for Builtins {
    fn load<'js>(
        &mut self,
        ctx: &Ctx<'js>,
        name: &str,
        _attributes: Option<ImportAttributes<'js>>,
    ) -> Result<Module<'js, Declared>> {
        if name == CLOUDFLARE_WORKERS {
            static BYTECODE: OnceLock<std::result::Result<Vec<u8>, String>> = OnceLock::new();
            builtin(ctx, &BYTECODE, CLOUDFLARE_WORKERS, SOURCE)
        } else if name == NODE_BUFFER {
            static BYTECODE: OnceLock<std::result::Result<Vec<u8>, String>> = OnceLock::new();
            builtin(ctx, &BYTECODE, NODE_BUFFER, BUFFER_SOURCE)
        } else {
            Err(Error::new_loading(name))
        }
    }
}
