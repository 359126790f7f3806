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
    // Called ~10 times per fast-path call (regexp_replace): the descriptor is read and freed
    // inline, and only the values that hold a reference are freed.
    let mut desc = qjs::JSPropertyDescriptor {
        flags: 0,
        value: qjs::JS_UNDEFINED,
        getter: qjs::JS_UNDEFINED,
        setter: qjs::JS_UNDEFINED,
    };
    // SAFETY: per the contract; each value of the descriptor is freed once.
    unsafe {
        let found = qjs::JS_GetOwnProperty(ctx, &mut desc, obj, atom);
        if found <= 0 {
            if found < 0 {
                clear_exception(ctx);
            }
            return false;
        }
        let same = same_object(if accessor { desc.getter } else { desc.value }, want);
        for v in [desc.value, desc.getter, desc.setter] {
            if qjs::JS_VALUE_HAS_REF_COUNT(v) {
                qjs::JS_FreeValue(ctx, v);
            }
        }
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

/// A new reference to the value at `path` from the global object (`["RegExp", "prototype"]`),
/// or an exception value.
///
/// # Safety
/// `ctx` is a live context that has run no user code (the intrinsics are the originals).
pub unsafe fn global_path(ctx: *mut qjs::JSContext, path: &[&std::ffi::CStr]) -> qjs::JSValue {
    // SAFETY: per the contract; each intermediate value is freed once.
    unsafe {
        let mut v = qjs::JS_GetGlobalObject(ctx);
        for name in path {
            let next = qjs::JS_GetPropertyStr(ctx, v, name.as_ptr());
            qjs::JS_FreeValue(ctx, v);
            v = next;
        }
        v
    }
}

/// The atom of the well-known symbol `Symbol[name]` (a predefined atom: never freed).
///
/// # Safety
/// As `global_path`.
pub unsafe fn symbol_atom(ctx: *mut qjs::JSContext, name: &std::ffi::CStr) -> qjs::JSAtom {
    // SAFETY: per the contract; the symbol value is freed once.
    unsafe {
        let symbol = global_path(ctx, &[c"Symbol", name]);
        let atom = qjs::JS_ValueToAtom(ctx, symbol);
        qjs::JS_FreeValue(ctx, symbol);
        atom
    }
}

/// The atom of `name` (the callers pass the engine's predefined names: never freed).
///
/// # Safety
/// `ctx` is a live context.
pub unsafe fn name_atom(ctx: *mut qjs::JSContext, name: &str) -> qjs::JSAtom {
    // SAFETY: the pointer and length describe `name`, which JS_NewAtomLen copies.
    unsafe { qjs::JS_NewAtomLen(ctx, name.as_ptr().cast(), name.len() as _) }
}

/// The signature of the native functions made by `native_function`.
/// Argument `i` of a native call (`undefined` past `argc`), borrowed.
///
/// # Safety
/// `argv` holds `argc` live values, as QuickJS passes them to a native function.
pub unsafe fn arg(argc: c_int, argv: *mut qjs::JSValue, i: usize) -> qjs::JSValue {
    if (i as c_int) < argc {
        // SAFETY: `i < argc`, and `argv` holds `argc` values (the contract).
        unsafe { *argv.add(i) }
    } else {
        qjs::JS_UNDEFINED
    }
}

pub type CFunctionData = unsafe extern "C" fn(
    *mut qjs::JSContext,
    qjs::JSValue,
    c_int,
    *mut qjs::JSValue,
    c_int,
    *mut qjs::JSValue,
) -> qjs::JSValue;

/// A native function object of `length` and `name` holding `data`, which it takes: the caller's
/// references in `data` are freed here. When `ok` is false (the caller's setup failed) nothing is
/// made and the exception value is returned.
///
/// # Safety
/// `ctx` is a live context; `data` holds values of it; `f` reads at most `data.len()` values.
pub unsafe fn native_function(
    ctx: *mut qjs::JSContext,
    f: CFunctionData,
    length: c_int,
    name: &str,
    mut data: Vec<qjs::JSValue>,
    ok: bool,
) -> qjs::JSValue {
    // SAFETY: per the contract; JS_NewCFunctionData duplicates what it keeps, so every value
    // of `data` is freed once here; `name` is copied by JS_NewStringLen.
    unsafe {
        let func = if ok {
            qjs::JS_NewCFunctionData(ctx, Some(f), length, 0, data.len() as c_int, data.as_mut_ptr())
        } else {
            qjs::JS_EXCEPTION
        };
        for v in data {
            qjs::JS_FreeValue(ctx, v);
        }
        if !qjs::JS_IsException(func) {
            let text = qjs::JS_NewStringLen(ctx, name.as_ptr().cast(), name.len() as _);
            qjs::JS_DefinePropertyValueStr(ctx, func, c"name".as_ptr(), text, qjs::JS_PROP_CONFIGURABLE as c_int);
        }
        func
    }
}

/// Puts `func` (taken) at `obj[atom]` as a builtin method is: writable, configurable, not
/// enumerable. False when `func` is the exception value or the definition failed.
///
/// # Safety
/// `ctx` is a live context; `obj` a live object; `func` a value of it, owned by the caller.
pub unsafe fn define_method(
    ctx: *mut qjs::JSContext,
    obj: qjs::JSValue,
    atom: qjs::JSAtom,
    func: qjs::JSValue,
) -> bool {
    // SAFETY: per the contract; JS_DefinePropertyValue takes ownership of `func`.
    unsafe {
        if qjs::JS_IsException(func) {
            return false;
        }
        let flags = (qjs::JS_PROP_CONFIGURABLE | qjs::JS_PROP_WRITABLE) as c_int;
        qjs::JS_DefinePropertyValue(ctx, obj, atom, func, flags) >= 0
    }
}
