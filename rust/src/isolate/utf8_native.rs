//! `native.encode` and `native.decode`: UTF-8 encoding and decoding as raw QuickJS functions,
//! for the prelude (`utf8`, `fromUtf8`: bodies, `Response.text()`) and `TextEncoder.encode` /
//! `TextDecoder.decode` (lazy/encoding.js).
//!
//! Raw, not rquickjs `Function`s, because they run several times per request of a worker that
//! decodes a JWT: the rquickjs wrapper copies the string argument into a Rust `String` (and the
//! bytes into a `Vec`) and the result back, ~1-2 k instructions a call for what is a scan and a
//! copy. Here the bytes are read in place (a primitive ASCII string's own bytes, a Uint8Array's
//! buffer) and copied once, into the new Uint8Array or string.
//!
//! - `encode(string)`: a Uint8Array of the UTF-8 of the string's scalar values, each lone
//!   surrogate as U+FFFD: what `string.toWellFormed()` then UTF-8 (WebIDL USVString, Encoding
//!   Standard "UTF-8 encode") gives, so `TextEncoder.encode` of a string needs no
//!   `toWellFormed` first. A value that is not a string is converted with ToString.
//! - `decode(bytes, fatal, ignoreBOM[, orUndefined])`: the string of the UTF-8 `bytes` (a
//!   Uint8Array, or an ArrayBuffer), as the Encoding Standard's UTF-8 decode (BOM removed unless
//!   `ignoreBOM`, each maximal invalid subpart U+FFFD, or a TypeError when `fatal`). Anything else
//!   (or a detached buffer) is a TypeError, or `undefined` when `orUndefined` is true, so that
//!   `TextDecoder.decode` can take its general path for such input.

use super::intrinsics::{arg, clear_exception};
use super::webapi_native::decode_utf8;
use rquickjs::{qjs, Ctx, Object, Value};
use std::ffi::c_int;

/// The UTF-8 of a string's scalar values from QuickJS's UTF-8 of the string, where a lone
/// surrogate is encoded as a code point (`ED A0..BF xx`, never part of well-formed UTF-8):
/// each such sequence becomes U+FFFD (`EF BF BD`, the same length). `None` when there is none.
pub fn well_formed(wtf8: &[u8]) -> Option<Vec<u8>> {
    // 0xED is a lead byte, never a continuation byte: each one found starts a sequence.
    let mut out: Option<Vec<u8>> = None;
    for i in memchr::memchr_iter(0xED, wtf8) {
        if i + 2 < wtf8.len() && wtf8[i + 1] >= 0xA0 {
            out.get_or_insert_with(|| wtf8.to_vec())[i..i + 3].copy_from_slice(&[0xEF, 0xBF, 0xBD]);
        }
    }
    out
}

/// # Safety
/// QuickJS calls it with a live context and `argc` values at `argv`.
unsafe extern "C" fn encode(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    _magic: c_int,
    _data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: per the function's contract. JS_ToCStringLen2 returns `len` readable bytes (or
    // null with an exception pending), freed once below; the Uint8Array copies them.
    unsafe {
        let mut len: qjs::size_t = 0;
        let ptr = qjs::JS_ToCStringLen2(ctx, &mut len, arg(argc, argv, 0), false);
        if ptr.is_null() {
            return qjs::JS_EXCEPTION;
        }
        let bytes = std::slice::from_raw_parts(ptr.cast::<u8>(), len as usize);
        let out = match well_formed(bytes) {
            None => qjs::JS_NewUint8ArrayCopy(ctx, bytes.as_ptr(), bytes.len() as _),
            Some(fixed) => qjs::JS_NewUint8ArrayCopy(ctx, fixed.as_ptr(), fixed.len() as _),
        };
        qjs::JS_FreeCString(ctx, ptr);
        out
    }
}

/// The bytes of a Uint8Array or ArrayBuffer, borrowed from the engine; `None` (no exception
/// pending) for anything else, a detached buffer or an out-of-bounds view. A null pointer is
/// always a failure: QuickJS allocates every buffer's data with at least one byte.
///
/// # Safety
/// `ctx` live, `v` a live value; the slice is used before any JavaScript runs or `v` is freed.
unsafe fn bytes_of<'a>(ctx: *mut qjs::JSContext, v: qjs::JSValue) -> Option<&'a [u8]> {
    // SAFETY: per the contract; both getters only read internal slots (no JavaScript runs) and
    // return `len` bytes at `ptr`, or null with an exception pending, cleared here.
    unsafe {
        if !qjs::JS_IsObject(v) {
            return None;
        }
        let mut len: qjs::size_t = 0;
        let mut ptr = qjs::JS_GetUint8Array(ctx, &mut len, v);
        if ptr.is_null() {
            clear_exception(ctx);
            ptr = qjs::JS_GetArrayBuffer(ctx, &mut len, v);
        }
        if ptr.is_null() {
            clear_exception(ctx);
            return None;
        }
        Some(if len == 0 {
            &[]
        } else {
            std::slice::from_raw_parts(ptr, len as usize)
        })
    }
}

/// # Safety
/// QuickJS calls it with a live context and `argc` values at `argv`.
unsafe extern "C" fn decode(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    argc: c_int,
    argv: *mut qjs::JSValue,
    _magic: c_int,
    _data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: per the function's contract; the bytes are borrowed from argument 0, which the
    // caller keeps alive, and read before any JavaScript runs (JS_ToBool of the flags runs
    // none: they are read first); the string made is returned, owned by the caller.
    unsafe {
        let fatal = qjs::JS_ToBool(ctx, arg(argc, argv, 1)) > 0;
        let ignore_bom = qjs::JS_ToBool(ctx, arg(argc, argv, 2)) > 0;
        let or_undefined = qjs::JS_ToBool(ctx, arg(argc, argv, 3)) > 0;
        let Some(bytes) = bytes_of(ctx, arg(argc, argv, 0)) else {
            if or_undefined {
                return qjs::JS_UNDEFINED;
            }
            return qjs::JS_ThrowTypeError(ctx, c"expected a Uint8Array or an ArrayBuffer".as_ptr());
        };
        let body = if !ignore_bom && bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
            &bytes[3..]
        } else {
            bytes
        };
        if std::str::from_utf8(body).is_ok() {
            return qjs::JS_NewStringLen(ctx, body.as_ptr().cast(), body.len() as _);
        }
        match decode_utf8(bytes, fatal, ignore_bom) {
            Some(s) => qjs::JS_NewStringLen(ctx, s.as_ptr().cast(), s.len() as _),
            None => qjs::JS_ThrowTypeError(ctx, c"The encoded data was not valid for encoding utf-8".as_ptr()),
        }
    }
}

/// Puts `encode` and `decode` on the prelude's native object. They are made without a `name`
/// (the native object is the prelude's own, never seen by a worker): each is then cheaper to
/// create than the rquickjs functions they replace, and isolate creation does not grow.
pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>) -> rquickjs::Result<()> {
    let raw = ctx.as_raw().as_ptr();
    for (name, f, length) in [
        ("encode", encode as super::intrinsics::CFunctionData, 1),
        ("decode", decode, 3),
    ] {
        // SAFETY: `raw` is the live context of `ctx`; the function holds no data values (a
        // null pointer with a length of 0); the new function is handed to `Value::from_raw`,
        // which owns it.
        let value = unsafe {
            let f = qjs::JS_NewCFunctionData(raw, Some(f), length, 0, 0, std::ptr::null_mut());
            if qjs::JS_IsException(f) {
                return Err(rquickjs::Error::Exception);
            }
            Value::from_raw(ctx.clone(), f)
        };
        n.set(name, value)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_become_replacement_characters() {
        assert_eq!(well_formed(b"abc"), None);
        assert_eq!(well_formed("\u{D7FF}\u{10000}é".as_bytes()), None);
        // U+D800 and U+DFFF as QuickJS encodes lone surrogates.
        assert_eq!(well_formed(b"a\xED\xA0\x80b").unwrap(), b"a\xEF\xBF\xBDb");
        assert_eq!(
            well_formed(b"\xED\xBF\xBF\xED\xA0\x80").unwrap(),
            b"\xEF\xBF\xBD\xEF\xBF\xBD"
        );
        // U+D7FF (ED 9F BF) is a scalar value.
        assert_eq!(
            well_formed(b"\xED\x9F\xBF\xED\xA0\x80").unwrap(),
            b"\xED\x9F\xBF\xEF\xBF\xBD"
        );
    }
}
