//! A complete message body, shared without copies.

use std::sync::Arc;

/// The bytes of a request or response body. Cloning shares the bytes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Body(Option<Arc<[u8]>>);

impl Body {
    /// No body at all (as opposed to an empty one).
    pub const fn none() -> Self {
        Body(None)
    }

    pub fn from_bytes(bytes: impl Into<Arc<[u8]>>) -> Self {
        Body(Some(bytes.into()))
    }

    pub fn is_none(&self) -> bool {
        self.0.is_none()
    }

    /// The bytes; an absent body reads as empty.
    pub fn as_bytes(&self) -> &[u8] {
        self.0.as_deref().unwrap_or(&[])
    }

    pub fn len(&self) -> usize {
        self.as_bytes().len()
    }

    pub fn is_empty(&self) -> bool {
        self.as_bytes().is_empty()
    }
}

impl From<Vec<u8>> for Body {
    fn from(bytes: Vec<u8>) -> Self {
        Body::from_bytes(bytes)
    }
}

impl From<&[u8]> for Body {
    fn from(bytes: &[u8]) -> Self {
        Body::from_bytes(bytes)
    }
}

impl From<&str> for Body {
    fn from(text: &str) -> Self {
        Body::from_bytes(text.as_bytes())
    }
}
