//! The verified-token cache: SHA-256 of the whole token -> its verified claims.
//!
//! Theory of operation: an entry is inserted only after a token passed every check (signature and
//! claims). A hit re-checks the time claims against the caller's `now`, so an entry never outlives
//! its token's `exp`; an expired entry is dropped on sight. The cache is bounded: at capacity the
//! oldest insertion is evicted first (FIFO). The owner clears it whenever its keys change, so a
//! token signed by a removed key is not served from memory. Keyed by a cryptographic hash, two
//! different tokens cannot share an entry in practice.

use super::claims::Claims;
use aws_lc_rs::digest;
use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

/// The cache key: SHA-256 of the token's bytes.
pub type TokenHash = [u8; 32];

/// Hashes a token for the cache.
pub fn token_hash(token: &str) -> TokenHash {
    let d = digest::digest(&digest::SHA256, token.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// A bounded map from token hash to verified claims.
#[derive(Debug)]
pub struct TokenCache {
    capacity: usize,
    entries: HashMap<TokenHash, Arc<Claims>>,
    order: VecDeque<TokenHash>,
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

    pub fn get(&self, hash: &TokenHash) -> Option<Arc<Claims>> {
        self.entries.get(hash).cloned()
    }

    pub fn remove(&mut self, hash: &TokenHash) {
        self.entries.remove(hash);
    }

    pub fn insert(&mut self, hash: TokenHash, claims: Arc<Claims>) {
        if self.entries.insert(hash, claims).is_some() {
            return;
        }
        self.order.push_back(hash);
        while self.entries.len() > self.capacity {
            match self.order.pop_front() {
                Some(old) => {
                    self.entries.remove(&old);
                }
                None => break,
            }
        }
        // Entries removed on expiry leave stale hashes behind; rebuild before they pile up.
        if self.order.len() > 2 * self.capacity {
            let entries = &self.entries;
            self.order.retain(|h| entries.contains_key(h));
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
        let (a, b, c) = (token_hash("a"), token_hash("b"), token_hash("c"));
        cache.insert(a, claims());
        cache.insert(b, claims());
        cache.insert(c, claims());
        assert_eq!(cache.len(), 2);
        assert!(cache.get(&a).is_none());
        assert!(cache.get(&b).is_some() && cache.get(&c).is_some());
    }

    #[test]
    fn stale_order_is_bounded() {
        let mut cache = TokenCache::new(4);
        for i in 0..1000 {
            let h = token_hash(&i.to_string());
            cache.insert(h, claims());
            cache.remove(&h);
        }
        assert!(cache.order.len() <= 8);
    }
}
