//! Plain HTTP values that travel through the core: headers, requests and responses.
//!
//! They carry no I/O: bodies are bytes, already complete. Streaming bodies can come later
//! behind `Body` without changing the callers.

mod body;
mod headers;
mod request;
mod response;

pub use body::Body;
pub use headers::{is_valid_name, is_valid_name_byte, is_valid_value, HeaderError, Headers};
pub use request::{is_valid_method, normalize_method, Request};
pub use response::Response;
