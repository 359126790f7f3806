//! The Web API prelude: JavaScript sources in `webapi/`, compiled once per process to bytecode.
//!
//! The eager part is one function `(native) => api` evaluated in every new isolate: it defines
//! the globals every request needs (Request, Response, Headers, fetch, timers...) and
//! returns the entry points the isolate calls (`init`, `setExports`, `makeResponse`). The lazy
//! modules (`webapi/lazy/`: URL, streams, events, encoding, Blob, structuredClone, FetchEvent,
//! the Cache API, crypto, crypto.subtle, console, timers, KV namespaces, Durable Objects, FormData, cron
//! triggers, HTMLRewriter, compression streams) are separate bytecode, read only when a worker first touches one of their globals, so a cold
//! isolate pays only for what it uses.

use rquickjs::{qjs, Ctx, Function, Value};
use std::sync::OnceLock;

/// The eager sources, in evaluation order.
const EAGER: &[(&str, &str)] = &[
    ("core.js", include_str!("webapi/core.js")),
    ("headers.js", include_str!("webapi/headers.js")),
    ("body.js", include_str!("webapi/body.js")),
    ("request.js", include_str!("webapi/request.js")),
    ("response.js", include_str!("webapi/response.js")),
    ("fetch.js", include_str!("webapi/fetch.js")),
    ("dispatch.js", include_str!("webapi/dispatch.js")),
];

/// The lazy modules: each a function body that returns its exports.
const LAZY: &[(&str, &str)] = &[
    ("events", include_str!("webapi/lazy/events.js")),
    ("encoding", include_str!("webapi/lazy/encoding.js")),
    ("url", include_str!("webapi/lazy/url.js")),
    (
        "streams",
        // One file per concept, concatenated into one scope (see streams/common.js).
        concat!(
            include_str!("webapi/lazy/streams/common.js"),
            "\n",
            include_str!("webapi/lazy/streams/queuing.js"),
            "\n",
            include_str!("webapi/lazy/streams/readable.js"),
            "\n",
            include_str!("webapi/lazy/streams/byte_stream.js"),
            "\n",
            include_str!("webapi/lazy/streams/tee.js"),
            "\n",
            include_str!("webapi/lazy/streams/from.js"),
            "\n",
            include_str!("webapi/lazy/streams/iterator.js"),
            "\n",
            include_str!("webapi/lazy/streams/writable.js"),
            "\n",
            include_str!("webapi/lazy/streams/transform.js"),
            "\n",
            include_str!("webapi/lazy/streams/identity.js"),
            "\n",
            include_str!("webapi/lazy/streams/pipe.js"),
            "\n",
            include_str!("webapi/lazy/streams/exports.js"),
            "\n",
        ),
    ),
    ("blob", include_str!("webapi/lazy/blob.js")),
    ("clone", include_str!("webapi/lazy/clone.js")),
    ("fetchevent", include_str!("webapi/lazy/fetchevent.js")),
    ("cache", include_str!("webapi/lazy/cache.js")),
    ("subtle", include_str!("webapi/lazy/subtle.js")),
    ("durable", include_str!("webapi/lazy/durable.js")),
    ("kv", include_str!("webapi/lazy/kv.js")),
    ("ratelimit", include_str!("webapi/lazy/ratelimit.js")),
    ("d1", include_str!("webapi/lazy/d1.js")),
    ("console", include_str!("webapi/lazy/console.js")),
    ("crypto", include_str!("webapi/lazy/crypto.js")),
    ("formdata", include_str!("webapi/lazy/formdata.js")),
    ("scheduled", include_str!("webapi/lazy/scheduled.js")),
    ("htmlrewriter", include_str!("webapi/lazy/htmlrewriter.js")),
    ("compression", include_str!("webapi/lazy/compression.js")),
    ("buffer", include_str!("webapi/lazy/buffer.js")),
    ("timers", include_str!("webapi/lazy/timers.js")),
    ("textstreams", include_str!("webapi/lazy/textstreams.js")),
    ("mime", include_str!("webapi/lazy/mime.js")),
    ("fetchinit", include_str!("webapi/lazy/fetchinit.js")),
    ("websocket", include_str!("webapi/lazy/websocket.js")),
    ("messaging", include_str!("webapi/lazy/messaging.js")),
    // Loaded by `subtle` when their algorithms are first used (docs/webcrypto.md).
    ("subtle_generic", include_str!("webapi/lazy/subtle_generic.js")),
    ("subtle_ec", include_str!("webapi/lazy/subtle_ec.js")),
];

/// The names a lazy module may use from the prelude (see `internals` in `dispatch.js`).
const INTERNALS: &str =
    "native, defineGlobal, kInternal, kSym, toUSV, isObject, lazyLoad, lazyLoaded, utf8, fromUtf8, asBytes, RealDate, inspect";

fn eager_source() -> String {
    let mut s = String::from("(function (native) {\n'use strict';\nconst api = {};\n");
    for (name, src) in EAGER {
        s.push_str(&format!("// ---- {name}\n{src}\n"));
    }
    s.push_str("return api;\n})");
    s
}

fn lazy_source(src: &str) -> String {
    format!("(function (internals) {{\n'use strict';\nconst {{ {INTERNALS} }} = internals;\n{src}\n}})")
}

type Compiled = Result<Vec<u8>, String>;

static EAGER_BYTECODE: OnceLock<Compiled> = OnceLock::new();
static LAZY_BYTECODE: [OnceLock<Compiled>; LAZY.len()] = [const { OnceLock::new() }; LAZY.len()];

fn compiled(
    cell: &'static OnceLock<Compiled>,
    name: &str,
    source: impl FnOnce() -> String,
) -> Result<&'static [u8], String> {
    cell.get_or_init(|| super::script::compile_global(name, &source(), true).map_err(|e| e.message))
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// Evaluates the eager prelude and returns its setup function.
pub fn evaluate<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Function<'js>> {
    let bytes = compiled(&EAGER_BYTECODE, "edgert:prelude", eager_source)
        .map_err(|m| rquickjs::Exception::throw_internal(ctx, &format!("prelude: {m}")))?;
    Function::from_value(eval_global_bytecode(ctx, bytes)?)
}

/// Reads a lazy module and returns its function `(internals) => exports`.
pub fn lazy_module<'js>(ctx: &Ctx<'js>, name: &str) -> rquickjs::Result<Function<'js>> {
    let Some(index) = LAZY.iter().position(|(n, _)| *n == name) else {
        return Err(rquickjs::Exception::throw_internal(
            ctx,
            &format!("no prelude module {name:?}"),
        ));
    };
    let src = LAZY[index].1;
    let bytes = compiled(&LAZY_BYTECODE[index], name, || lazy_source(src))
        .map_err(|m| rquickjs::Exception::throw_internal(ctx, &format!("prelude module {name}: {m}")))?;
    Function::from_value(eval_global_bytecode(ctx, bytes)?)
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
    use super::*;

    #[test]
    fn prelude_and_every_lazy_module_compile() {
        compiled(&EAGER_BYTECODE, "edgert:prelude", eager_source).unwrap();
        for (i, (name, src)) in LAZY.iter().enumerate() {
            compiled(&LAZY_BYTECODE[i], name, || lazy_source(src)).unwrap_or_else(|e| panic!("{name}: {e}"));
        }
        assert_eq!(LAZY.len(), LAZY_BYTECODE.len());
    }
}
