//! `JSON.stringify` with a fast path for plain data: what workers serialise on almost every
//! request (`JSON.stringify({ user, cohort, flags })`, `Response.json(...)`). QuickJS's own
//! serialiser looks up `toJSON` on every value through the prototype chain, copies each key
//! into a quoted string and grows a string buffer value by value: ~4k instructions per property.
//! Here one walk in Rust writes the text: ~0.5k.
//!
//! The fast path runs only where the specification's algorithm (ES2025 25.5.2.2) can run no
//! user code and throw no error, so the result is the same: no replacer and no indentation
//! argument; values that are primitives (BigInts excepted), ordinary objects whose prototype
//! is `%Object.prototype%` and arrays whose prototype is `%Array.prototype%`; neither
//! prototype has a `toJSON`; every property read is an own data property (no getters, no
//! holes, no `toJSON` key); nesting under 64 levels (deeper values and cycles go to the
//! engine, which throws for a cycle). Anything else makes the walk stop having done nothing
//! observable, and the engine's own `JSON.stringify` runs instead. Numbers are formatted by the
//! engine's `Number::toString`; strings are escaped as well-formed `JSON.stringify` does (lone
//! surrogates as `\udxxx`).

use super::interrupt::Poll;
use super::intrinsics::{
    atom_value, clear_exception, define_method, free_descriptor, global_path, name_atom, native_function,
    own_descriptor, proto_is, value_atom,
};
use rquickjs::{qjs, Ctx};
use std::ffi::c_int;

// Layout of the function's data values.
const D_ORIGINAL: usize = 0;
const D_OBJECT_PROTO: usize = 1;
const D_ARRAY_PROTO: usize = 2;
/// The atom of `toJSON`, as an int32.
const D_TO_JSON: usize = 3;
const D_LEN: usize = 4;

/// Class ids of ordinary objects and arrays (QuickJS's `JS_CLASS_OBJECT`, `JS_CLASS_ARRAY`).
const CLASS_OBJECT: u32 = 1;
const CLASS_ARRAY: u32 = 2;
const MAX_DEPTH: usize = 64;
/// Largest text the fast path writes: it is Rust memory, outside the isolate's limit, so a
/// larger one (which the engine counts, and may refuse) is left to the engine.
const MAX_TEXT_BYTES: usize = 8 << 20;
/// Work units (see `interrupt.rs`) a value costs the walk.
const VALUE_UNITS: usize = 32;

/// The walk met something only the engine's algorithm may handle.
struct Bail;

/// Appends `s` (WTF-8, as QuickJS converts strings: a lone surrogate is its 3-byte sequence)
/// to `out` as a JSON string literal, escaping as `QuoteJSONString` does.
pub fn quote(out: &mut Vec<u8>, s: &[u8]) {
    // Most keys and values need no escape: one scan, one copy.
    let plain = |c: &u8| *c >= 0x20 && *c != b'"' && *c != b'\\' && *c != 0xed;
    let mut i = s.iter().position(|c| !plain(c)).unwrap_or(s.len());
    out.reserve(s.len() + 2);
    out.push(b'"');
    if i == s.len() {
        out.extend_from_slice(s);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    while i < s.len() {
        let c = s[i];
        let escape: Option<&[u8]> = match c {
            b'"' => Some(b"\\\""),
            b'\\' => Some(b"\\\\"),
            b'\n' => Some(b"\\n"),
            b'\r' => Some(b"\\r"),
            b'\t' => Some(b"\\t"),
            0x08 => Some(b"\\b"),
            0x0c => Some(b"\\f"),
            _ => None,
        };
        if let Some(e) = escape {
            out.extend_from_slice(&s[start..i]);
            out.extend_from_slice(e);
            i += 1;
            start = i;
        } else if c < 0x20 {
            out.extend_from_slice(&s[start..i]);
            out.extend_from_slice(format!("\\u{:04x}", c).as_bytes());
            i += 1;
            start = i;
        } else if c == 0xed && i + 2 < s.len() && s[i + 1] >= 0xa0 {
            // U+D800..U+DFFF (only lone surrogates reach here: pairs are 4-byte sequences).
            let unit = 0xd000 | ((u32::from(s[i + 1]) & 0x3f) << 6) | (u32::from(s[i + 2]) & 0x3f);
            out.extend_from_slice(&s[start..i]);
            out.extend_from_slice(format!("\\u{unit:04x}").as_bytes());
            i += 3;
            start = i;
        } else {
            i += 1;
        }
    }
    out.extend_from_slice(&s[start..]);
    out.push(b'"');
}

/// Appends the decimal text of `n` (what `Number::toString` gives an int32).
fn write_int(out: &mut Vec<u8>, n: i32) {
    let mut buf = [0u8; 11];
    let mut at = buf.len();
    let mut m = n.unsigned_abs();
    loop {
        at -= 1;
        buf[at] = b'0' + (m % 10) as u8;
        m /= 10;
        if m == 0 {
            break;
        }
    }
    if n < 0 {
        at -= 1;
        buf[at] = b'-';
    }
    out.extend_from_slice(&buf[at..]);
}

struct Walk {
    ctx: *mut qjs::JSContext,
    data: *mut qjs::JSValue,
    out: Vec<u8>,
    /// Polls the CPU budget as the walk goes (a value or a byte written is a unit).
    poll: Poll,
    /// The poll ended the turn: the walk stopped with the interrupt pending.
    interrupted: bool,
    /// `out.len()` at the last tick (bytes written count as units too).
    ticked: usize,
}

impl Walk {
    /// Appends a string value's text, quoted.
    ///
    /// # Safety
    /// `v` is a live string of the live context.
    unsafe fn string(&mut self, v: qjs::JSValue) -> Result<(), Bail> {
        let mut len: qjs::size_t = 0;
        // SAFETY: a primitive string converts without running code; freed below.
        unsafe {
            let ptr = qjs::JS_ToCStringLen2(self.ctx, &mut len, v, false);
            if ptr.is_null() {
                clear_exception(self.ctx);
                return Err(Bail);
            }
            quote(
                &mut self.out,
                std::slice::from_raw_parts(ptr.cast::<u8>(), len as usize),
            );
            qjs::JS_FreeCString(self.ctx, ptr);
        }
        Ok(())
    }

    /// Appends the serialisation of `v`; `Ok(false)` when `v` serialises to nothing
    /// (undefined, a symbol: omitted from objects, `null` in arrays).
    ///
    /// # Safety
    /// `v` is a live value of the live context; `data` the `D_LEN` values of `install`.
    unsafe fn value(&mut self, v: qjs::JSValue, depth: usize) -> Result<bool, Bail> {
        if self.out.len() > MAX_TEXT_BYTES {
            return Err(Bail);
        }
        let written = self.out.len() - self.ticked;
        self.ticked = self.out.len();
        if self.poll.tick(VALUE_UNITS + written).is_err() {
            self.interrupted = true;
            return Err(Bail);
        }
        // SAFETY: per the contract; every value obtained is freed once.
        unsafe {
            match qjs::JS_VALUE_GET_TAG(v) {
                qjs::JS_TAG_INT => write_int(&mut self.out, qjs::JS_VALUE_GET_INT(v)),
                qjs::JS_TAG_FLOAT64 => {
                    let f = qjs::JS_VALUE_GET_FLOAT64(v);
                    if !f.is_finite() {
                        self.out.extend_from_slice(b"null");
                    } else {
                        let s = qjs::JS_ToString(self.ctx, v);
                        if qjs::JS_IsException(s) {
                            clear_exception(self.ctx);
                            return Err(Bail);
                        }
                        let mut len: qjs::size_t = 0;
                        let ptr = qjs::JS_ToCStringLen2(self.ctx, &mut len, s, false);
                        qjs::JS_FreeValue(self.ctx, s);
                        if ptr.is_null() {
                            clear_exception(self.ctx);
                            return Err(Bail);
                        }
                        self.out
                            .extend_from_slice(std::slice::from_raw_parts(ptr.cast::<u8>(), len as usize));
                        qjs::JS_FreeCString(self.ctx, ptr);
                    }
                }
                qjs::JS_TAG_BOOL => {
                    let b: &[u8] = if qjs::JS_VALUE_GET_BOOL(v) { b"true" } else { b"false" };
                    self.out.extend_from_slice(b);
                }
                qjs::JS_TAG_NULL => self.out.extend_from_slice(b"null"),
                qjs::JS_TAG_UNDEFINED | qjs::JS_TAG_SYMBOL => return Ok(false),
                qjs::JS_TAG_STRING => self.string(v)?,
                qjs::JS_TAG_OBJECT => {
                    if depth >= MAX_DEPTH {
                        return Err(Bail);
                    }
                    match qjs::JS_GetClassID(v) {
                        CLASS_OBJECT => self.object(v, depth)?,
                        CLASS_ARRAY => self.array(v, depth)?,
                        _ => return Err(Bail),
                    }
                }
                _ => return Err(Bail),
            }
        }
        Ok(true)
    }

    /// Whether `v`'s prototype is data value `which`.
    ///
    /// # Safety
    /// `v` a live ordinary object or array (not a proxy: no trap runs).
    unsafe fn proto_is(&self, v: qjs::JSValue, which: usize) -> bool {
        // SAFETY: per the contract.
        unsafe { proto_is(self.ctx, v, *self.data.add(which)) }
    }

    /// An own data property's value (a new reference), or `Bail` for an accessor or a missing
    /// property.
    ///
    /// # Safety
    /// `obj` a live ordinary object or array of the live context.
    unsafe fn own_data(&self, obj: qjs::JSValue, atom: qjs::JSAtom) -> Result<qjs::JSValue, Bail> {
        // SAFETY: per the contract; the descriptor's values are freed or returned once.
        unsafe {
            let desc = own_descriptor(self.ctx, obj, atom).ok_or(Bail)?;
            if desc.flags & qjs::JS_PROP_GETSET as c_int != 0 {
                free_descriptor(self.ctx, desc);
                return Err(Bail);
            }
            qjs::JS_FreeValue(self.ctx, desc.getter);
            qjs::JS_FreeValue(self.ctx, desc.setter);
            Ok(desc.value)
        }
    }

    /// # Safety
    /// `v` a live object of class `CLASS_OBJECT`.
    unsafe fn object(&mut self, v: qjs::JSValue, depth: usize) -> Result<(), Bail> {
        // SAFETY: per the contract; the property list and each value are freed once.
        unsafe {
            if !self.proto_is(v, D_OBJECT_PROTO) {
                return Err(Bail);
            }
            let mut tab: *mut qjs::JSPropertyEnum = std::ptr::null_mut();
            let mut len: u32 = 0;
            let mask = (qjs::JS_GPN_STRING_MASK | qjs::JS_GPN_ENUM_ONLY) as c_int;
            if qjs::JS_GetOwnPropertyNames(self.ctx, &mut tab, &mut len, v, mask) < 0 {
                clear_exception(self.ctx);
                return Err(Bail);
            }
            let to_json = value_atom(*self.data.add(D_TO_JSON));
            let result = (|| {
                self.out.push(b'{');
                let mut first = true;
                for k in 0..len as usize {
                    let atom = (*tab.add(k)).atom;
                    if atom == to_json {
                        return Err(Bail);
                    }
                    let value = self.own_data(v, atom)?;
                    let mark = self.out.len();
                    if !first {
                        self.out.push(b',');
                    }
                    let key = qjs::JS_AtomToString(self.ctx, atom);
                    if qjs::JS_IsException(key) {
                        clear_exception(self.ctx);
                        qjs::JS_FreeValue(self.ctx, value);
                        return Err(Bail);
                    }
                    let quoted = self.string(key);
                    qjs::JS_FreeValue(self.ctx, key);
                    if quoted.is_err() {
                        qjs::JS_FreeValue(self.ctx, value);
                        return Err(Bail);
                    }
                    self.out.push(b':');
                    let wrote = self.value(value, depth + 1);
                    qjs::JS_FreeValue(self.ctx, value);
                    if wrote? {
                        first = false;
                    } else {
                        self.out.truncate(mark);
                    }
                }
                self.out.push(b'}');
                Ok(())
            })();
            qjs::JS_FreePropertyEnum(self.ctx, tab, len);
            result
        }
    }

    /// # Safety
    /// `v` a live object of class `CLASS_ARRAY`.
    unsafe fn array(&mut self, v: qjs::JSValue, depth: usize) -> Result<(), Bail> {
        // SAFETY: per the contract; each value and atom is freed once.
        unsafe {
            if !self.proto_is(v, D_ARRAY_PROTO) {
                return Err(Bail);
            }
            let mut len: i64 = 0;
            // An array's `length` is an own data property: reading it runs no code.
            if qjs::JS_GetLength(self.ctx, v, &mut len) < 0 {
                clear_exception(self.ctx);
                return Err(Bail);
            }
            let len = u32::try_from(len).map_err(|_| Bail)?;
            self.out.push(b'[');
            for i in 0..len {
                if i > 0 {
                    self.out.push(b',');
                }
                let atom = qjs::JS_NewAtomUInt32(self.ctx, i);
                if atom == qjs::JS_ATOM_NULL {
                    clear_exception(self.ctx);
                    return Err(Bail);
                }
                let value = self.own_data(v, atom);
                qjs::JS_FreeAtom(self.ctx, atom);
                let value = value?;
                let wrote = self.value(value, depth + 1);
                qjs::JS_FreeValue(self.ctx, value);
                if !wrote? {
                    self.out.extend_from_slice(b"null");
                }
            }
            self.out.push(b']');
        }
        Ok(())
    }
}

/// Whether data value `which` (a prototype) has an own `toJSON`.
///
/// # Safety
/// Live context; `data` the `D_LEN` values of `install`.
unsafe fn has_to_json(ctx: *mut qjs::JSContext, data: *mut qjs::JSValue, which: usize) -> bool {
    // SAFETY: per the contract; the descriptor is freed once.
    unsafe {
        match own_descriptor(ctx, *data.add(which), value_atom(*data.add(D_TO_JSON))) {
            Some(desc) => {
                free_descriptor(ctx, desc);
                true
            }
            None => false,
        }
    }
}

/// The native `JSON.stringify`: `data` as laid out by `install`.
///
/// # Safety
/// QuickJS calls it with a live context, `argc` values at `argv` and the `D_LEN` data values.
unsafe extern "C" fn stringify(
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
        let plain_call =
            argc >= 1 && qjs::JS_IsUndefined(arg(1)) | qjs::JS_IsNull(arg(1)) && qjs::JS_IsUndefined(arg(2));
        if plain_call && !has_to_json(ctx, data, D_OBJECT_PROTO) && !has_to_json(ctx, data, D_ARRAY_PROTO) {
            let mut walk = Walk {
                ctx,
                data,
                // Room for a typical worker's answer without growing (each growth is a copy).
                out: Vec::with_capacity(256),
                poll: Poll::new(ctx),
                interrupted: false,
                ticked: 0,
            };
            match walk.value(arg(0), 0) {
                Ok(true) => return qjs::JS_NewStringLen(ctx, walk.out.as_ptr().cast(), walk.out.len() as _),
                Ok(false) => return qjs::JS_UNDEFINED,
                Err(Bail) if walk.interrupted => return qjs::JS_EXCEPTION,
                Err(Bail) => {}
            }
        }
        qjs::JS_Call(ctx, *data.add(D_ORIGINAL), this, argc, argv)
    }
}

/// Replaces `JSON.stringify` (same attributes, name and length) with the function above.
/// Call once, on a fresh context.
pub fn install(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `raw` is the live context of `ctx`, which has run no user code. The values put in
    // `data` are taken by `native_function`; `json` is freed once; `toJSON` is a predefined
    // atom (never freed), so holding it as an integer is sound.
    unsafe {
        let json = global_path(raw, &[c"JSON"]);
        let mut data: Vec<qjs::JSValue> = vec![qjs::JS_UNDEFINED; D_LEN];
        data[D_ORIGINAL] = global_path(raw, &[c"JSON", c"stringify"]);
        data[D_OBJECT_PROTO] = global_path(raw, &[c"Object", c"prototype"]);
        data[D_ARRAY_PROTO] = global_path(raw, &[c"Array", c"prototype"]);
        data[D_TO_JSON] = atom_value(name_atom(raw, "toJSON"));
        let ok = qjs::JS_IsFunction(raw, data[D_ORIGINAL])
            && qjs::JS_IsObject(data[D_OBJECT_PROTO])
            && qjs::JS_IsObject(data[D_ARRAY_PROTO])
            && qjs::JS_IsObject(json);
        let f = native_function(raw, stringify, 3, "stringify", data, ok);
        let ok = define_method(raw, json, name_atom(raw, "stringify"), f);
        qjs::JS_FreeValue(raw, json);
        if !ok {
            return Err(rquickjs::Error::Exception);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(s: &[u8]) -> String {
        let mut out = Vec::new();
        quote(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn ints_as_number_to_string() {
        for n in [0, 7, -7, 10, 42, -100, 123_456, i32::MAX, i32::MIN] {
            let mut out = b"x".to_vec();
            write_int(&mut out, n);
            assert_eq!(out, format!("x{n}").into_bytes());
        }
    }

    #[test]
    fn quoting_follows_quote_json_string() {
        assert_eq!(q(b"plain"), "\"plain\"");
        assert_eq!(q(b"a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(q(b"\n\r\t\x08\x0c"), "\"\\n\\r\\t\\b\\f\"");
        assert_eq!(q(b"\x01\x1f\x7f"), "\"\\u0001\\u001f\x7f\"");
        assert_eq!(q("é€😀".as_bytes()), "\"é€😀\"");
        // WTF-8 lone surrogates (U+D800, U+DFFF) are escaped.
        assert_eq!(q(b"a\xed\xa0\x80b\xed\xbf\xbf"), "\"a\\ud800b\\udfff\"");
        // U+D7FF and U+E000 are ordinary characters.
        assert_eq!(q("\u{d7ff}\u{e000}".as_bytes()), "\"\u{d7ff}\u{e000}\"");
    }
}
