//! The Web API prelude: JavaScript sources in `webapi/`, compiled once per process to bytecode
//! and evaluated in every new isolate.
//!
//! The prelude is one function `(native) => api`: it defines the globals (Request, Response,
//! Headers, URL, fetch, timers, console...) over the native object, and returns the entry
//! points the isolate calls (`init`, `setExports`, `makeResponse`).

use rquickjs::{qjs, Ctx, Function, Value};
use std::sync::OnceLock;

/// The prelude's sources, in evaluation order.
const SOURCES: &[(&str, &str)] = &[
    ("core.js", include_str!("webapi/core.js")),
    ("events.js", include_str!("webapi/events.js")),
    ("encoding.js", include_str!("webapi/encoding.js")),
    ("url.js", include_str!("webapi/url.js")),
    ("headers.js", include_str!("webapi/headers.js")),
    ("streams.js", include_str!("webapi/streams.js")),
    ("body.js", include_str!("webapi/body.js")),
    ("request.js", include_str!("webapi/request.js")),
    ("response.js", include_str!("webapi/response.js")),
    ("fetch.js", include_str!("webapi/fetch.js")),
    ("clone.js", include_str!("webapi/clone.js")),
    ("crypto.js", include_str!("webapi/crypto.js")),
    ("dispatch.js", include_str!("webapi/dispatch.js")),
];

fn source() -> String {
    let mut s = String::from("(function (native) {\n'use strict';\nconst api = {};\n");
    for (name, src) in SOURCES {
        s.push_str(&format!("// ---- {name}\n"));
        s.push_str(src);
        s.push('\n');
    }
    s.push_str("return api;\n})");
    s
}

static BYTECODE: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();

fn bytecode() -> Result<&'static [u8], String> {
    BYTECODE
        .get_or_init(|| super::script::compile_global("edgert:prelude", &source(), true).map_err(|e| e.message))
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// Evaluates the prelude and returns its setup function.
pub fn evaluate<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Function<'js>> {
    let bytes = bytecode().map_err(|m| rquickjs::Exception::throw_internal(ctx, &format!("prelude: {m}")))?;
    let value = eval_global_bytecode(ctx, bytes)?;
    Function::from_value(value)
}

/// Reads and runs bytecode of a classic script, returning its completion value.
pub fn eval_global_bytecode<'js>(ctx: &Ctx<'js>, bytes: &[u8]) -> rquickjs::Result<Value<'js>> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `bytes` was produced by `JS_WriteObject` in this process (see `compile_global`), so
    // it is well-formed bytecode for this QuickJS build; `raw` is the live context of `ctx`.
    // JS_EvalFunction takes ownership of the function object read; its result is owned by us and
    // handed to `Value::from_raw`, which takes ownership once.
    unsafe {
        let func = qjs::JS_ReadObject(raw, bytes.as_ptr(), bytes.len() as _, qjs::JS_READ_OBJ_BYTECODE as i32);
        if qjs::JS_IsException(func) {
            return Err(rquickjs::Error::Exception);
        }
        let result = qjs::JS_EvalFunction(raw, func);
        if qjs::JS_IsException(result) {
            return Err(rquickjs::Error::Exception);
        }
        Ok(Value::from_raw(ctx.clone(), result))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn prelude_compiles() {
        super::bytecode().unwrap();
    }
}
