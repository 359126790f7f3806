//! The native side of D1 bindings on an instance the worker was given to query in place
//! (`CoreWorker(d1=[...])`: a standalone worker's database, at distance zero).
//!
//! `d1Open(id)` gives the prelude a handle (or -1 when the database is elsewhere: then every
//! query is a `d1` binding operation the host performs). `d1First(h, sql, params)` runs a
//! statement and returns its first row as an object (the hot path of `first()`: no JSON, no
//! operation); `d1Query(h, json)` runs anything else and answers in the wire form of
//! `crate::d1::wire`; `d1Seq(h)` is the instance's commit count (a session's bookmark). The
//! statement runs inside the call, under the worker's CPU limit; SQL errors throw `Error`
//! with D1's message.

use super::native::Shared;
use crate::d1::{request_from_json, response_to_json, SharedDb, SqlValue};
use rquickjs::{Array, Ctx, Exception, Function, Object, Result, Value};

/// `SQLITE_INTERRUPT` once the isolate's CPU budget is spent (the interrupt handler then ends
/// the turn as over its limit, as for JavaScript).
fn interrupt(state: &Shared) -> impl FnMut() -> bool + Send + 'static {
    let budget = state.lock().cpu_budget.clone();
    move || budget.as_ref().is_some_and(|b| b.should_interrupt())
}

fn db<'js>(ctx: &Ctx<'js>, state: &Shared, handle: i32) -> Result<SharedDb> {
    let st = state.lock();
    usize::try_from(handle)
        .ok()
        .and_then(|h| st.d1.get(h))
        .map(|(_, db)| db.clone())
        .ok_or_else(|| Exception::throw_internal(ctx, "unknown D1 database handle"))
}

/// A bound value (already normalised by `bind()`): number, string, null, array of bytes.
fn sql_value<'js>(ctx: &Ctx<'js>, v: &Value<'js>) -> Result<SqlValue> {
    if let Some(i) = v.as_int() {
        return Ok(SqlValue::Integer(i64::from(i)));
    }
    if let Some(f) = v.as_float() {
        return Ok(SqlValue::from_number(f));
    }
    if let Some(s) = v.as_string() {
        return Ok(SqlValue::Text(s.to_string()?));
    }
    if v.is_null() {
        return Ok(SqlValue::Null);
    }
    if let Some(a) = v.as_array() {
        let mut out = Vec::with_capacity(a.len());
        for b in a.iter::<f64>() {
            out.push(b? as u8);
        }
        return Ok(SqlValue::Blob(out));
    }
    Err(Exception::throw_type(ctx, "D1_TYPE_ERROR: unsupported value"))
}

fn js_value<'js>(ctx: &Ctx<'js>, v: rusqlite::types::ValueRef<'_>) -> Result<Value<'js>> {
    use rusqlite::types::ValueRef;
    Ok(match v {
        ValueRef::Null => Value::new_null(ctx.clone()),
        ValueRef::Integer(i) => {
            if let Ok(small) = i32::try_from(i) {
                Value::new_int(ctx.clone(), small)
            } else {
                Value::new_float(ctx.clone(), i as f64)
            }
        }
        ValueRef::Real(f) => Value::new_float(ctx.clone(), f),
        ValueRef::Text(t) => rquickjs::String::from_str(ctx.clone(), &String::from_utf8_lossy(t))?.into_value(),
        ValueRef::Blob(b) => {
            let out = Array::new(ctx.clone())?;
            for (i, x) in b.iter().enumerate() {
                out.set(i, *x as i32)?;
            }
            out.into_value()
        }
    })
}

fn sql_to_js<'js>(ctx: &Ctx<'js>, v: &SqlValue) -> Result<Value<'js>> {
    use rusqlite::types::ValueRef;
    js_value(
        ctx,
        match v {
            SqlValue::Null => ValueRef::Null,
            SqlValue::Integer(i) => ValueRef::Integer(*i),
            SqlValue::Real(f) => ValueRef::Real(*f),
            SqlValue::Text(s) => ValueRef::Text(s.as_bytes()),
            SqlValue::Blob(b) => ValueRef::Blob(b),
        },
    )
}

#[cold]
fn throw(ctx: &Ctx<'_>, message: &str) -> rquickjs::Error {
    Exception::throw_message(ctx, message)
}

/// Adds `d1Open`, `d1First`, `d1Query`, `d1Seq` to the native object.
pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>, state: &Shared) -> Result<()> {
    let s = state.clone();
    n.set(
        "d1Open",
        Function::new(ctx.clone(), move |id: String| -> i32 {
            let st = s.lock();
            st.d1.iter().position(|(d, _)| *d == id).map_or(-1, |i| i as i32)
        })?,
    )?;

    let s = state.clone();
    n.set(
        "d1First",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, handle: i32, sql: String, params: Array<'js>| -> Result<Value<'js>> {
                let mut values = Vec::with_capacity(params.len());
                for v in params.iter::<Value<'js>>() {
                    values.push(sql_value(&ctx, &v?)?);
                }
                let shared = db(&ctx, &s, handle)?;
                let mut guard = shared.lock();
                let stop = interrupt(&s);
                let outcome = guard.with_interrupt(stop, |db| {
                    db.first(&sql, &values, |row| {
                        let stmt = row.as_ref();
                        let obj = Object::new(ctx.clone())
                            .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                        for i in 0..stmt.column_count() {
                            let name = stmt.column_name(i)?;
                            let v = js_value(&ctx, row.get_ref(i)?)
                                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                            obj.set(name, v)
                                .map_err(|e| rusqlite::Error::ToSqlConversionFailure(Box::new(e)))?;
                        }
                        Ok(obj.into_value())
                    })
                });
                drop(guard);
                match outcome {
                    Ok(Ok(Some(v))) => Ok(v),
                    Ok(Ok(None)) => Ok(Value::new_null(ctx.clone())),
                    Ok(Err(result)) => match result.rows.first() {
                        None => Ok(Value::new_null(ctx.clone())),
                        Some(row) => {
                            let obj = Object::new(ctx.clone())?;
                            for (name, v) in result.columns.iter().zip(row) {
                                obj.set(name.as_str(), sql_to_js(&ctx, v)?)?;
                            }
                            Ok(obj.into_value())
                        }
                    },
                    Err(e) => Err(throw(&ctx, &e.message)),
                }
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "d1Query",
        Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, handle: i32, request: String| -> Result<String> {
                let request = request_from_json(&request).map_err(|e| throw(&ctx, &e.message))?;
                let shared = db(&ctx, &s, handle)?;
                let mut guard = shared.lock();
                let stop = interrupt(&s);
                Ok(guard.with_interrupt(stop, |db| response_to_json(db, &request)))
            },
        )?,
    )?;

    let s = state.clone();
    n.set(
        "d1Seq",
        Function::new(ctx.clone(), move |ctx: Ctx<'js>, handle: i32| -> Result<f64> {
            Ok(db(&ctx, &s, handle)?.lock().seq() as f64)
        })?,
    )?;
    Ok(())
}
