//! Cache directives: `Cache-Control` (RFC 9111 5.2), `Pragma` (5.4), RFC 5861's `stale-while-revalidate`
//! and `stale-if-error`, RFC 8246's `immutable`, and targeted fields such as `CDN-Cache-Control`
//! (RFC 9213, Structured Field dictionaries).
//!
//! Parsing rules (RFC 9111 5.2 and 4.2.1):
//! - directive names are case-insensitive tokens; arguments may be a token or a quoted-string, and
//!   recipients accept both forms ("max-age=5" and "max-age=\"5\"");
//! - a directive that appears more than once takes its first occurrence;
//! - a `delta-seconds` argument larger than 2^31 is read as 2^31 (1.2.2); one that is not a
//!   non-negative integer is *invalid*, and an invalid freshness directive makes the response stale;
//! - unknown directives are ignored; field-name lists (`no-cache="a, b"`) are kept lower-cased.

use crate::http::Headers;

/// 2^31, the largest delta-seconds a cache has to represent (RFC 9111 1.2.2).
pub const DELTA_MAX: u64 = 2_147_483_648;

/// A `delta-seconds` argument as received.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Delta {
    Seconds(u64),
    /// Present but not a non-negative integer (or no argument at all).
    Invalid,
}

impl Delta {
    /// The value to use for freshness: invalid freshness information reads as zero (stale).
    pub fn or_stale(self) -> u64 {
        match self {
            Delta::Seconds(s) => s,
            Delta::Invalid => 0,
        }
    }

    fn seconds(self) -> Option<u64> {
        match self {
            Delta::Seconds(s) => Some(s),
            Delta::Invalid => None,
        }
    }
}

/// Parses `1*DIGIT`, saturating at 2^31.
pub fn parse_delta(arg: Option<&str>) -> Delta {
    let Some(text) = arg else {
        return Delta::Invalid;
    };
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Delta::Invalid;
    }
    let mut value: u64 = 0;
    for b in text.bytes() {
        value = value.saturating_mul(10).saturating_add(u64::from(b - b'0'));
        if value > DELTA_MAX {
            return Delta::Seconds(DELTA_MAX);
        }
    }
    Delta::Seconds(value)
}

/// Either no argument (the directive applies to the whole response) or a list of field names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum FieldScope {
    #[default]
    Absent,
    Whole,
    Fields(Vec<String>),
}

impl FieldScope {
    pub fn is_whole(&self) -> bool {
        matches!(self, FieldScope::Whole)
    }

    pub fn fields(&self) -> &[String] {
        match self {
            FieldScope::Fields(f) => f,
            _ => &[],
        }
    }
}

/// Response directives that matter to a shared cache.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ResponseDirectives {
    pub max_age: Option<Delta>,
    pub s_maxage: Option<Delta>,
    pub no_store: bool,
    pub no_cache: FieldScope,
    pub private: FieldScope,
    pub public: bool,
    pub must_revalidate: bool,
    pub proxy_revalidate: bool,
    pub must_understand: bool,
    pub immutable: bool,
    pub no_transform: bool,
    pub stale_while_revalidate: Option<u64>,
    pub stale_if_error: Option<u64>,
    /// The directives came from a targeted field (RFC 9213), not `Cache-Control`.
    pub targeted: bool,
}

/// Request directives (RFC 9111 5.2.1, RFC 5861 4).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestDirectives {
    pub max_age: Option<u64>,
    /// `Some(None)`: `max-stale` without a value (any staleness is acceptable).
    pub max_stale: Option<Option<u64>>,
    pub min_fresh: Option<u64>,
    pub no_cache: bool,
    pub no_store: bool,
    pub only_if_cached: bool,
    pub stale_if_error: Option<u64>,
}

impl RequestDirectives {
    /// True when nothing was asked for (the fast path of a plain request).
    pub fn is_empty(&self) -> bool {
        *self == RequestDirectives::default()
    }
}

/// One `name[=argument]` element of a `Cache-Control` list.
#[derive(Debug, PartialEq, Eq)]
pub struct Directive<'a> {
    pub name: &'a str,
    /// The argument with quotes and escapes removed; `None` when there was no `=`, or when it was
    /// malformed (which makes a delta-seconds directive invalid).
    pub arg: Option<std::borrow::Cow<'a, str>>,
    pub malformed: bool,
}

fn is_tchar(b: u8) -> bool {
    crate::http::is_valid_name_byte(b)
}

/// Splits one field value into directives, honouring quoted-strings (commas inside quotes do not
/// separate directives).
pub fn split_directives(value: &str) -> Vec<Directive<'_>> {
    let bytes = value.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        // Skip separators and whitespace.
        while i < bytes.len() && matches!(bytes[i], b',' | b' ' | b'\t') {
            i += 1;
        }
        if i >= bytes.len() {
            break;
        }
        let start = i;
        while i < bytes.len() && is_tchar(bytes[i]) {
            i += 1;
        }
        let name = &value[start..i];
        let mut malformed = name.is_empty();
        let mut arg = None;
        // OWS before "=" is not allowed by the grammar, but tolerate it as a malformed directive.
        let mut j = i;
        while j < bytes.len() && matches!(bytes[j], b' ' | b'\t') {
            j += 1;
        }
        if j < bytes.len() && bytes[j] == b'=' {
            if j != i {
                malformed = true;
            }
            i = j + 1;
            while i < bytes.len() && matches!(bytes[i], b' ' | b'\t') {
                malformed = true;
                i += 1;
            }
            if i < bytes.len() && bytes[i] == b'"' {
                // quoted-string with quoted-pair escapes
                i += 1;
                let mut text = String::new();
                let mut closed = false;
                let mut escaped = false;
                for ch in value[i..].chars() {
                    i += ch.len_utf8();
                    if escaped {
                        text.push(ch);
                        escaped = false;
                    } else if ch == '\\' {
                        escaped = true;
                    } else if ch == '"' {
                        closed = true;
                        break;
                    } else {
                        text.push(ch);
                    }
                }
                if !closed {
                    malformed = true;
                }
                arg = Some(std::borrow::Cow::Owned(text));
            } else {
                let vstart = i;
                while i < bytes.len() && is_tchar(bytes[i]) {
                    i += 1;
                }
                arg = Some(std::borrow::Cow::Borrowed(&value[vstart..i]));
            }
        }
        // Anything other than OWS before the next comma makes this element malformed.
        while i < bytes.len() && bytes[i] != b',' {
            if !matches!(bytes[i], b' ' | b'\t') {
                malformed = true;
            }
            i += 1;
        }
        if !name.is_empty() {
            out.push(Directive {
                name,
                arg: if malformed { None } else { arg },
                malformed,
            });
        }
    }
    out
}

fn field_list(arg: Option<&str>) -> FieldScope {
    match arg {
        None => FieldScope::Whole,
        Some(list) => {
            let fields: Vec<String> = list
                .split(',')
                .map(|f| f.trim_matches([' ', '\t']).to_ascii_lowercase())
                .filter(|f| !f.is_empty())
                .collect();
            if fields.is_empty() {
                FieldScope::Whole
            } else {
                FieldScope::Fields(fields)
            }
        }
    }
}

/// Merges a field-name scope: the unqualified form wins over a list; lists accumulate.
fn merge_scope(into: &mut FieldScope, new: FieldScope) {
    match (&mut *into, new) {
        (FieldScope::Whole, _) => {}
        (_, FieldScope::Whole) => *into = FieldScope::Whole,
        (FieldScope::Fields(have), FieldScope::Fields(more)) => have.extend(more),
        (slot, other) => *slot = other,
    }
}

impl ResponseDirectives {
    /// Parses every `Cache-Control` field line of `headers`.
    pub fn from_cache_control(headers: &Headers) -> Self {
        let mut d = ResponseDirectives::default();
        for line in headers.get_all("cache-control") {
            for dir in split_directives(line) {
                d.apply(&dir);
            }
        }
        d
    }

    fn apply(&mut self, dir: &Directive<'_>) {
        let arg = dir.arg.as_deref();
        let name = dir.name;
        if name.eq_ignore_ascii_case("max-age") {
            if self.max_age.is_none() {
                self.max_age = Some(parse_delta(arg));
            }
        } else if name.eq_ignore_ascii_case("s-maxage") {
            if self.s_maxage.is_none() {
                self.s_maxage = Some(parse_delta(arg));
            }
        } else if name.eq_ignore_ascii_case("no-store") {
            self.no_store = true;
        } else if name.eq_ignore_ascii_case("no-cache") {
            // A malformed argument is treated as the (more restrictive) unqualified form.
            let scope = if dir.malformed {
                FieldScope::Whole
            } else {
                field_list(arg)
            };
            merge_scope(&mut self.no_cache, scope);
        } else if name.eq_ignore_ascii_case("private") {
            let scope = if dir.malformed {
                FieldScope::Whole
            } else {
                field_list(arg)
            };
            merge_scope(&mut self.private, scope);
        } else if name.eq_ignore_ascii_case("public") {
            self.public = true;
        } else if name.eq_ignore_ascii_case("must-revalidate") {
            self.must_revalidate = true;
        } else if name.eq_ignore_ascii_case("proxy-revalidate") {
            self.proxy_revalidate = true;
        } else if name.eq_ignore_ascii_case("must-understand") {
            self.must_understand = true;
        } else if name.eq_ignore_ascii_case("immutable") {
            self.immutable = true;
        } else if name.eq_ignore_ascii_case("no-transform") {
            self.no_transform = true;
        } else if name.eq_ignore_ascii_case("stale-while-revalidate") {
            if self.stale_while_revalidate.is_none() {
                self.stale_while_revalidate = parse_delta(arg).seconds();
            }
        } else if name.eq_ignore_ascii_case("stale-if-error") && self.stale_if_error.is_none() {
            self.stale_if_error = parse_delta(arg).seconds();
        }
    }

    /// Parses a targeted cache-control field (RFC 9213 2.1): a Structured Field dictionary. Returns
    /// `None` when the field is absent or fails to parse (then the cache falls back to the next
    /// targeted field, and finally to `Cache-Control`).
    pub fn from_targeted(headers: &Headers, field: &str) -> Option<Self> {
        let value = headers.get_combined(field)?;
        let dict = sfv::Parser::new(value.as_str()).parse::<sfv::Dictionary>().ok()?;
        if dict.is_empty() {
            // Only a valid, non-empty targeted field takes over from Cache-Control and Expires.
            return None;
        }
        let mut d = ResponseDirectives {
            targeted: true,
            ..Default::default()
        };
        for (key, entry) in &dict {
            let sfv::ListEntry::Item(item) = entry else {
                continue;
            };
            let bare = &item.bare_item;
            let flag = bare.as_boolean() == Some(true);
            let int = bare.as_integer().map(i64::from);
            let delta = |i: Option<i64>| match i {
                Some(v) if v >= 0 => Delta::Seconds((v as u64).min(DELTA_MAX)),
                _ => Delta::Invalid,
            };
            match key.as_str() {
                "max-age" => d.max_age = Some(delta(int)),
                "s-maxage" => d.s_maxage = Some(delta(int)),
                "stale-while-revalidate" => {
                    d.stale_while_revalidate = delta(int).seconds();
                }
                "stale-if-error" => d.stale_if_error = delta(int).seconds(),
                "no-store" if flag => d.no_store = true,
                "public" if flag => d.public = true,
                "must-revalidate" if flag => d.must_revalidate = true,
                "proxy-revalidate" if flag => d.proxy_revalidate = true,
                "immutable" if flag => d.immutable = true,
                "must-understand" if flag => d.must_understand = true,
                "no-cache" | "private" => {
                    // Boolean: the whole response; an inner list of strings: field names.
                    let scope = if flag {
                        FieldScope::Whole
                    } else if let Some(s) = bare.as_string() {
                        field_list(Some(s.as_str()))
                    } else {
                        continue;
                    };
                    if key.as_str() == "no-cache" {
                        d.no_cache = scope;
                    } else {
                        d.private = scope;
                    }
                }
                _ => {}
            }
        }
        Some(d)
    }

    /// The directives that govern a shared cache: the first valid targeted field in `targeted`
    /// order, else `Cache-Control` (RFC 9213 2.2).
    pub fn for_shared_cache(headers: &Headers, targeted: &[String]) -> Self {
        for field in targeted {
            if let Some(d) = Self::from_targeted(headers, field) {
                return d;
            }
        }
        Self::from_cache_control(headers)
    }

    /// Serving stale is forbidden without revalidation (RFC 9111 4.2.4, 5.2.2.2, 5.2.2.8).
    pub fn forbids_stale(&self) -> bool {
        self.must_revalidate || self.proxy_revalidate || self.no_cache.is_whole()
    }
}

impl RequestDirectives {
    /// Parses `Cache-Control` of a request, and `Pragma: no-cache` when `Cache-Control` is absent
    /// (RFC 9111 5.4).
    pub fn parse(headers: &Headers) -> Self {
        let mut d = RequestDirectives::default();
        let mut saw_cache_control = false;
        for line in headers.get_all("cache-control") {
            saw_cache_control = true;
            for dir in split_directives(line) {
                d.apply(&dir);
            }
        }
        if !saw_cache_control {
            for line in headers.get_all("pragma") {
                if split_directives(line)
                    .iter()
                    .any(|p| p.name.eq_ignore_ascii_case("no-cache"))
                {
                    d.no_cache = true;
                }
            }
        }
        d
    }

    fn apply(&mut self, dir: &Directive<'_>) {
        let arg = dir.arg.as_deref();
        let name = dir.name;
        if name.eq_ignore_ascii_case("max-age") {
            if self.max_age.is_none() {
                // An invalid max-age asks for the most conservative answer: a fresh response.
                self.max_age = Some(parse_delta(arg).or_stale());
            }
        } else if name.eq_ignore_ascii_case("max-stale") {
            if self.max_stale.is_none() {
                self.max_stale = match arg {
                    None if !dir.malformed => Some(None),
                    _ => parse_delta(arg).seconds().map(Some),
                };
            }
        } else if name.eq_ignore_ascii_case("min-fresh") {
            if self.min_fresh.is_none() {
                self.min_fresh = parse_delta(arg).seconds();
            }
        } else if name.eq_ignore_ascii_case("no-cache") {
            self.no_cache = true;
        } else if name.eq_ignore_ascii_case("no-store") {
            self.no_store = true;
        } else if name.eq_ignore_ascii_case("only-if-cached") {
            self.only_if_cached = true;
        } else if name.eq_ignore_ascii_case("stale-if-error") && self.stale_if_error.is_none() {
            self.stale_if_error = parse_delta(arg).seconds();
        }
    }
}
