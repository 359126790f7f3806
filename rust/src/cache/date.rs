//! HTTP-date (RFC 9110 5.6.7) to and from seconds since the Unix epoch, through `httpdate`
//! (IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient must accept).

use std::time::{Duration, UNIX_EPOCH};

/// Seconds since the epoch, or `None` for an invalid date (which a cache reads as "in the past"
/// where that matters, RFC 9111 5.3).
pub fn parse(value: &str) -> Option<i64> {
    let time = httpdate::parse_http_date(value.trim()).ok()?;
    let secs = time.duration_since(UNIX_EPOCH).ok()?.as_secs();
    i64::try_from(secs).ok()
}

/// IMF-fixdate for `secs` since the epoch (negative values clamp to the epoch).
pub fn format(secs: i64) -> String {
    let secs = u64::try_from(secs).unwrap_or(0);
    httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(secs))
}

pub const NS_PER_S: u64 = 1_000_000_000;

/// Whole seconds of a nanosecond timestamp.
pub fn ns_to_s(ns: u64) -> i64 {
    i64::try_from(ns / NS_PER_S).unwrap_or(i64::MAX)
}
