//! A worker script compiled once to QuickJS bytecode; isolates are created from the bytecode.
//!
//! Two formats: an ES module (`export default { fetch }`, detected by `import`/`export`
//! statements) and a classic service-worker script (`addEventListener("fetch", ...)`).

use rquickjs::{qjs, Context, Ctx, Module, Runtime, WriteOptions};
use std::ffi::CString;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScriptKind {
    Module,
    ServiceWorker,
}

/// A compiled worker version.
#[derive(Debug)]
pub struct Script {
    pub name: String,
    pub kind: ScriptKind,
    pub bytecode: Vec<u8>,
    pub source_len: usize,
    /// The other modules of a multi-file worker (`module_set::compile_graph`); `None` for a
    /// one-file worker, whose imports can only name built-in modules.
    pub modules: Option<std::sync::Arc<super::module_set::ModuleSet>>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompileError {
    pub message: String,
}

impl std::fmt::Display for CompileError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for CompileError {}

/// Whether the source reads as an ES module: an `export` keyword (followed by a declaration,
/// `default`, `{` or `*`) anywhere, or a line starting with a static `import`. A false positive
/// only means a service-worker script is evaluated in module (strict) mode.
fn looks_like_module(source: &str) -> bool {
    let bytes = source.as_bytes();
    let is_ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b == b'.';
    for (i, _) in source.match_indices("export") {
        if i > 0 && is_ident(bytes[i - 1]) {
            continue;
        }
        let rest = source[i + 6..].trim_start();
        if rest.len() == source.len() - i - 6 && !rest.starts_with(['{', '*']) {
            continue; // no whitespace after "export" and not `export{`/`export*`
        }
        if rest.starts_with(['{', '*'])
            || ["default", "const", "let", "var", "function", "class", "async"]
                .iter()
                .any(|k| rest.starts_with(k))
        {
            return true;
        }
    }
    source.lines().any(|line| {
        let t = line.trim_start();
        (t.starts_with("import ") || t.starts_with("import{")) && !t.starts_with("import(")
    })
}

pub fn compile(name: &str, source: &str) -> Result<Script, CompileError> {
    let kind = if looks_like_module(source) {
        ScriptKind::Module
    } else {
        ScriptKind::ServiceWorker
    };
    let bytecode = match kind {
        ScriptKind::Module => compile_module(name, source)?,
        ScriptKind::ServiceWorker => compile_global(name, source, false)?,
    };
    Ok(Script {
        name: name.to_owned(),
        kind,
        bytecode,
        source_len: source.len(),
        modules: None,
    })
}

fn with_compiler<R>(f: impl FnOnce(&Ctx<'_>) -> Result<R, CompileError>) -> Result<R, CompileError> {
    with_compiler_linking(super::modules::Builtins, super::modules::Builtins, f)
}

/// A compiler whose module imports resolve and load through `resolver` and `loader` (QuickJS
/// loads a module's static imports while compiling it).
pub(crate) fn with_compiler_linking<R>(
    resolver: impl rquickjs::loader::Resolver + 'static,
    loader: impl rquickjs::loader::Loader + 'static,
    f: impl FnOnce(&Ctx<'_>) -> Result<R, CompileError>,
) -> Result<R, CompileError> {
    let rt = Runtime::new().map_err(|e| CompileError {
        message: format!("cannot create compiler: {e}"),
    })?;
    // QuickJS resolves a module's imports when compiling it.
    rt.set_loader(resolver, loader);
    let ctx = Context::full(&rt).map_err(|e| CompileError {
        message: format!("cannot create compiler: {e}"),
    })?;
    ctx.with(|ctx| f(&ctx))
}

pub(crate) fn exception_message(ctx: &Ctx<'_>, err: rquickjs::Error) -> CompileError {
    if let rquickjs::Error::Exception = err {
        let exc = ctx.catch();
        let message = crate::isolate::errors::describe(ctx, &exc);
        return CompileError { message };
    }
    CompileError {
        message: err.to_string(),
    }
}

pub(crate) fn compile_module(name: &str, source: &str) -> Result<Vec<u8>, CompileError> {
    with_compiler(|ctx| {
        let module = Module::declare(ctx.clone(), name, source).map_err(|e| exception_message(ctx, e))?;
        module
            .write(WriteOptions {
                strip_source: true,
                ..Default::default()
            })
            .map_err(|e| exception_message(ctx, e))
    })
}

/// Compiles a classic script to bytecode (rquickjs only offers this for modules).
/// `strip_debug` also drops line numbers (for the prelude, whose stack frames users need not see).
pub(crate) fn compile_global(name: &str, source: &str, strip_debug: bool) -> Result<Vec<u8>, CompileError> {
    let src = CString::new(source).map_err(|_| CompileError {
        message: "script contains a NUL byte".into(),
    })?;
    let file = CString::new(name).map_err(|_| CompileError {
        message: "name contains a NUL byte".into(),
    })?;
    with_compiler(|ctx| {
        let raw = ctx.as_raw().as_ptr();
        let flags = (qjs::JS_EVAL_TYPE_GLOBAL | qjs::JS_EVAL_FLAG_COMPILE_ONLY) as i32;
        // SAFETY: `raw` is the live context of this closure; `src` and `file` are NUL-terminated
        // and outlive the call; `source.len()` is the length of `src` without its terminator.
        let func = unsafe { qjs::JS_Eval(raw, src.as_ptr(), source.len() as _, file.as_ptr(), flags) };
        // SAFETY: JS_Eval returns an owned value; checking its tag reads no memory.
        if unsafe { qjs::JS_IsException(func) } {
            let exc = ctx.catch();
            return Err(CompileError {
                message: crate::isolate::errors::describe(ctx, &exc),
            });
        }
        let mut len: usize = 0;
        // SAFETY: `func` is the compiled function object owned by us; JS_WriteObject returns a
        // buffer allocated by the context's allocator (or NULL), which we copy and free below;
        // finally we release our reference to `func` exactly once.
        unsafe {
            let mut flags = qjs::JS_WRITE_OBJ_BYTECODE | qjs::JS_WRITE_OBJ_STRIP_SOURCE;
            if strip_debug {
                flags |= qjs::JS_WRITE_OBJ_STRIP_DEBUG;
            }
            let buf = qjs::JS_WriteObject(raw, &mut len as *mut usize as *mut _, func, flags as i32);
            let out = if buf.is_null() {
                None
            } else {
                Some(std::slice::from_raw_parts(buf, len).to_vec())
            };
            if !buf.is_null() {
                qjs::js_free(raw, buf as *mut _);
            }
            qjs::JS_FreeValue(raw, func);
            out.ok_or_else(|| CompileError {
                message: "could not serialize bytecode".into(),
            })
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats() {
        assert!(looks_like_module("export default { fetch() {} }"));
        assert!(looks_like_module("import x from 'y'\nexport default x"));
        assert!(!looks_like_module(
            "addEventListener('fetch', e => e.respondWith(new Response('x')))"
        ));
        assert!(!looks_like_module("const m = import('x')"));
        assert!(looks_like_module("let n = 0; export default { fetch() {} }"));
        assert!(!looks_like_module("const exported = 1; obj.export = 2;"));
    }

    #[test]
    fn compiles_both_formats_and_reports_syntax_errors() {
        let m = compile("a.js", "export default { fetch() { return 1 } }").unwrap();
        assert_eq!(m.kind, ScriptKind::Module);
        assert!(!m.bytecode.is_empty());
        let s = compile("b.js", "addEventListener('fetch', () => {})").unwrap();
        assert_eq!(s.kind, ScriptKind::ServiceWorker);
        let err = compile("c.js", "export default { fetch( }").unwrap_err();
        assert!(err.message.contains("SyntaxError"), "{}", err.message);
    }
}

#[cfg(test)]
mod import_tests {
    #[test]
    fn compiles_a_module_that_imports_cloudflare_workers() {
        let m = super::compile("a.js", "import { DurableObject } from 'cloudflare:workers';\nexport class C extends DurableObject {}\nexport default { fetch() {} }");
        assert!(m.is_ok(), "{:?}", m.err());
    }
}
