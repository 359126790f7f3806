//! Native half of `TextDecoder` and `TextEncoder.encodeInto` (the lazy `encoding.js` module
//! holds the WebIDL side): every encoding and label of the WHATWG Encoding Standard, through
//! `encoding_rs`, the crate that implements exactly that standard (Firefox's).
//!
//! A streaming `TextDecoder` keeps a `DecoderHandle`: an `encoding_rs::Decoder`, whose state
//! (a partial sequence, the BOM seen or not) carries from one `decode(..., {stream: true})`
//! call to the next. The UTF-8 decoder without streaming state stays on the prelude's
//! `native.decode` (the hot path of `Response.text()` and friends).

use encoding_rs::{CoderResult, Decoder, DecoderResult, Encoding};
use rquickjs::class::{JsClass, Trace, Tracer, Writable};
use rquickjs::{Class, Ctx, Exception, Function, JsLifetime, Object, Result, TypedArray, Value};

/// The encoding named by `label` (leading and trailing ASCII whitespace removed, case
/// ignored), or `None` for an unknown label and for the replacement encoding, which
/// `TextDecoder` refuses (Encoding Standard, "get an encoding" and the constructor's step 2).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    Encoding::for_label_no_replacement(label.as_bytes())
}

/// The standard's name of an encoding, lower-cased as `TextDecoder.encoding` returns it.
pub fn encoding_name(encoding: &'static Encoding) -> String {
    encoding.name().to_ascii_lowercase()
}

/// A decoder of one encoding: without BOM handling (`ignoreBOM`), or removing a BOM of the
/// encoding itself (never sniffing another: TextDecoder does not switch encodings).
fn new_decoder(encoding: &'static Encoding, ignore_bom: bool) -> Decoder {
    if ignore_bom {
        encoding.new_decoder_without_bom_handling()
    } else {
        encoding.new_decoder_with_bom_removal()
    }
}

/// Decodes `bytes` with `decoder`; `last` flushes it (an incomplete sequence at the end becomes
/// U+FFFD). `None` on malformed input when `fatal`.
pub fn decode_with(decoder: &mut Decoder, bytes: &[u8], fatal: bool, last: bool) -> Option<String> {
    let cap = decoder
        .max_utf8_buffer_length(bytes.len())
        .unwrap_or(bytes.len().saturating_mul(3).saturating_add(16));
    let mut out = String::with_capacity(cap);
    let mut src = bytes;
    loop {
        if fatal {
            let (result, read) = decoder.decode_to_string_without_replacement(src, &mut out, last);
            src = &src[read..];
            match result {
                DecoderResult::InputEmpty => return Some(out),
                DecoderResult::Malformed(_, _) => return None,
                DecoderResult::OutputFull => out.reserve(decoder.max_utf8_buffer_length(src.len()).unwrap_or(64)),
            }
        } else {
            let (result, read, _) = decoder.decode_to_string(src, &mut out, last);
            src = &src[read..];
            match result {
                CoderResult::InputEmpty => return Some(out),
                CoderResult::OutputFull => out.reserve(decoder.max_utf8_buffer_length(src.len()).unwrap_or(64)),
            }
        }
    }
}

/// The longest prefix of `s` whose UTF-8 fits in `capacity` bytes, as (UTF-16 code units read,
/// its UTF-8 bytes): `TextEncoder.encodeInto` never splits a code point.
pub fn encode_prefix(s: &str, capacity: usize) -> (usize, &[u8]) {
    if s.len() <= capacity {
        return (s.encode_utf16().count(), s.as_bytes());
    }
    let mut end = 0;
    let mut read = 0;
    for c in s.chars() {
        if end + c.len_utf8() > capacity {
            break;
        }
        end += c.len_utf8();
        read += c.len_utf16();
    }
    (read, &s.as_bytes()[..end])
}

/// A `TextDecoder`'s decoder between streaming calls.
pub struct DecoderHandle(Decoder);

impl<'js> Trace<'js> for DecoderHandle {
    fn trace<'a>(&self, _tracer: Tracer<'a, 'js>) {}
}

// SAFETY: `DecoderHandle` holds no JavaScript values, so it has no lifetime to change.
unsafe impl<'js> JsLifetime<'js> for DecoderHandle {
    type Changed<'to> = DecoderHandle;
}

impl<'js> JsClass<'js> for DecoderHandle {
    const NAME: &'static str = "TextDecoderHandle";
    type Mutable = Writable;

    fn prototype(ctx: &Ctx<'js>) -> Result<Option<Object<'js>>> {
        Ok(Some(Object::new(ctx.clone())?))
    }

    fn constructor(_ctx: &Ctx<'js>) -> Result<Option<rquickjs::Constructor<'js>>> {
        Ok(None)
    }
}

fn bytes_of<'js>(ctx: &Ctx<'js>, v: Value<'js>) -> Result<Vec<u8>> {
    let arr = TypedArray::<u8>::from_value(v)?;
    // SAFETY: the slice is copied before any JavaScript can run again.
    let copied = unsafe { arr.as_bytes() }.map(<[u8]>::to_vec);
    copied.ok_or_else(|| Exception::throw_type(ctx, "detached buffer"))
}

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>) -> Result<()> {
    n.set(
        "encodingFor",
        Function::new(ctx.clone(), |label: String| {
            encoding_for_label(&label).map(encoding_name)
        })?,
    )?;
    n.set(
        "decoderNew",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, name: String, ignore_bom: bool| {
            let encoding = encoding_for_label(&name)
                .ok_or_else(|| Exception::throw_range(&ctx, &format!("The \"{name}\" encoding is not supported")))?;
            Class::instance(ctx.clone(), DecoderHandle(new_decoder(encoding, ignore_bom)))
        })?,
    )?;
    n.set(
        "decoderDecode",
        Function::new(
            ctx.clone(),
            |ctx: Ctx<'js>, handle: Value<'js>, bytes: Value<'js>, fatal: bool, last: bool| {
                let class = Class::<DecoderHandle>::from_value(&handle)
                    .map_err(|_| Exception::throw_type(&ctx, "not a TextDecoder"))?;
                let data = bytes_of(&ctx, bytes)?;
                let mut handle = class.borrow_mut();
                let encoding = handle.0.encoding();
                match decode_with(&mut handle.0, &data, fatal, last) {
                    Some(s) => Ok(s),
                    None => Err(Exception::throw_type(
                        &ctx,
                        &format!(
                            "The encoded data was not valid for encoding {}",
                            encoding_name(encoding)
                        ),
                    )),
                }
            },
        )?,
    )?;
    n.set(
        "encodeIntoPrefix",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, s: String, capacity: f64| {
            let cap = if capacity.is_finite() && capacity > 0.0 {
                capacity as usize
            } else {
                0
            };
            let (read, bytes) = encode_prefix(&s, cap);
            let out = rquickjs::Array::new(ctx.clone())?;
            out.set(0, read as f64)?;
            out.set(1, TypedArray::<u8>::new(ctx.clone(), bytes.to_vec())?)?;
            Ok::<_, rquickjs::Error>(out)
        })?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(label: &str, chunks: &[&[u8]], fatal: bool, ignore_bom: bool) -> Option<String> {
        let mut d = new_decoder(encoding_for_label(label).unwrap(), ignore_bom);
        let mut out = String::new();
        for c in chunks {
            out.push_str(&decode_with(&mut d, c, fatal, false)?);
        }
        out.push_str(&decode_with(&mut d, &[], fatal, true)?);
        Some(out)
    }

    #[test]
    fn labels_follow_the_standard() {
        assert_eq!(
            encoding_for_label(" \t\n\x0c\rUTF8 ").map(encoding_name).as_deref(),
            Some("utf-8")
        );
        assert!(encoding_for_label("\x0butf-8").is_none(), "\\v is not ASCII whitespace");
        assert_eq!(
            encoding_for_label("latin1").map(encoding_name).as_deref(),
            Some("windows-1252")
        );
        assert_eq!(
            encoding_for_label("utf-16").map(encoding_name).as_deref(),
            Some("utf-16le")
        );
        assert_eq!(
            encoding_for_label("sjis").map(encoding_name).as_deref(),
            Some("shift_jis")
        );
        assert!(encoding_for_label("iso-2022-kr").is_none(), "replacement is refused");
        assert!(encoding_for_label("utf-7").is_none());
    }

    #[test]
    fn streaming_keeps_partial_sequences_and_flushes_with_fffd() {
        assert_eq!(
            decode_all("utf-8", &[b"\xE2\x82", b"\xAC"], false, false).unwrap(),
            "\u{20AC}"
        );
        assert_eq!(decode_all("utf-8", &[b"a\xF0\x9F"], false, false).unwrap(), "a\u{FFFD}");
        assert_eq!(
            decode_all("utf-16le", &[b"\x3D", b"\xD8\x00", b"\xDC"], false, false).unwrap(),
            "\u{1F400}"
        );
        assert!(decode_all("utf-8", &[b"a\xF0\x9F"], true, false).is_none());
    }

    #[test]
    fn bom_of_the_encoding_only() {
        assert_eq!(decode_all("utf-16be", &[b"\xFE\xFF\x00A"], false, false).unwrap(), "A");
        assert_eq!(
            decode_all("utf-16be", &[b"\xFE\xFF\x00A"], false, true).unwrap(),
            "\u{FEFF}A"
        );
        assert_eq!(
            decode_all("utf-8", &[b"\xFF\xFEA"], false, false).unwrap(),
            "\u{FFFD}\u{FFFD}A"
        );
        assert_eq!(
            decode_all("windows-1252", &[b"\x80"], false, false).unwrap(),
            "\u{20AC}"
        );
    }

    #[test]
    fn encode_into_never_splits_a_code_point() {
        assert_eq!(encode_prefix("a\u{20AC}b", 3), (1, &b"a"[..]));
        assert_eq!(encode_prefix("a\u{20AC}b", 4), (2, &b"a\xE2\x82\xAC"[..]));
        assert_eq!(encode_prefix("\u{1F600}", 4), (2, "\u{1F600}".as_bytes()));
        assert_eq!(encode_prefix("xyz", 10), (3, &b"xyz"[..]));
    }
}
