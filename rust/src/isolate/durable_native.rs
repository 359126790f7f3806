//! The native functions behind Durable Objects in an isolate (`webapi/lazy/durable.js`): object
//! ids, the storage of the objects this isolate hosts (the worker's `DurableStore`, outside the
//! JavaScript heap), and base64 for the wire form of binary values.
//!
//! Storage calls are synchronous: the JavaScript API wraps their results in promises that
//! settle in the same turn, which is what keeps other events out while an object awaits its
//! storage (the input gate).

use super::native::Shared;
use super::state::ParkedKind;
use crate::durable::{self, DurableStore, ListOptions, StorageError};
use crate::protocol::OpKind;
use base64::Engine;
use rquickjs::function::Opt;
use rquickjs::{Array, Ctx, Exception, Function, Object, Result, TypedArray, Value};

fn store<'js>(ctx: &Ctx<'js>, state: &Shared) -> Result<DurableStore> {
    state
        .lock()
        .durable
        .clone()
        .ok_or_else(|| Exception::throw_type(ctx, "storage is only available inside a Durable Object"))
}

fn storage_error<'js>(ctx: &Ctx<'js>, e: StorageError) -> rquickjs::Error {
    Exception::throw_range(ctx, &e.to_string())
}

fn strings_or_undefined<'js>(ctx: &Ctx<'js>, values: Vec<Option<String>>) -> Result<Array<'js>> {
    let out = Array::new(ctx.clone())?;
    for (i, v) in values.into_iter().enumerate() {
        match v {
            Some(s) => out.set(i, s)?,
            None => out.set(i, Value::new_undefined(ctx.clone()))?,
        }
    }
    Ok(out)
}

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>, state: &Shared) -> Result<()> {
    // A promise that settles in a later turn run on behalf of `task`: the object host starts an
    // event that waited at the input gate in its own turn, so that its operations, CPU time and
    // logs are its own and its storage work is not interleaved with another event's.
    let s = state.clone();
    n.set(
        "wake",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, task: f64| {
            let (previous, at_ns) = {
                let mut st = s.lock();
                let previous = st.current_task;
                st.current_task = task as u64;
                (previous, st.now_ns)
            };
            let parked = super::native::park(&ctx, &s, OpKind::Timer { at_ns }, ParkedKind::Timer);
            s.lock().current_task = previous;
            parked.map(|(_, promise)| promise)
        })?,
    )?;

    n.set(
        "doIdFromName",
        Function::new(ctx.clone(), |ns: String, name: String| {
            durable::id_from_name(&ns, &name)
        })?,
    )?;
    n.set(
        "doIdValid",
        Function::new(ctx.clone(), |ns: String, id: String| durable::id_is_valid(&ns, &id))?,
    )?;
    let s = state.clone();
    n.set(
        "doNewUniqueId",
        Function::new(ctx.clone(), move |ns: String| {
            let mut body = [0u8; 24];
            s.lock().fill_random(&mut body);
            durable::id_from_bytes(&ns, &body)
        })?,
    )?;

    let s = state.clone();
    n.set(
        "doGet",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, ns: String, id: String, keys: Vec<String>| {
                let st = store(&ctx, &s)?;
                let values = st
                    .lock()
                    .get_many(&ns, &id, &keys)
                    .map_err(|e| storage_error(&ctx, e))?;
                strings_or_undefined(&ctx, values)
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "doPut",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, ns: String, id: String, keys: Vec<String>, values: Vec<String>| {
                let st = store(&ctx, &s)?;
                let entries = keys.into_iter().zip(values).collect();
                let result = st.lock().put_many(&ns, &id, entries);
                result.map_err(|e| storage_error(&ctx, e))
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "doDelete",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, ns: String, id: String, keys: Vec<String>| {
                let st = store(&ctx, &s)?;
                let n = st
                    .lock()
                    .delete_many(&ns, &id, &keys)
                    .map_err(|e| storage_error(&ctx, e))?;
                Ok::<_, rquickjs::Error>(n as f64)
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "doList",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, ns: String, id: String, o: Object<'js>| {
                let st = store(&ctx, &s)?;
                let limit: Option<f64> = o.get("limit")?;
                let options = ListOptions {
                    prefix: o.get("prefix")?,
                    start: o.get("start")?,
                    end: o.get("end")?,
                    limit: limit.filter(|l| l.is_finite() && *l >= 0.0).map(|l| l as usize),
                    reverse: o.get::<_, Option<bool>>("reverse")?.unwrap_or(false),
                };
                let entries = st.lock().list(&ns, &id, &options);
                let out = Array::new(ctx.clone())?;
                for (i, (k, v)) in entries.into_iter().enumerate() {
                    out.set(2 * i, k)?;
                    out.set(2 * i + 1, v)?;
                }
                Ok::<_, rquickjs::Error>(out)
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "doDeleteAll",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, ns: String, id: String| {
            store(&ctx, &s)?.lock().delete_all(&ns, &id);
            Ok::<_, rquickjs::Error>(())
        })?,
    )?;

    let s = state.clone();
    n.set(
        "doGetAlarm",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, ns: String, id: String| {
            Ok::<_, rquickjs::Error>(store(&ctx, &s)?.lock().alarm(&ns, &id))
        })?,
    )?;

    let s = state.clone();
    n.set(
        "doSetAlarm",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, ns: String, id: String, at_ms: Opt<Option<f64>>| {
                store(&ctx, &s)?.lock().set_alarm(&ns, &id, at_ms.0.flatten());
                Ok::<_, rquickjs::Error>(())
            },
        )?,
    )?;

    n.set(
        "b64encode",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, bytes: TypedArray<'js, u8>| {
            // SAFETY: the slice is encoded before any JavaScript can run again.
            let slice = unsafe { bytes.as_bytes() }.ok_or_else(|| Exception::throw_type(&ctx, "detached buffer"))?;
            Ok::<_, rquickjs::Error>(base64::engine::general_purpose::STANDARD.encode(slice))
        })?,
    )?;
    n.set(
        "b64decode",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, text: String| {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(text.as_bytes())
                .map_err(|e| Exception::throw_type(&ctx, &format!("bad base64: {e}")))?;
            TypedArray::<u8>::new(ctx.clone(), bytes)
        })?,
    )?;
    Ok(())
}
