//! The engine's builtins that do work in proportion to an array or a key without allocating
//! or polling, charged to the CPU budget before they run.
//!
//! QuickJS's interpreter asks the interrupt handler once per 10 000 bytecodes, and the
//! allocator looks at the budget once per MiB allocated (`heap.rs`). A builtin that scans or
//! writes a whole array in C and allocates nothing is seen by neither: a loop of them was
//! polled only every 10 000 calls, so at a 50 ms limit
//! `for (;;) a.indexOf(1)` over a million-element array ran 16 s, `u8.fill(1)` over 32 MiB
//! 9 s, `u8.reverse()` over 16 MiB and `new Map().get(k)` with a 16 MiB string key (hashed at
//! every call) more than 25 s.
//!
//! Each of these methods is replaced by a native function of the same name and length that
//! counts the call's work in units (`interrupt::Poll`: an element or a byte, `n log n` for a
//! sort) from what it can read without running the worker's code, asks the interrupt handler
//! when the units since the last poll pass `POLL_UNITS`, and calls the engine's own function
//! with the same receiver and arguments. So a loop of them ends within one call of the CPU
//! limit. What is read: the length of a real `Array` (an own data property that no getter can
//! intercept; a proxy or another array-like counts nothing, the engine reads its `length`
//! itself), a typed array's byte length (an internal slot), a string key's length (of the
//! primitive). One such call that alone runs long past the limit (a sort of a huge sparse
//! array) still ends only when it returns; the host's watchdog answers for it.

use super::interrupt::Poll;
use super::intrinsics::{arg, define_method, global_path, name_atom, native_function, own_slot};
use rquickjs::{qjs, Ctx};
use std::ffi::{c_int, CStr};

// Layout of the functions' data values.
const D_ORIGINAL: usize = 0;
const D_KIND: usize = 1;
const D_LEN: usize = 2;

/// What a call's work is proportional to.
#[derive(Clone, Copy)]
enum Kind {
    /// The receiver's elements, when it is a real `Array`.
    ArrayLength = 0,
    /// The receiver's bytes, when it is a typed array.
    TypedBytes = 1,
    /// The receiver's bytes times the log of its elements (a comparison sort).
    TypedSort = 2,
    /// The first argument's length, when it is a string (hashed and compared as a key).
    StringKey = 3,
}

/// Methods of one prototype: where it is (a path from the global object, then, for
/// `%TypedArray%.prototype`, the prototype of what the path names), and each method's name,
/// length and what its work is proportional to.
struct Methods {
    path: &'static [&'static CStr],
    parent_prototype: bool,
    methods: &'static [(&'static str, c_int, Kind)],
}

/// The methods replaced.
const REPLACED: [Methods; 4] = [
    Methods {
        path: &[c"Array", c"prototype"],
        parent_prototype: false,
        methods: &[
            ("indexOf", 1, Kind::ArrayLength),
            ("lastIndexOf", 1, Kind::ArrayLength),
            ("includes", 1, Kind::ArrayLength),
            ("fill", 1, Kind::ArrayLength),
            ("reverse", 0, Kind::ArrayLength),
            ("copyWithin", 2, Kind::ArrayLength),
        ],
    },
    Methods {
        // `%TypedArray%.prototype`: the prototype of `Uint8Array.prototype`.
        path: &[c"Uint8Array", c"prototype"],
        parent_prototype: true,
        methods: &[
            ("indexOf", 1, Kind::TypedBytes),
            ("lastIndexOf", 1, Kind::TypedBytes),
            ("includes", 1, Kind::TypedBytes),
            ("fill", 1, Kind::TypedBytes),
            ("set", 1, Kind::TypedBytes),
            ("copyWithin", 2, Kind::TypedBytes),
            ("reverse", 0, Kind::TypedBytes),
            ("sort", 1, Kind::TypedSort),
        ],
    },
    Methods {
        path: &[c"Map", c"prototype"],
        parent_prototype: false,
        methods: &[
            ("get", 1, Kind::StringKey),
            ("has", 1, Kind::StringKey),
            ("set", 2, Kind::StringKey),
            ("delete", 1, Kind::StringKey),
        ],
    },
    Methods {
        path: &[c"Set", c"prototype"],
        parent_prototype: false,
        methods: &[
            ("has", 1, Kind::StringKey),
            ("add", 1, Kind::StringKey),
            ("delete", 1, Kind::StringKey),
        ],
    },
];

/// The `length` of a real Array or of a primitive string (own properties that no getter can
/// intercept: reading them runs no code); 0 if it cannot be read.
///
/// # Safety
/// `ctx` live; `v` a live value of it, a real Array or a primitive string.
unsafe fn own_length(ctx: *mut qjs::JSContext, v: qjs::JSValue) -> usize {
    let mut len: i64 = 0;
    // SAFETY: per the contract.
    unsafe {
        if qjs::JS_GetLength(ctx, v, &mut len) < 0 {
            super::intrinsics::clear_exception(ctx);
            return 0;
        }
    }
    usize::try_from(len).unwrap_or(0)
}

/// The units of a call of kind `kind` on `this` with first argument `first`: read without
/// running any of the worker's code (see the module documentation); 0 when nothing can be.
///
/// # Safety
/// `ctx` live; `this` and `first` live values of it.
unsafe fn units(ctx: *mut qjs::JSContext, kind: Kind, this: qjs::JSValue, first: qjs::JSValue) -> usize {
    // SAFETY: per the contract; each value made here is freed once.
    unsafe {
        match kind {
            // `JS_IsArray` is false for a proxy (quickjs-ng).
            Kind::ArrayLength if qjs::JS_IsArray(this) => own_length(ctx, this),
            Kind::ArrayLength => 0,
            Kind::TypedBytes | Kind::TypedSort => {
                if qjs::JS_GetTypedArrayType(this) < 0 {
                    return 0;
                }
                let (mut offset, mut bytes, mut per) = (0, 0, 1);
                let buffer = qjs::JS_GetTypedArrayBuffer(ctx, this, &mut offset, &mut bytes, &mut per);
                if qjs::JS_IsException(buffer) {
                    // Out of bounds (a shrunk buffer): the engine's own function says so.
                    super::intrinsics::clear_exception(ctx);
                    return 0;
                }
                qjs::JS_FreeValue(ctx, buffer);
                let (bytes, per) = (bytes as usize, per as usize);
                if let Kind::TypedSort = kind {
                    let elements = bytes / per.max(1);
                    bytes.saturating_mul(elements.max(2).ilog2() as usize)
                } else {
                    bytes
                }
            }
            Kind::StringKey if qjs::JS_IsString(first) => own_length(ctx, first),
            Kind::StringKey => 0,
        }
    }
}

/// The replacement of every method above: charges the call's units, then calls the engine's
/// own function with the same receiver and arguments.
///
/// # Safety
/// QuickJS calls it with a live context, `argc` values at `argv` and the `D_LEN` data values.
unsafe extern "C" fn charged(
    ctx: *mut qjs::JSContext,
    this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    _magic: c_int,
    data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: per the function's contract; `JS_Call` does not take the arguments.
    unsafe {
        let kind = match qjs::JS_VALUE_GET_INT(*data.add(D_KIND)) {
            0 => Kind::ArrayLength,
            1 => Kind::TypedBytes,
            2 => Kind::TypedSort,
            _ => Kind::StringKey,
        };
        let n = units(ctx, kind, this, arg(argc, argv, 0));
        if n > 0 && Poll::new(ctx).tick(n).is_err() {
            return qjs::JS_EXCEPTION; // the uncatchable interrupt is pending
        }
        qjs::JS_Call(ctx, *data.add(D_ORIGINAL), this, argc, argv)
    }
}

/// Replaces the methods of `REPLACED` (same attributes, names and lengths) with `charged`.
/// Call once, on a fresh context.
pub fn install(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `raw` is the live context of `ctx`, which has run no user code, so the
    // prototypes and their methods are the intrinsics. Every value and atom made here is freed
    // once; the values put in `data` are taken by `native_function`.
    unsafe {
        let mut ok = true;
        for Methods {
            path,
            parent_prototype,
            methods,
        } in REPLACED
        {
            let mut proto = global_path(raw, path);
            if parent_prototype {
                let parent = qjs::JS_GetPrototype(raw, proto);
                qjs::JS_FreeValue(raw, proto);
                proto = parent;
            }
            ok &= qjs::JS_IsObject(proto);
            for &(name, length, kind) in methods {
                let atom = name_atom(raw, name);
                let mut data = vec![qjs::JS_UNDEFINED; D_LEN];
                if ok {
                    data[D_ORIGINAL] = own_slot(raw, proto, atom, false);
                    data[D_KIND] = qjs::JS_MKVAL(qjs::JS_TAG_INT, kind as i32);
                    ok = qjs::JS_IsFunction(raw, data[D_ORIGINAL]);
                }
                let f = native_function(raw, charged, length, name, data, ok);
                ok = define_method(raw, proto, atom, f);
                qjs::JS_FreeAtom(raw, atom);
            }
            qjs::JS_FreeValue(raw, proto);
        }
        if !ok {
            return Err(rquickjs::Error::Exception);
        }
    }
    Ok(())
}
