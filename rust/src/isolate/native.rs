//! The native functions the Web API prelude is built on.
//!
//! They are installed as one object, handed to the prelude and then removed from the global
//! scope, so a worker cannot call them directly. Each reads or writes the isolate's `HostState`
//! (see `state.rs`) and never blocks.

use super::errors::{describe, is_out_of_memory};
use super::state::{HostState, JsFn, Parked, ParkedKind, Settled};
use super::webapi_native as web;
use crate::http::{Body, Headers, Request};
use crate::protocol::{LogLevel, OpKind, Operation, Outcome, TaskId};
use parking_lot::Mutex;
use rquickjs::function::Opt;
use rquickjs::{Array, Ctx, Exception, Function, Object, Promise, Result, TypedArray, Value};
use std::sync::Arc;

pub type Shared = Arc<Mutex<HostState>>;

/// Bytes of a body value given by the prelude: a string, a Uint8Array, or null/undefined.
pub fn body_bytes<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<Body> {
    if value.is_null() || value.is_undefined() {
        return Ok(Body::none());
    }
    if let Some(s) = value.as_string() {
        return Ok(Body::from_bytes(s.to_string()?.into_bytes()));
    }
    if let Ok(arr) = TypedArray::<u8>::from_value(value.clone()) {
        // SAFETY: the slice is copied into the Body before any JavaScript can run again.
        let bytes = unsafe { arr.as_bytes() }.map(Body::from_bytes);
        return bytes.ok_or_else(|| Exception::throw_type(ctx, "detached buffer"));
    }
    Err(Exception::throw_type(ctx, "body must be a string or a Uint8Array"))
}

pub(super) fn headers_from_flat<'js>(ctx: &Ctx<'js>, flat: Vec<String>) -> Result<Headers> {
    let mut headers = Headers::with_capacity(flat.len() / 2);
    for pair in flat.chunks_exact(2) {
        headers
            .append(&pair[0], &pair[1])
            .map_err(|e| Exception::throw_type(ctx, &e.to_string()))?;
    }
    Ok(headers)
}

pub(super) fn park<'js>(
    ctx: &Ctx<'js>,
    state: &Shared,
    kind: OpKind,
    parked: ParkedKind,
) -> Result<(u64, Promise<'js>)> {
    let (promise, resolve, reject) = ctx.promise()?;
    let mut st = state.lock();
    let id = st.op_ids.next();
    let task = st.current_task;
    st.parked.insert(
        id,
        Parked {
            task,
            resolve: JsFn::save(ctx, resolve),
            reject: JsFn::save(ctx, reject),
            kind: parked,
        },
    );
    st.new_ops.push(Operation { id, task, kind });
    if let Some(t) = st.tasks.get_mut(&task) {
        t.ops += 1;
    }
    Ok((id, promise))
}

fn task_id(v: f64) -> TaskId {
    v as TaskId
}

/// Builds the native object.
pub fn install<'js>(ctx: &Ctx<'js>, state: &Shared) -> Result<Object<'js>> {
    let n = Object::new(ctx.clone())?;
    n.set("fulfilledOr", super::promise_fast::function(ctx)?)?;

    let s = state.clone();
    n.set("now", Function::new(ctx.clone(), move || s.lock().now_ms)?)?;

    let s = state.clone();
    n.set(
        "log",
        Function::new(ctx.clone(), move |level: String, message: String| {
            s.lock().log(LogLevel::parse(&level), message);
        })?,
    )?;

    let s = state.clone();
    n.set(
        "fetch",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  method: String,
                  url: String,
                  headers: Vec<String>,
                  body: Value<'js>,
                  cf_json: Opt<Option<String>>| {
                let headers = headers_from_flat(&ctx, headers)?;
                let body = body_bytes(&ctx, &body)?;
                let request = Request {
                    method,
                    url,
                    headers,
                    body,
                };
                super::cache_native::fetch(&ctx, &s, request, cf_json.0.flatten())
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "timer",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, delay_ms: f64| {
            let delay = if delay_ms.is_finite() && delay_ms > 0.0 {
                delay_ms
            } else {
                0.0
            };
            let now_ms = s.lock().now_ms;
            let at_ns = ((now_ms + delay) * 1e6).max(0.0) as u64;
            let (id, promise) = park(&ctx, &s, OpKind::Timer { at_ns }, ParkedKind::Timer)?;
            let out = Array::new(ctx.clone())?;
            out.set(0, id as f64)?;
            out.set(1, promise)?;
            Ok::<_, rquickjs::Error>(out)
        })?,
    )?;

    let s = state.clone();
    n.set(
        "cancel",
        Function::new(ctx.clone(), move |id: f64| {
            s.lock().parked.remove(&(id as u64));
        })?,
    )?;

    let s = state.clone();
    n.set(
        "binding",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, binding: String, method: String, args: String| {
                park(&ctx, &s, OpKind::Binding { binding, method, args }, ParkedKind::Binding).map(|(_, p)| p)
            },
        )?,
    )?;

    // `settle(task, status, statusText, headers, body)`: the arguments are read in place
    // (`settle.rs`), without rquickjs's conversion of each string to a Rust `String` first.
    let s = state.clone();
    n.set(
        "settle",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  task: f64,
                  status: u16,
                  status_text: Value<'js>,
                  headers: Value<'js>,
                  body: Value<'js>| {
                let response = super::settle::response(&ctx, status, &status_text, &headers, &body)?;
                let mut st = s.lock();
                if let Some(t) = st.tasks.get_mut(&task_id(task)) {
                    t.settled.get_or_insert(Settled::Response(response));
                }
                Ok::<_, rquickjs::Error>(())
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "fail",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, task: f64, kind: String, error: Value<'js>| {
                let error = describe(&ctx, &error);
                let outcome = if is_out_of_memory(&error) {
                    Outcome::ExceededMemory
                } else if kind == "invalid" {
                    Outcome::InvalidResponse
                } else {
                    Outcome::Exception
                };
                let mut st = s.lock();
                if outcome == Outcome::ExceededMemory {
                    st.out_of_memory = true;
                }
                if let Some(t) = st.tasks.get_mut(&task_id(task)) {
                    t.settled.get_or_insert(Settled::Failed { outcome, error });
                }
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "waitUntilStart",
        Function::new(ctx.clone(), move |task: f64| {
            if let Some(t) = s.lock().tasks.get_mut(&task_id(task)) {
                t.wait_until_pending += 1;
            }
        })?,
    )?;

    let s = state.clone();
    n.set(
        "waitUntilEnd",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, task: f64, error: Opt<Value<'js>>| {
            let error = error.0.filter(|e| !e.is_undefined()).map(|e| describe(&ctx, &e));
            let mut st = s.lock();
            if error.as_deref().is_some_and(is_out_of_memory) {
                st.out_of_memory = true;
            }
            if let Some(t) = st.tasks.get_mut(&task_id(task)) {
                t.wait_until_pending = t.wait_until_pending.saturating_sub(1);
                if let Some(e) = error {
                    t.wait_until_errors.push(e);
                }
            }
        })?,
    )?;

    let s = state.clone();
    n.set("random", Function::new(ctx.clone(), move || s.lock().random_f64())?)?;

    let s = state.clone();
    n.set(
        "randomBytes",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, len: usize| {
            let mut buf = vec![0u8; len.min(1 << 16)];
            s.lock().fill_random(&mut buf);
            TypedArray::<u8>::new(ctx, buf)
        })?,
    )?;

    let s = state.clone();
    n.set(
        "rejection",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, reason: Value<'js>| {
            let text = describe(&ctx, &reason);
            let mut st = s.lock();
            if is_out_of_memory(&text) {
                st.out_of_memory = true;
            }
            st.log(LogLevel::Error, format!("Uncaught (in promise) {text}"));
        })?,
    )?;

    n.set(
        "lazyGlobals",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, load: Function<'js>| {
            super::lazy_globals::install(&ctx, load)
        })?,
    )?;

    // `loadModule(name, native)`: the natives only one lazy module calls (the Cache API, KV,
    // crypto.subtle, Durable Objects, HTMLRewriter, compression streams, FormData, TextDecoder's encodings) are added to the native object when that module loads,
    // so a new isolate does not create ~30 functions its worker may never reach.
    let s = state.clone();
    n.set(
        "loadModule",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, name: String, native: Object<'js>| {
            match name.as_str() {
                "cache" => super::cache_native::install(&ctx, &native, &s)?,
                "kv" => super::kv_native::install(&ctx, &native, &s)?,
                "ratelimit" => super::ratelimit_native::install(&ctx, &native, &s)?,
                "d1" => super::d1_native::install(&ctx, &native, &s)?,
                "subtle" => super::subtle_native::install(&ctx, &native, &s)?,
                "durable" => super::durable_native::install(&ctx, &native, &s)?,
                "htmlrewriter" => super::rewriter_native::install(&ctx, &native)?,
                "compression" => super::compression_native::install(&ctx, &native)?,
                "formdata" => super::form_native::install(&ctx, &native)?,
                "encoding" => super::encoding_native::install(&ctx, &native)?,
                "fetchinit" => super::headers_native::install_lazy(&ctx, &native)?,
                "websocket" => super::websocket_native::install(&ctx, &native, &s)?,
                _ => {}
            }
            super::prelude::lazy_module(&ctx, &name)
        })?,
    )?;

    web::install(ctx, &n)?;
    Ok(n)
}
