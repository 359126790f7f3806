//! The native side of KV bindings: `env.NAME.get/getWithMetadata/put/delete/list`.
//!
//! Theory of operation. A read looks the key up in the PoP's replica (`HostState::kv`) at the
//! turn's host time; a hit is converted to the JavaScript value right here and returned, so the
//! worker's promise resolves without an operation and nothing crosses into the host. A miss
//! parks a `Kv` operation (`get`) whose answer, when the host completes it, first fills the
//! replica (negative answers included) and then settles the promise. Writes (`put`, `delete`)
//! are checked against the limits here, then always go to the host's central store; once it
//! accepted one, the writing PoP's replica takes the new value at once. `list` always goes to
//! the central store (Workers does not cache lists per key either). Every read is recorded on
//! its task (hit or miss, the version returned) for the host's staleness accounting.

use super::native::{body_bytes, park, Shared};
use super::state::Parked;
use super::state::ParkedKind;
use crate::kv::{limits, KvError, KvValue, Lookup};
use crate::protocol::{KvReadStat, OpId, OpKind, OpResult};
use rquickjs::function::{Constructor, Opt};
use rquickjs::{Array, ArrayBuffer, Ctx, Exception, Function, Object, Result, TypedArray, Value};
use std::sync::Arc;

/// What a read returns: `get(key, type)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ValueType {
    Text,
    Json,
    ArrayBuffer,
    /// Bytes the prelude wraps in a `ReadableStream`.
    Stream,
}

impl ValueType {
    fn from_code(code: u32) -> ValueType {
        match code {
            1 => ValueType::Json,
            2 => ValueType::ArrayBuffer,
            3 => ValueType::Stream,
            _ => ValueType::Text,
        }
    }
}

/// A KV call waiting for the host, by operation id.
#[derive(Debug)]
pub enum KvPending {
    Get {
        namespace: Arc<str>,
        key: String,
        ty: ValueType,
        with_meta: bool,
        cache_ttl_s: u64,
    },
    Put {
        namespace: String,
        key: String,
        value: KvValue,
    },
    Delete {
        namespace: String,
        key: String,
    },
    List,
}

/// How a completed KV call settles its promise.
pub enum KvSettle {
    Value {
        value: Option<KvValue>,
        ty: ValueType,
        with_meta: bool,
    },
    Undefined,
    Json(String),
    Error {
        class: String,
        message: String,
    },
}

/// Reads recorded per request at most (a worker reading in a loop keeps its stats bounded).
const MAX_READS_RECORDED: usize = 1000;

fn record(state: &Shared, namespace: Arc<str>, key: String, hit: bool, version_ns: u64, at_ns: u64) {
    let mut st = state.lock();
    let task = st.current_task;
    if let Some(t) = st.tasks.get_mut(&task) {
        if t.kv_reads.len() < MAX_READS_RECORDED {
            t.kv_reads.push(KvReadStat {
                namespace,
                key,
                hit,
                version_ns,
                at_ns,
            });
        }
    }
}

#[cold]
fn throw(ctx: &Ctx<'_>, e: KvError) -> rquickjs::Error {
    if e.class == "TypeError" {
        Exception::throw_type(ctx, &e.message)
    } else {
        Exception::throw_message(ctx, &e.message)
    }
}

/// The JavaScript value of a read: the value in the asked type (or null), and with
/// `with_meta`, `[value, metadata]`.
fn answer<'js>(ctx: &Ctx<'js>, value: Option<&KvValue>, ty: ValueType, with_meta: bool) -> Result<Value<'js>> {
    let v = match value {
        None => Value::new_null(ctx.clone()),
        Some(v) => match ty {
            ValueType::Text => {
                rquickjs::String::from_str(ctx.clone(), &String::from_utf8_lossy(&v.bytes))?.into_value()
            }
            ValueType::Json => ctx.json_parse(String::from_utf8_lossy(&v.bytes).into_owned())?,
            ValueType::ArrayBuffer => ArrayBuffer::new_copy(ctx.clone(), &*v.bytes)?.into_value(),
            ValueType::Stream => TypedArray::<u8>::new_copy(ctx.clone(), &*v.bytes)?.into_value(),
        },
    };
    if !with_meta {
        return Ok(v);
    }
    let meta = match value.and_then(|v| v.metadata.as_deref()) {
        Some(m) => ctx.json_parse(m.to_owned())?,
        None => Value::new_null(ctx.clone()),
    };
    let out = Array::new(ctx.clone())?;
    out.set(0, v)?;
    out.set(1, meta)?;
    Ok(out.into_value())
}

fn now(state: &Shared) -> u64 {
    state.lock().now_ns
}

fn get<'js>(
    ctx: &Ctx<'js>,
    state: &Shared,
    handle: u32,
    key: String,
    ty: ValueType,
    cache_ttl: Option<f64>,
    with_meta: bool,
) -> Result<Value<'js>> {
    let op = if with_meta { "GET_WITH_METADATA" } else { "GET" };
    limits::check_key(op, &key).map_err(|e| throw(ctx, e))?;
    let (kv, now_ns, namespace) = {
        let st = state.lock();
        let ns = st.kv_namespaces.get(handle as usize).cloned();
        (st.kv.clone(), st.now_ns, ns)
    };
    let Some(namespace) = namespace else {
        return Err(Exception::throw_internal(ctx, "unknown KV namespace handle"));
    };
    let lookup = {
        let mut replica = kv.lock();
        let min = replica.config().min_cache_ttl_s;
        let cache_ttl_s = limits::cache_ttl(op, cache_ttl, min).map_err(|e| throw(ctx, e))?;
        match replica.lookup(&namespace, &key, now_ns) {
            Lookup::Hit { value, version_ns } => Ok((value, version_ns)),
            Lookup::Miss => Err(cache_ttl_s),
        }
    };
    match lookup {
        Ok((value, version_ns)) => {
            let out = answer(ctx, value.as_ref(), ty, with_meta);
            record(state, namespace, key, true, version_ns, now_ns);
            out
        }
        Err(cache_ttl_s) => {
            let args = serde_json::json!({ "key": key, "cacheTtl": cache_ttl_s }).to_string();
            let kind = OpKind::Kv {
                namespace: namespace.to_string(),
                method: "get",
                args,
                value: None,
            };
            let (id, promise) = park(ctx, state, kind, ParkedKind::Kv)?;
            state.lock().kv_ops.insert(
                id,
                KvPending::Get {
                    namespace,
                    key,
                    ty,
                    with_meta,
                    cache_ttl_s,
                },
            );
            Ok(promise.into_value())
        }
    }
}

/// Adds `kvOpen`, `kvGet`, `kvPut`, `kvDelete`, `kvList` to the native object.
pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>, state: &Shared) -> Result<()> {
    let s = state.clone();
    n.set(
        "kvOpen",
        Function::new(ctx.clone(), move |namespace: String| {
            let mut st = s.lock();
            let found = st.kv_namespaces.iter().position(|n| **n == *namespace);
            found.unwrap_or_else(|| {
                st.kv_namespaces.push(Arc::from(namespace));
                st.kv_namespaces.len() - 1
            }) as u32
        })?,
    )?;

    let s = state.clone();
    n.set(
        "kvGet",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, handle: u32, key: String, ty: u32, cache_ttl: Opt<Option<f64>>, with_meta: bool| {
                get(
                    &ctx,
                    &s,
                    handle,
                    key,
                    ValueType::from_code(ty),
                    cache_ttl.0.flatten(),
                    with_meta,
                )
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "kvPut",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  namespace: String,
                  key: String,
                  value: Value<'js>,
                  expiration: Option<f64>,
                  expiration_ttl: Option<f64>,
                  metadata: Option<String>| {
                limits::check_key("PUT", &key).map_err(|e| throw(&ctx, e))?;
                let body = body_bytes(&ctx, &value)?;
                limits::check_value(body.len()).map_err(|e| throw(&ctx, e))?;
                if let Some(m) = &metadata {
                    limits::check_metadata(m).map_err(|e| throw(&ctx, e))?;
                }
                let now_s = now(&s) as f64 / 1e9;
                let expiration_s = limits::expiration(now_s, expiration, expiration_ttl).map_err(|e| throw(&ctx, e))?;
                let args =
                    serde_json::json!({ "key": key, "expiration": expiration_s, "metadata": metadata }).to_string();
                let bytes: Arc<[u8]> = Arc::from(body.as_bytes());
                let kind = OpKind::Kv {
                    namespace: namespace.clone(),
                    method: "put",
                    args,
                    value: Some(body),
                };
                let (id, promise) = park(&ctx, &s, kind, ParkedKind::Kv)?;
                let value = KvValue {
                    bytes,
                    metadata: metadata.map(Arc::from),
                    expiration_s,
                    version_ns: 0,
                };
                s.lock().kv_ops.insert(id, KvPending::Put { namespace, key, value });
                Ok::<_, rquickjs::Error>(promise)
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "kvDelete",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, namespace: String, key: String| {
            limits::check_key("DELETE", &key).map_err(|e| throw(&ctx, e))?;
            let kind = OpKind::Kv {
                namespace: namespace.clone(),
                method: "delete",
                args: serde_json::json!({ "key": key }).to_string(),
                value: None,
            };
            let (id, promise) = park(&ctx, &s, kind, ParkedKind::Kv)?;
            s.lock().kv_ops.insert(id, KvPending::Delete { namespace, key });
            Ok::<_, rquickjs::Error>(promise)
        })?,
    )?;

    let s = state.clone();
    n.set(
        "kvList",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>,
                  namespace: String,
                  prefix: Option<String>,
                  limit: Option<f64>,
                  cursor: Option<String>| {
                let limit = limits::list_limit(limit).map_err(|e| throw(&ctx, e))?;
                let args =
                    serde_json::json!({ "prefix": prefix.unwrap_or_default(), "limit": limit, "cursor": cursor })
                        .to_string();
                let kind = OpKind::Kv {
                    namespace,
                    method: "list",
                    args,
                    value: None,
                };
                let (id, promise) = park(&ctx, &s, kind, ParkedKind::Kv)?;
                s.lock().kv_ops.insert(id, KvPending::List);
                Ok::<_, rquickjs::Error>(promise)
            },
        )?,
    )?;
    Ok(())
}

/// The central store's answer to a `get`: `{"found", "version", "metadata", "expiration"}`.
struct GetAnswer {
    found: bool,
    version: u64,
    metadata: Option<String>,
    expiration: Option<u64>,
}

fn parse_get(json: &str) -> std::result::Result<GetAnswer, String> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    Ok(GetAnswer {
        found: v["found"].as_bool().unwrap_or(false),
        version: v["version"].as_u64().unwrap_or(0),
        metadata: v["metadata"].as_str().map(str::to_owned),
        expiration: v["expiration"].as_u64(),
    })
}

/// The central store's answer to a write: `{"version"}`.
fn parse_version(json: &str) -> std::result::Result<u64, String> {
    let v: serde_json::Value = serde_json::from_str(json).map_err(|e| e.to_string())?;
    v["version"].as_u64().ok_or_else(|| "no version".to_owned())
}

#[cold]
fn bad_answer(what: &str, e: impl std::fmt::Display) -> KvSettle {
    KvSettle::Error {
        class: "Error".into(),
        message: format!("the host answered a KV {what} with an unexpected value: {e}"),
    }
}

/// Applies the host's answer to a KV operation to the replica; says how the promise settles.
pub fn complete(state: &Shared, op: OpId, result: OpResult, now_ns: u64) -> KvSettle {
    let (pending, kv) = {
        let mut st = state.lock();
        (st.kv_ops.remove(&op), st.kv.clone())
    };
    let Some(pending) = pending else {
        return bad_answer("call", "no such call");
    };
    let (json, bytes) = match result {
        OpResult::Value { json, bytes } => (json, bytes),
        OpResult::Error { name, message } => return KvSettle::Error { class: name, message },
        other => return bad_answer("call", format_args!("{other:?}")),
    };
    match pending {
        KvPending::Get {
            namespace,
            key,
            ty,
            with_meta,
            cache_ttl_s,
        } => {
            let answer = match parse_get(&json) {
                Ok(a) => a,
                Err(e) => return bad_answer("get", e),
            };
            let value = answer.found.then(|| KvValue {
                bytes: Arc::from(bytes.unwrap_or_default()),
                metadata: answer.metadata.map(Arc::from),
                expiration_s: answer.expiration,
                version_ns: answer.version,
            });
            kv.lock()
                .fill(&namespace, &key, value.clone(), answer.version, now_ns, cache_ttl_s);
            record(state, namespace, key, false, answer.version, now_ns);
            KvSettle::Value {
                value: value.filter(|v| !v.expired(now_ns)),
                ty,
                with_meta,
            }
        }
        KvPending::Put {
            namespace,
            key,
            mut value,
        } => match parse_version(&json) {
            Ok(version) => {
                value.version_ns = version;
                kv.lock().write(&namespace, &key, Some(value), version, now_ns);
                KvSettle::Undefined
            }
            Err(e) => bad_answer("put", e),
        },
        KvPending::Delete { namespace, key } => match parse_version(&json) {
            Ok(version) => {
                kv.lock().write(&namespace, &key, None, version, now_ns);
                KvSettle::Undefined
            }
            Err(e) => bad_answer("delete", e),
        },
        KvPending::List => KvSettle::Json(json),
    }
}

/// Settles a KV call's promise in JavaScript.
pub fn settle<'js>(ctx: &Ctx<'js>, parked: Parked, settle: KvSettle) -> Result<()> {
    let resolve = parked.resolve.restore(ctx)?;
    let reject = parked.reject.restore(ctx)?;
    let value = match settle {
        KvSettle::Value { value, ty, with_meta } => answer(ctx, value.as_ref(), ty, with_meta),
        KvSettle::Undefined => Ok(Value::new_undefined(ctx.clone())),
        KvSettle::Json(json) => ctx.json_parse(json),
        KvSettle::Error { class, message } => {
            let ctor: Constructor = ctx
                .globals()
                .get(if class.is_empty() { "Error" } else { class.as_str() })
                .or_else(|_| ctx.globals().get("Error"))?;
            let err: Value = ctor.construct((message,))?;
            return reject.call::<_, ()>((err,));
        }
    };
    match value {
        Ok(v) => resolve.call::<_, ()>((v,)),
        Err(rquickjs::Error::Exception) => reject.call::<_, ()>((ctx.catch(),)),
        Err(e) => Err(e),
    }
}
