//! `RegExp.prototype[Symbol.replace]` with a fast path for the commonest regexp replace in
//! workers' code: a global regexp whose pattern is a literal string, with a plain replacement,
//! on ASCII text (`s.replace(/-/g, "+").replace(/_/g, "/")`, base64url decoding in every
//! hand-written JWT check). QuickJS runs that through its backtracking matcher, one start
//! position at a time, after reading the nine flag getters: ~20k instructions per call on a
//! token-sized string. Here it is a substring search: ~4k.
//!
//! The fast path is taken only where the ECMAScript algorithm (ES2025 22.2.6.11) cannot tell
//! the difference: `this` is an ordinary RegExp instance whose only own property is
//! `lastIndex` and whose prototype is the intrinsic `%RegExp.prototype%` with its intrinsic
//! `exec`, `flags` and flag getters (so that reading `flags` and calling `exec` run
//! no user code), the flags are `g` with any of `m`, `s`, `u` (no `i`, `y`, `v`), the pattern
//! is literal ASCII characters, and both strings are primitive ASCII strings with no `$` in
//! the replacement (no substitution patterns). Everything else is handed, untouched, to the
//! engine's own function. The observable effects are those of the specification: `lastIndex`
//! is set to 0 (a TypeError if it is read-only) and stays 0 after the last failed match.

use super::intrinsics::{
    atom_value, clear_exception, define_method, global_path, name_atom, native_function, own_keys_are, own_slot,
    own_slot_is, proto_is, symbol_atom, value_atom,
};
use rquickjs::{qjs, Ctx};
use std::ffi::{c_char, c_int};

/// Intrinsics saved from `%RegExp.prototype%`: the first is a data property, the rest accessors.
/// The first `CHECKED` are what the algorithm reads (so each call checks they are unchanged);
/// `source` is only called by the fast path itself, as the intrinsic getter it saved.
const SAVED: [&str; 11] = [
    "exec",
    "flags",
    "global",
    "ignoreCase",
    "multiline",
    "dotAll",
    "unicode",
    "unicodeSets",
    "sticky",
    "hasIndices",
    "source",
];
const CHECKED: usize = 10;

// Layout of the function's data values.
const D_ORIGINAL: usize = 0;
const D_PROTO: usize = 1;
/// `SAVED.len()` intrinsic values (exec, then the getters), from here.
const D_INTRINSICS: usize = 2;
/// `SAVED.len()` atoms (as int32), from here; then the atom of `lastIndex`.
const D_ATOMS: usize = D_INTRINSICS + SAVED.len();
const D_LAST_INDEX: usize = D_ATOMS + SAVED.len();
const D_LEN: usize = D_LAST_INDEX + 1;

/// Index in `SAVED` of the getters the fast path calls.
const G_GLOBAL: usize = 2;
const G_IGNORE_CASE: usize = 3;
const G_UNICODE_SETS: usize = 7;
const G_STICKY: usize = 8;
const G_SOURCE: usize = 10;

/// The literal text a regexp `source` matches, when it is only literal ASCII characters
/// (escaped syntax characters included); `None` for anything else.
pub fn literal_pattern(source: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(source.len());
    let mut i = 0;
    while i < source.len() {
        let c = source[i];
        match c {
            b'\\' => {
                let next = *source.get(i + 1)?;
                if !b"^$\\.*+?()[]{}|/-".contains(&next) {
                    return None;
                }
                out.push(next);
                i += 2;
            }
            b'^' | b'$' | b'.' | b'*' | b'+' | b'?' | b'(' | b')' | b'[' | b']' | b'{' | b'}' | b'|' | b'/' => {
                return None
            }
            0x20..=0x7e => {
                out.push(c);
                i += 1;
            }
            _ => return None,
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Largest result the fast path builds: it is Rust memory, outside the isolate's limit, so a
/// larger one (which the engine counts, and may refuse) is left to the engine.
pub const MAX_RESULT_BYTES: usize = 8 << 20;

/// Every non-overlapping occurrence of `pattern` in `text`, left to right, replaced by
/// `replacement` (what a global regexp of a literal pattern does); `None` past
/// `MAX_RESULT_BYTES`.
pub fn replace_literal(text: &[u8], pattern: &[u8], replacement: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len().min(MAX_RESULT_BYTES) + replacement.len());
    let mut last = 0;
    let mut put = |at: usize| {
        out.extend_from_slice(&text[last..at]);
        out.extend_from_slice(replacement);
        last = at + pattern.len();
        out.len() <= MAX_RESULT_BYTES
    };
    // A one-character pattern (`/-/g`, `/_/g`) is a byte search: no substring searcher to build.
    let within = match pattern {
        [b] => memchr::memchr_iter(*b, text).all(&mut put),
        _ => memchr::memmem::find_iter(text, pattern).all(&mut put),
    };
    if !within {
        return None;
    }
    out.extend_from_slice(&text[last..]);
    (out.len() <= MAX_RESULT_BYTES).then_some(out)
}

/// An ASCII primitive string's bytes, borrowed from the engine; `None` for anything else.
struct AsciiStr {
    ctx: *mut qjs::JSContext,
    ptr: *const c_char,
    len: usize,
}

impl AsciiStr {
    /// # Safety
    /// `ctx` must be a live context and `v` a live value of it.
    unsafe fn new(ctx: *mut qjs::JSContext, v: qjs::JSValue) -> Option<AsciiStr> {
        if !qjs::JS_IsString(v) {
            return None;
        }
        let mut len: qjs::size_t = 0;
        // SAFETY (caller's contract): a primitive string converts without running JS code.
        let ptr = unsafe { qjs::JS_ToCStringLen2(ctx, &mut len, v, false) };
        let len = len as usize;
        if ptr.is_null() {
            // Out of memory: clear the pending exception; the caller falls back.
            // SAFETY: `ctx` is live.
            unsafe { clear_exception(ctx) };
            return None;
        }
        let s = AsciiStr { ctx, ptr, len };
        s.bytes().is_ascii().then_some(s)
    }

    fn bytes(&self) -> &[u8] {
        // SAFETY: JS_ToCStringLen2 returned `len` readable bytes at `ptr`, kept alive until
        // JS_FreeCString in `drop`.
        unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>(), self.len) }
    }
}

impl Drop for AsciiStr {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from JS_ToCStringLen2 on this live context, freed once.
        unsafe { qjs::JS_FreeCString(self.ctx, self.ptr) };
    }
}

/// Reads data value `i` as an atom stored by `install`.
///
/// # Safety
/// `data` must point to the `D_LEN` values given by `install`.
unsafe fn atom_at(data: *mut qjs::JSValue, i: usize) -> qjs::JSAtom {
    // SAFETY: per the contract.
    value_atom(unsafe { *data.add(i) })
}

/// Whether `rx` is a regexp on which the specification's reads of `flags` and `exec` run only
/// intrinsics (see the module documentation).
///
/// # Safety
/// `ctx` live, `rx` a live value, `data` the `D_LEN` values of `install`.
unsafe fn pristine(ctx: *mut qjs::JSContext, rx: qjs::JSValue, data: *mut qjs::JSValue) -> bool {
    // SAFETY: per the contract (a RegExp object is not a proxy).
    unsafe {
        let proto = *data.add(D_PROTO);
        qjs::JS_IsRegExp(rx)
            && proto_is(ctx, rx, proto)
            && own_keys_are(ctx, rx, &[atom_at(data, D_LAST_INDEX)])
            && (0..CHECKED).all(|k| {
                own_slot_is(
                    ctx,
                    proto,
                    atom_at(data, D_ATOMS + k),
                    *data.add(D_INTRINSICS + k),
                    k > 0,
                )
            })
    }
}

/// Calls intrinsic getter `g` on `rx` (internal slots only: no user code runs).
///
/// # Safety
/// As `pristine`, and `pristine(ctx, rx, data)` held.
unsafe fn intrinsic_get(ctx: *mut qjs::JSContext, rx: qjs::JSValue, data: *mut qjs::JSValue, g: usize) -> qjs::JSValue {
    // SAFETY: per the contract.
    unsafe { qjs::JS_Call(ctx, *data.add(D_INTRINSICS + g), rx, 0, std::ptr::null_mut()) }
}

/// # Safety
/// As `intrinsic_get`.
unsafe fn intrinsic_flag(
    ctx: *mut qjs::JSContext,
    rx: qjs::JSValue,
    data: *mut qjs::JSValue,
    g: usize,
) -> Option<bool> {
    // SAFETY: per the contract; the result is freed once.
    unsafe {
        let v = intrinsic_get(ctx, rx, data, g);
        if qjs::JS_IsException(v) {
            clear_exception(ctx);
            return None;
        }
        let b = qjs::JS_IsBool(v) && qjs::JS_VALUE_GET_BOOL(v);
        qjs::JS_FreeValue(ctx, v);
        Some(b)
    }
}

/// The replaced string, or `None` when the fast path does not apply (nothing observable has
/// happened yet).
///
/// # Safety
/// As `pristine`; `argv` holds two values.
unsafe fn fast_replace(
    ctx: *mut qjs::JSContext,
    rx: qjs::JSValue,
    argv: *mut qjs::JSValue,
    data: *mut qjs::JSValue,
) -> Option<Vec<u8>> {
    // SAFETY: per the contract.
    unsafe {
        let text = AsciiStr::new(ctx, *argv)?;
        let replacement = AsciiStr::new(ctx, *argv.add(1))?;
        if replacement.bytes().contains(&b'$') || !pristine(ctx, rx, data) {
            return None;
        }
        if !intrinsic_flag(ctx, rx, data, G_GLOBAL)?
            || intrinsic_flag(ctx, rx, data, G_IGNORE_CASE)?
            || intrinsic_flag(ctx, rx, data, G_STICKY)?
            || intrinsic_flag(ctx, rx, data, G_UNICODE_SETS)?
        {
            return None;
        }
        let source = intrinsic_get(ctx, rx, data, G_SOURCE);
        if qjs::JS_IsException(source) {
            clear_exception(ctx);
            return None;
        }
        let pattern = AsciiStr::new(ctx, source).and_then(|s| literal_pattern(s.bytes()));
        qjs::JS_FreeValue(ctx, source);
        replace_literal(text.bytes(), &pattern?, replacement.bytes())
    }
}

/// The native `[Symbol.replace]`: `data` as laid out by `install`.
///
/// # Safety
/// QuickJS calls it with a live context, `argc` values at `argv` and the `D_LEN` data values.
unsafe extern "C" fn symbol_replace(
    ctx: *mut qjs::JSContext,
    this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    _magic: c_int,
    data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: per the function's contract; the string made here is returned (owned by the
    // caller) and the value `JS_SetProperty` takes is a fresh int.
    unsafe {
        if argc >= 2 {
            if let Some(out) = fast_replace(ctx, this, argv, data) {
                // Spec step 10.b: Set(rx, "lastIndex", 0, true); after the last failed match
                // RegExpBuiltinExec leaves it 0 again, so one write gives the final state.
                if qjs::JS_SetProperty(
                    ctx,
                    this,
                    atom_at(data, D_LAST_INDEX),
                    qjs::JS_MKVAL(qjs::JS_TAG_INT, 0),
                ) < 0
                {
                    return qjs::JS_EXCEPTION;
                }
                return qjs::JS_NewStringLen(ctx, out.as_ptr().cast(), out.len() as _);
            }
        }
        qjs::JS_Call(ctx, *data.add(D_ORIGINAL), this, argc, argv)
    }
}

/// Replaces `RegExp.prototype[Symbol.replace]` (same attributes, name and length) with the
/// function above. Call once, on a fresh context.
pub fn install(ctx: &Ctx<'_>) -> rquickjs::Result<()> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `raw` is the live context of `ctx`, which has run no user code. The values put in
    // `data` are taken by `native_function`; `proto` is freed once; atoms of these names are
    // the engine's predefined atoms, never freed, so holding them as integers is sound.
    unsafe {
        let proto = global_path(raw, &[c"RegExp", c"prototype"]);
        let replace_atom = symbol_atom(raw, c"replace");
        let mut data: Vec<qjs::JSValue> = vec![qjs::JS_UNDEFINED; D_LEN];
        let mut ok = qjs::JS_IsObject(proto) && replace_atom != qjs::JS_ATOM_NULL;
        if ok {
            data[D_ORIGINAL] = own_slot(raw, proto, replace_atom, false);
            data[D_PROTO] = qjs::JS_DupValue(raw, proto);
            for (k, name) in SAVED.iter().enumerate() {
                let atom = name_atom(raw, name);
                data[D_ATOMS + k] = atom_value(atom);
                data[D_INTRINSICS + k] = own_slot(raw, proto, atom, k > 0);
                ok &= qjs::JS_IsObject(data[D_INTRINSICS + k]);
            }
            data[D_LAST_INDEX] = atom_value(name_atom(raw, "lastIndex"));
            ok &= qjs::JS_IsFunction(raw, data[D_ORIGINAL]);
        }
        let f = native_function(raw, symbol_replace, 2, "[Symbol.replace]", data, ok);
        let ok = define_method(raw, proto, replace_atom, f);
        qjs::JS_FreeValue(raw, proto);
        if !ok {
            return Err(rquickjs::Error::Exception);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literal_patterns() {
        assert_eq!(literal_pattern(b"-").as_deref(), Some(&b"-"[..]));
        assert_eq!(literal_pattern(b"ab\\/c\\.").as_deref(), Some(&b"ab/c."[..]));
        assert_eq!(literal_pattern(b"\\-").as_deref(), Some(&b"-"[..]));
        for not_literal in [
            &b"a|b"[..],
            b"a.",
            b"\\d",
            b"(?:)",
            b"a+",
            b"^a",
            b"\\",
            b"[_]",
            b"\\n",
            b"\xc3\xa9",
        ] {
            assert_eq!(
                literal_pattern(not_literal),
                None,
                "{:?}",
                std::str::from_utf8(not_literal)
            );
        }
    }

    #[test]
    fn literal_replacement_is_left_to_right_and_non_overlapping() {
        let r = |t: &[u8], p: &[u8], s: &[u8]| replace_literal(t, p, s).unwrap();
        assert_eq!(r(b"a-b-c", b"-", b"+"), b"a+b+c");
        assert_eq!(r(b"aaaa", b"aa", b"b"), b"bb");
        assert_eq!(r(b"aaa", b"aa", b"b"), b"ba");
        assert_eq!(r(b"xyz", b"-", b"+"), b"xyz");
        assert_eq!(r(b"--", b"-", b""), b"");
        // Past the cap the engine does the work (and counts the memory).
        let big = vec![b'-'; 1 << 20];
        assert!(replace_literal(&big, b"-", &[b'x'; 16]).is_none());
    }
}
