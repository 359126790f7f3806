//! Freshening stored responses with a 304 (RFC 9111 4.3.4) and updating their header fields (3.2).

use std::sync::Arc;

use super::entry::StoredResponse;
use super::policy;
use super::serve::{strong_eq, weak_eq};
use super::storage::EntryRef;
use super::vary;
use crate::http::{Headers, Response};

fn is_strong(etag: &str) -> bool {
    !etag.trim().starts_with("W/")
}

/// Chooses the stored responses a 304 validates:
/// 1. a strong `ETag` selects every stored response with the same strong validator;
/// 2. otherwise a weak `ETag` or a `Last-Modified` selects the most recent stored response with a
///    matching validator;
/// 3. otherwise (no validator in the 304) a single stored response without validators; and, a
///    leniency many caches share, the single variant the request selects (it is the one the
///    conditional request was built from).
pub fn select_for_304(entries: &[EntryRef], not_modified: &Headers, request: &Headers) -> Vec<EntryRef> {
    let etag = not_modified.get("etag");
    let last_modified = not_modified.get("last-modified");
    if let Some(tag) = etag.filter(|t| is_strong(t)) {
        return entries
            .iter()
            .filter(|e| e.etag().is_some_and(|s| strong_eq(s, tag)))
            .cloned()
            .collect();
    }
    if etag.is_some() || last_modified.is_some() {
        let matched = entries
            .iter()
            .filter(|e| {
                let by_tag = etag.is_some_and(|t| e.etag().is_some_and(|s| weak_eq(s, t)));
                let by_date = etag.is_none() && last_modified.is_some_and(|lm| e.last_modified() == Some(lm));
                by_tag || by_date
            })
            .max_by_key(|e| e.recency());
        return matched.cloned().into_iter().collect();
    }
    if entries.len() == 1 && entries[0].etag().is_none() && entries[0].last_modified().is_none() {
        return entries.to_vec();
    }
    let selected: Vec<&EntryRef> = entries
        .iter()
        .filter(|e| e.vary.as_deref().map_or(true, |v| vary::matches(v, request)))
        .collect();
    if selected.len() == 1 {
        return vec![Arc::clone(selected[0])];
    }
    Vec::new()
}

/// The stored response with the 304's header fields added, replacing those present (3.2), except
/// fields never stored and `Content-Length`. A 304 without `Date` gets the time it was received
/// (RFC 9110 6.6.1), so the freshened response's age starts from the revalidation.
pub fn merge_304(entry: &StoredResponse, not_modified: &Response, response_time_ns: u64) -> Response {
    let dated;
    let not_modified = if not_modified.headers.contains("date") {
        not_modified
    } else {
        let mut copy = not_modified.clone();
        let _ = copy
            .headers
            .append("date", &super::date::format(super::date::ns_to_s(response_time_ns)));
        dated = copy;
        &dated
    };
    let tokens = policy::connection_tokens(&not_modified.headers);
    let skip = |name: &str| name == "content-length" || policy::never_stored(name, &tokens);
    let mut replaced: Vec<&str> = Vec::new();
    for (name, _) in not_modified.headers.iter() {
        if !skip(name) && !replaced.contains(&name) {
            replaced.push(name);
        }
    }
    let mut headers = entry
        .headers
        .to_headers(not_modified.headers.len(), |name| replaced.contains(&name));
    for (name, value) in not_modified.headers.iter() {
        if !skip(name) {
            let _ = headers.append(name, value);
        }
    }
    Response::new(entry.status, headers, entry.body.clone())
}
