//! Removing stored responses: invalidation after unsafe methods (RFC 9111 4.4) and purges by URL,
//! prefix, tag (`Cache-Tag`) or everything.

use super::config::CacheOptions;
use super::http_cache::{primary_key, HttpCache};
use super::storage::{EntryRef, Slot};
use crate::http::{Headers, Request};

impl HttpCache {
    /// RFC 9111 4.4: after a non-error response to an unsafe method, the target URI and the
    /// same-origin `Location` / `Content-Location` URIs are invalidated (removed).
    pub(super) fn invalidate(&mut self, request: &Request, headers: &Headers, options: &CacheOptions) {
        let mut keys: Vec<String> = vec![primary_key(&request.url, options).into_owned()];
        if options.cache_key.is_some() {
            keys.push(primary_key(&request.url, &CacheOptions::default()).into_owned());
        }
        if let Ok(base) = url::Url::parse(&request.url) {
            for field in ["location", "content-location"] {
                if let Some(value) = headers.get(field) {
                    if let Ok(target) = base.join(value) {
                        if target.origin() == base.origin() {
                            let mut t = target;
                            t.set_fragment(None);
                            keys.push(t.into());
                        }
                    }
                }
            }
        }
        for key in keys {
            let n = self.storage.peek(&key).map_or(0, |s| s.entries().len() as u64);
            if n > 0 {
                self.storage.set(&key, None);
                self.metrics.invalidations += n;
            }
        }
    }

    /// Removes the responses stored under `url` (or a cache key). Returns how many.
    pub fn purge_url(&mut self, url: &str) -> u64 {
        let key = primary_key(url, &CacheOptions::default()).into_owned();
        let n = self.storage.peek(&key).map_or(0, |s| s.entries().len() as u64);
        self.storage.set(&key, None);
        self.metrics.purged += n;
        n
    }

    /// Removes every response whose key starts with `prefix`. A prefix without a scheme
    /// (`example.com/assets/`) matches both `http://` and `https://` keys.
    pub fn purge_prefix(&mut self, prefix: &str) -> u64 {
        let has_scheme = prefix.contains("://");
        let n = self.storage.rewrite(|key, _| {
            let bare = if has_scheme {
                key
            } else {
                key.split_once("://").map_or(key, |(_, rest)| rest)
            };
            bare.starts_with(prefix).then_some(None)
        });
        self.metrics.purged += n;
        n
    }

    /// Removes every response whose `Cache-Tag` lists one of `tags` (case-insensitive).
    pub fn purge_tags(&mut self, tags: &[&str]) -> u64 {
        let n = self.storage.rewrite(|_, slot| {
            let entries = slot.entries();
            if !entries.iter().any(|e| tags.iter().any(|t| e.has_tag(t))) {
                return None;
            }
            let keep: Vec<EntryRef> = entries
                .iter()
                .filter(|e| !tags.iter().any(|t| e.has_tag(t)))
                .cloned()
                .collect();
            Some(Slot::from_vec(keep))
        });
        self.metrics.purged += n;
        n
    }

    /// Removes everything.
    pub fn purge_all(&mut self) -> u64 {
        let n = self.storage.clear();
        self.metrics.purged += n;
        n
    }
}
