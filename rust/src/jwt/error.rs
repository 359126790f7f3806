//! The typed errors of JWT verification: why a token was refused, or why a key set was refused.

/// Why a token was refused. Each variant maps to one Python class under `edgert.jwt.InvalidToken`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JwtError {
    /// The compact serialization, the header or the payload is not well-formed (or is too large).
    #[error("malformed token: {0}")]
    Malformed(&'static str),
    /// No configured key that may check the token's algorithm accepts the signature.
    #[error("invalid signature")]
    InvalidSignature,
    /// The token's `alg` is unknown (including every spelling of `none`) or not allowed.
    #[error("algorithm not allowed: {0}")]
    DisallowedAlgorithm(String),
    /// No configured key matches the token's `kid` and `alg`. `refresh_wanted` is true when the
    /// host should fetch the JWKS again and hand it to `Verifier::update_jwks`.
    #[error("no key matches the token's kid and alg")]
    UnknownKey { refresh_wanted: bool },
    /// `exp` is in the past (beyond the leeway).
    #[error("token has expired")]
    Expired,
    /// `nbf` or `iat` is in the future (beyond the leeway).
    #[error("token is not yet valid")]
    NotYetValid,
    /// `iss` does not match the configured issuer.
    #[error("invalid issuer")]
    InvalidIssuer,
    /// `aud` does not name the configured audience (or is present while none is configured).
    #[error("invalid audience")]
    InvalidAudience,
    /// A claim the configuration requires is absent.
    #[error("missing required claim {0:?}")]
    MissingClaim(String),
}

impl JwtError {
    /// The name of the Python exception class for this error (in `edgert.errors`).
    pub fn class_name(&self) -> &'static str {
        match self {
            JwtError::Malformed(_) => "MalformedToken",
            JwtError::InvalidSignature => "InvalidSignature",
            JwtError::DisallowedAlgorithm(_) => "DisallowedAlgorithm",
            JwtError::UnknownKey { .. } => "UnknownKey",
            JwtError::Expired => "ExpiredToken",
            JwtError::NotYetValid => "NotYetValid",
            JwtError::InvalidIssuer => "InvalidIssuer",
            JwtError::InvalidAudience => "InvalidAudience",
            JwtError::MissingClaim(_) => "MissingClaim",
        }
    }
}

/// A key, key set or verifier option was refused (the configuration's fault, not the token's).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct KeyError(pub String);

impl KeyError {
    pub(crate) fn new(message: impl Into<String>) -> Self {
        KeyError(message.into())
    }
}
