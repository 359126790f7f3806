//! The response a worker settles its request with, read out of the prelude's values: the
//! arguments of `native.settle(task, status, statusText, headers, body)` (`dispatch.js`
//! `finish`, and the lazy modules that answer events).
//!
//! Every request ends here once, so the values are read in place (a string's bytes where
//! QuickJS keeps them, a Uint8Array's buffer) and copied once, into the `Response`: no
//! intermediate Rust `String` per argument, no flat array built in JavaScript first.
//!
//! - `statusText`: a string (the prelude checked it is a reason phrase).
//! - `headers`: an array of the header list, either flat (`[name, value, name, value...]`) or
//!   as `Headers` keeps it (`[[name, value], ...]`); each field is validated again as the host
//!   takes it (`http::Headers::append`), a bad one is a TypeError.
//! - `body`: null or undefined (none), a string (its UTF-8; a lone surrogate as U+FFFD, as a
//!   USVString is encoded) or a Uint8Array (its bytes); anything else is a TypeError.

use super::intrinsics::clear_exception;
use super::utf8_native::well_formed;
use crate::http::{Body, Headers, Response};
use rquickjs::{qjs, Ctx, Exception, Result, Value};

/// The bytes of a primitive string (QuickJS's UTF-8, lone surrogates as themselves), borrowed
/// from the engine and freed on drop.
pub(super) struct Text {
    ctx: *mut qjs::JSContext,
    ptr: *const std::ffi::c_char,
    len: usize,
}

impl Text {
    /// `None` when `v` is not a string (or on out-of-memory, the exception cleared).
    ///
    /// # Safety
    /// `ctx` live, `v` a live value of it.
    pub(super) unsafe fn of(ctx: *mut qjs::JSContext, v: qjs::JSValue) -> Option<Text> {
        // SAFETY: per the contract; a primitive string converts without running code.
        unsafe {
            if !qjs::JS_IsString(v) {
                return None;
            }
            let mut len: qjs::size_t = 0;
            let ptr = qjs::JS_ToCStringLen2(ctx, &mut len, v, false);
            if ptr.is_null() {
                clear_exception(ctx);
                return None;
            }
            Some(Text {
                ctx,
                ptr,
                len: len as usize,
            })
        }
    }

    pub(super) fn bytes(&self) -> &[u8] {
        // SAFETY: JS_ToCStringLen2 returned `len` readable bytes at `ptr`, kept until drop.
        unsafe { std::slice::from_raw_parts(self.ptr.cast::<u8>(), self.len) }
    }

    /// The scalar values' UTF-8 (lone surrogates as U+FFFD).
    fn to_usv(&self) -> Vec<u8> {
        well_formed(self.bytes()).unwrap_or_else(|| self.bytes().to_vec())
    }

    /// As `to_usv`, as a `String`.
    pub(super) fn to_usv_string(&self) -> String {
        // `well_formed` leaves only scalar values: valid UTF-8.
        String::from_utf8(self.to_usv()).unwrap_or_default()
    }
}

impl Drop for Text {
    fn drop(&mut self) {
        // SAFETY: `ptr` came from JS_ToCStringLen2 on this live context, freed once.
        unsafe { qjs::JS_FreeCString(self.ctx, self.ptr) };
    }
}

/// Element `i` of an array the prelude made (a new reference).
///
/// # Safety
/// `ctx` live; `arr` a live array of plain data elements (reading them runs no code).
unsafe fn element(ctx: *mut qjs::JSContext, arr: qjs::JSValue, i: u32) -> qjs::JSValue {
    // SAFETY: per the contract.
    unsafe { qjs::JS_GetPropertyUint32(ctx, arr, i) }
}

fn bad_headers<'js>(ctx: &Ctx<'js>) -> rquickjs::Error {
    Exception::throw_type(ctx, "settle: headers must be an array of names and values")
}

/// Appends one field (a TypeError for a name or value `Headers` would not take).
///
/// # Safety
/// `raw` is the live context of `ctx`; `name` and `value` live values of it.
unsafe fn append<'js>(
    ctx: &Ctx<'js>,
    raw: *mut qjs::JSContext,
    out: &mut Headers,
    name: qjs::JSValue,
    value: qjs::JSValue,
) -> Result<()> {
    // SAFETY: per the contract.
    let (name, value) = unsafe { (Text::of(raw, name), Text::of(raw, value)) };
    let (Some(name), Some(value)) = (name, value) else {
        return Err(bad_headers(ctx));
    };
    // A name is a token (ASCII) when it is valid: borrowed as it is.
    let lossy;
    let name = match std::str::from_utf8(name.bytes()) {
        Ok(s) => s,
        Err(_) => {
            lossy = name.to_usv_string();
            &lossy
        }
    };
    out.append_owned(name, value.to_usv_string())
        .map_err(|e| Exception::throw_type(ctx, &e.to_string()))
}

/// The header list (see the module's comment).
fn headers<'js>(ctx: &Ctx<'js>, list: &Value<'js>) -> Result<Headers> {
    let raw = ctx.as_raw().as_ptr();
    let v = list.as_raw();
    // SAFETY: `raw` is the live context of `ctx` and `v` a live array of it (checked), made by
    // the prelude: reading its length and elements runs no code. Every element obtained is
    // freed once.
    unsafe {
        if !qjs::JS_IsArray(v) {
            return Err(bad_headers(ctx));
        }
        let mut len: i64 = 0;
        if qjs::JS_GetLength(raw, v, &mut len) < 0 {
            return Err(rquickjs::Error::Exception);
        }
        let len = u32::try_from(len).map_err(|_| bad_headers(ctx))?;
        let mut out = Headers::with_capacity(len as usize);
        let mut i = 0;
        while i < len {
            let first = element(raw, v, i);
            let appended = if qjs::JS_IsString(first) {
                // Flat: this name, then its value.
                let value = element(raw, v, i + 1);
                let r = if i + 1 < len {
                    append(ctx, raw, &mut out, first, value)
                } else {
                    Err(bad_headers(ctx))
                };
                qjs::JS_FreeValue(raw, value);
                i += 2;
                r
            } else if qjs::JS_IsArray(first) {
                let (name, value) = (element(raw, first, 0), element(raw, first, 1));
                let r = append(ctx, raw, &mut out, name, value);
                qjs::JS_FreeValue(raw, name);
                qjs::JS_FreeValue(raw, value);
                i += 1;
                r
            } else {
                Err(bad_headers(ctx))
            };
            qjs::JS_FreeValue(raw, first);
            appended?;
        }
        Ok(out)
    }
}

/// The bytes of a Uint8Array, borrowed from the engine; a TypeError for anything else.
///
/// # Safety
/// The slice is used before any JavaScript runs (which could detach or resize the buffer).
pub(super) unsafe fn uint8_array<'a, 'js>(ctx: &Ctx<'js>, v: &'a Value<'js>) -> Result<&'a [u8]> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `raw` is the live context of `ctx` and `v` a live value of it; the getter only
    // reads internal slots and returns `len` bytes at `ptr` (or null, an exception pending).
    unsafe {
        if qjs::JS_IsObject(v.as_raw()) {
            let mut len: qjs::size_t = 0;
            let ptr = qjs::JS_GetUint8Array(raw, &mut len, v.as_raw());
            if !ptr.is_null() {
                return Ok(if len == 0 {
                    &[]
                } else {
                    std::slice::from_raw_parts(ptr, len as usize)
                });
            }
            clear_exception(raw);
        }
    }
    Err(Exception::throw_type(ctx, "expected a Uint8Array"))
}

/// The body (see the module's comment).
fn body<'js>(ctx: &Ctx<'js>, value: &Value<'js>) -> Result<Body> {
    if value.is_null() || value.is_undefined() {
        return Ok(Body::none());
    }
    let raw = ctx.as_raw().as_ptr();
    let v = value.as_raw();
    // SAFETY: `raw` is the live context of `ctx`, `v` a live value of it; the bytes borrowed
    // (a string's, a Uint8Array's buffer) are copied before any JavaScript runs.
    unsafe {
        if let Some(text) = Text::of(raw, v) {
            return Ok(Body::from_bytes(text.to_usv()));
        }
        uint8_array(ctx, value)
            .map(Body::from_bytes)
            .map_err(|_| Exception::throw_type(ctx, "body must be a string or a Uint8Array"))
    }
}

/// The settled response.
pub fn response<'js>(
    ctx: &Ctx<'js>,
    status: u16,
    status_text: &Value<'js>,
    header_list: &Value<'js>,
    body_value: &Value<'js>,
) -> Result<Response> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: `raw` is the live context of `ctx`, `status_text` a live value of it.
    let status_text = match unsafe { Text::of(raw, status_text.as_raw()) } {
        Some(t) => t.to_usv_string(),
        None => return Err(Exception::throw_type(ctx, "settle: statusText must be a string")),
    };
    Ok(Response {
        status,
        status_text,
        headers: headers(ctx, header_list)?,
        body: body(ctx, body_value)?,
    })
}
