//! Errors of WebCrypto operations, named as the `DOMException` the specification says to throw.

use std::fmt;

/// The `DOMException` name of an error.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum ErrorName {
    NotSupported,
    Data,
    InvalidAccess,
    Operation,
    Syntax,
}

impl ErrorName {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorName::NotSupported => "NotSupportedError",
            ErrorName::Data => "DataError",
            ErrorName::InvalidAccess => "InvalidAccessError",
            ErrorName::Operation => "OperationError",
            ErrorName::Syntax => "SyntaxError",
        }
    }
}

/// A failed operation: the `DOMException` name and a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CryptoError {
    pub name: ErrorName,
    pub message: String,
}

impl CryptoError {
    pub fn new(name: ErrorName, message: impl Into<String>) -> Self {
        CryptoError {
            name,
            message: message.into(),
        }
    }

    pub fn data(message: impl Into<String>) -> Self {
        Self::new(ErrorName::Data, message)
    }

    pub fn not_supported(message: impl Into<String>) -> Self {
        Self::new(ErrorName::NotSupported, message)
    }

    pub fn operation(message: impl Into<String>) -> Self {
        Self::new(ErrorName::Operation, message)
    }
}

impl fmt::Display for CryptoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name.as_str(), self.message)
    }
}

impl std::error::Error for CryptoError {}
