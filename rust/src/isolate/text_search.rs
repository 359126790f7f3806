//! Substring search over JavaScript strings in linear time, for the `String.prototype` fast
//! paths (`string_search.rs`).
//!
//! QuickJS strings are sequences of UTF-16 code units, stored as Latin-1 or UTF-16. They are
//! searched here as CESU-8 (`JS_ToCStringLen2(..., cesu8 = true)`): every code unit, a lone
//! surrogate or half of a pair alike, becomes its own 1- to 3-byte sequence. That encoding maps
//! code units one to one onto byte sequences with distinct lead and continuation bytes, so a
//! byte match of a non-empty needle can only start on a lead byte and is exactly a code-unit
//! match: `"😀".indexOf("\uDE00")` is found at unit 1, as the specification says. An ASCII
//! string needs no copy at all (QuickJS hands out its own bytes). Positions convert between
//! bytes and code units by counting lead bytes.
//!
//! The searches are `memchr::memmem` (Two-Way with SIMD prefilters: linear in the haystack
//! whatever the needle), run over windows of ~1 MiB so that the caller can poll its CPU budget
//! between windows (`poll`: false to stop).

use memchr::memmem;

/// Whether `b` starts a code unit's sequence (is not a continuation byte).
#[inline]
pub fn is_lead(b: u8) -> bool {
    b & 0xc0 != 0x80
}

/// The number of code units in CESU-8 `bytes`.
pub fn units(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| is_lead(b)).count()
}

/// The byte offset of code unit `unit` in CESU-8 `bytes` (`bytes.len()` past the end).
pub fn byte_of_unit(bytes: &[u8], unit: usize) -> usize {
    let mut seen = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if is_lead(b) {
            if seen == unit {
                return i;
            }
            seen += 1;
        }
    }
    bytes.len()
}

/// Converts increasing byte offsets of one string to code-unit indices, in linear time overall.
#[derive(Default)]
pub struct UnitCursor {
    byte: usize,
    unit: usize,
}

impl UnitCursor {
    /// The code-unit index of byte offset `to` (not before the previous one asked).
    pub fn unit_at(&mut self, bytes: &[u8], to: usize) -> usize {
        self.unit += units(&bytes[self.byte..to]);
        self.byte = to;
        self.unit
    }
}

/// Bytes searched per window between two polls (a window also holds a needle's length more).
pub const WINDOW: usize = 1 << 20;

/// The search was stopped by `poll`.
#[derive(Debug, PartialEq, Eq)]
pub struct Stopped;

/// The first match of `finder`'s (non-empty) needle in `hay` starting at or after `from`.
/// `poll(n)` is told of each `n` bytes searched and returns false to stop.
pub fn find_from(
    finder: &memmem::Finder<'_>,
    hay: &[u8],
    from: usize,
    poll: &mut dyn FnMut(usize) -> bool,
) -> Result<Option<usize>, Stopped> {
    let n = finder.needle().len();
    let step = WINDOW.max(n);
    let mut at = from;
    while at <= hay.len() && hay.len() - at >= n {
        // Every match starting in [at, at + step) lies inside this window.
        let end = at.saturating_add(step).saturating_add(n - 1).min(hay.len());
        let found = finder.find(&hay[at..end]);
        if !poll(end - at) {
            return Err(Stopped);
        }
        if let Some(i) = found {
            return Ok(Some(at + i));
        }
        at += step;
    }
    Ok(None)
}

/// The last match of `finder`'s (non-empty) needle in `hay` starting at or before `last`.
pub fn rfind_upto(
    finder: &memmem::FinderRev<'_>,
    hay: &[u8],
    last: usize,
    poll: &mut dyn FnMut(usize) -> bool,
) -> Result<Option<usize>, Stopped> {
    let n = finder.needle().len();
    if hay.len() < n {
        return Ok(None);
    }
    let step = WINDOW.max(n);
    // Matches starting in [lo, hi] are searched in hay[lo .. hi + n].
    let mut hi = last.min(hay.len() - n);
    loop {
        let lo = hi.saturating_sub(step - 1);
        let found = finder.rfind(&hay[lo..hi + n]);
        if !poll(hi + n - lo) {
            return Err(Stopped);
        }
        if let Some(i) = found {
            return Ok(Some(lo + i));
        }
        if lo == 0 {
            return Ok(None);
        }
        hi = lo - 1;
    }
}

/// A piece of a `replace`/`replaceAll` replacement template (GetSubstitution, ES2025 22.1.3.19.1,
/// with no captures and no named groups, as for a string pattern).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Piece {
    /// Bytes of the template, copied as they are (`$$` contributes one `$`).
    Literal(std::ops::Range<usize>),
    /// A `$` (from `$$`).
    Dollar,
    /// `$&`: the matched substring.
    Matched,
    /// `` $` ``: the text before the match.
    Before,
    /// `$'`: the text after the match.
    After,
}

/// Splits a replacement template into pieces. With no captures, `$1`...`$99` and `$<` stay
/// literal, as does a `$` followed by anything else.
pub fn parse_template(template: &[u8]) -> Vec<Piece> {
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < template.len() {
        if template[i] == b'$' {
            let piece = match template.get(i + 1) {
                Some(b'$') => Some(Piece::Dollar),
                Some(b'&') => Some(Piece::Matched),
                Some(b'`') => Some(Piece::Before),
                Some(b'\'') => Some(Piece::After),
                _ => None,
            };
            if let Some(piece) = piece {
                if start < i {
                    pieces.push(Piece::Literal(start..i));
                }
                pieces.push(piece);
                i += 2;
                start = i;
                continue;
            }
        }
        i += 1;
    }
    if start < template.len() {
        pieces.push(Piece::Literal(start..template.len()));
    }
    pieces
}

/// Whether CESU-8 `bytes` are also the UTF-8 of a Latin-1 string (every code unit < 0x100),
/// which `JS_NewStringLen` stores in one byte per unit.
pub fn is_latin1(bytes: &[u8]) -> bool {
    bytes.iter().all(|&b| b < 0xc4)
}

/// Decodes CESU-8 made by `JS_ToCStringLen2(..., true)` (and slices of it cut at lead bytes)
/// into UTF-16 code units.
pub fn cesu8_to_utf16(bytes: &[u8]) -> Vec<u16> {
    let mut out = Vec::with_capacity(bytes.len());
    let at = |i: usize| u16::from(bytes.get(i).copied().unwrap_or(0x80) & 0x3f);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c < 0x80 {
            out.push(u16::from(c));
            i += 1;
        } else if c < 0xe0 {
            out.push((u16::from(c & 0x1f) << 6) | at(i + 1));
            i += 2;
        } else {
            out.push((u16::from(c & 0x0f) << 12) | (at(i + 1) << 6) | at(i + 2));
            i += 3;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CESU-8 of UTF-16 units, as `JS_ToCStringLen2(..., true)` makes it.
    fn cesu(units: &[u16]) -> Vec<u8> {
        let mut out = Vec::new();
        for &u in units {
            let u = u32::from(u);
            if u < 0x80 {
                out.push(u as u8);
            } else if u < 0x800 {
                out.extend([0xc0 | (u >> 6) as u8, 0x80 | (u & 0x3f) as u8]);
            } else {
                out.extend([
                    0xe0 | (u >> 12) as u8,
                    0x80 | ((u >> 6) & 0x3f) as u8,
                    0x80 | (u & 0x3f) as u8,
                ]);
            }
        }
        out
    }

    fn all(_: usize) -> bool {
        true
    }

    #[test]
    fn cesu8_round_trips_and_counts_units() {
        let text: Vec<u16> = "aé€😀".encode_utf16().chain([0xd800, b'z' as u16]).collect();
        let bytes = cesu(&text);
        assert_eq!(units(&bytes), text.len());
        assert_eq!(cesu8_to_utf16(&bytes), text);
        assert_eq!(byte_of_unit(&bytes, 0), 0);
        assert_eq!(byte_of_unit(&bytes, 2), 3);
        assert_eq!(byte_of_unit(&bytes, text.len()), bytes.len());
        assert!(is_latin1(&cesu(&[0x61, 0xe9, 0xff])));
        assert!(!is_latin1(&cesu(&[0x100])));
    }

    #[test]
    fn a_match_is_a_code_unit_match() {
        // "x😀y": the low surrogate alone is found at unit 2, inside the pair.
        let hay = cesu(&"x😀y".encode_utf16().collect::<Vec<_>>());
        let needle = cesu(&[0xde00]);
        let f = memmem::Finder::new(&needle);
        let at = find_from(&f, &hay, 0, &mut all).unwrap().unwrap();
        assert_eq!(UnitCursor::default().unit_at(&hay, at), 2);
    }

    #[test]
    fn windows_find_matches_across_their_edges() {
        let mut hay = vec![b'a'; 3 * WINDOW + 10];
        let needle = [b'a', b'b', b'c'];
        let at = WINDOW - 1; // straddles the first window's edge
        hay[at..at + 3].copy_from_slice(&needle);
        let f = memmem::Finder::new(&needle);
        let mut polled = 0;
        let mut poll = |n: usize| {
            polled += n;
            true
        };
        assert_eq!(find_from(&f, &hay, 0, &mut poll), Ok(Some(at)));
        assert_eq!(find_from(&f, &hay, at + 1, &mut all), Ok(None));
        let r = memmem::FinderRev::new(&needle);
        assert_eq!(rfind_upto(&r, &hay, hay.len(), &mut all), Ok(Some(at)));
        assert_eq!(rfind_upto(&r, &hay, at, &mut all), Ok(Some(at)));
        assert_eq!(rfind_upto(&r, &hay, at - 1, &mut all), Ok(None));
        // A poll that says stop stops the search.
        let mut stop = |_: usize| false;
        assert_eq!(find_from(&f, &hay, 0, &mut stop), Err(Stopped));
        assert!(polled > 0);
    }

    #[test]
    fn the_quadratic_bomb_is_linear() {
        // "a" x 3e6 searched for "a" x 5000 + "b": QuickJS compares ~5000 units per position.
        let hay = vec![b'a'; 3_000_000];
        let mut needle = vec![b'a'; 5000];
        needle.push(b'b');
        let f = memmem::Finder::new(&needle);
        assert_eq!(find_from(&f, &hay, 0, &mut all), Ok(None));
    }

    #[test]
    fn templates_follow_get_substitution() {
        use Piece::*;
        assert_eq!(parse_template(b"x"), vec![Literal(0..1)]);
        assert_eq!(
            parse_template(b"[$&]$$$`$'"),
            vec![Literal(0..1), Matched, Literal(3..4), Dollar, Before, After]
        );
        // No captures: $1, $<name> and a trailing $ are literal.
        assert_eq!(parse_template(b"$1$<n>$"), vec![Literal(0..7)]);
    }
}
