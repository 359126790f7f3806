//! JWT claims (RFC 7519 section 4.1): the claim set must be a JSON object; `exp`, `nbf` and `iat`
//! are NumericDates checked against the host's `now` with a leeway; `iss` and `aud` against the
//! configuration; required claims must be present.

use super::error::JwtError;
use super::json;
use serde_json::{Map, Value};
use std::any::Any;
use std::sync::OnceLock;

/// What a verifier demands of a claim set.
#[derive(Debug, Clone, Default)]
pub struct ClaimsPolicy {
    /// Accepted issuers; empty means `iss` is not checked.
    pub issuers: Vec<String>,
    /// This verifier's audience names; empty means none (then a token with `aud` is refused,
    /// as RFC 7519 section 4.1.3 requires of a recipient not named in it).
    pub audiences: Vec<String>,
    /// Seconds of clock skew tolerated on `exp`, `nbf` and `iat`.
    pub leeway_s: i64,
    /// Claims that must be present.
    pub required: Vec<String>,
}

/// A verified claim set and its time claims.
#[derive(Debug)]
pub struct Claims {
    pub map: Map<String, Value>,
    pub exp: Option<f64>,
    pub nbf: Option<f64>,
    pub iat: Option<f64>,
    /// Whether every claim value is a scalar (no array or object), so a host may share its
    /// rendering of the values between callers.
    pub flat: bool,
    /// A slot where a host binding may keep its own rendering of these claims (e.g. a Python
    /// dict), built once per cached token. The engine never reads it.
    pub host: OnceLock<Box<dyn Any + Send + Sync>>,
}

fn numeric_date(map: &Map<String, Value>, name: &'static str) -> Result<Option<f64>, JwtError> {
    match map.get(name) {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(v) if v.is_finite() => Ok(Some(v)),
            _ => Err(JwtError::Malformed("time claim is not a NumericDate")),
        },
        Some(_) => Err(JwtError::Malformed("time claim is not a NumericDate")),
    }
}

impl Claims {
    /// Parses a payload as a claim set (a JSON object with unique member names).
    pub fn parse(payload: &[u8]) -> Result<Claims, JwtError> {
        let map = json::parse_object(payload).ok_or(JwtError::Malformed("payload is not a JSON object"))?;
        let exp = numeric_date(&map, "exp")?;
        let nbf = numeric_date(&map, "nbf")?;
        let iat = numeric_date(&map, "iat")?;
        let flat = map.values().all(|v| !matches!(v, Value::Array(_) | Value::Object(_)));
        Ok(Claims {
            map,
            exp,
            nbf,
            iat,
            flat,
            host: OnceLock::new(),
        })
    }

    /// Checks `exp`, `nbf` and `iat` at `now_s` with the leeway.
    pub fn check_time(&self, now_s: i64, leeway_s: i64) -> Result<(), JwtError> {
        let now = now_s as f64;
        let leeway = leeway_s as f64;
        if let Some(exp) = self.exp {
            // RFC 7519 4.1.4: the current time MUST be before exp.
            if now >= exp + leeway {
                return Err(JwtError::Expired);
            }
        }
        if let Some(nbf) = self.nbf {
            // RFC 7519 4.1.5: the current time MUST be after or equal to nbf.
            if now + leeway < nbf {
                return Err(JwtError::NotYetValid);
            }
        }
        if let Some(iat) = self.iat {
            // Not required by RFC 7519; a token issued in the future is refused as not yet valid.
            if now + leeway < iat {
                return Err(JwtError::NotYetValid);
            }
        }
        Ok(())
    }

    /// Checks the claim set against `policy` at `now_s`.
    pub fn validate(&self, policy: &ClaimsPolicy, now_s: i64) -> Result<(), JwtError> {
        for name in &policy.required {
            if !self.map.contains_key(name) {
                return Err(JwtError::MissingClaim(name.clone()));
            }
        }
        self.check_time(now_s, policy.leeway_s)?;
        if !policy.issuers.is_empty() {
            match self.map.get("iss") {
                None => return Err(JwtError::MissingClaim("iss".into())),
                Some(Value::String(iss)) if policy.issuers.iter().any(|i| i == iss) => {}
                Some(_) => return Err(JwtError::InvalidIssuer),
            }
        }
        match self.map.get("aud") {
            None if policy.audiences.is_empty() => {}
            None => return Err(JwtError::MissingClaim("aud".into())),
            Some(aud) => {
                let named = |s: &str| policy.audiences.iter().any(|a| a == s);
                let ok = match aud {
                    Value::String(s) => named(s),
                    Value::Array(items) => {
                        items.iter().all(Value::is_string) && items.iter().any(|v| v.as_str().is_some_and(named))
                    }
                    _ => false,
                };
                if !ok {
                    return Err(JwtError::InvalidAudience);
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(json: &str) -> Claims {
        Claims::parse(json.as_bytes()).unwrap()
    }

    #[test]
    fn exp_nbf_iat_with_leeway() {
        let c = claims(r#"{"exp":100,"nbf":50,"iat":50}"#);
        assert_eq!(c.check_time(99, 0), Ok(()));
        assert_eq!(c.check_time(100, 0), Err(JwtError::Expired));
        assert_eq!(c.check_time(104, 5), Ok(()));
        assert_eq!(c.check_time(105, 5), Err(JwtError::Expired));
        assert_eq!(c.check_time(49, 0), Err(JwtError::NotYetValid));
        assert_eq!(c.check_time(45, 5), Ok(()));
        let c = claims(r#"{"iat":50}"#);
        assert_eq!(c.check_time(40, 0), Err(JwtError::NotYetValid));
        assert_eq!(c.check_time(40, 10), Ok(()));
        let c = claims(r#"{"exp":100.5}"#);
        assert_eq!(c.check_time(100, 0), Ok(()));
    }

    #[test]
    fn time_claims_must_be_numbers() {
        assert!(Claims::parse(br#"{"exp":"100"}"#).is_err());
        assert!(Claims::parse(br#"{"nbf":null}"#).is_err());
        assert!(Claims::parse(b"[]").is_err());
        assert!(Claims::parse(br#"{"exp":1,"exp":2}"#).is_err());
    }

    #[test]
    fn issuer_audience_required() {
        let policy = ClaimsPolicy {
            issuers: vec!["https://issuer".into()],
            audiences: vec!["api".into()],
            leeway_s: 0,
            required: vec!["sub".into()],
        };
        let ok = claims(r#"{"iss":"https://issuer","aud":["x","api"],"sub":"u"}"#);
        assert_eq!(ok.validate(&policy, 0), Ok(()));
        let ok = claims(r#"{"iss":"https://issuer","aud":"api","sub":"u"}"#);
        assert_eq!(ok.validate(&policy, 0), Ok(()));
        let c = claims(r#"{"iss":"https://other","aud":"api","sub":"u"}"#);
        assert_eq!(c.validate(&policy, 0), Err(JwtError::InvalidIssuer));
        let c = claims(r#"{"iss":"https://issuer","aud":["x"],"sub":"u"}"#);
        assert_eq!(c.validate(&policy, 0), Err(JwtError::InvalidAudience));
        let c = claims(r#"{"iss":"https://issuer","aud":["api",1],"sub":"u"}"#);
        assert_eq!(c.validate(&policy, 0), Err(JwtError::InvalidAudience));
        let c = claims(r#"{"iss":"https://issuer","aud":"api"}"#);
        assert_eq!(c.validate(&policy, 0), Err(JwtError::MissingClaim("sub".into())));
        let c = claims(r#"{"aud":"api","sub":"u"}"#);
        assert_eq!(c.validate(&policy, 0), Err(JwtError::MissingClaim("iss".into())));
        let c = claims(r#"{"iss":"https://issuer","sub":"u"}"#);
        assert_eq!(c.validate(&policy, 0), Err(JwtError::MissingClaim("aud".into())));
        let open = ClaimsPolicy::default();
        assert_eq!(
            claims(r#"{"aud":"api"}"#).validate(&open, 0),
            Err(JwtError::InvalidAudience)
        );
        assert_eq!(claims(r#"{"iss":"anyone"}"#).validate(&open, 0), Ok(()));
    }
}
