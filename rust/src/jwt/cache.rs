//! The verified-token cache: the whole token -> its verified claims.
//!
//! Theory of operation: an entry is inserted only after a token passed every check (signature and
//! claims). A hit re-checks the time claims against the caller's `now`, so an entry never outlives
//! its token's `exp`; an expired entry is dropped on sight. The cache is bounded: at capacity the
//! oldest insertion is evicted first (FIFO). The owner clears it whenever its keys change, so a
//! token signed by a removed key is not served from memory.
//!
//! Entries are keyed by the token's bytes themselves, found through a fast hash of the whole
//! token: a hit means byte-for-byte the same token, so no crafted collision can ever borrow
//! another token's verdict (a truncated or keyed hash alone could not promise that). Memory is
//! bounded by `capacity * max_token_bytes`.

use super::claims::Claims;
use hashbrown::HashMap;
use std::collections::VecDeque;
use std::sync::Arc;

/// A bounded map from token to verified claims.
#[derive(Debug)]
pub struct TokenCache {
    capacity: usize,
    entries: HashMap<Arc<str>, Arc<Claims>>,
    order: VecDeque<Arc<str>>,
}

impl TokenCache {
    /// A cache holding at most `capacity` tokens (at least one).
    pub fn new(capacity: usize) -> TokenCache {
        let capacity = capacity.max(1);
        TokenCache {
            capacity,
            entries: HashMap::with_capacity(capacity.min(4096)),
            order: VecDeque::with_capacity(capacity.min(4096)),
        }
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub fn get(&self, token: &str) -> Option<Arc<Claims>> {
        self.entries.get(token).cloned()
    }

    pub fn remove(&mut self, token: &str) {
        self.entries.remove(token);
    }

    pub fn insert(&mut self, token: &str, claims: Arc<Claims>) {
        if let Some(existing) = self.entries.get_mut(token) {
            *existing = claims;
            return;
        }
        let key: Arc<str> = Arc::from(token);
        self.entries.insert(key.clone(), claims);
        self.order.push_back(key);
        while self.entries.len() > self.capacity {
            match self.order.pop_front() {
                Some(old) => {
                    self.entries.remove(&old);
                }
                None => break,
            }
        }
        // Entries removed on expiry leave stale keys behind; drop them before they pile up.
        if self.order.len() > 2 * self.capacity {
            let entries = &self.entries;
            self.order.retain(|k| entries.contains_key(k));
        }
    }

    pub fn clear(&mut self) {
        self.entries.clear();
        self.order.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims() -> Arc<Claims> {
        Arc::new(Claims::parse(b"{}").unwrap())
    }

    #[test]
    fn bounded_fifo() {
        let mut cache = TokenCache::new(2);
        cache.insert("a", claims());
        cache.insert("b", claims());
        cache.insert("c", claims());
        assert_eq!(cache.len(), 2);
        assert!(cache.get("a").is_none());
        assert!(cache.get("b").is_some() && cache.get("c").is_some());
        assert!(cache.get("c ").is_none());
    }

    #[test]
    fn stale_order_is_bounded() {
        let mut cache = TokenCache::new(4);
        for i in 0..1000 {
            let t = i.to_string();
            cache.insert(&t, claims());
            cache.remove(&t);
        }
        assert!(cache.order.len() <= 8);
    }
}
