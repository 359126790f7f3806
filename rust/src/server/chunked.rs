//! Chunked request bodies (RFC 9112 section 7.1), decoded incrementally: each call decodes the
//! complete chunks at the start of the buffer and says how many bytes they took, so the host
//! drops them and never rescans them.

use super::head::Refusal;

/// What one call decoded.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Chunks {
    /// The data of the complete chunks decoded now.
    pub data: Vec<u8>,
    /// Bytes of the buffer those chunks (and, when `done`, the last chunk and trailers) took.
    pub consumed: usize,
    /// The body is complete.
    pub done: bool,
}

/// Decodes complete chunks from `buf`; `room` is how many more body bytes are allowed (more:
/// 413). Trailer fields are read and dropped.
pub fn decode_chunked(buf: &[u8], room: usize) -> Result<Chunks, Refusal> {
    let mut out = Chunks::default();
    let mut pos = 0;
    loop {
        let (start, size) = match httparse::parse_chunk_size(&buf[pos..]) {
            Ok(httparse::Status::Complete((n, size))) => (pos + n, size),
            Ok(httparse::Status::Partial) => return Ok(out),
            Err(_) => {
                return Err(Refusal {
                    status: 400,
                    message: "bad chunk size line".into(),
                })
            }
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
        let size = usize::try_from(size).unwrap_or(usize::MAX);
        if size > room.saturating_sub(out.data.len()) {
            return Err(Refusal {
                status: 413,
                message: "request body too large".into(),
            });
        }
        let end = start + size;
        if buf.len() < end + 2 {
            return Ok(out);
        }
        if &buf[end..end + 2] != b"\r\n" {
            return Err(Refusal {
                status: 400,
                message: "chunk data not followed by CRLF".into(),
            });
        }
        out.data.extend_from_slice(&buf[start..end]);
        pos = end + 2;
        out.consumed = pos;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_in_pieces() {
        let first = decode_chunked(b"5\r\nhello\r\n7\r\n, wo", 100).unwrap();
        assert_eq!(
            (first.data.as_slice(), first.consumed, first.done),
            (&b"hello"[..], 10, false)
        );
        let rest = decode_chunked(b"7\r\n, world\r\n0\r\nT: 1\r\n\r\nGET", 95).unwrap();
        assert_eq!(rest.data, b", world");
        assert!(rest.done);
        assert_eq!(rest.consumed, 23);
    }

    #[test]
    fn limits_and_errors() {
        assert_eq!(decode_chunked(b"10\r\n", 15).unwrap_err().status, 413);
        assert_eq!(decode_chunked(b"zz\r\n", 15).unwrap_err().status, 400);
        assert_eq!(decode_chunked(b"1\r\nab\r\n", 15).unwrap_err().status, 400);
    }
}
