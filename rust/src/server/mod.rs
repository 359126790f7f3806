//! HTTP/1.1 on the wire for the edge server (RFC 9112): request heads parsed by `httparse`,
//! chunked request bodies decoded, responses encoded. Pure functions over byte slices: the
//! host owns the sockets and the buffers.

mod chunked;
mod encode;
mod head;

pub use chunked::{decode_chunked, Chunks};
pub use encode::{encode_response, reason_phrase, HOP_BY_HOP};
pub use head::{parse_head, Parsed, Refusal, RequestHead};
