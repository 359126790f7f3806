//! The built-in modules a worker may import: `cloudflare:workers` (the `DurableObject`,
//! `WorkerEntrypoint` and `RpcTarget` base classes). Any other import fails to resolve.
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
            // Worker contexts cannot compile source (no eval): the module is compiled once per
            // process, in the compiler's full context, and read as bytecode.
            static BYTECODE: OnceLock<std::result::Result<Vec<u8>, String>> = OnceLock::new();
            let bytes = BYTECODE
                .get_or_init(|| super::script::compile_module(CLOUDFLARE_WORKERS, SOURCE).map_err(|e| e.message))
                .as_ref()
                .map_err(|m| Exception::throw_internal(ctx, &format!("cloudflare:workers: {m}")))?;
            // SAFETY: the bytecode was produced by `compile_module` in this process from the same
            // QuickJS build, so it is well-formed for JS_ReadObject.
            unsafe { Module::load(ctx.clone(), bytes) }
        } else {
            Err(Error::new_loading(name))
        }
    }
}
