//! The JWS compact serialization (RFC 7515 section 7.1), parsed strictly: exactly three
//! base64url segments, a header that is a JSON object, and the few header members verification
//! reads. Embedded keys (`jwk`, `jku`, `x5u`, `x5c`) are never read; any `crit` is refused,
//! because edgert implements no extension that a token could mark critical.

use super::alg::Algorithm;
use super::b64;
use super::error::JwtError;
use super::json;
use serde_json::Value;

/// The longest `kid` that can select a key.
pub const MAX_KID_BYTES: usize = 256;

/// What a token's `kid` can do in key selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kid {
    /// No `kid`: any key without a `kid` of the right type may check the token.
    Absent,
    /// A well-formed string: only keys with exactly this `kid` (or with none) may check it.
    Named(String),
    /// A `kid` of the wrong type, too long, or with control characters: selects no key.
    Unusable,
}

impl Kid {
    fn from_header(value: Option<Value>) -> Kid {
        match value {
            None => Kid::Absent,
            Some(Value::String(s)) if is_well_formed_kid(&s) => Kid::Named(s),
            Some(_) => Kid::Unusable,
        }
    }
}

/// Whether a string can serve as a `kid`: 1 to 256 bytes, no control characters.
pub fn is_well_formed_kid(kid: &str) -> bool {
    !kid.is_empty() && kid.len() <= MAX_KID_BYTES && !kid.chars().any(char::is_control)
}

/// A token split and its header parsed; nothing has been verified yet.
#[derive(Debug)]
pub struct Parsed<'a> {
    /// `BASE64URL(header) || '.' || BASE64URL(payload)`, the bytes the signature covers.
    pub signing_input: &'a [u8],
    pub alg: Algorithm,
    pub kid: Kid,
    /// The payload segment, still encoded (decoded only after the signature checks out).
    pub payload_b64: &'a [u8],
    pub signature: Vec<u8>,
}

/// Splits and parses `token`. The caller has already bounded its length.
pub fn parse(token: &str) -> Result<Parsed<'_>, JwtError> {
    let bytes = token.as_bytes();
    let mut dots = bytes.iter().enumerate().filter(|(_, b)| **b == b'.').map(|(i, _)| i);
    let (first, second) = match (dots.next(), dots.next(), dots.next()) {
        (Some(a), Some(b), None) => (a, b),
        _ => return Err(JwtError::Malformed("a compact JWS has exactly three segments")),
    };
    let header_b64 = &bytes[..first];
    let payload_b64 = &bytes[first + 1..second];
    let signature_b64 = &bytes[second + 1..];
    if header_b64.is_empty() {
        return Err(JwtError::Malformed("empty header segment"));
    }
    // Check the alphabet of the payload now (it is decoded only after verification).
    if !payload_b64
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || *b == b'-' || *b == b'_')
    {
        return Err(JwtError::Malformed("payload segment is not base64url"));
    }
    let header_bytes = b64::decode(header_b64).ok_or(JwtError::Malformed("header segment is not base64url"))?;
    let header = json::parse_header(&header_bytes).ok_or(JwtError::Malformed("header is not a JSON object"))?;
    if header.has_crit {
        return Err(JwtError::Malformed("unsupported critical header parameter"));
    }
    if header.b64.is_some_and(|v| v != Value::Bool(true)) {
        return Err(JwtError::Malformed("unencoded payloads (b64) are not supported"));
    }
    let alg_name = match (header.has_alg, header.alg) {
        (false, _) => return Err(JwtError::Malformed("header has no alg")),
        (true, None) => return Err(JwtError::Malformed("alg is not a string")),
        (true, Some(name)) => name,
    };
    let alg = Algorithm::from_name(&alg_name).ok_or(JwtError::DisallowedAlgorithm(alg_name))?;
    let signature = b64::decode(signature_b64).ok_or(JwtError::Malformed("signature segment is not base64url"))?;
    Ok(Parsed {
        signing_input: &bytes[..second],
        alg,
        kid: Kid::from_header(header.kid),
        payload_b64,
        signature,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn token(header: &str, payload: &str, sig: &[u8]) -> String {
        format!(
            "{}.{}.{}",
            b64::encode(header.as_bytes()),
            b64::encode(payload.as_bytes()),
            b64::encode(sig)
        )
    }

    #[test]
    fn parses_a_well_formed_token() {
        let t = token(r#"{"alg":"ES256","kid":"k1"}"#, "{}", b"sig");
        let p = parse(&t).unwrap();
        assert_eq!(p.alg, Algorithm::ES256);
        assert_eq!(p.kid, Kid::Named("k1".into()));
        assert_eq!(p.signature, b"sig");
    }

    #[test]
    fn segment_count_is_exactly_three() {
        let t = token(r#"{"alg":"HS256"}"#, "{}", b"s");
        assert!(parse(&format!("{t}.")).is_err());
        assert!(parse(&format!("{t}.x.y")).is_err());
        let two: String = t.rsplit_once('.').unwrap().0.to_string();
        assert!(parse(&two).is_err());
    }

    #[test]
    fn none_in_any_spelling_is_disallowed() {
        for name in ["none", "None", "NONE", "nonE"] {
            let t = token(&format!(r#"{{"alg":"{name}"}}"#), "{}", b"");
            assert!(matches!(parse(&t), Err(JwtError::DisallowedAlgorithm(_))), "{name}");
        }
    }

    #[test]
    fn crit_and_b64_false_are_refused() {
        let t = token(r#"{"alg":"HS256","crit":["exp"],"exp":1}"#, "{}", b"s");
        assert!(matches!(parse(&t), Err(JwtError::Malformed(_))));
        let t = token(r#"{"alg":"HS256","b64":false,"crit":["b64"]}"#, "{}", b"s");
        assert!(matches!(parse(&t), Err(JwtError::Malformed(_))));
    }

    #[test]
    fn kid_forms() {
        for (kid, want) in [
            (r#""a b@c.d""#, Kid::Named("a b@c.d".into())),
            ("7", Kid::Unusable),
            (r#"["k"]"#, Kid::Unusable),
            (r#""""#, Kid::Unusable),
            (r#""a\u0000""#, Kid::Unusable),
        ] {
            let t = token(&format!(r#"{{"alg":"HS256","kid":{kid}}}"#), "{}", b"s");
            assert_eq!(parse(&t).unwrap().kid, want, "{kid}");
        }
    }

    #[test]
    fn non_object_headers_and_bad_base64_are_malformed() {
        for header in ["[]", "\"HS256\"", "null", "{\"alg\":\"HS256\"", "{\"alg\":1}"] {
            let t = token(header, "{}", b"s");
            assert!(matches!(parse(&t), Err(JwtError::Malformed(_))), "{header}");
        }
        let t = token(r#"{"alg":"HS256"}"#, "{}", b"\xfb\xff");
        assert!(parse(&t.replace('-', "+").replace('_', "/")).is_err());
        assert!(parse(&format!("{t}=")).is_err());
        assert!(parse(&format!(" {t}")).is_err());
    }
}
