//! `String.prototype.indexOf`, `lastIndexOf`, `includes`, `split`, `replace` and `replaceAll`
//! in linear time and under the CPU budget.
//!
//! QuickJS searches a string by comparing the needle at every position: O(n * m) inside one
//! builtin, which never polls the interrupt handler, so
//! `"a".repeat(3e6).indexOf("a".repeat(5000) + "b")` ran for 34 s of CPU past a 50 ms limit.
//! These replacements do what the specification says (ES2025 22.1.3.8, .9, .11, .19, .20,
//! .23), step by step and in its order: `RequireObjectCoercible(this)` (the engine's own
//! function throws, for `undefined`/`null`), `ToString` of the receiver and the arguments, the
//! `IsRegExp` check of `includes` and `replaceAll` (with its `flags` test), the lookup of
//! `Symbol.split`/`Symbol.replace` on an object pattern (and the call of what is found),
//! `ToIntegerOrInfinity`/`ToUint32` of positions and limits. Each of those may run the worker's
//! code, exactly where the specification runs it. Then, on primitive strings only, the search
//! is `memchr::memmem` over the strings' CESU-8 bytes (`text_search.rs`), polling the CPU
//! budget every ~1 MiB (`interrupt.rs`); a replacement template's `$$`, `$&`, `` $` `` and `$'`
//! are expanded (no captures, so `$1`, `$<` stay literal), a replacement function is called
//! with `(matched, position, string)` per match, after all matches were found, as
//! `replaceAll` specifies.
//!
//! Left to the engine's own function, called with the already converted primitive arguments
//! (indistinguishable: converting a primitive again runs no code): an empty search string or
//! separator (the engine is linear there), and a receiver that is `undefined` or `null`.
//! A result is sized before Rust builds it: one that could not be a string (more than 2^30 - 1
//! units) throws `RangeError`, one the isolate's heap could not hold fails as the engine's
//! allocation would (`exceededMemory`), so the Rust buffers stay within a small multiple of
//! the isolate's memory limit. `startsWith`/`endsWith` are not replaced: they compare at one
//! position only, which the engine does in linear time.

use super::interrupt::{Interrupted, Poll};
use super::intrinsics::{
    atom_value, define_method, global_path, name_atom, native_function, own_slot, symbol_atom, value_atom,
};
use super::text_search::{
    byte_of_unit, cesu8_to_utf16, find_from, is_latin1, parse_template, rfind_upto, units, Piece, Stopped, UnitCursor,
};
use memchr::memmem;
use rquickjs::{qjs, Ctx};
use std::ffi::{c_char, c_int};

// Layout of the functions' data values.
const D_ORIGINAL: usize = 0;
const D_KIND: usize = 1;
const D_SPLIT: usize = 2;
const D_REPLACE: usize = 3;
const D_MATCH: usize = 4;
const D_FLAGS: usize = 5;
const D_LEN: usize = 6;

/// QuickJS's longest string, in code units (`JS_STRING_LEN_MAX`).
const STRING_LEN_MAX: usize = (1 << 30) - 1;
/// Work units a match costs (beyond the bytes it searches and copies).
const MATCH_UNITS: usize = 64;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    IndexOf = 0,
    LastIndexOf = 1,
    Includes = 2,
    Split = 3,
    Replace = 4,
    ReplaceAll = 5,
}

const METHODS: [(&str, Kind, c_int); 6] = [
    ("indexOf", Kind::IndexOf, 1),
    ("lastIndexOf", Kind::LastIndexOf, 1),
    ("includes", Kind::Includes, 1),
    ("split", Kind::Split, 2),
    ("replace", Kind::Replace, 2),
    ("replaceAll", Kind::ReplaceAll, 2),
];

/// An exception is pending on the context (thrown by the engine, the worker, or a poll).
struct Thrown;

impl From<Stopped> for Thrown {
    fn from(_: Stopped) -> Self {
        // A search stops only when its poll threw the interrupt.
        Thrown
    }
}

impl From<Interrupted> for Thrown {
    fn from(_: Interrupted) -> Self {
        Thrown
    }
}

type Js<T> = Result<T, Thrown>;

/// A value this code owns a reference to, freed on drop.
struct Owned {
    ctx: *mut qjs::JSContext,
    v: qjs::JSValue,
}

impl Owned {
    /// Takes `v` (a new reference); `Err` when it is the exception value.
    fn new(ctx: *mut qjs::JSContext, v: qjs::JSValue) -> Js<Owned> {
        // SAFETY: reading a value's tag.
        if unsafe { qjs::JS_IsException(v) } {
            Err(Thrown)
        } else {
            Ok(Owned { ctx, v })
        }
    }

    fn is_nullish(&self) -> bool {
        // SAFETY: reading a value's tag.
        unsafe { qjs::JS_IsUndefined(self.v) || qjs::JS_IsNull(self.v) }
    }

    /// Hands the reference to the caller.
    fn take(self) -> qjs::JSValue {
        let v = self.v;
        std::mem::forget(self);
        v
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: `ctx` is live for the native call this value belongs to; freed once.
        unsafe { qjs::JS_FreeValue(self.ctx, self.v) };
    }
}

/// A primitive string's code units as CESU-8 (see `text_search.rs`), borrowed from or made by
/// the engine (in the isolate's heap), freed on drop.
struct Text {
    ctx: *mut qjs::JSContext,
    ptr: *const c_char,
    len: usize,
    ascii: bool,
}

impl Text {
    /// # Safety
    /// `ctx` live; `s` a live primitive string of it.
    unsafe fn of(ctx: *mut qjs::JSContext, s: &Owned) -> Js<Text> {
        let mut len: qjs::size_t = 0;
        // SAFETY: per the contract: converting a primitive string runs no code.
        let ptr = unsafe { qjs::JS_ToCStringLen2(ctx, &mut len, s.v, true) };
        if ptr.is_null() {
            return Err(Thrown); // out of memory, pending
        }
        let mut text = Text {
            ctx,
            ptr,
            len: len as usize,
            ascii: false,
        };
        text.ascii = text.bytes().is_ascii();
        Ok(text)
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: JS_ToCStringLen2 returned `len` readable bytes at `ptr`, kept until drop.
        unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>(), self.len) }
    }

    fn units(&self) -> usize {
        if self.ascii {
            self.len
        } else {
            units(self.bytes())
        }
    }

    fn byte_of(&self, unit: usize) -> usize {
        if self.ascii {
            unit.min(self.len)
        } else {
            byte_of_unit(self.bytes(), unit)
        }
    }

    fn unit_of(&self, byte: usize) -> usize {
        if self.ascii {
            byte
        } else {
            units(&self.bytes()[..byte])
        }
    }
}

impl Drop for Text {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from JS_ToCStringLen2 on this live context, freed once.
        unsafe { qjs::JS_FreeCString(self.ctx, self.ptr) };
    }
}

/// A JavaScript string of CESU-8 `bytes` (cut at code-unit boundaries).
///
/// # Safety
/// `ctx` is live.
unsafe fn new_string(ctx: *mut qjs::JSContext, bytes: &[u8]) -> Js<Owned> {
    // SAFETY: per the contract; both functions copy the buffer they are given.
    unsafe {
        if is_latin1(bytes) {
            Owned::new(ctx, qjs::JS_NewStringLen(ctx, bytes.as_ptr().cast(), bytes.len() as _))
        } else {
            let wide = cesu8_to_utf16(bytes);
            Owned::new(ctx, qjs::JS_NewStringUTF16(ctx, wide.as_ptr(), wide.len() as _))
        }
    }
}

/// # Safety
/// `ctx` live, `v` a live value.
unsafe fn to_string(ctx: *mut qjs::JSContext, v: qjs::JSValue) -> Js<Owned> {
    // SAFETY: per the contract (this may run the worker's code, where the spec does).
    Owned::new(ctx, unsafe { qjs::JS_ToString(ctx, v) })
}

/// ToIntegerOrInfinity(v), with `nan` for NaN (`lastIndexOf` reads NaN as +Infinity).
///
/// # Safety
/// As `to_string`.
unsafe fn to_integer(ctx: *mut qjs::JSContext, v: qjs::JSValue, nan: f64) -> Js<f64> {
    let mut d = 0.0;
    // SAFETY: per the contract.
    if unsafe { qjs::JS_ToFloat64(ctx, &mut d, v) } < 0 {
        return Err(Thrown);
    }
    Ok(if d.is_nan() { nan } else { d.trunc() })
}

/// `pos` clamped between 0 and `hi`.
fn clamp(pos: f64, hi: usize) -> usize {
    if pos <= 0.0 {
        0
    } else if pos >= hi as f64 {
        hi
    } else {
        pos as usize
    }
}

/// # Safety
/// `ctx` live; `msg` has no `%` conversions.
unsafe fn throw_type_error(ctx: *mut qjs::JSContext, msg: &std::ffi::CStr) -> Thrown {
    // SAFETY: per the contract.
    unsafe { qjs::JS_ThrowTypeError(ctx, c"%s".as_ptr(), msg.as_ptr()) };
    Thrown
}

/// The data value at `i`.
///
/// # Safety
/// `data` holds the `D_LEN` values of `install`.
unsafe fn datum(data: *mut qjs::JSValue, i: usize) -> qjs::JSValue {
    // SAFETY: per the contract.
    unsafe { *data.add(i) }
}

/// IsRegExp (ES2025 7.2.6): `Symbol.match` read from an object, else its `[[RegExpMatcher]]`.
///
/// # Safety
/// `ctx` live, `v` live, `data` as `datum`'s.
unsafe fn is_regexp(ctx: *mut qjs::JSContext, v: qjs::JSValue, data: *mut qjs::JSValue) -> Js<bool> {
    if !qjs::JS_IsObject(v) {
        return Ok(false);
    }
    // SAFETY: per the contract; the matcher is freed by its guard.
    unsafe {
        let matcher = Owned::new(ctx, qjs::JS_GetProperty(ctx, v, value_atom(datum(data, D_MATCH))))?;
        if !qjs::JS_IsUndefined(matcher.v) {
            return match qjs::JS_ToBool(ctx, matcher.v) {
                n if n < 0 => Err(Thrown),
                n => Ok(n > 0),
            };
        }
        Ok(qjs::JS_IsRegExp(v))
    }
}

/// Calls the engine's own function with `args`.
///
/// # Safety
/// `ctx` live, `this` and `args` live values, `data` as `datum`'s.
unsafe fn call_original(
    ctx: *mut qjs::JSContext,
    data: *mut qjs::JSValue,
    this: qjs::JSValue,
    args: &[qjs::JSValue],
) -> qjs::JSValue {
    // SAFETY: per the contract; JS_Call does not take the arguments.
    unsafe {
        qjs::JS_Call(
            ctx,
            datum(data, D_ORIGINAL),
            this,
            args.len() as c_int,
            args.as_ptr().cast_mut(),
        )
    }
}

/// `indexOf`, `lastIndexOf`, `includes` (ES2025 22.1.3.9, .11, .8).
///
/// # Safety
/// `ctx` live; `this`, `args` live; `data` as `datum`'s.
unsafe fn index_of(
    ctx: *mut qjs::JSContext,
    kind: Kind,
    this: qjs::JSValue,
    args: [qjs::JSValue; 2],
    data: *mut qjs::JSValue,
) -> Js<qjs::JSValue> {
    // SAFETY: per the contract.
    unsafe {
        let s = to_string(ctx, this)?;
        if kind == Kind::Includes && is_regexp(ctx, args[0], data)? {
            return Err(throw_type_error(ctx, c"regexp not supported"));
        }
        let q = to_string(ctx, args[0])?;
        let pos = match (kind, qjs::JS_IsUndefined(args[1])) {
            (Kind::LastIndexOf, true) => f64::INFINITY,
            (Kind::LastIndexOf, false) => to_integer(ctx, args[1], f64::INFINITY)?,
            (_, true) => 0.0,
            (_, false) => to_integer(ctx, args[1], 0.0)?,
        };
        let hay = Text::of(ctx, &s)?;
        let needle = Text::of(ctx, &q)?;
        let mut poll = Poll::new(ctx);
        let len = hay.units();
        let found: i64 = if kind == Kind::LastIndexOf {
            let needle_units = needle.units();
            if needle_units > len {
                -1
            } else {
                let start = clamp(pos, len - needle_units);
                if needle.len == 0 {
                    start as i64
                } else {
                    let finder = memmem::FinderRev::new(needle.bytes());
                    let at = rfind_upto(&finder, hay.bytes(), hay.byte_of(start), &mut |n| poll.tick(n).is_ok())?;
                    at.map_or(-1, |b| hay.unit_of(b) as i64)
                }
            }
        } else {
            let start = clamp(pos, len);
            if needle.len == 0 {
                start as i64
            } else {
                let finder = memmem::Finder::new(needle.bytes());
                let at = find_from(&finder, hay.bytes(), hay.byte_of(start), &mut |n| poll.tick(n).is_ok())?;
                at.map_or(-1, |b| hay.unit_of(b) as i64)
            }
        };
        Ok(if kind == Kind::Includes {
            qjs::JS_MKVAL(qjs::JS_TAG_BOOL, i32::from(found >= 0))
        } else {
            qjs::JS_MKVAL(qjs::JS_TAG_INT, found as i32)
        })
    }
}

/// Array elements this code owns until they become an array.
struct Elements {
    ctx: *mut qjs::JSContext,
    values: Vec<qjs::JSValue>,
}

impl Elements {
    /// An array of the elements (`JS_NewArrayFrom` takes them, even when it fails).
    fn into_array(mut self) -> Js<Owned> {
        let values = std::mem::take(&mut self.values);
        // SAFETY: `ctx` is live; the values are live and handed over once.
        Owned::new(self.ctx, unsafe {
            qjs::JS_NewArrayFrom(self.ctx, values.len() as c_int, values.as_ptr())
        })
    }
}

impl Drop for Elements {
    fn drop(&mut self) {
        for v in self.values.drain(..) {
            // SAFETY: each value is owned here and freed once.
            unsafe { qjs::JS_FreeValue(self.ctx, v) };
        }
    }
}

/// `split` (ES2025 22.1.3.23).
///
/// # Safety
/// As `index_of`.
unsafe fn split(
    ctx: *mut qjs::JSContext,
    this: qjs::JSValue,
    args: [qjs::JSValue; 2],
    data: *mut qjs::JSValue,
) -> Js<qjs::JSValue> {
    let [separator, limit] = args;
    // SAFETY: per the contract.
    unsafe {
        if qjs::JS_IsObject(separator) {
            let splitter = Owned::new(
                ctx,
                qjs::JS_GetProperty(ctx, separator, value_atom(datum(data, D_SPLIT))),
            )?;
            if !splitter.is_nullish() {
                let mut call_args = [this, limit];
                return Ok(qjs::JS_Call(ctx, splitter.v, separator, 2, call_args.as_mut_ptr()));
            }
        }
        let s = to_string(ctx, this)?;
        let lim = if qjs::JS_IsUndefined(limit) {
            u32::MAX
        } else {
            let mut n = 0i32;
            if qjs::JS_ToInt32(ctx, &mut n, limit) < 0 {
                return Err(Thrown);
            }
            n as u32
        };
        let r = to_string(ctx, separator)?;
        let mut parts = Elements {
            ctx,
            values: Vec::new(),
        };
        if lim == 0 {
            return Ok(parts.into_array()?.take());
        }
        if qjs::JS_IsUndefined(separator) {
            parts.values.push(qjs::JS_DupValue(ctx, s.v));
            return Ok(parts.into_array()?.take());
        }
        let hay = Text::of(ctx, &s)?;
        let needle = Text::of(ctx, &r)?;
        if needle.len == 0 {
            let lim = qjs::JS_NewNumber(ctx, f64::from(lim));
            return Ok(call_original(ctx, data, s.v, &[r.v, lim]));
        }
        if hay.len == 0 {
            parts.values.push(qjs::JS_DupValue(ctx, s.v));
            return Ok(parts.into_array()?.take());
        }
        let mut poll = Poll::new(ctx);
        let finder = memmem::Finder::new(needle.bytes());
        let bytes = hay.bytes();
        let mut from = 0;
        while let Some(at) = find_from(&finder, bytes, from, &mut |n| poll.tick(n).is_ok())? {
            parts.values.push(new_string(ctx, &bytes[from..at])?.take());
            poll.tick(MATCH_UNITS + at - from)?;
            if parts.values.len() == lim as usize {
                return Ok(parts.into_array()?.take());
            }
            from = at + needle.len;
        }
        parts.values.push(new_string(ctx, &bytes[from..])?.take());
        Ok(parts.into_array()?.take())
    }
}

/// The result of a replace, built in CESU-8, with its length in code units checked against
/// what a string and the isolate's heap can hold before it grows past each doubling.
struct Output {
    ctx: *mut qjs::JSContext,
    bytes: Vec<u8>,
    units: usize,
    checked: usize,
}

impl Output {
    fn new(ctx: *mut qjs::JSContext) -> Output {
        Output {
            ctx,
            bytes: Vec::new(),
            units: 0,
            checked: 1 << 16,
        }
    }

    /// Fails as the engine would if a string of `units` code units could not exist or not fit
    /// in the isolate's heap: asks the isolate's allocator for that many bytes (and gives them
    /// back), so that a refusal is the engine's own out-of-memory error.
    fn check(&mut self, units: usize) -> Js<()> {
        if units <= self.checked {
            return Ok(());
        }
        // SAFETY: `ctx` is live; the probe block is freed at once.
        unsafe {
            if units > STRING_LEN_MAX {
                qjs::JS_ThrowRangeError(self.ctx, c"%s".as_ptr(), c"invalid string length".as_ptr());
                return Err(Thrown);
            }
            let probe = qjs::js_malloc(self.ctx, units as _);
            if probe.is_null() {
                return Err(Thrown); // the engine threw its out-of-memory error
            }
            qjs::js_free(self.ctx, probe);
        }
        self.checked = units.saturating_mul(2);
        Ok(())
    }

    /// Appends `bytes` (of `units` code units).
    fn push(&mut self, bytes: &[u8], units: usize) -> Js<()> {
        self.check(self.units.saturating_add(units))?;
        self.units += units;
        self.bytes.extend_from_slice(bytes);
        Ok(())
    }
}

/// `replace` and `replaceAll` (ES2025 22.1.3.19, .20).
///
/// # Safety
/// As `index_of`.
unsafe fn replace(
    ctx: *mut qjs::JSContext,
    all: bool,
    this: qjs::JSValue,
    args: [qjs::JSValue; 2],
    data: *mut qjs::JSValue,
) -> Js<qjs::JSValue> {
    let [search, replace_value] = args;
    // SAFETY: per the contract.
    unsafe {
        if qjs::JS_IsObject(search) {
            if all && is_regexp(ctx, search, data)? {
                let flags = Owned::new(ctx, qjs::JS_GetProperty(ctx, search, value_atom(datum(data, D_FLAGS))))?;
                if flags.is_nullish() {
                    return Err(throw_type_error(ctx, c"cannot convert to object"));
                }
                let flags = to_string(ctx, flags.v)?;
                if !Text::of(ctx, &flags)?.bytes().contains(&b'g') {
                    return Err(throw_type_error(ctx, c"regexp must have the 'g' flag"));
                }
            }
            let replacer = Owned::new(
                ctx,
                qjs::JS_GetProperty(ctx, search, value_atom(datum(data, D_REPLACE))),
            )?;
            if !replacer.is_nullish() {
                let mut call_args = [this, replace_value];
                return Ok(qjs::JS_Call(ctx, replacer.v, search, 2, call_args.as_mut_ptr()));
            }
        }
        let s = to_string(ctx, this)?;
        let q = to_string(ctx, search)?;
        let functional = qjs::JS_IsFunction(ctx, replace_value);
        let template = if functional {
            None
        } else {
            Some(to_string(ctx, replace_value)?)
        };
        let hay = Text::of(ctx, &s)?;
        let needle = Text::of(ctx, &q)?;
        if needle.len == 0 {
            let with = template.as_ref().map_or(replace_value, |t| t.v);
            return Ok(call_original(ctx, data, s.v, &[q.v, with]));
        }
        let mut poll = Poll::new(ctx);
        let finder = memmem::Finder::new(needle.bytes());
        let bytes = hay.bytes();
        let mut positions = Vec::new();
        let mut from = 0;
        while let Some(at) = find_from(&finder, bytes, from, &mut |n| poll.tick(n).is_ok())? {
            positions.push(at);
            if !all {
                break;
            }
            poll.tick(MATCH_UNITS)?;
            from = at + needle.len;
        }
        if positions.is_empty() {
            return Ok(s.take());
        }
        let (hay_units, needle_units) = (hay.units(), needle.units());
        let mut out = Output::new(ctx);
        let mut cursor = UnitCursor::default();
        let mut last = 0;
        match template {
            Some(template) => {
                let template = Text::of(ctx, &template)?;
                let pieces = parse_template(template.bytes());
                // Size the whole result first (template pieces do not change per match).
                let mut literal_units = 0usize;
                let (mut matched, mut before, mut after) = (0usize, 0usize, 0usize);
                for piece in &pieces {
                    match piece {
                        Piece::Literal(r) => literal_units += units(&template.bytes()[r.clone()]),
                        Piece::Dollar => literal_units += 1,
                        Piece::Matched => matched += 1,
                        Piece::Before => before += 1,
                        Piece::After => after += 1,
                    }
                }
                let mut total = (hay_units - positions.len() * needle_units) as u128;
                let mut sizing = UnitCursor::default();
                for &at in &positions {
                    let unit = sizing.unit_at(bytes, at) as u128;
                    total += literal_units as u128
                        + matched as u128 * needle_units as u128
                        + before as u128 * unit
                        + after as u128 * (hay_units as u128 - unit - needle_units as u128);
                }
                out.check(usize::try_from(total).unwrap_or(usize::MAX))?;
                out.checked = usize::MAX;
                for &at in &positions {
                    out.push(&bytes[last..at], 0)?;
                    let end = at + needle.len;
                    for piece in &pieces {
                        let part: &[u8] = match piece {
                            Piece::Literal(r) => &template.bytes()[r.clone()],
                            Piece::Dollar => b"$",
                            Piece::Matched => needle.bytes(),
                            Piece::Before => &bytes[..at],
                            Piece::After => &bytes[end..],
                        };
                        out.push(part, 0)?;
                        poll.tick(part.len())?;
                    }
                    poll.tick(MATCH_UNITS + at - last)?;
                    last = end;
                }
            }
            None => {
                let mut last_unit = 0;
                for &at in &positions {
                    let unit = cursor.unit_at(bytes, at);
                    out.push(&bytes[last..at], unit - last_unit)?;
                    let mut call_args = [q.v, qjs::JS_MKVAL(qjs::JS_TAG_INT, unit as i32), s.v];
                    let result = Owned::new(
                        ctx,
                        qjs::JS_Call(ctx, replace_value, qjs::JS_UNDEFINED, 3, call_args.as_mut_ptr()),
                    )?;
                    let result = to_string(ctx, result.v)?;
                    let result = Text::of(ctx, &result)?;
                    out.push(result.bytes(), result.units())?;
                    poll.tick(MATCH_UNITS + at - last + result.len)?;
                    last = at + needle.len;
                    last_unit = unit + needle_units;
                }
            }
        }
        let rest = hay_units.saturating_sub(out.units);
        out.push(&bytes[last..], rest)?;
        Ok(new_string(ctx, &out.bytes)?.take())
    }
}

/// The native methods: `data` as laid out by `install`.
///
/// # Safety
/// QuickJS calls it with a live context, `argc` values at `argv` and the `D_LEN` data values.
unsafe extern "C" fn method(
    ctx: *mut qjs::JSContext,
    this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    _magic: c_int,
    data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: per the function's contract.
    unsafe {
        let arg = |i: usize| super::intrinsics::arg(argc, argv, i);
        let args = [arg(0), arg(1)];
        if qjs::JS_IsUndefined(this) || qjs::JS_IsNull(this) {
            // RequireObjectCoercible: the engine throws its own TypeError.
            return call_original(ctx, data, this, &args);
        }
        let kind = match qjs::JS_VALUE_GET_INT(datum(data, D_KIND)) {
            0 => Kind::IndexOf,
            1 => Kind::LastIndexOf,
            2 => Kind::Includes,
            3 => Kind::Split,
            4 => Kind::Replace,
            _ => Kind::ReplaceAll,
        };
        let result = match kind {
            Kind::IndexOf | Kind::LastIndexOf | Kind::Includes => index_of(ctx, kind, this, args, data),
            Kind::Split => split(ctx, this, args, data),
            Kind::Replace => replace(ctx, false, this, args, data),
            Kind::ReplaceAll => replace(ctx, true, this, args, data),
        };
        result.unwrap_or(qjs::JS_EXCEPTION)
    }
}

/// Replaces the six methods of `%String.prototype%` (same attributes, names and lengths) with
/// the function above. Call once, on a fresh context.
pub fn install(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `raw` is the live context of `ctx`, which has run no user code. The values put in
    // `data` are taken by `native_function`; `proto` is freed once; the atoms are the engine's
    // predefined ones (never freed), so holding them as integers is sound.
    unsafe {
        let proto = global_path(raw, &[c"String", c"prototype"]);
        let atoms = [
            symbol_atom(raw, c"split"),
            symbol_atom(raw, c"replace"),
            symbol_atom(raw, c"match"),
            name_atom(raw, "flags"),
        ];
        let mut ok = qjs::JS_IsObject(proto) && !atoms.contains(&qjs::JS_ATOM_NULL);
        for (name, kind, length) in METHODS {
            let atom = name_atom(raw, name);
            let mut data = vec![qjs::JS_UNDEFINED; D_LEN];
            if ok {
                data[D_ORIGINAL] = own_slot(raw, proto, atom, false);
                data[D_KIND] = qjs::JS_MKVAL(qjs::JS_TAG_INT, kind as i32);
                for (k, &a) in atoms.iter().enumerate() {
                    data[D_SPLIT + k] = atom_value(a);
                }
                ok = qjs::JS_IsFunction(raw, data[D_ORIGINAL]);
            }
            let f = native_function(raw, method, length, name, data, ok);
            ok = define_method(raw, proto, atom, f);
        }
        qjs::JS_FreeValue(raw, proto);
        if !ok {
            return Err(rquickjs::Error::Exception);
        }
    }
    Ok(())
}
