//! The globals of the lazy Web API modules (`URL`, `console`, `setTimeout`...): accessors
//! defined natively, so that a new isolate does not pay for JavaScript closures it may never
//! call.
//!
//! Each global is an accessor property of the global object (non-enumerable, configurable,
//! as the prelude's own globals are) whose getter and setter are one small native function
//! object: read with no argument it loads the global's module through the prelude's
//! `lazyLoad(name)` (the module then replaces the accessor with a data property via
//! `defineGlobal`) and returns the new value; called with a value (an assignment) it defines the
//! global as a plain data property holding that value, as assigning a data global does.
//! One native function per global costs ~1 k instructions to create, against ~7 k for the
//! JavaScript getter/setter pair it replaces.

use rquickjs::{qjs, Ctx, Function};
use std::ffi::{c_int, CString};

/// `(module, global)` in the order they are defined. A module must define every global listed
/// for it (with `defineGlobal`) when it loads.
const LAZY_GLOBALS: &[(&str, &str)] = &[
    ("console", "console"),
    ("crypto", "crypto"),
    ("crypto", "Crypto"),
    ("events", "Event"),
    ("events", "CustomEvent"),
    ("events", "EventTarget"),
    ("events", "AbortSignal"),
    ("events", "AbortController"),
    ("events", "addEventListener"),
    ("events", "removeEventListener"),
    ("events", "dispatchEvent"),
    ("encoding", "TextEncoder"),
    ("encoding", "TextDecoder"),
    ("url", "URL"),
    ("url", "URLSearchParams"),
    ("streams", "ReadableStream"),
    ("streams", "ReadableStreamDefaultReader"),
    ("streams", "WritableStream"),
    ("streams", "TransformStream"),
    ("streams", "ReadableStreamBYOBReader"),
    ("streams", "ReadableStreamBYOBRequest"),
    ("streams", "ReadableStreamDefaultController"),
    ("streams", "ReadableByteStreamController"),
    ("streams", "WritableStreamDefaultWriter"),
    ("streams", "WritableStreamDefaultController"),
    ("streams", "TransformStreamDefaultController"),
    ("streams", "ByteLengthQueuingStrategy"),
    ("streams", "CountQueuingStrategy"),
    ("streams", "IdentityTransformStream"),
    ("streams", "FixedLengthStream"),
    ("textstreams", "TextDecoderStream"),
    ("textstreams", "TextEncoderStream"),
    ("blob", "Blob"),
    ("blob", "File"),
    ("formdata", "FormData"),
    ("scheduled", "ScheduledController"),
    ("scheduled", "ScheduledEvent"),
    ("htmlrewriter", "HTMLRewriter"),
    ("compression", "CompressionStream"),
    ("compression", "DecompressionStream"),
    ("clone", "structuredClone"),
    ("fetchevent", "FetchEvent"),
    ("cache", "caches"),
    ("cache", "Cache"),
    ("cache", "CacheStorage"),
    ("subtle", "CryptoKey"),
    ("subtle", "SubtleCrypto"),
    ("timers", "setTimeout"),
    ("timers", "setInterval"),
    ("timers", "clearTimeout"),
    ("timers", "clearInterval"),
    ("timers", "scheduler"),
    ("websocket", "WebSocket"),
    ("websocket", "WebSocketPair"),
    ("websocket", "WebSocketRequestResponsePair"),
    ("messaging", "MessageEvent"),
    ("messaging", "MessageChannel"),
    ("messaging", "MessagePort"),
    ("websocket", "CloseEvent"),
    ("websocket", "ErrorEvent"),
];

fn new_atom(ctx: *mut qjs::JSContext, name: &str) -> qjs::JSAtom {
    // SAFETY: `ctx` is a live context (callers hold it); the pointer and length describe `name`,
    // which JS_NewAtomLen copies.
    unsafe { qjs::JS_NewAtomLen(ctx, name.as_ptr().cast(), name.len() as _) }
}

/// Throws an InternalError with `message` in `ctx` and returns the exception marker.
///
/// # Safety
/// `ctx` must be a live context.
unsafe fn throw_internal(ctx: *mut qjs::JSContext, message: &str) -> qjs::JSValue {
    let text = CString::new(message.replace('\0', " ")).unwrap_or_default();
    // SAFETY: "%s" with one NUL-terminated string argument that outlives the call.
    unsafe { qjs::JS_ThrowInternalError(ctx, c"%s".as_ptr(), text.as_ptr()) }
}

/// The getter and setter of every lazy global: `magic` indexes `LAZY_GLOBALS`, `data[0]` is
/// the prelude's `lazyLoad`.
///
/// # Safety
/// QuickJS calls it with a live context, `argc` valid values at `argv`, and the one data value
/// given to `JS_NewCFunctionData` at `data`.
unsafe extern "C" fn lazy_global(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    magic: c_int,
    data: *mut qjs::JSValue,
) -> qjs::JSValue {
    let Some(&(module, name)) = usize::try_from(magic).ok().and_then(|i| LAZY_GLOBALS.get(i)) else {
        // SAFETY: `ctx` is live (see the function's contract).
        return unsafe { throw_internal(ctx, "unknown lazy global") };
    };
    // SAFETY: per the contract above, `ctx` is live, `argv` holds `argc` values and `data` one;
    // every value we create (global object, atom, strings, call results) is freed exactly once
    // below, and values handed to JS_DefinePropertyValue are duplicated first because it takes
    // ownership of them.
    unsafe {
        let global = qjs::JS_GetGlobalObject(ctx);
        let atom = new_atom(ctx, name);
        let result = if argc >= 1 {
            // An assignment: the global becomes a data property holding the value.
            let value = qjs::JS_DupValue(ctx, *argv);
            let flags = (qjs::JS_PROP_CONFIGURABLE | qjs::JS_PROP_WRITABLE) as c_int;
            if qjs::JS_DefinePropertyValue(ctx, global, atom, value, flags) < 0 {
                qjs::JS_EXCEPTION
            } else {
                qjs::JS_UNDEFINED
            }
        } else {
            let mut module_name = qjs::JS_NewStringLen(ctx, module.as_ptr().cast(), module.len() as _);
            let loaded = if qjs::JS_IsException(module_name) {
                module_name
            } else {
                let r = qjs::JS_Call(ctx, *data, qjs::JS_UNDEFINED, 1, &mut module_name);
                qjs::JS_FreeValue(ctx, module_name);
                r
            };
            if qjs::JS_IsException(loaded) {
                loaded
            } else {
                qjs::JS_FreeValue(ctx, loaded);
                let mut desc = qjs::JSPropertyDescriptor {
                    flags: 0,
                    value: qjs::JS_UNDEFINED,
                    getter: qjs::JS_UNDEFINED,
                    setter: qjs::JS_UNDEFINED,
                };
                let found = qjs::JS_GetOwnProperty(ctx, &mut desc, global, atom);
                if found > 0 {
                    qjs::JS_FreeValue(ctx, desc.value);
                    qjs::JS_FreeValue(ctx, desc.getter);
                    qjs::JS_FreeValue(ctx, desc.setter);
                }
                if found < 0 {
                    qjs::JS_EXCEPTION
                } else if found > 0 && desc.flags & qjs::JS_PROP_GETSET as c_int != 0 {
                    // Still this accessor: reading it again would recurse.
                    throw_internal(ctx, &format!("prelude module {module} did not define {name}"))
                } else {
                    qjs::JS_GetProperty(ctx, global, atom)
                }
            }
        };
        qjs::JS_FreeAtom(ctx, atom);
        qjs::JS_FreeValue(ctx, global);
        result
    }
}

/// Defines every lazy global on the global object; `load` is the prelude's `lazyLoad(name)`.
pub fn install<'js>(ctx: &Ctx<'js>, load: Function<'js>) -> rquickjs::Result<()> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `raw` is the live context of `ctx`; `load` stays alive for the call (the function
    // objects keep their own reference to it via JS_NewCFunctionData's copy of `data`). Each
    // new function is handed to JS_DefinePropertyGetSet twice (getter and setter), which takes
    // ownership of both, so it is duplicated once; the global object and atoms are freed once.
    unsafe {
        let global = qjs::JS_GetGlobalObject(raw);
        let mut data = load.as_raw();
        let flags = qjs::JS_PROP_CONFIGURABLE as c_int;
        let mut failed = false;
        for (i, (_, name)) in LAZY_GLOBALS.iter().enumerate() {
            let f = qjs::JS_NewCFunctionData(raw, Some(lazy_global), 1, i as c_int, 1, &mut data);
            if qjs::JS_IsException(f) {
                failed = true;
                break;
            }
            let atom = new_atom(raw, name);
            let ok = qjs::JS_DefinePropertyGetSet(raw, global, atom, qjs::JS_DupValue(raw, f), f, flags);
            qjs::JS_FreeAtom(raw, atom);
            if ok < 0 {
                failed = true;
                break;
            }
        }
        qjs::JS_FreeValue(raw, global);
        if failed {
            return Err(rquickjs::Error::Exception);
        }
    }
    Ok(())
}
