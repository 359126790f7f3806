//! The native half of `CompressionStream` / `DecompressionStream` (Compression Standard):
//! gzip (RFC 1952), deflate (the zlib format, RFC 1950) and deflate-raw (RFC 1951), with
//! `flate2` (the Rust ecosystem's maintained binding to miniz_oxide, pure Rust).
//!
//! `native.codec(mode, format)` makes one stream's (de)compressor: a function
//! `codec(chunk, finish)` that takes the next chunk and returns the bytes it produced, so the
//! streams emit output per chunk (Compression Standard: "compress and enqueue a chunk");
//! `codec(undefined, true)` flushes the end of the stream. One-shot `compress`/`decompress`
//! stay for whole buffers.
//!
//! Output is bounded as it is made: a decompression bomb expands ~1,000-fold (400 MiB of zeros
//! gzip to 400 KiB), and the output is a Rust buffer, outside the isolate's heap limit. So the
//! input is fed in slices of `SLICE` bytes, and after each slice `OutputGuard` charges the new
//! output to the CPU budget's work counter (`interrupt::charge`) and, each time the output has
//! doubled, asks the isolate's allocator for a block of its size (freed at once): a heap that
//! could not hold it refuses, which is the engine's own out-of-memory (the turn ends as
//! `exceededMemory`), before the buffer outgrows twice the heap limit by more than one slice's
//! expansion.

use super::interrupt::{charge, charged_bytes};
use flate2::write::{DeflateDecoder, DeflateEncoder, GzDecoder, GzEncoder, ZlibDecoder, ZlibEncoder};
use flate2::Compression;
use rquickjs::prelude::Opt;
use rquickjs::{qjs, Ctx, Exception, Function, Object, Result, TypedArray, Value};
use std::cell::RefCell;
use std::io::Write;

/// A format the Compression Standard names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Gzip,
    Deflate,
    DeflateRaw,
}

impl Format {
    pub fn parse(name: &str) -> Option<Format> {
        match name {
            "gzip" => Some(Format::Gzip),
            "deflate" => Some(Format::Deflate),
            "deflate-raw" => Some(Format::DeflateRaw),
            _ => None,
        }
    }
}

pub fn compress(format: Format, input: &[u8]) -> std::io::Result<Vec<u8>> {
    let level = Compression::default();
    match format {
        Format::Gzip => {
            let mut e = GzEncoder::new(Vec::new(), level);
            e.write_all(input)?;
            e.finish()
        }
        Format::Deflate => {
            let mut e = ZlibEncoder::new(Vec::new(), level);
            e.write_all(input)?;
            e.finish()
        }
        Format::DeflateRaw => {
            let mut e = DeflateEncoder::new(Vec::new(), level);
            e.write_all(input)?;
            e.finish()
        }
    }
}

/// One stream's (de)compressor; each writes its output into the `Vec` it owns, which
/// `take_output` empties after every chunk.
enum Codec {
    GzEnc(GzEncoder<Vec<u8>>),
    ZEnc(ZlibEncoder<Vec<u8>>),
    DEnc(DeflateEncoder<Vec<u8>>),
    GzDec(GzDecoder<Vec<u8>>),
    ZDec(ZlibDecoder<Vec<u8>>),
    DDec(DeflateDecoder<Vec<u8>>),
}

impl Codec {
    fn new(compress: bool, format: Format) -> Codec {
        let level = Compression::default();
        match (compress, format) {
            (true, Format::Gzip) => Codec::GzEnc(GzEncoder::new(Vec::new(), level)),
            (true, Format::Deflate) => Codec::ZEnc(ZlibEncoder::new(Vec::new(), level)),
            (true, Format::DeflateRaw) => Codec::DEnc(DeflateEncoder::new(Vec::new(), level)),
            (false, Format::Gzip) => Codec::GzDec(GzDecoder::new(Vec::new())),
            (false, Format::Deflate) => Codec::ZDec(ZlibDecoder::new(Vec::new())),
            (false, Format::DeflateRaw) => Codec::DDec(DeflateDecoder::new(Vec::new())),
        }
    }

    /// Feeds `input`; a decoder refuses bytes after the end of its compressed stream.
    fn push(&mut self, input: &[u8]) -> std::io::Result<()> {
        fn decode<W: Write>(w: &mut W, input: &[u8]) -> std::io::Result<()> {
            let mut off = 0;
            while off < input.len() {
                let n = w.write(&input[off..])?;
                if n == 0 {
                    return Err(std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        "data after the end of the compressed stream",
                    ));
                }
                off += n;
            }
            Ok(())
        }
        match self {
            Codec::GzEnc(e) => e.write_all(input),
            Codec::ZEnc(e) => e.write_all(input),
            Codec::DEnc(e) => e.write_all(input),
            Codec::GzDec(d) => decode(d, input),
            Codec::ZDec(d) => decode(d, input),
            Codec::DDec(d) => decode(d, input),
        }
    }

    /// Ends the stream: an encoder writes its trailer, a decoder fails on a truncated stream.
    fn finish(&mut self) -> std::io::Result<()> {
        match self {
            Codec::GzEnc(e) => e.try_finish(),
            Codec::ZEnc(e) => e.try_finish(),
            Codec::DEnc(e) => e.try_finish(),
            Codec::GzDec(d) => d.try_finish(),
            Codec::ZDec(d) => d.try_finish(),
            Codec::DDec(d) => d.try_finish(),
        }
    }

    fn output_len(&self) -> usize {
        match self {
            Codec::GzEnc(e) => e.get_ref().len(),
            Codec::ZEnc(e) => e.get_ref().len(),
            Codec::DEnc(e) => e.get_ref().len(),
            Codec::GzDec(d) => d.get_ref().len(),
            Codec::ZDec(d) => d.get_ref().len(),
            Codec::DDec(d) => d.get_ref().len(),
        }
    }

    /// Feeds `input` a slice at a time, each slice's output admitted by `guard` (see the
    /// module's documentation); `Err(Exception)` with the engine's error pending when the
    /// output may not grow.
    fn push_guarded(&mut self, ctx: &Ctx<'_>, guard: &mut OutputGuard, input: &[u8], what: &str) -> Result<()> {
        for slice in input.chunks(SLICE) {
            self.push(slice)
                .map_err(|e| Exception::throw_type(ctx, &format!("{what} failed: {e}")))?;
            guard.admit(ctx, self.output_len())?;
        }
        Ok(())
    }

    fn take_output(&mut self) -> Vec<u8> {
        std::mem::take(match self {
            Codec::GzEnc(e) => e.get_mut(),
            Codec::ZEnc(e) => e.get_mut(),
            Codec::DEnc(e) => e.get_mut(),
            Codec::GzDec(d) => d.get_mut(),
            Codec::ZDec(d) => d.get_mut(),
            Codec::DDec(d) => d.get_mut(),
        })
    }
}

/// Input bytes fed at a time: at deflate's ~1,032:1 at most, ~4 MiB of output.
const SLICE: usize = 4096;

/// Admits a codec's output as it grows (see the module's documentation).
#[derive(Default)]
struct OutputGuard {
    /// Output bytes charged to the CPU budget so far.
    charged: usize,
    /// Output the isolate's heap was last found able to hold, doubled.
    checked: usize,
}

impl OutputGuard {
    fn admit(&mut self, ctx: &Ctx<'_>, len: usize) -> Result<()> {
        if len > self.charged {
            charge(ctx, len - self.charged)?;
            self.charged = len;
        }
        if len <= self.checked {
            return Ok(());
        }
        let raw = ctx.as_raw().as_ptr();
        // SAFETY: `raw` is the live context of `ctx`; the probe block is freed at once.
        unsafe {
            let probe = qjs::js_malloc(raw, len as _);
            if probe.is_null() {
                return Err(rquickjs::Error::Exception); // the engine threw its out-of-memory error
            }
            qjs::js_free(raw, probe);
        }
        self.checked = len.saturating_mul(2);
        Ok(())
    }
}

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>) -> Result<()> {
    n.set(
        "codec",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, mode: String, format: String| {
            let Some(f) = Format::parse(&format) else {
                return Err(Exception::throw_type(
                    &ctx,
                    &format!("Unsupported compression format: {format}"),
                ));
            };
            let what = if mode == "compress" {
                "Compression"
            } else {
                "Decompression"
            };
            let codec = RefCell::new(Codec::new(mode == "compress", f));
            Function::new(
                ctx.clone(),
                move |ctx: Ctx<'js>, input: Opt<Value<'js>>, finish: Opt<bool>| {
                    let mut codec = codec.borrow_mut();
                    // Each call's output starts from the buffer the last one emptied.
                    let mut guard = OutputGuard::default();
                    if let Some(v) = input.0.filter(|v| !v.is_undefined()) {
                        let bytes = charged_bytes(&ctx, &v)?;
                        codec.push_guarded(&ctx, &mut guard, &bytes, what)?;
                    }
                    if finish.0.unwrap_or(false) {
                        codec
                            .finish()
                            .map_err(|e| Exception::throw_type(&ctx, &format!("{what} failed: {e}")))?;
                        guard.admit(&ctx, codec.output_len())?;
                    }
                    TypedArray::<u8>::new(ctx.clone(), codec.take_output())
                },
            )
        })?,
    )?;
    n.set(
        "compress",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, format: String, input: Value<'js>| {
            let Some(f) = Format::parse(&format) else {
                return Err(Exception::throw_type(
                    &ctx,
                    &format!("Unsupported compression format: {format}"),
                ));
            };
            let out = compress(f, &charged_bytes(&ctx, &input)?)
                .map_err(|e| Exception::throw_type(&ctx, &format!("compression failed: {e}")))?;
            TypedArray::<u8>::new(ctx.clone(), out)
        })?,
    )?;
    n.set(
        "decompress",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, format: String, input: Value<'js>| {
            let Some(f) = Format::parse(&format) else {
                return Err(Exception::throw_type(
                    &ctx,
                    &format!("Unsupported compression format: {format}"),
                ));
            };
            let mut codec = Codec::new(false, f);
            let mut guard = OutputGuard::default();
            codec.push_guarded(&ctx, &mut guard, &charged_bytes(&ctx, &input)?, "Decompression")?;
            codec
                .finish()
                .map_err(|e| Exception::throw_type(&ctx, &format!("Decompression failed: {e}")))?;
            guard.admit(&ctx, codec.output_len())?;
            TypedArray::<u8>::new(ctx.clone(), codec.take_output())
        })?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decompresses one complete stream; data after its end, or a truncated stream, is an error
    /// (as the standard's "decompress and enqueue" and "decompress flush and enqueue" say). The
    /// `decompress` native does the same with its output guarded.
    fn decompress(format: Format, input: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut codec = Codec::new(false, format);
        codec.push(input)?;
        codec.finish()?;
        Ok(codec.take_output())
    }

    #[test]
    fn codecs_stream_chunk_by_chunk() {
        let data = b"hello hello hello hello".repeat(200);
        for f in [Format::Gzip, Format::Deflate, Format::DeflateRaw] {
            let mut enc = Codec::new(true, f);
            let mut compressed = Vec::new();
            for chunk in data.chunks(100) {
                enc.push(chunk).unwrap();
                compressed.extend(enc.take_output());
            }
            enc.finish().unwrap();
            compressed.extend(enc.take_output());
            assert_eq!(decompress(f, &compressed).unwrap(), data, "{f:?}");
            let mut dec = Codec::new(false, f);
            let mut out = Vec::new();
            for chunk in compressed.chunks(7) {
                dec.push(chunk).unwrap();
                out.extend(dec.take_output());
            }
            dec.finish().unwrap();
            out.extend(dec.take_output());
            assert_eq!(out, data, "{f:?}");
            let mut truncated = Codec::new(false, f);
            truncated.push(&compressed[..compressed.len() / 2]).unwrap();
            assert!(truncated.finish().is_err(), "{f:?} truncated");
            let mut trailing = Codec::new(false, f);
            let mut extra = compressed.clone();
            extra.extend_from_slice(b"junk");
            assert!(trailing.push(&extra).is_err(), "{f:?} trailing data");
        }
    }

    #[test]
    fn round_trips_and_rejects_bad_input() {
        let data = b"hello hello hello hello".repeat(20);
        for f in [Format::Gzip, Format::Deflate, Format::DeflateRaw] {
            let c = compress(f, &data).unwrap();
            assert!(c.len() < data.len());
            assert_eq!(decompress(f, &c).unwrap(), data);
            assert!(decompress(f, &c[..c.len() / 2]).is_err(), "{f:?} truncated");
            let mut extra = c.clone();
            extra.extend_from_slice(b"junk");
            assert!(decompress(f, &extra).is_err(), "{f:?} trailing data");
        }
        assert_eq!(&compress(Format::Gzip, b"x").unwrap()[..2], &[0x1f, 0x8b]);
        assert!(Format::parse("br").is_none());
    }
}
