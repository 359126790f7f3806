//! Checks that run no JavaScript, for the engine fast paths (`regexp_replace`,
//! `json_stringify`, `promise_fast`): whether an object's prototype, own keys and own property
//! slots are still the intrinsics saved when the isolate was made. Each reads the object's own
//! property table only (no getter, no proxy trap, no prototype walk), so a fast path can decide,
//! before doing anything observable, whether the specification's algorithm could run user code.

use rquickjs::qjs;
use std::ffi::c_int;

/// Discards the pending exception (the callers fall back to the engine's own path).
///
/// # Safety
/// `ctx` is a live context.
pub unsafe fn clear_exception(ctx: *mut qjs::JSContext) {
    // SAFETY: per the contract; the exception value is freed once.
    unsafe { qjs::JS_FreeValue(ctx, qjs::JS_GetException(ctx)) };
}

/// Whether `a` and `b` are the same object.
pub fn same_object(a: qjs::JSValue, b: qjs::JSValue) -> bool {
    // SAFETY: a JSValue's tag is always initialised; the pointers are read only for objects
    // and only compared.
    unsafe { qjs::JS_IsObject(a) && qjs::JS_IsObject(b) && qjs::JS_VALUE_GET_PTR(a) == qjs::JS_VALUE_GET_PTR(b) }
}

/// Whether the prototype of `v` is `want`.
///
/// # Safety
/// `ctx` live; `v` a live object that is not a proxy (no trap runs).
pub unsafe fn proto_is(ctx: *mut qjs::JSContext, v: qjs::JSValue, want: qjs::JSValue) -> bool {
    // SAFETY: per the contract; the prototype reference is freed once.
    unsafe {
        let proto = qjs::JS_GetPrototype(ctx, v);
        let same = same_object(proto, want);
        qjs::JS_FreeValue(ctx, proto);
        same
    }
}

/// Whether the own string and symbol keys of `obj` are exactly `keys` (in any order; at most
/// two are checked).
///
/// # Safety
/// `ctx` live; `obj` a live object that is not a proxy.
pub unsafe fn own_keys_are(ctx: *mut qjs::JSContext, obj: qjs::JSValue, keys: &[qjs::JSAtom]) -> bool {
    // SAFETY: per the contract; the property list is freed once.
    unsafe {
        let mut tab: *mut qjs::JSPropertyEnum = std::ptr::null_mut();
        let mut len: u32 = 0;
        let mask = (qjs::JS_GPN_STRING_MASK | qjs::JS_GPN_SYMBOL_MASK) as c_int;
        if qjs::JS_GetOwnPropertyNames(ctx, &mut tab, &mut len, obj, mask) < 0 {
            clear_exception(ctx);
            return false;
        }
        let same = len as usize == keys.len() && (0..len as usize).all(|i| keys.contains(&(*tab.add(i)).atom));
        qjs::JS_FreePropertyEnum(ctx, tab, len);
        same
    }
}

/// An own property's descriptor, or `None` when there is none (or on an error).
///
/// # Safety
/// `ctx` live; `obj` a live object that is not a proxy. The caller frees the three values.
pub unsafe fn own_descriptor(
    ctx: *mut qjs::JSContext,
    obj: qjs::JSValue,
    atom: qjs::JSAtom,
) -> Option<qjs::JSPropertyDescriptor> {
    let mut desc = qjs::JSPropertyDescriptor {
        flags: 0,
        value: qjs::JS_UNDEFINED,
        getter: qjs::JS_UNDEFINED,
        setter: qjs::JS_UNDEFINED,
    };
    // SAFETY: per the contract.
    unsafe {
        match qjs::JS_GetOwnProperty(ctx, &mut desc, obj, atom) {
            n if n < 0 => {
                clear_exception(ctx);
                None
            }
            0 => None,
            _ => Some(desc),
        }
    }
}

/// Frees a descriptor's values.
///
/// # Safety
/// `ctx` live; `desc` came from `own_descriptor` and is not used again.
pub unsafe fn free_descriptor(ctx: *mut qjs::JSContext, desc: qjs::JSPropertyDescriptor) {
    // SAFETY: per the contract: each value is freed once.
    unsafe {
        qjs::JS_FreeValue(ctx, desc.value);
        qjs::JS_FreeValue(ctx, desc.getter);
        qjs::JS_FreeValue(ctx, desc.setter);
    }
}

/// Whether `obj`'s own property `atom` holds `want`: as its value, or as its getter when
/// `accessor`.
///
/// # Safety
/// `ctx` live; `obj` a live object that is not a proxy.
pub unsafe fn own_slot_is(
    ctx: *mut qjs::JSContext,
    obj: qjs::JSValue,
    atom: qjs::JSAtom,
    want: qjs::JSValue,
    accessor: bool,
) -> bool {
    // SAFETY: per the contract; the descriptor is freed once.
    unsafe {
        let Some(desc) = own_descriptor(ctx, obj, atom) else {
            return false;
        };
        let same = same_object(if accessor { desc.getter } else { desc.value }, want);
        free_descriptor(ctx, desc);
        same
    }
}

/// A new reference to `obj`'s own property `atom` (its getter when `accessor`), or undefined.
///
/// # Safety
/// `ctx` live; `obj` a live object that is not a proxy.
pub unsafe fn own_slot(ctx: *mut qjs::JSContext, obj: qjs::JSValue, atom: qjs::JSAtom, accessor: bool) -> qjs::JSValue {
    // SAFETY: per the contract; the slot not returned is freed.
    unsafe {
        let Some(desc) = own_descriptor(ctx, obj, atom) else {
            return qjs::JS_UNDEFINED;
        };
        let (keep, drop_) = if accessor {
            (desc.getter, desc.value)
        } else {
            (desc.value, desc.getter)
        };
        qjs::JS_FreeValue(ctx, drop_);
        qjs::JS_FreeValue(ctx, desc.setter);
        keep
    }
}

/// An atom held as an int32 `JSValue` in a native function's data (see the users' `install`):
/// only the engine's predefined atoms are stored so, which are never freed.
pub fn atom_value(atom: qjs::JSAtom) -> qjs::JSValue {
    qjs::JS_MKVAL(qjs::JS_TAG_INT, atom as i32)
}

/// The atom stored by `atom_value`.
pub fn value_atom(v: qjs::JSValue) -> qjs::JSAtom {
    // SAFETY: `v` was made by `atom_value`, an int32 value: the int payload is initialised.
    unsafe { qjs::JS_VALUE_GET_INT(v) as qjs::JSAtom }
}
