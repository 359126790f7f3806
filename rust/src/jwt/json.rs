//! Strict JSON objects for JOSE headers and JWT claim sets: the text must be one JSON object,
//! and a member name may not repeat at the top level (RFC 7515 section 5.2 allows refusing them;
//! a repeated `alg` or `exp` is a classic way to make two parsers disagree).

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// Parses `bytes` as one JSON object with unique member names.
pub fn parse_object(bytes: &[u8]) -> Option<Map<String, Value>> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let map = de.deserialize_map(UniqueObject).ok()?;
    de.end().ok()?;
    Some(map)
}

struct UniqueObject;

impl<'de> Visitor<'de> for UniqueObject {
    type Value = Map<String, Value>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut map = Map::new();
        while let Some(name) = access.next_key::<String>()? {
            let value: Value = access.next_value()?;
            if map.insert(name, value).is_some() {
                return Err(de::Error::custom("duplicate member"));
            }
        }
        Ok(map)
    }
}

/// The members of a JOSE header that verification reads; everything else is skipped unread.
#[derive(Debug, Default)]
pub struct HeaderFields {
    /// `alg` if it is a string (`None` when absent or of another type).
    pub alg: Option<String>,
    /// Whether `alg` was present at all.
    pub has_alg: bool,
    /// `kid`, whatever its JSON type.
    pub kid: Option<Value>,
    /// Whether `crit` was present.
    pub has_crit: bool,
    /// `b64`, whatever its JSON type (RFC 7797).
    pub b64: Option<Value>,
}

/// Parses a JOSE header: one JSON object with unique member names.
pub fn parse_header(bytes: &[u8]) -> Option<HeaderFields> {
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let fields = de.deserialize_map(HeaderVisitor).ok()?;
    de.end().ok()?;
    Some(fields)
}

struct HeaderVisitor;

impl<'de> Visitor<'de> for HeaderVisitor {
    type Value = HeaderFields;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JOSE header object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
        let mut fields = HeaderFields::default();
        let mut seen: Vec<String> = Vec::with_capacity(4);
        while let Some(name) = access.next_key::<String>()? {
            if seen.contains(&name) {
                return Err(de::Error::custom("duplicate member"));
            }
            match name.as_str() {
                "alg" => {
                    fields.has_alg = true;
                    if let Value::String(s) = access.next_value::<Value>()? {
                        fields.alg = Some(s);
                    }
                }
                "kid" => fields.kid = Some(access.next_value()?),
                "crit" => {
                    fields.has_crit = true;
                    access.next_value::<IgnoredAny>()?;
                }
                "b64" => fields.b64 = Some(access.next_value()?),
                _ => {
                    access.next_value::<IgnoredAny>()?;
                }
            }
            seen.push(name);
        }
        Ok(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_only_and_no_duplicates() {
        assert!(parse_object(br#"{"a":1,"b":{"c":2}}"#).is_some());
        assert!(parse_object(br#"{"a":1,"a":2}"#).is_none());
        assert!(parse_object(b"[1]").is_none());
        assert!(parse_object(b"\"x\"").is_none());
        assert!(parse_object(br#"{"a":1} x"#).is_none());
        assert!(parse_object(br#"{"a":1"#).is_none());
    }

    #[test]
    fn header_fields() {
        let h = parse_header(br#"{"alg":"HS256","kid":7,"typ":"JWT","x5c":["AA"]}"#).unwrap();
        assert_eq!(h.alg.as_deref(), Some("HS256"));
        assert_eq!(h.kid, Some(Value::from(7)));
        assert!(!h.has_crit);
        assert!(parse_header(br#"{"alg":"HS256","alg":"none"}"#).is_none());
        assert!(parse_header(br#"{"alg":"HS256","typ":"JWT","typ":"x"}"#).is_none());
        assert!(parse_header(b"null").is_none());
        let h = parse_header(br#"{"alg":null}"#).unwrap();
        assert!(h.has_alg && h.alg.is_none());
    }
}
