//! The native half of `CompressionStream` / `DecompressionStream` (Compression Standard):
//! gzip (RFC 1952), deflate (the zlib format, RFC 1950) and deflate-raw (RFC 1951), with
//! `flate2` (the Rust ecosystem's maintained binding to miniz_oxide, pure Rust).

use flate2::write::{DeflateDecoder, DeflateEncoder, GzDecoder, GzEncoder, ZlibDecoder, ZlibEncoder};
use flate2::Compression;
use rquickjs::{Ctx, Exception, Function, Object, Result, TypedArray, Value};
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

/// Decompresses one complete stream; data after its end, or a truncated stream, is an error
/// (as the standard's "decompress and enqueue" and "decompress flush and enqueue" say).
pub fn decompress(format: Format, input: &[u8]) -> std::io::Result<Vec<u8>> {
    let trailing = || {
        std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            "data after the end of the compressed stream",
        )
    };
    fn all<W: Write>(mut w: W, input: &[u8]) -> std::io::Result<(W, usize)> {
        let mut off = 0;
        while off < input.len() {
            let n = w.write(&input[off..])?;
            if n == 0 {
                break;
            }
            off += n;
        }
        Ok((w, off))
    }
    match format {
        Format::Gzip => {
            let (d, used) = all(GzDecoder::new(Vec::new()), input)?;
            if used < input.len() {
                return Err(trailing());
            }
            d.finish()
        }
        Format::Deflate => {
            let (d, used) = all(ZlibDecoder::new(Vec::new()), input)?;
            if used < input.len() {
                return Err(trailing());
            }
            d.finish()
        }
        Format::DeflateRaw => {
            let (d, used) = all(DeflateDecoder::new(Vec::new()), input)?;
            if used < input.len() {
                return Err(trailing());
            }
            d.finish()
        }
    }
}

fn bytes_of<'js>(ctx: &Ctx<'js>, v: Value<'js>) -> Result<Vec<u8>> {
    let arr = TypedArray::<u8>::from_value(v)?;
    // SAFETY: copied out before any JavaScript runs again.
    match unsafe { arr.as_bytes() } {
        Some(b) => Ok(b.to_vec()),
        None => Err(Exception::throw_type(ctx, "detached buffer")),
    }
}

pub fn install<'js>(ctx: &Ctx<'js>, n: &Object<'js>) -> Result<()> {
    n.set(
        "compress",
        Function::new(ctx.clone(), |ctx: Ctx<'js>, format: String, input: Value<'js>| {
            let Some(f) = Format::parse(&format) else {
                return Err(Exception::throw_type(
                    &ctx,
                    &format!("Unsupported compression format: {format}"),
                ));
            };
            let out = compress(f, &bytes_of(&ctx, input)?)
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
            let out = decompress(f, &bytes_of(&ctx, input)?)
                .map_err(|e| Exception::throw_type(&ctx, &format!("Decompression failed: {e}")))?;
            TypedArray::<u8>::new(ctx.clone(), out)
        })?,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
