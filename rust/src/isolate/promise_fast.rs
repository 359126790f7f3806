//! `native.fulfilledOr(promise, then, otherwise)`: the value of an already fulfilled promise,
//! so that `dispatch` can finish a request whose `async fetch()` returned without awaiting
//! anything (`return new Response("ok")`) without `promise.then(finish, failed)`: two closures,
//! a derived promise and a reaction job, ~10k instructions a request.
//!
//! It answers only when `promise.then(f, r)` would run no user code and `f` would be the next
//! job to run: `promise` is an intrinsic Promise whose prototype is `%Promise.prototype%`, that
//! has no own properties, whose `then` (read once by the caller and passed in) is the intrinsic
//! `then`, whose species lookup (`%Promise.prototype%.constructor`, `%Promise%[@@species]`)
//! finds the intrinsics, that is fulfilled, and no job is pending. Otherwise it returns
//! `otherwise` and the caller attaches its reactions as before.

use super::intrinsics::{
    atom_value, global_path, name_atom, native_function, own_keys_are, own_slot, own_slot_is, proto_is, same_object,
    symbol_atom, value_atom,
};
use rquickjs::{qjs, Ctx, Value};
use std::ffi::c_int;

// Layout of the function's data values.
const D_PROTO: usize = 0;
const D_THEN: usize = 1;
const D_CTOR: usize = 2;
const D_SPECIES_GETTER: usize = 3;
const D_CONSTRUCTOR_ATOM: usize = 4;
const D_SPECIES_ATOM: usize = 5;
const D_LEN: usize = 6;

/// # Safety
/// QuickJS calls it with a live context, `argc` values at `argv` and the `D_LEN` data values.
unsafe extern "C" fn fulfilled_or(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    _magic: c_int,
    data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: per the function's contract; a promise object is not a proxy, so the checks run
    // no code; the returned value is a new reference.
    unsafe {
        if argc < 3 {
            return qjs::JS_UNDEFINED;
        }
        let (p, then, otherwise) = (*argv, *argv.add(1), *argv.add(2));
        let d = |i: usize| *data.add(i);
        let ready = qjs::JS_IsPromise(p)
            && same_object(then, d(D_THEN))
            && qjs::JS_PromiseState(ctx, p) == qjs::JSPromiseStateEnum_JS_PROMISE_FULFILLED
            && !qjs::JS_IsJobPending(qjs::JS_GetRuntime(ctx))
            && proto_is(ctx, p, d(D_PROTO))
            && own_keys_are(ctx, p, &[])
            && own_slot_is(ctx, d(D_PROTO), value_atom(d(D_CONSTRUCTOR_ATOM)), d(D_CTOR), false)
            && own_slot_is(ctx, d(D_CTOR), value_atom(d(D_SPECIES_ATOM)), d(D_SPECIES_GETTER), true);
        if ready {
            qjs::JS_PromiseResult(ctx, p)
        } else {
            qjs::JS_DupValue(ctx, otherwise)
        }
    }
}

/// The function, for the prelude's `native` object. Call on a fresh context.
pub fn function<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<Value<'js>> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `raw` is the live context of `ctx`, which has run no user code. The values put in
    // `data` are taken by `native_function`; "constructor", "then" and Symbol.species are the
    // engine's predefined atoms (never freed), so holding them as integers is sound; the new
    // function is handed to `Value::from_raw`, which owns it.
    unsafe {
        let mut data: Vec<qjs::JSValue> = vec![qjs::JS_UNDEFINED; D_LEN];
        let ctor = global_path(raw, &[c"Promise"]);
        let species_atom = symbol_atom(raw, c"species");
        data[D_PROTO] = global_path(raw, &[c"Promise", c"prototype"]);
        data[D_THEN] = own_slot(raw, data[D_PROTO], name_atom(raw, "then"), false);
        data[D_SPECIES_GETTER] = own_slot(raw, ctor, species_atom, true);
        data[D_CTOR] = ctor;
        data[D_CONSTRUCTOR_ATOM] = atom_value(name_atom(raw, "constructor"));
        data[D_SPECIES_ATOM] = atom_value(species_atom);
        let ok = data[..D_CONSTRUCTOR_ATOM].iter().all(|v| qjs::JS_IsObject(*v));
        let f = native_function(raw, fulfilled_or, 3, "fulfilledOr", data, ok);
        if qjs::JS_IsException(f) {
            return Err(rquickjs::Error::Exception);
        }
        Ok(Value::from_raw(ctx.clone(), f))
    }
}
