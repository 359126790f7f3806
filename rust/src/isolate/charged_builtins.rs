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
//! primitive).
//!
//! One call can also run long alone: the generic algorithms of `Array.prototype` (`join`,
//! `sort`, `reverse`, `splice`, `concat`, `flat`, ...) visit every index below `length`, holes
//! included, and a sparse array or an array-like object has any length up to 2^53 - 1
//! (`[].join.call({length: 2 ** 40}, "")` is hours of a C loop that never polls). For those
//! methods the call's elements are known beforehand when `length` can be read without running
//! the worker's code: a real Array's own `length`, a primitive string's, an ordinary object's
//! `length` found as a data property along its prototype chain (a number or another
//! primitive), and through a proxy whose handler has no `get` trap, its target's. A visit
//! costs the generic algorithm at least `NS_PER_GENERIC_ELEMENT`; when that lower bound is past
//! what is left of the turn's CPU budget, the call ends at once as over the limit
//! (`cpu::armed_cannot_finish`), as it would have ended past the deadline. A real Array counts
//! as generic only when it is too long to be dense within the isolate's heap (16 bytes an
//! element): a dense array's call is bounded by the heap. What is not read (a `length` getter,
//! a proxy with a `get` trap, the arrays that `flatMap`'s callback returns) is left to the
//! host's watchdog.

use super::cpu;
use super::interrupt::{throw_interrupted, Poll};
use super::intrinsics::{
    arg, clear_exception, define_method, free_descriptor, global_path, name_atom, native_function, own_descriptor,
    own_slot,
};
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
    /// The receiver's `length`, an Array or an array-like object (a generic algorithm that
    /// visits every index below it).
    ArrayLike = 4,
    /// The lengths of the receiver and of the arguments that `concat` spreads.
    Concat = 5,
}

/// A lower bound of the CPU time a generic array algorithm spends on one index (a property
/// lookup that finds a hole costs ~10 ns on the development machine; a tenth of it is assumed).
const NS_PER_GENERIC_ELEMENT: u64 = 1;

/// Calls predicted to take less than this are not checked against the budget (the polls see
/// them through): a millisecond.
const PREDICT_MIN_NS: u64 = 1_000_000;

/// A call's work: units for the poll, and the indices a generic algorithm visits (for the
/// prediction).
#[derive(Default)]
struct Work {
    units: usize,
    generic: usize,
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
            ("reverse", 0, Kind::ArrayLike),
            ("copyWithin", 2, Kind::ArrayLike),
            ("join", 1, Kind::ArrayLike),
            ("toLocaleString", 0, Kind::ArrayLike),
            ("shift", 0, Kind::ArrayLike),
            ("unshift", 1, Kind::ArrayLike),
            ("splice", 2, Kind::ArrayLike),
            ("sort", 1, Kind::ArrayLike),
            ("flat", 0, Kind::ArrayLike),
            ("flatMap", 1, Kind::ArrayLike),
            ("concat", 1, Kind::Concat),
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
            clear_exception(ctx);
            return 0;
        }
    }
    usize::try_from(len).unwrap_or(0)
}

/// What an own or inherited property of an object is, read without running the worker's code.
enum Prop {
    /// Not on the object or its prototypes.
    Absent,
    /// A data property's value (a new reference).
    Data(qjs::JSValue),
    /// An accessor, a proxy on the chain, or an error: not known without running code.
    Unknown,
}

/// Property `atom` of `obj` (an object), looked up along its prototype chain without calling
/// a getter or a proxy's trap.
///
/// # Safety
/// `ctx` live; `obj` a live object of it.
unsafe fn data_property(ctx: *mut qjs::JSContext, obj: qjs::JSValue, atom: qjs::JSAtom) -> Prop {
    // SAFETY: per the contract; `level` holds one reference (freed once), as does each value
    // of a descriptor.
    unsafe {
        let mut level = qjs::JS_DupValue(ctx, obj);
        // A chain is finite; the bound only guards against a cycle through an exotic object.
        for _ in 0..10_000 {
            let end = if !qjs::JS_IsObject(level) {
                Some(Prop::Absent) // the end of the chain
            } else if qjs::JS_IsProxy(level) {
                Some(Prop::Unknown) // its traps are code
            } else {
                None
            };
            if let Some(prop) = end {
                qjs::JS_FreeValue(ctx, level);
                return prop;
            }
            // An error reading an own property (a module namespace's binding not yet
            // initialised) reads as none: such an object's prototype is null.
            if let Some(desc) = own_descriptor(ctx, level, atom) {
                qjs::JS_FreeValue(ctx, level);
                if desc.flags & qjs::JS_PROP_GETSET as c_int != 0 {
                    free_descriptor(ctx, desc);
                    return Prop::Unknown;
                }
                qjs::JS_FreeValue(ctx, desc.getter);
                qjs::JS_FreeValue(ctx, desc.setter);
                return Prop::Data(desc.value);
            }
            let proto = qjs::JS_GetPrototype(ctx, level);
            qjs::JS_FreeValue(ctx, level);
            if qjs::JS_IsException(proto) {
                clear_exception(ctx);
                return Prop::Unknown;
            }
            level = proto;
        }
        qjs::JS_FreeValue(ctx, level);
        Prop::Unknown
    }
}

/// `LengthOfArrayLike(ToObject(obj))` when it runs none of the worker's code: a real Array's
/// length, a primitive string's, or an object's `length` data property that is not an object
/// (ToLength of a primitive); 0 when it cannot be read so.
///
/// # Safety
/// `ctx` live; `obj` a live value of it.
unsafe fn array_like_length(ctx: *mut qjs::JSContext, obj: qjs::JSValue) -> usize {
    // SAFETY: per the contract; the value read is freed once.
    unsafe {
        if qjs::JS_IsString(obj) {
            return own_length(ctx, obj); // a String object's length, whose indices are its units
        }
        if !qjs::JS_IsObject(obj) {
            return 0;
        }
        if qjs::JS_IsProxy(obj) {
            return proxied_length(ctx, obj);
        }
        if qjs::JS_IsArray(obj) {
            return own_length(ctx, obj);
        }
        let Prop::Data(v) = data_property(ctx, obj, qjs::JS_ATOM_length as qjs::JSAtom) else {
            return 0;
        };
        if qjs::JS_IsObject(v) {
            qjs::JS_FreeValue(ctx, v); // ToPrimitive would call its valueOf
            return 0;
        }
        let mut n = 0.0f64;
        // A primitive's ToNumber runs no code (a symbol or a BigInt throws: 0).
        let failed = qjs::JS_ToFloat64(ctx, &mut n, v) < 0;
        qjs::JS_FreeValue(ctx, v);
        if failed {
            clear_exception(ctx);
            return 0;
        }
        // ToLength: NaN and negatives are 0; at most 2^53 - 1 (`as` saturates).
        if n.is_nan() || n <= 0.0 {
            0
        } else {
            n.min(9_007_199_254_740_991.0) as usize
        }
    }
}

/// The length a proxy's `[[Get]]` reads without running code: its target's (read as
/// `array_like_length` reads it) when its handler has no `get` trap, else 0 (the trap's answer is
/// not known, and a trap runs at every index, where the interpreter polls).
///
/// # Safety
/// `ctx` live; `proxy` a live proxy of it.
unsafe fn proxied_length(ctx: *mut qjs::JSContext, proxy: qjs::JSValue) -> usize {
    // SAFETY: per the contract; the handler, its trap and the target are freed once.
    unsafe {
        let handler = qjs::JS_GetProxyHandler(ctx, proxy);
        if qjs::JS_IsException(handler) {
            clear_exception(ctx); // revoked: the engine's own function throws
            return 0;
        }
        let trap = data_property(ctx, handler, qjs::JS_ATOM_get as qjs::JSAtom);
        qjs::JS_FreeValue(ctx, handler);
        match trap {
            Prop::Absent => {}
            // GetMethod: undefined and null are no trap.
            Prop::Data(v) if qjs::JS_IsUndefined(v) || qjs::JS_IsNull(v) => {}
            Prop::Data(v) => {
                qjs::JS_FreeValue(ctx, v);
                return 0;
            }
            Prop::Unknown => return 0,
        }
        let target = qjs::JS_GetProxyTarget(ctx, proxy);
        if qjs::JS_IsException(target) {
            clear_exception(ctx);
            return 0;
        }
        // One level: a proxy of a proxy counts nothing (no recursion to bound).
        let n = if qjs::JS_IsProxy(target) {
            0
        } else {
            array_like_length(ctx, target)
        };
        qjs::JS_FreeValue(ctx, target);
        n
    }
}

/// The elements of `v` that a generic algorithm visits: all of an array-like object's, and
/// those of a real Array too long to be dense within the isolate's heap.
///
/// # Safety
/// `ctx` live; `v` a live value of it.
unsafe fn generic_work(ctx: *mut qjs::JSContext, v: qjs::JSValue) -> Work {
    // SAFETY: per the contract.
    unsafe {
        let units = array_like_length(ctx, v);
        let dense_max = cpu::armed_heap_bytes() / 16;
        let generic = if qjs::JS_IsArray(v) && units <= dense_max {
            0
        } else {
            units
        };
        Work { units, generic }
    }
}

/// Whether `concat` spreads `v` (IsConcatSpreadable), when that can be told without running
/// the worker's code; false otherwise.
///
/// # Safety
/// `ctx` live; `v` a live value of it.
unsafe fn spread_by_concat(ctx: *mut qjs::JSContext, v: qjs::JSValue) -> bool {
    // SAFETY: per the contract; the value read is freed once.
    unsafe {
        if !qjs::JS_IsObject(v) || qjs::JS_IsProxy(v) {
            return false;
        }
        match data_property(ctx, v, qjs::JS_ATOM_Symbol_isConcatSpreadable as qjs::JSAtom) {
            Prop::Absent => qjs::JS_IsArray(v),
            Prop::Unknown => false,
            Prop::Data(flag) => {
                // ToBoolean runs no code.
                let spread = qjs::JS_ToBool(ctx, flag) > 0;
                qjs::JS_FreeValue(ctx, flag);
                spread
            }
        }
    }
}

/// The work of a call of kind `kind` on `this` with arguments `argv`: read without running any
/// of the worker's code (see the module documentation); nothing when nothing can be.
///
/// # Safety
/// `ctx` live; `this` and the `argc` values at `argv` live values of it.
unsafe fn work(ctx: *mut qjs::JSContext, kind: Kind, this: qjs::JSValue, argc: c_int, argv: *mut qjs::JSValue) -> Work {
    // SAFETY: per the contract; each value made here is freed once.
    unsafe {
        let units = match kind {
            // `JS_IsArray` is false for a proxy (quickjs-ng).
            Kind::ArrayLength if qjs::JS_IsArray(this) => own_length(ctx, this),
            Kind::ArrayLength => 0,
            Kind::ArrayLike => return generic_work(ctx, this),
            Kind::Concat => {
                let mut total = Work::default();
                for i in 0..=usize::try_from(argc).unwrap_or(0) {
                    let v = if i == 0 { this } else { arg(argc, argv, i - 1) };
                    if spread_by_concat(ctx, v) {
                        let w = generic_work(ctx, v);
                        total.units = total.units.saturating_add(w.units);
                        total.generic = total.generic.saturating_add(w.generic);
                    }
                }
                return total;
            }
            Kind::TypedBytes | Kind::TypedSort => {
                if qjs::JS_GetTypedArrayType(this) < 0 {
                    return Work::default();
                }
                let (mut offset, mut bytes, mut per) = (0, 0, 1);
                let buffer = qjs::JS_GetTypedArrayBuffer(ctx, this, &mut offset, &mut bytes, &mut per);
                if qjs::JS_IsException(buffer) {
                    // Out of bounds (a shrunk buffer): the engine's own function says so.
                    clear_exception(ctx);
                    return Work::default();
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
            Kind::StringKey => {
                let first = arg(argc, argv, 0);
                if qjs::JS_IsString(first) {
                    own_length(ctx, first)
                } else {
                    0
                }
            }
        };
        Work { units, generic: 0 }
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
            3 => Kind::StringKey,
            4 => Kind::ArrayLike,
            _ => Kind::Concat,
        };
        let Work { units, generic } = work(ctx, kind, this, argc, argv);
        let predicted_ns = (generic as u64).saturating_mul(NS_PER_GENERIC_ELEMENT);
        if predicted_ns >= PREDICT_MIN_NS && cpu::armed_cannot_finish(predicted_ns) {
            throw_interrupted(ctx);
            return qjs::JS_EXCEPTION;
        }
        if units > 0 && Poll::new(ctx).tick(units).is_err() {
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
