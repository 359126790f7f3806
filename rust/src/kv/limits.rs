//! The limits of Workers KV, checked before a call leaves the isolate. Messages follow Workers'
//! `KV <OP> failed: <status> <reason>` wording where it is known.

use super::error::KvError;

/// A key is at most 512 bytes of UTF-8.
pub const MAX_KEY_BYTES: usize = 512;
/// A value is at most 25 MiB.
pub const MAX_VALUE_BYTES: usize = 25 * 1024 * 1024;
/// Metadata, serialized as JSON, is at most 1024 bytes.
pub const MAX_METADATA_BYTES: usize = 1024;
/// `expirationTtl` (and `expiration` relative to now) is at least 60 seconds.
pub const MIN_EXPIRATION_TTL_S: u64 = 60;
/// `list({limit})` returns at most 1000 keys (the default).
pub const MAX_LIST_LIMIT: u32 = 1000;
/// `get(key, {cacheTtl})` default.
pub const DEFAULT_CACHE_TTL_S: u64 = 60;
/// The smallest `cacheTtl` Workers accepts (configurable per replica).
pub const MIN_CACHE_TTL_S: u64 = 30;

/// A key is valid to read or write: not empty, not `.` or `..`, at most 512 bytes.
pub fn check_key(op: &str, key: &str) -> Result<(), KvError> {
    if key.len() > MAX_KEY_BYTES {
        return Err(KvError::failed(
            op,
            414,
            format_args!(
                "UTF-8 encoded length of {} exceeds key length limit of {MAX_KEY_BYTES}.",
                key.len()
            ),
        ));
    }
    if key.is_empty() {
        return Err(KvError::failed(op, 400, "Key names must not be empty."));
    }
    if key == "." || key == ".." {
        return Err(KvError::failed(
            op,
            400,
            format_args!("Illegal key name \"{key}\". Please use a different name."),
        ));
    }
    Ok(())
}

/// A value's size is within the limit.
pub fn check_value(len: usize) -> Result<(), KvError> {
    if len > MAX_VALUE_BYTES {
        return Err(KvError::failed(
            "PUT",
            413,
            format_args!("Value length of {len} exceeds limit of {MAX_VALUE_BYTES}."),
        ));
    }
    Ok(())
}

/// Serialized metadata is within the limit.
pub fn check_metadata(json: &str) -> Result<(), KvError> {
    if json.len() > MAX_METADATA_BYTES {
        return Err(KvError::failed(
            "PUT",
            413,
            format_args!(
                "Metadata length of {} exceeds limit of {MAX_METADATA_BYTES}.",
                json.len()
            ),
        ));
    }
    Ok(())
}

fn whole_seconds(name: &str, v: f64) -> Result<u64, KvError> {
    if !v.is_finite() || v < 0.0 {
        return Err(KvError::type_error(format!(
            "{name} must be a non-negative number of seconds, got {v}"
        )));
    }
    Ok(v as u64)
}

/// The absolute expiration (seconds since the epoch) of a put at host time `now_s`, from
/// `expiration` (absolute) or `expirationTtl` (relative); both at least 60 s in the future.
/// `expirationTtl` wins when both are given, as on Workers.
pub fn expiration(now_s: f64, expiration: Option<f64>, expiration_ttl: Option<f64>) -> Result<Option<u64>, KvError> {
    if let Some(ttl) = expiration_ttl {
        let ttl = whole_seconds("expirationTtl", ttl)?;
        if ttl < MIN_EXPIRATION_TTL_S {
            return Err(KvError::failed(
                "PUT",
                400,
                format_args!(
                    "Invalid expiration_ttl of {ttl}. Expiration TTL must be at least {MIN_EXPIRATION_TTL_S}."
                ),
            ));
        }
        return Ok(Some((now_s.max(0.0) as u64).saturating_add(ttl)));
    }
    if let Some(at) = expiration {
        let at = whole_seconds("expiration", at)?;
        if (at as f64) < now_s + MIN_EXPIRATION_TTL_S as f64 {
            return Err(KvError::failed(
                "PUT",
                400,
                format_args!(
                    "Invalid expiration of {at}. Expiration times must be at least {MIN_EXPIRATION_TTL_S} seconds in the future."
                ),
            ));
        }
        return Ok(Some(at));
    }
    Ok(None)
}

/// `list({limit})`: an integer in 1..=1000 (default 1000).
pub fn list_limit(limit: Option<f64>) -> Result<u32, KvError> {
    let Some(limit) = limit else {
        return Ok(MAX_LIST_LIMIT);
    };
    if !limit.is_finite() || limit.fract() != 0.0 || limit < 1.0 || limit > MAX_LIST_LIMIT as f64 {
        return Err(KvError::failed(
            "LIST",
            400,
            format_args!(
                "Invalid key_count_limit of {limit}. Please specify an integer between 1 and {MAX_LIST_LIMIT}."
            ),
        ));
    }
    Ok(limit as u32)
}

/// `get(key, {cacheTtl})`: whole seconds, at least `min_s` (default 60).
pub fn cache_ttl(op: &str, cache_ttl: Option<f64>, min_s: u64) -> Result<u64, KvError> {
    let Some(ttl) = cache_ttl else {
        return Ok(DEFAULT_CACHE_TTL_S.max(min_s));
    };
    let ttl = whole_seconds("cacheTtl", ttl)?;
    if ttl < min_s {
        return Err(KvError::failed(
            op,
            400,
            format_args!("Invalid cache_ttl of {ttl}. Cache TTL must be at least {min_s}."),
        ));
    }
    Ok(ttl)
}
