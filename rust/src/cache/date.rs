//! HTTP-date (RFC 9110 5.6.7) to and from seconds since the Unix epoch.
//!
//! Parsing accepts the three forms a recipient MUST accept: IMF-fixdate
//! (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`)
//! and ANSI C's asctime (`Sun Nov  6 08:49:37 1994`). RFC 9110 encourages recipients to be
//! robust, so day and month names and `GMT` are matched without regard to case and the day name
//! is not checked against the date (a wrong weekday is a sender's slip, not a different time).
//! Anything else (another zone such as `UTC`, a two-digit year in IMF-fixdate, missing or
//! doubled separators, one-digit hours) is invalid. Formatting (IMF-fixdate) uses `httpdate`.

use std::time::{Duration, UNIX_EPOCH};

const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const LONG_DAYS: [&str; 7] = [
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
];
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

/// Seconds since the epoch, or `None` for an invalid date or one before 1970 (which a cache
/// reads as "in the past" where that matters, RFC 9111 5.3).
pub fn parse(value: &str) -> Option<i64> {
    let v = value.trim_matches([' ', '\t']);
    let (day, month, year, time) = if let Some((name, rest)) = v.split_once(", ") {
        if is_name(name, &DAYS) {
            imf_fixdate(rest)?
        } else if is_name(name, &LONG_DAYS) {
            rfc850(rest)?
        } else {
            return None;
        }
    } else {
        asctime(v)?
    };
    let secs = epoch_seconds(year, month, day, time)?;
    (secs >= 0).then_some(secs)
}

fn is_name(s: &str, names: &[&str]) -> bool {
    names.iter().any(|n| n.eq_ignore_ascii_case(s))
}

fn month_of(s: &str) -> Option<u32> {
    MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(s))
        .and_then(|i| u32::try_from(i + 1).ok())
}

/// Exactly `n` ASCII digits.
fn digits(s: &str, n: usize) -> Option<u32> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok())?
}

/// `HH:MM:SS` (two digits each) as seconds into the day.
fn time_of_day(s: &str) -> Option<u32> {
    let mut parts = s.split(':');
    let (h, m, sec) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let (h, m, sec) = (digits(h, 2)?, digits(m, 2)?, digits(sec, 2)?);
    // 60 is a leap second; it is read as the last second of the minute.
    (h < 24 && m < 60 && sec <= 60).then_some(h * 3600 + m * 60 + sec.min(59))
}

fn gmt(s: &str) -> bool {
    s.eq_ignore_ascii_case("GMT")
}

type Parts = (u32, u32, i64, u32);

/// `DD Mon YYYY HH:MM:SS GMT` (after the day name and ", ").
fn imf_fixdate(rest: &str) -> Option<Parts> {
    let fields: Vec<&str> = rest.split(' ').collect();
    let [day, month, year, time, zone] = fields.as_slice() else {
        return None;
    };
    if !gmt(zone) {
        return None;
    }
    Some((
        digits(day, 2)?,
        month_of(month)?,
        i64::from(digits(year, 4)?),
        time_of_day(time)?,
    ))
}

/// `DD-Mon-YY HH:MM:SS GMT` (after the long day name and ", "). A two-digit year is read with
/// a fixed pivot: 70-99 are 19xx, 00-69 are 20xx (RFC 9110 asks for "not more than 50 years in
/// the future", which this matches for dates read before 2020 + 50).
fn rfc850(rest: &str) -> Option<Parts> {
    let fields: Vec<&str> = rest.split(' ').collect();
    let [date, time, zone] = fields.as_slice() else {
        return None;
    };
    if !gmt(zone) {
        return None;
    }
    let d: Vec<&str> = date.split('-').collect();
    let [day, month, year] = d.as_slice() else {
        return None;
    };
    let yy = i64::from(digits(year, 2)?);
    let year = if yy >= 70 { 1900 + yy } else { 2000 + yy };
    Some((digits(day, 2)?, month_of(month)?, year, time_of_day(time)?))
}

/// `Day Mon DD HH:MM:SS YYYY`, the day of the month two digits or a space and one digit.
fn asctime(v: &str) -> Option<Parts> {
    let (name, rest) = v.split_once(' ')?;
    let (month, rest) = rest.split_once(' ')?;
    if !is_name(name, &DAYS) {
        return None;
    }
    let (day, rest) = match rest.strip_prefix(' ') {
        Some(r) => {
            let (d, r) = r.split_once(' ')?;
            (digits(d, 1)?, r)
        }
        None => {
            let (d, r) = rest.split_once(' ')?;
            (digits(d, 2)?, r)
        }
    };
    let (time, year) = rest.split_once(' ')?;
    Some((day, month_of(month)?, i64::from(digits(year, 4)?), time_of_day(time)?))
}

fn is_leap(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Seconds since the epoch of a valid calendar date (days-from-civil, proleptic Gregorian).
fn epoch_seconds(year: i64, month: u32, day: u32, time_s: u32) -> Option<i64> {
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days_in_month {
        return None;
    }
    let (m, d) = (i64::from(month), i64::from(day));
    let y = if m <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + i64::from(time_s))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_forms() {
        let t = 784_111_777;
        assert_eq!(parse("Sun, 06 Nov 1994 08:49:37 GMT"), Some(t));
        assert_eq!(parse("Sunday, 06-Nov-94 08:49:37 GMT"), Some(t));
        assert_eq!(parse("Sun Nov  6 08:49:37 1994"), Some(t));
        assert_eq!(parse("Sun Nov 16 08:49:37 1994"), Some(t + 10 * 86_400));
        assert_eq!(format(t), "Sun, 06 Nov 1994 08:49:37 GMT");
    }

    #[test]
    fn robust_where_harmless() {
        let t = parse("Thu, 18 Aug 2050 02:01:18 GMT").unwrap();
        assert_eq!(parse("THU, 18 Aug 2050 02:01:18 GMT"), Some(t));
        assert_eq!(parse("Thu, 18 AUG 2050 02:01:18 GMT"), Some(t));
        assert_eq!(parse("Thu, 18 Aug 2050 02:01:18 gMT"), Some(t));
        // A weekday that does not match the date is ignored.
        assert_eq!(parse("Mon, 18 Aug 2050 02:01:18 GMT"), Some(t));
        assert_eq!(parse("Thursday, 18-Aug-50 02:01:18 GMT"), Some(t));
        assert!(parse("Tue, 19 Jan 2038 14:14:08 GMT").is_some());
        assert!(parse("Sun, 21 Nov 2286 04:46:39 GMT").is_some());
    }

    #[test]
    fn invalid_forms() {
        for bad in [
            "0",
            "",
            "Thu, 18 Aug 2050 02:01:18 UTC",
            "Thu, 18 Aug 2050 02:01:18 AEST",
            "Thu, 18 Aug 50 02:01:18 GMT",
            "Thu 18 Aug 2050 02:01:18 GMT",
            "Thu, 18  Aug  2050 02:01:18 GMT",
            "Thu, 18-Aug-2050 02:01:18 GMT",
            "Thu, 18 Aug 2050 02.01.18 GMT",
            "Thu, 18 Aug 2050 2:01:18 GMT",
            "Thu, 31 Apr 2050 02:01:18 GMT",
            "Thu, 29 Feb 2050 02:01:18 GMT",
            "Thu, 18 Aug 2050 24:01:18 GMT",
            "Foo, 18 Aug 2050 02:01:18 GMT",
            "Thu, 01 Jan 1960 00:00:00 GMT",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
        assert_eq!(parse("Tue, 29 Feb 2000 00:00:00 GMT"), Some(951_782_400));
    }
}
