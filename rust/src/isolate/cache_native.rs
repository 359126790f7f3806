//! The native side of the Workers Cache API (`caches.default`, `caches.open(name)`) and of
//! outbound `fetch` through the PoP's cache (`cf: { cacheTtl, cacheEverything, cacheKey,
//! cacheTtlByStatus }`).
//!
//! Theory of operation. The isolate's `HostState` holds a `SharedCache` (the PoP's, or a private
//! one when the worker was given none). Everything the cache can answer is answered here, inside
//! the turn, at the turn's host time: `match`/`put`/`delete` never reach the host, and a fresh
//! hit of an outbound GET comes back as the response's parts (the prelude wraps them in a
//! resolved `Response`). What the cache cannot answer becomes an ordinary `Fetch` operation,
//! parked as `CachedFetch` with the client's request and options remembered in `cache_ops`; its
//! completion goes through `HttpCache::store` (see `Isolate::complete`) before the worker sees
//! it. A stale-while-revalidate hit is served at once and its revalidation is a background
//! operation the task waits for like a `waitUntil`.

use super::native::{body_bytes, headers_from_flat, park, Shared};
use super::state::{CacheOp, ParkedKind};
use crate::cache::{options_from_cf_json, CacheOptions, HttpCache, Lookup, SharedCache};
use crate::http::{Request, Response};
use crate::protocol::OpKind;
use rquickjs::function::Opt;
use rquickjs::{Array, Ctx, Exception, Function, IntoJs, Object, Result, TypedArray, Value};

/// A response the prelude turns into a `Response`: `[status, statusText, flatHeaders, body]`.
fn parts<'js>(ctx: &Ctx<'js>, response: &Response) -> Result<Value<'js>> {
    let out = Array::new(ctx.clone())?;
    out.set(0, response.status)?;
    out.set(1, response.status_text.as_str())?;
    let flat = Array::new(ctx.clone())?;
    let mut i = 0;
    for (name, value) in response.headers.iter() {
        flat.set(i, name)?;
        flat.set(i + 1, value)?;
        i += 2;
    }
    out.set(2, flat)?;
    out.set(3, TypedArray::<u8>::new_copy(ctx.clone(), response.body.as_bytes())?)?;
    Ok(out.into_value())
}

fn cache_of<'a>(storage: &'a mut crate::cache::CacheStorage, name: &Option<String>) -> &'a mut HttpCache {
    match name {
        Some(name) => storage.open(name),
        None => storage.default_cache(),
    }
}

fn caches(state: &Shared) -> (SharedCache, u64) {
    let st = state.lock();
    (st.caches.clone(), st.now_ns)
}

fn request_of<'js>(ctx: &Ctx<'js>, method: String, url: String, headers: Vec<String>) -> Result<Request> {
    Ok(Request {
        method,
        url,
        headers: headers_from_flat(ctx, headers)?,
        body: crate::http::Body::none(),
    })
}

/// `native.fetch`: through the cache when the worker has a PoP cache, else a plain operation.
/// Returns a promise (an operation) or the parts of a response served now.
pub fn fetch<'js>(ctx: &Ctx<'js>, state: &Shared, request: Request, cf_json: Option<String>) -> Result<Value<'js>> {
    let (cache, now_ns, through) = {
        let mut st = state.lock();
        let limit = st.subrequest_limit;
        let task = st.current_task;
        if let Some(t) = st.tasks.get_mut(&task) {
            if t.subrequests >= limit {
                drop(st);
                return Err(Exception::throw_message(ctx, "Too many subrequests."));
            }
            t.subrequests += 1;
        }
        (st.caches.clone(), st.now_ns, st.fetch_through_cache)
    };
    if !through {
        let (_, promise) = park(ctx, state, OpKind::Fetch(request), ParkedKind::Fetch)?;
        return Ok(promise.into_value());
    }
    let options = match cf_json {
        Some(json) => options_from_cf_json(&json).map_err(|e| Exception::throw_type(ctx, &e))?,
        None => CacheOptions::default(),
    };
    let lookup = cache.lock().default_cache().lookup(&request, &options, now_ns);
    let origin = match lookup {
        Lookup::Hit(hit) => return parts(ctx, &hit.response(&request)),
        Lookup::Unavailable { response } => return parts(ctx, &response),
        Lookup::Stale { hit, revalidation } => {
            let response = hit.response(&request);
            let (id, _unobserved) = park(ctx, state, OpKind::Fetch(revalidation), ParkedKind::CachedFetch)?;
            let mut st = state.lock();
            let task = st.current_task;
            if let Some(t) = st.tasks.get_mut(&task) {
                t.wait_until_pending += 1;
            }
            st.cache_ops.insert(
                id,
                CacheOp {
                    request,
                    options,
                    sent_ns: now_ns,
                    background: true,
                },
            );
            return parts(ctx, &response);
        }
        Lookup::Revalidate { request: origin }
        | Lookup::Miss { request: origin }
        | Lookup::Bypass { request: origin, .. } => origin,
    };
    let (id, promise) = park(ctx, state, OpKind::Fetch(origin), ParkedKind::CachedFetch)?;
    state.lock().cache_ops.insert(
        id,
        CacheOp {
            request,
            options,
            sent_ns: now_ns,
            background: false,
        },
    );
    Ok(promise.into_value())
}

/// Adds `cacheMatch`, `cachePut`, `cacheDelete` to the native object. `name` is null for
/// `caches.default`.
pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>, state: &Shared) -> Result<()> {
    let s = state.clone();
    n.set(
        "cacheMatch",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  name: Option<String>,
                  method: String,
                  url: String,
                  headers: Vec<String>,
                  ignore_method: Opt<bool>| {
                let request = request_of(&ctx, method, url, headers)?;
                let (cache, now_ns) = caches(&s);
                let found = cache_of(&mut cache.lock(), &name).match_request(
                    &request,
                    ignore_method.0.unwrap_or(false),
                    now_ns,
                );
                match found {
                    Some(response) => parts(&ctx, &response),
                    None => Ok(Value::new_undefined(ctx.clone())),
                }
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "cachePut",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  name: Option<String>,
                  url: String,
                  request_headers: Vec<String>,
                  status: u16,
                  response_headers: Vec<String>,
                  body: Value<'js>| {
                // The prelude rejects non-GET requests before reading the body (as Workers does).
                let request = request_of(&ctx, "GET".into(), url, request_headers)?;
                let response = Response {
                    status,
                    status_text: String::new(),
                    headers: headers_from_flat(&ctx, response_headers)?,
                    body: body_bytes(&ctx, &body)?,
                };
                let (cache, now_ns) = caches(&s);
                let stored = cache_of(&mut cache.lock(), &name).put(&request, response, now_ns);
                stored
                    .map_err(|e| Exception::throw_type(&ctx, &e.to_string()))?
                    .into_js(&ctx)
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "cacheDelete",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, name: Option<String>, method: String, url: String, ignore_method: Opt<bool>| {
                let request = request_of(&ctx, method, url, Vec::new())?;
                let (cache, _) = caches(&s);
                let deleted = cache_of(&mut cache.lock(), &name).delete(&request, ignore_method.0.unwrap_or(false));
                Ok::<_, rquickjs::Error>(deleted)
            },
        )?,
    )?;
    Ok(())
}
