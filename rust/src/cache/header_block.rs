//! A stored response's header section packed into one allocation.
//!
//! A cache keeps many entries; a `Vec<(String, String)>` costs 48 bytes and two allocations per field
//! before the first byte of text. Here the fields are one `Box<str>` of `name:value\n` lines (names
//! are lower-case tokens, so they contain no `:`; values never contain CR or LF), which costs 16
//! bytes per entry beyond the text itself. Lookups scan the block, which is short.

use crate::http::Headers;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderBlock(Box<str>);

impl HeaderBlock {
    /// Packs the fields of `headers` for which `keep(name)` is true, in order.
    pub fn pack(headers: &Headers, mut keep: impl FnMut(&str) -> bool) -> Self {
        let mut text = String::with_capacity(headers.byte_size() + 2 * headers.len());
        for (name, value) in headers.iter() {
            if keep(name) {
                text.push_str(name);
                text.push(':');
                text.push_str(value);
                text.push('\n');
            }
        }
        HeaderBlock(text.into_boxed_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.split_terminator('\n').filter_map(|line| line.split_once(':'))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }

    pub fn get_all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Unpacks into `Headers`, leaving out names for which `skip(name)` is true.
    pub fn to_headers(&self, extra: usize, mut skip: impl FnMut(&str) -> bool) -> Headers {
        let mut headers = Headers::with_capacity(self.iter().count() + extra);
        for (name, value) in self.iter() {
            if !skip(name) {
                // Names and values were validated when they entered as `Headers`.
                let _ = headers.append(name, value);
            }
        }
        headers
    }

    /// Bytes of text held.
    pub fn byte_len(&self) -> usize {
        self.0.len()
    }
}
