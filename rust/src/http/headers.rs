//! An ordered, case-insensitive header list that may repeat names (`Set-Cookie`).
//!
//! Names are stored lower-cased (as the Fetch standard's `Headers` exposes them); values are
//! stored as given after trimming HTTP whitespace. Validation follows RFC 9110 field syntax.

use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HeaderError {
    InvalidName(String),
    InvalidValue(String),
}

impl fmt::Display for HeaderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeaderError::InvalidName(n) => write!(f, "invalid header name: {n:?}"),
            HeaderError::InvalidValue(n) => write!(f, "invalid header value for {n:?}"),
        }
    }
}

impl std::error::Error for HeaderError {}

/// Header fields in the order they were added.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Headers {
    entries: Vec<(String, String)>,
}

/// RFC 9110 `token` characters.
fn is_token_byte(b: u8) -> bool {
    matches!(b,
        b'!' | b'#' | b'$' | b'%' | b'&' | b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`'
        | b'|' | b'~' | b'0'..=b'9' | b'a'..=b'z' | b'A'..=b'Z')
}

/// True for a byte allowed in an RFC 9110 `token` (field names, directive names).
pub fn is_valid_name_byte(b: u8) -> bool {
    is_token_byte(b)
}

pub fn is_valid_name(name: &str) -> bool {
    !name.is_empty() && name.bytes().all(is_token_byte)
}

/// A value may not contain NUL, CR or LF (Fetch's "header value" after normalisation).
pub fn is_valid_value(value: &str) -> bool {
    !value.bytes().any(|b| b == 0 || b == b'\r' || b == b'\n')
}

fn normalize_value(value: &str) -> &str {
    value.trim_matches(|c| c == ' ' || c == '\t' || c == '\r' || c == '\n')
}

/// The value as stored (normalised), after checking the name and the value.
fn checked<'a>(name: &str, value: &'a str) -> Result<&'a str, HeaderError> {
    if !is_valid_name(name) {
        return Err(HeaderError::InvalidName(name.to_owned()));
    }
    let value = normalize_value(value);
    if !is_valid_value(value) {
        return Err(HeaderError::InvalidValue(name.to_owned()));
    }
    Ok(value)
}

impl Headers {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn with_capacity(n: usize) -> Self {
        Headers {
            entries: Vec::with_capacity(n),
        }
    }

    /// Builds from pairs, validating each.
    pub fn try_from_pairs<I, N, V>(pairs: I) -> Result<Self, HeaderError>
    where
        I: IntoIterator<Item = (N, V)>,
        N: AsRef<str>,
        V: AsRef<str>,
    {
        let mut h = Headers::new();
        for (n, v) in pairs {
            h.append(n.as_ref(), v.as_ref())?;
        }
        Ok(h)
    }

    pub fn append(&mut self, name: &str, value: &str) -> Result<(), HeaderError> {
        let value = checked(name, value)?;
        self.entries.push((name.to_ascii_lowercase(), value.to_owned()));
        Ok(())
    }

    /// `append` for a value the caller owns (no second copy when it needs no trimming).
    pub fn append_owned(&mut self, name: &str, value: String) -> Result<(), HeaderError> {
        let trimmed = checked(name, &value)?;
        let value = if trimmed.len() == value.len() {
            value
        } else {
            trimmed.to_owned()
        };
        self.entries.push((name.to_ascii_lowercase(), value));
        Ok(())
    }

    /// Appends a field the caller has already validated: `name` a lower-case token, `value` free
    /// of NUL, CR and LF and trimmed (e.g. copied from another `Headers`). Skips re-validation on
    /// hot paths such as serving a stored response.
    pub(crate) fn append_trusted(&mut self, name: &str, value: &str) {
        debug_assert!(is_valid_name(name) && is_valid_value(value) && !name.bytes().any(|b| b.is_ascii_uppercase()));
        self.entries.push((name.to_owned(), value.to_owned()));
    }

    /// Replaces every field of `name` with one field.
    pub fn set(&mut self, name: &str, value: &str) -> Result<(), HeaderError> {
        let value = checked(name, value)?;
        let lower = name.to_ascii_lowercase();
        match self.entries.iter().position(|(n, _)| *n == lower) {
            Some(first) => {
                self.entries[first].1 = value.to_owned();
                let mut i = first + 1;
                while i < self.entries.len() {
                    if self.entries[i].0 == lower {
                        self.entries.remove(i);
                    } else {
                        i += 1;
                    }
                }
            }
            None => self.entries.push((lower, value.to_owned())),
        }
        Ok(())
    }

    pub fn remove(&mut self, name: &str) {
        self.entries.retain(|(n, _)| !n.eq_ignore_ascii_case(name));
    }

    /// The first value of `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.entries
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// All values of `name` joined with ", " (Fetch's `get`), or `None`.
    pub fn get_combined(&self, name: &str) -> Option<String> {
        let mut values = self.get_all(name).peekable();
        values.peek()?;
        Some(values.collect::<Vec<_>>().join(", "))
    }

    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.entries
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn contains(&self, name: &str) -> bool {
        self.entries.iter().any(|(n, _)| n.eq_ignore_ascii_case(name))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.entries.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Approximate heap bytes held (names and values).
    pub fn byte_size(&self) -> usize {
        self.entries.iter().map(|(n, v)| n.len() + v.len()).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_insensitive_and_ordered() {
        let mut h = Headers::new();
        h.append("Set-Cookie", "a=1").unwrap();
        h.append("Content-Type", " text/plain ").unwrap();
        h.append("set-cookie", "b=2").unwrap();
        assert_eq!(h.get("content-type"), Some("text/plain"));
        assert_eq!(h.get_all("SET-COOKIE").collect::<Vec<_>>(), vec!["a=1", "b=2"]);
        assert_eq!(h.get_combined("set-cookie").as_deref(), Some("a=1, b=2"));
        h.set("SET-COOKIE", "c=3").unwrap();
        assert_eq!(
            h.iter().collect::<Vec<_>>(),
            vec![("set-cookie", "c=3"), ("content-type", "text/plain")]
        );
    }

    #[test]
    fn rejects_bad_names_and_values() {
        let mut h = Headers::new();
        assert!(h.append("bad name", "x").is_err());
        assert!(h.append("", "x").is_err());
        assert!(h.append("x", "a\r\nb").is_err());
        assert!(h.is_empty());
    }
}
