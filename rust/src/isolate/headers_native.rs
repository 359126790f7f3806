//! Native halves of the prelude's `Headers` on every request's path: the header-text lookups
//! of an incoming request (`headerGet`, `headerHas`, which also lower-case and check the name
//! when it is a string), the WebIDL ByteString check
//! (`isByteString`), the Fetch Standard's header value normalisation and check
//! (`headerValue`), and the conversion of a plain-object `HeadersInit` record (`recordPairs`).
//!
//! They read a string's bytes where QuickJS keeps them (`JS_ToCStringLen2`: an ASCII string
//! is handed out as it is, without a copy) and take and return JavaScript values directly,
//! without the Rust `String` round trips of rquickjs's `Function` wrappers; each replaces a
//! regular-expression execution (~8k instructions) or a string conversion of the whole header
//! text by a byte scan.
//!
//! The checks read code units through CESU-8 (`JS_ToCStringLen2(..., cesu8 = true)`, see
//! `text_search.rs`): a unit up to U+007F is one byte, U+0080-U+00FF two bytes led by 0xC2 or
//! 0xC3, U+0100-U+07FF two bytes led by 0xC4-0xDF, and anything above (lone surrogates too)
//! three bytes led by 0xE0-0xEF; continuation bytes are 0x80-0xBF. So a string has a unit
//! above U+00FF exactly when one of its bytes is 0xC4 or more, and the bytes of a string
//! without one are its UTF-8.
//!
//! Every function here is internal to the prelude (the `native` object is not reachable from
//! a worker), runs no JavaScript, and is given primitive strings (`recordPairs`: any value).

use super::intrinsics::{arg, clear_exception, free_descriptor, own_descriptor, CFunctionData};
use rquickjs::{qjs, Ctx, Object, Value};
use std::ffi::{c_char, c_int};

/// The class id of an ordinary object (`JS_CLASS_OBJECT` in quickjs.c, "must be first": 1).
/// Objects of this class have no exotic internal methods; a proxy, an array or any builtin
/// with internal slots has another class.
const JS_CLASS_OBJECT: qjs::JSClassID = 1;

/// A primitive string's bytes, borrowed from the engine (or a copy it made), freed on drop.
struct StrBytes {
    ctx: *mut qjs::JSContext,
    ptr: *const c_char,
    len: usize,
}

impl StrBytes {
    /// The bytes of `v` as UTF-8 (`cesu8` false) or CESU-8; `None` when `v` is not a string
    /// or on out-of-memory (the exception is cleared: the callers answer without it).
    ///
    /// # Safety
    /// `ctx` is live and `v` a live value of it.
    unsafe fn of(ctx: *mut qjs::JSContext, v: qjs::JSValue, cesu8: bool) -> Option<StrBytes> {
        // SAFETY: reading a value's tag.
        if !unsafe { qjs::JS_IsString(v) } {
            return None;
        }
        let mut len: qjs::size_t = 0;
        // SAFETY: per the contract; converting a primitive string runs no code.
        let ptr = unsafe { qjs::JS_ToCStringLen2(ctx, &mut len, v, cesu8) };
        if ptr.is_null() {
            // SAFETY: `ctx` is live.
            unsafe { clear_exception(ctx) };
            return None;
        }
        Some(StrBytes {
            ctx,
            ptr,
            len: len as usize,
        })
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: JS_ToCStringLen2 returned `len` readable bytes at `ptr`, kept until drop.
        unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>(), self.len) }
    }
}

impl Drop for StrBytes {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from JS_ToCStringLen2 on this live context, freed once.
        unsafe { qjs::JS_FreeCString(self.ctx, self.ptr) };
    }
}

/// Whether CESU-8 `bytes` hold a code unit above U+00FF (see the module's comment).
fn above_latin1(bytes: &[u8]) -> bool {
    bytes.iter().any(|&b| b >= 0xc4)
}

/// HTTP whitespace (Fetch Standard): tab, LF, CR, space.
fn http_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | b'\r' | b' ')
}

/// A header value normalised (leading and trailing HTTP whitespace removed) and checked (no
/// NUL, CR or LF, no unit above U+00FF): the range of `bytes` (CESU-8) it keeps, or `None` when
/// the normalised value is not a valid header value.
pub fn header_value_range(bytes: &[u8]) -> Option<std::ops::Range<usize>> {
    let start = bytes.iter().position(|&b| !http_ws(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|&b| !http_ws(b)).map_or(start, |i| i + 1);
    let kept = &bytes[start..end];
    let bad = kept.iter().any(|&b| b == 0 || b == b'\r' || b == b'\n' || b >= 0xc4);
    (!bad).then_some(start..end)
}

/// The values of the fields named `name` (in any case: the text's names are lower-case, as
/// the Fetch Standard normalises a name to look it up) in an incoming request's header text
/// (`\nname:value\nname:value...`, see `Headers` in headers.js), in order. Names are tokens
/// (no `:`) and values hold no LF, so a field starts after each LF.
pub fn header_text_values<'a>(text: &'a [u8], name: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut lfs = memchr::memchr_iter(b'\n', text).peekable();
    std::iter::from_fn(move || {
        while let Some(lf) = lfs.next() {
            let end = lfs.peek().copied().unwrap_or(text.len());
            let line = &text[lf + 1..end];
            if line.len() > name.len() && line[name.len()] == b':' && line[..name.len()].eq_ignore_ascii_case(name) {
                return Some(&line[name.len() + 1..]);
            }
        }
        None
    })
}

/// RFC 9110 `token` characters (a header name's).
fn is_token_byte(b: u8) -> bool {
    crate::http::is_valid_name_byte(b)
}

/// Whether `name` is a valid header name (a non-empty `token`).
pub fn valid_name(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| is_token_byte(b))
}

/// The value of field `name` in `text` (Fetch Standard "get": every field of that name joined
/// with `", "`), or `None` when there is none: what `headerGet` returns, as Rust values.
#[cfg(test)]
fn header_text_get(text: &str, name: &str) -> Option<String> {
    let mut out: Option<Vec<u8>> = None;
    for value in header_text_values(text.as_bytes(), name.as_bytes()) {
        match out.as_mut() {
            None => out = Some(value.to_vec()),
            Some(joined) => {
                joined.extend_from_slice(b", ");
                joined.extend_from_slice(value);
            }
        }
    }
    // The pieces are cut at ASCII bytes of UTF-8 text: still UTF-8.
    out.map(|v| String::from_utf8(v).expect("cut at ASCII bytes"))
}

/// A JavaScript string of UTF-8 `bytes` (the exception value on out-of-memory).
///
/// # Safety
/// `ctx` is live.
unsafe fn new_string(ctx: *mut qjs::JSContext, bytes: &[u8]) -> qjs::JSValue {
    // SAFETY: per the contract; the engine copies the buffer.
    unsafe { qjs::JS_NewStringLen(ctx, bytes.as_ptr().cast(), bytes.len() as _) }
}

fn js_bool(b: bool) -> qjs::JSValue {
    qjs::JS_MKVAL(qjs::JS_TAG_BOOL, b as i32)
}

/// `headerGet(text, name)`: the joined value of the fields named `name` (any case), null when
/// there is none, undefined when `name` is not a string or not a valid header name (the caller
/// converts and checks it, which throws on an invalid one, and asks again).
unsafe extern "C" fn header_get(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    _magic: c_int,
    _data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: QuickJS calls with a live context and `argc` live arguments; the strings are
    // read before any value is made.
    unsafe {
        let Some((text, name)) = text_and_name(ctx, argc, argv) else {
            return qjs::JS_UNDEFINED;
        };
        let mut values = header_text_values(text.bytes(), name.bytes());
        let Some(first) = values.next() else {
            return qjs::JS_NULL;
        };
        let Some(second) = values.next() else {
            return new_string(ctx, first);
        };
        let mut joined = Vec::with_capacity(first.len() + second.len() + 2);
        joined.extend_from_slice(first);
        for v in std::iter::once(second).chain(values) {
            joined.extend_from_slice(b", ");
            joined.extend_from_slice(v);
        }
        new_string(ctx, &joined)
    }
}

/// `headerHas(text, name)`: whether a field named `name` (any case) is there; undefined as for
/// `headerGet`.
unsafe extern "C" fn header_has(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    _magic: c_int,
    _data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: as `header_get`.
    unsafe {
        let Some((text, name)) = text_and_name(ctx, argc, argv) else {
            return qjs::JS_UNDEFINED;
        };
        let found = header_text_values(text.bytes(), name.bytes()).next().is_some();
        js_bool(found)
    }
}

/// The arguments of `headerGet` and `headerHas`: the header text and the name, when both are
/// strings and the name is a valid header name (`None` otherwise: the caller answers undefined).
///
/// # Safety
/// `ctx` is live and `argc` live arguments are at `argv`.
unsafe fn text_and_name(
    ctx: *mut qjs::JSContext,
    argc: c_int,
    argv: *mut qjs::JSValue,
) -> Option<(StrBytes, StrBytes)> {
    // SAFETY: per the contract.
    let (text, name) = unsafe {
        (
            StrBytes::of(ctx, arg(argc, argv, 0), false)?,
            StrBytes::of(ctx, arg(argc, argv, 1), false)?,
        )
    };
    valid_name(name.bytes()).then_some((text, name))
}

/// `isByteString(s)`: whether string `s` has no code unit above U+00FF (false for a non-string).
unsafe extern "C" fn is_byte_string(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    _magic: c_int,
    _data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: as `header_get`.
    unsafe {
        let Some(s) = StrBytes::of(ctx, arg(argc, argv, 0), true) else {
            return js_bool(false);
        };
        js_bool(!above_latin1(s.bytes()))
    }
}

/// `headerValue(v)`: string `v` normalised (the same string when there is nothing to remove),
/// or undefined when the result is not a valid header value (or `v` is not a string).
unsafe extern "C" fn header_value(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    _magic: c_int,
    _data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: as `header_get`; the argument is duplicated before it is returned.
    unsafe {
        let v = arg(argc, argv, 0);
        let Some(s) = StrBytes::of(ctx, v, true) else {
            return qjs::JS_UNDEFINED;
        };
        let bytes = s.bytes();
        match header_value_range(bytes) {
            None => qjs::JS_UNDEFINED,
            Some(r) if r.len() == bytes.len() => qjs::JS_DupValue(ctx, v),
            // No unit above U+00FF: the CESU-8 bytes are the value's UTF-8.
            Some(r) => new_string(ctx, &bytes[r]),
        }
    }
}

/// `recordPairs(init)`: the WebIDL conversion of `init` to `record<ByteString, ByteString>`
/// as a flat `[key, value, ...]` list, when `init` is an object whose conversion no code can
/// observe; undefined otherwise (the caller then runs the standard's steps in JavaScript).
///
/// WebIDL converts a record by [[OwnPropertyKeys]], then per key [[GetOwnProperty]] and, for an
/// enumerable one, [[Get]] and ByteString conversions of the key and the value. For an ordinary
/// object (`JS_CLASS_OBJECT`: no proxy traps, no exotic methods) the first two run no code; a
/// data property's [[Get]] runs none, and neither does converting a primitive string. So the
/// fast path is taken when the object is ordinary and every enumerable own property has a
/// string key and a data value that is a primitive string, and every key and value is a
/// ByteString; it yields what the steps yield (keys in [[OwnPropertyKeys]] order, the same
/// enumeration QuickJS's `Reflect.ownKeys` uses). Anything else (a symbol key, an accessor, a
/// value to convert, a unit above U+00FF, where the standard would call a getter, `toString`
/// or throw) is left to the standard's steps, which do the same from the start: nothing here
/// was observable.
unsafe extern "C" fn record_pairs(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    _magic: c_int,
    _data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: as `header_get`; the values are handed to the new array.
    unsafe {
        match record_values(ctx, arg(argc, argv, 0)) {
            Some(out) => new_array(ctx, out),
            None => qjs::JS_UNDEFINED,
        }
    }
}

/// An array of `values` (taken), or undefined on out-of-memory (the values are freed, the
/// exception cleared: the caller falls back).
///
/// # Safety
/// `ctx` is live; `values` are live values of it.
unsafe fn new_array(ctx: *mut qjs::JSContext, values: Vec<qjs::JSValue>) -> qjs::JSValue {
    // SAFETY: per the contract; JS_NewArrayFrom takes the values (and frees them on failure).
    unsafe {
        let array = qjs::JS_NewArrayFrom(ctx, values.len() as c_int, values.as_ptr());
        if qjs::JS_IsException(array) {
            clear_exception(ctx);
            return qjs::JS_UNDEFINED;
        }
        array
    }
}

/// `recordPairs`'s conversion as owned values (`[key, value, ...]`), or `None`.
///
/// # Safety
/// `ctx` is live and `obj` a live value of it.
unsafe fn record_values(ctx: *mut qjs::JSContext, obj: qjs::JSValue) -> Option<Vec<qjs::JSValue>> {
    // SAFETY: per the contract; `obj` is an ordinary object (checked first), so listing and
    // reading its own properties runs no code; every reference taken is freed once or returned.
    unsafe {
        if qjs::JS_GetClassID(obj) != JS_CLASS_OBJECT {
            return None;
        }
        let mut tab: *mut qjs::JSPropertyEnum = std::ptr::null_mut();
        let mut len: u32 = 0;
        let mask = (qjs::JS_GPN_STRING_MASK | qjs::JS_GPN_SYMBOL_MASK | qjs::JS_GPN_ENUM_ONLY) as c_int;
        if qjs::JS_GetOwnPropertyNames(ctx, &mut tab, &mut len, obj, mask) < 0 {
            clear_exception(ctx);
            return None;
        }
        let mut out: Vec<qjs::JSValue> = Vec::with_capacity(len as usize * 2);
        let mut fast = true;
        for i in 0..len as usize {
            let atom = (*tab.add(i)).atom;
            let key = qjs::JS_AtomToValue(ctx, atom);
            let desc = if qjs::JS_IsString(key) {
                own_descriptor(ctx, obj, atom)
            } else {
                None // a symbol (the standard throws), or out of memory
            };
            let Some(desc) = desc else {
                qjs::JS_FreeValue(ctx, key);
                fast = false;
                break;
            };
            let is_data = desc.flags & qjs::JS_PROP_GETSET as c_int == 0;
            let value = qjs::JS_DupValue(ctx, desc.value);
            free_descriptor(ctx, desc);
            out.push(key);
            out.push(value);
            if !is_data || !byte_string(ctx, key) || !byte_string(ctx, value) {
                fast = false;
                break;
            }
        }
        qjs::JS_FreePropertyEnum(ctx, tab, len);
        if !fast {
            for v in out {
                qjs::JS_FreeValue(ctx, v);
            }
            return None;
        }
        Some(out)
    }
}

/// `recordList(init)`: what a new `Headers` holds after appending each pair of `recordPairs(init)`
/// (headers.js: `[[name, value], ...]`, each name lower-cased, each value normalised), when every
/// name is a valid header name and every normalised value a valid header value; undefined
/// otherwise (or when `recordPairs` would be), and the caller takes the general path, whose
/// append() throws for the invalid pair. The result is the general path's: `normalizeName` is a
/// token check and an ASCII lower-casing, `normalizeValue` is `headerValue`.
unsafe extern "C" fn record_list(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    _magic: c_int,
    _data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: as `header_get`; each value of `flat` is freed once or handed to a new array.
    unsafe {
        let Some(flat) = record_values(ctx, arg(argc, argv, 0)) else {
            return qjs::JS_UNDEFINED;
        };
        let mut pairs: Vec<qjs::JSValue> = Vec::with_capacity(flat.len() / 2);
        let mut ok = true;
        for kv in flat.chunks_exact(2) {
            let pair = if ok { normalized_pair(ctx, kv[0], kv[1]) } else { None };
            match pair {
                Some(p) => pairs.push(p),
                None => ok = false,
            }
        }
        for v in flat {
            qjs::JS_FreeValue(ctx, v);
        }
        if !ok {
            for p in pairs {
                qjs::JS_FreeValue(ctx, p);
            }
            return qjs::JS_UNDEFINED;
        }
        new_array(ctx, pairs)
    }
}

/// `[normalizeName(name), normalizeValue(value)]` for byte strings `name` and `value`, or `None`
/// when either is invalid (or on out-of-memory).
///
/// # Safety
/// `ctx` is live; `name` and `value` are live strings of it (borrowed).
unsafe fn normalized_pair(ctx: *mut qjs::JSContext, name: qjs::JSValue, value: qjs::JSValue) -> Option<qjs::JSValue> {
    // SAFETY: per the contract; every value made is freed once or handed to the pair.
    unsafe {
        let n = StrBytes::of(ctx, name, true)?;
        if !valid_name(n.bytes()) {
            return None;
        }
        let lower = if n.bytes().iter().any(u8::is_ascii_uppercase) {
            new_string(ctx, &n.bytes().to_ascii_lowercase())
        } else {
            qjs::JS_DupValue(ctx, name)
        };
        let v = StrBytes::of(ctx, value, true);
        let range = v.as_ref().and_then(|v| header_value_range(v.bytes()));
        let normalized = match (v, range) {
            (Some(v), Some(r)) if r.len() == v.bytes().len() => qjs::JS_DupValue(ctx, value),
            // No unit above U+00FF: the CESU-8 bytes are the value's UTF-8.
            (Some(v), Some(r)) => new_string(ctx, &v.bytes()[r]),
            _ => qjs::JS_EXCEPTION,
        };
        if qjs::JS_IsException(lower) || qjs::JS_IsException(normalized) {
            qjs::JS_FreeValue(ctx, lower);
            qjs::JS_FreeValue(ctx, normalized);
            clear_exception(ctx);
            return None;
        }
        let pair = [lower, normalized];
        let array = qjs::JS_NewArrayFrom(ctx, 2, pair.as_ptr());
        if qjs::JS_IsException(array) {
            clear_exception(ctx);
            return None;
        }
        Some(array)
    }
}

/// Whether `v` is a primitive string without a unit above U+00FF.
///
/// # Safety
/// `ctx` is live and `v` a live value of it.
unsafe fn byte_string(ctx: *mut qjs::JSContext, v: qjs::JSValue) -> bool {
    // SAFETY: per the contract.
    unsafe { StrBytes::of(ctx, v, true) }.is_some_and(|s| !above_latin1(s.bytes()))
}

/// Puts `functions` on the prelude's `native` object: plain C functions without data or a
/// `name` of their own (nothing shows them), the cheapest function objects to make.
fn put<'js>(ctx: &Ctx<'js>, n: &Object<'js>, functions: &[(&str, CFunctionData, c_int)]) -> rquickjs::Result<()> {
    let raw = ctx.as_raw().as_ptr();
    for &(name, f, length) in functions {
        // SAFETY: `raw` is the live context of `ctx`; the functions read no data values; the new
        // function is handed to `Value::from_raw`, which owns it.
        let func = unsafe {
            let func = qjs::JS_NewCFunctionData(raw, Some(f), length, 0, 0, std::ptr::null_mut());
            if qjs::JS_IsException(func) {
                return Err(rquickjs::Error::Exception);
            }
            Value::from_raw(ctx.clone(), func)
        };
        n.set(name, func)?;
    }
    Ok(())
}

/// The functions every request may call (headers.js), on a new isolate's `native` object.
pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>) -> rquickjs::Result<()> {
    put(
        ctx,
        n,
        &[
            ("headerGet", header_get, 2),
            ("headerHas", header_has, 2),
            ("headerValue", header_value, 1),
        ],
    )
}

/// The functions of the lazy `fetchinit` module (a `HeadersInit`'s conversion), added when it
/// loads.
pub fn install_lazy<'js>(ctx: &Ctx<'js>, n: &Object<'js>) -> rquickjs::Result<()> {
    put(
        ctx,
        n,
        &[
            ("isByteString", is_byte_string, 1),
            ("recordPairs", record_pairs, 1),
            ("recordList", record_list, 1),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_text_lookup() {
        let text = "\nhost:a\nx-a:1\naccept:*/*\nx-a:2\nx-ab:3";
        assert_eq!(header_text_get(text, "x-a").as_deref(), Some("1, 2"));
        assert_eq!(header_text_get(text, "x-ab").as_deref(), Some("3"));
        assert_eq!(header_text_get(text, "host").as_deref(), Some("a"));
        assert_eq!(header_text_get(text, "a"), None);
        assert_eq!(header_text_get(text, "x"), None);
        assert_eq!(header_text_get("\nx-e:", "x-e").as_deref(), Some(""));
        assert_eq!(header_text_get("", "x-e"), None);
        assert_eq!(
            header_text_get("\nx-e:\u{e9}t\u{e9}", "x-e").as_deref(),
            Some("\u{e9}t\u{e9}")
        );
        // A value holding `\nname:`-like text cannot occur (values hold no LF), and a value
        // holding `name:` is not a field.
        assert_eq!(header_text_get("\nx-a:x-b:1", "x-b"), None);
    }

    #[test]
    fn names_are_checked_and_matched_in_any_case() {
        assert!(valid_name(b"X-Country"));
        assert!(!valid_name(b""));
        assert!(!valid_name(b"a b"));
        assert!(!valid_name(b"a:"));
        assert!(!valid_name("\u{e9}".as_bytes()));
        assert_eq!(header_text_get("\nx-country:DE", "X-Country").as_deref(), Some("DE"));
    }

    #[test]
    fn header_values_are_trimmed_and_checked() {
        assert_eq!(header_value_range(b"text/plain"), Some(0..10));
        assert_eq!(header_value_range(b" \t a b \r\n"), Some(3..6));
        assert_eq!(header_value_range(b"\r\n"), Some(2..2));
        assert_eq!(header_value_range(b""), Some(0..0));
        assert_eq!(header_value_range(b"a\nb"), None);
        assert_eq!(header_value_range(b"a\0"), None);
        assert_eq!(header_value_range(b"a\rb "), None);
        // U+00E9 (C3 A9) is a header value byte; U+0100 (C4 80) and U+FFFD (EF BF BD) are not.
        assert_eq!(header_value_range("\u{e9}".as_bytes()), Some(0..2));
        assert_eq!(header_value_range("\u{100}".as_bytes()), None);
        assert_eq!(header_value_range("\u{fffd}".as_bytes()), None);
    }

    #[test]
    fn latin1_bound() {
        assert!(!above_latin1("abc\u{ff}".as_bytes()));
        assert!(above_latin1("\u{100}".as_bytes()));
        assert!(above_latin1(&[0xed, 0xa0, 0x80])); // a lone surrogate's CESU-8
    }
}
