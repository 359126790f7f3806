//! Chunked request bodies (RFC 9112 section 7.1), decoded incrementally: each call decodes what
//! the buffer holds (whole chunks, and the received part of a chunk still arriving), says how
//! many bytes it used, and how much of the current chunk is still to come. The host drops the
//! used bytes, so nothing is scanned twice however the body is split.

use super::head::Refusal;

/// What one call decoded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Chunks {
    /// Body bytes decoded now.
    pub data: Vec<u8>,
    /// Bytes of the buffer used.
    pub consumed: usize,
    /// The body is complete (last chunk and trailer section read; trailers are dropped).
    pub done: bool,
    /// Bytes of the current chunk still to come, its closing CRLF included (0: at a size line).
    pub pending: u64,
}

fn bad(message: &str) -> Refusal {
    Refusal {
        status: 400,
        message: message.into(),
    }
}

/// Decodes from `buf`; `pending` is what the previous call returned (0 at the start), `room`
/// how many more body bytes are allowed (more: 413).
pub fn decode_chunked(buf: &[u8], pending: u64, room: usize) -> Result<Chunks, Refusal> {
    let mut out = Chunks {
        pending,
        ..Chunks::default()
    };
    let mut pos = 0;
    loop {
        if out.pending > 2 {
            let want = usize::try_from(out.pending - 2).unwrap_or(usize::MAX);
            let take = want.min(buf.len() - pos);
            out.data.extend_from_slice(&buf[pos..pos + take]);
            pos += take;
            out.pending -= take as u64;
            out.consumed = pos;
            if out.pending > 2 {
                return Ok(out);
            }
        }
        if out.pending > 0 {
            let need = usize::try_from(out.pending).unwrap_or(2);
            if buf.len() - pos < need {
                return Ok(out);
            }
            if buf[pos..pos + need] != b"\r\n"[2 - need..] {
                return Err(bad("chunk data not followed by CRLF"));
            }
            pos += need;
            out.pending = 0;
            out.consumed = pos;
        }
        let (start, size) = match httparse::parse_chunk_size(&buf[pos..]) {
            Ok(httparse::Status::Complete((n, size))) => (pos + n, size),
            Ok(httparse::Status::Partial) => return Ok(out),
            Err(_) => return Err(bad("bad chunk size line")),
        };
        if size == 0 {
            // Trailer section: lines until an empty one.
            let mut at = start;
            loop {
                let Some(nl) = buf[at..].iter().position(|&b| b == b'\n') else {
                    return Ok(out);
                };
                let line = &buf[at..at + nl];
                at += nl + 1;
                if line == b"\r" || line.is_empty() {
                    out.consumed = at;
                    out.done = true;
                    return Ok(out);
                }
            }
        }
        if size > room.saturating_sub(out.data.len()) as u64 {
            return Err(Refusal {
                status: 413,
                message: "request body too large".into(),
            });
        }
        out.pending = size + 2;
        pos = start;
        out.consumed = pos;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_in_pieces() {
        let first = decode_chunked(b"5\r\nhello\r\n7\r\n, wo", 0, 100).unwrap();
        assert_eq!(first.data, b"hello, wo");
        assert_eq!((first.consumed, first.done, first.pending), (17, false, 5));
        let rest = decode_chunked(b"rld\r\n0\r\nT: 1\r\n\r\nGET", first.pending, 91).unwrap();
        assert_eq!(rest.data, b"rld");
        assert!(rest.done);
        assert_eq!(rest.consumed, 16);
    }

    #[test]
    fn a_crlf_split_across_calls() {
        let a = decode_chunked(b"2\r\nab\r", 0, 100).unwrap();
        assert_eq!((a.data.as_slice(), a.consumed, a.pending), (&b"ab"[..], 5, 2));
        let b = decode_chunked(b"\r", a.pending, 98).unwrap_or_default();
        assert_eq!(b.consumed, 0); // waits for both bytes
        let c = decode_chunked(b"\r\n0\r\n\r\n", 2, 98).unwrap();
        assert!(c.done);
    }

    #[test]
    fn limits_and_errors() {
        assert_eq!(decode_chunked(b"10\r\n", 0, 15).unwrap_err().status, 413);
        assert_eq!(decode_chunked(b"zz\r\n", 0, 15).unwrap_err().status, 400);
        assert_eq!(decode_chunked(b"1\r\nab\r\n", 0, 15).unwrap_err().status, 400);
    }
}
