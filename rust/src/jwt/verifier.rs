//! The verifier: a fixed policy (allowed algorithms, claims, size limit), a key set that the host
//! can replace, and the verified-token cache.
//!
//! Theory of operation (sans-I/O): `verify(token, now_s)` never reads a clock and never fetches.
//! When a token names a `kid` that no key has and the keys came from a JWKS, the error says
//! `UnknownKey { refresh_wanted: true }` at most once per `jwks_refresh_interval_s`; the host
//! fetches the JWKS and hands it back with `update_jwks(bytes, now_s)`, which swaps the key set
//! atomically (tokens checked meanwhile use the old keys, so rotation drops no valid token) and
//! clears the cache. A failed update keeps the old keys.
//!
//! Order of checks: size, segments, header, `alg` allowed, key selection, signature, payload,
//! claims. The payload is not even decoded before its signature has been verified.

use super::alg::{Algorithm, AlgorithmSet};
use super::b64;
use super::cache::TokenCache;
use super::claims::{Claims, ClaimsPolicy};
use super::compact::{self, Kid};
use super::error::{JwtError, KeyError};
use super::keyset::{KeySet, Source};
use parking_lot::{Mutex, RwLock};
use std::sync::Arc;

/// Default bound on a token's length in bytes.
pub const DEFAULT_MAX_TOKEN_BYTES: usize = 8192;
/// Default number of verified tokens kept.
pub const DEFAULT_CACHE_CAPACITY: usize = 4096;
/// Default minimum time between two JWKS refresh requests.
pub const DEFAULT_JWKS_REFRESH_INTERVAL_S: i64 = 300;

/// A verifier's fixed policy.
#[derive(Debug, Clone)]
pub struct VerifierConfig {
    /// The only algorithms a token may use (must not be empty).
    pub algorithms: AlgorithmSet,
    pub policy: ClaimsPolicy,
    /// Longer tokens are refused before any parsing.
    pub max_token_bytes: usize,
    /// Capacity of the verified-token cache; 0 turns it off.
    pub cache_capacity: usize,
    /// Minimum seconds between two JWKS refresh requests.
    pub jwks_refresh_interval_s: i64,
}

impl VerifierConfig {
    /// A configuration allowing `algorithms`, with the defaults for everything else.
    pub fn new(algorithms: impl IntoIterator<Item = Algorithm>) -> VerifierConfig {
        VerifierConfig {
            algorithms: algorithms.into_iter().collect(),
            policy: ClaimsPolicy::default(),
            max_token_bytes: DEFAULT_MAX_TOKEN_BYTES,
            cache_capacity: DEFAULT_CACHE_CAPACITY,
            jwks_refresh_interval_s: DEFAULT_JWKS_REFRESH_INTERVAL_S,
        }
    }
}

/// A JWS whose signature has been verified (the payload is not interpreted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedJws {
    pub alg: Algorithm,
    pub payload: Vec<u8>,
}

/// The outcome of `Verifier::lookup`.
#[derive(Debug)]
pub enum Lookup {
    /// A cached, still valid token.
    Hit(Arc<Claims>),
    /// Not cached: verify with `verify_uncached`.
    Miss,
}

#[derive(Debug, Default)]
struct RefreshState {
    /// When a refresh was last requested or a JWKS last handed in.
    last_s: Option<i64>,
}

/// Verifies compact JWS / JWT tokens. `Send + Sync`: share it between threads.
#[derive(Debug)]
pub struct Verifier {
    config: VerifierConfig,
    keys: RwLock<Arc<KeySet>>,
    cache: Option<Mutex<TokenCache>>,
    refresh: Mutex<RefreshState>,
}

impl Verifier {
    /// A verifier trusting `keys` under `config`.
    pub fn new(keys: KeySet, config: VerifierConfig) -> Result<Verifier, KeyError> {
        if config.algorithms.is_empty() {
            return Err(KeyError::new("at least one algorithm must be allowed"));
        }
        check_keys_suit(&keys, config.algorithms)?;
        let cache = (config.cache_capacity > 0).then(|| Mutex::new(TokenCache::new(config.cache_capacity)));
        Ok(Verifier {
            config,
            keys: RwLock::new(Arc::new(keys)),
            cache,
            refresh: Mutex::new(RefreshState::default()),
        })
    }

    pub fn config(&self) -> &VerifierConfig {
        &self.config
    }

    /// The current key set.
    pub fn keys(&self) -> Arc<KeySet> {
        self.keys.read().clone()
    }

    /// Number of tokens in the cache (0 when it is off).
    pub fn cached_tokens(&self) -> usize {
        self.cache.as_ref().map_or(0, |c| c.lock().len())
    }

    /// Verifies a JWT at `now_s` (seconds since the Unix epoch, from the host's clock) and returns
    /// its claims.
    pub fn verify(&self, token: &str, now_s: i64) -> Result<Arc<Claims>, JwtError> {
        match self.lookup(token, now_s)? {
            Lookup::Hit(claims) => Ok(claims),
            Lookup::Miss => self.verify_uncached(token, now_s),
        }
    }

    /// The cheap first half of `verify`: the size check and the cache lookup. A host that wants
    /// to release a lock (e.g. Python's GIL) around the crypto calls this with it held, and
    /// `verify_uncached` without.
    pub fn lookup(&self, token: &str, now_s: i64) -> Result<Lookup, JwtError> {
        self.check_size(token)?;
        let Some(cache) = &self.cache else {
            return Ok(Lookup::Miss);
        };
        let hit = cache.lock().get(token);
        match hit {
            None => Ok(Lookup::Miss),
            Some(claims) => match claims.check_time(now_s, self.config.policy.leeway_s) {
                Ok(()) => Ok(Lookup::Hit(claims)),
                Err(e) => {
                    cache.lock().remove(token);
                    Err(e)
                }
            },
        }
    }

    /// The second half of `verify` after a cache miss: signature, claims, cache insertion.
    pub fn verify_uncached(&self, token: &str, now_s: i64) -> Result<Arc<Claims>, JwtError> {
        let jws = self.verify_jws(token, now_s)?;
        let claims = Claims::parse(&jws.payload)?;
        claims.validate(&self.config.policy, now_s)?;
        let claims = Arc::new(claims);
        if let Some(cache) = &self.cache {
            cache.lock().insert(token, claims.clone());
        }
        Ok(claims)
    }

    /// Verifies the signature of a compact JWS and returns its payload, without claim checks and
    /// without the cache. `now_s` only paces JWKS refresh requests.
    pub fn verify_jws(&self, token: &str, now_s: i64) -> Result<VerifiedJws, JwtError> {
        self.check_size(token)?;
        let parsed = compact::parse(token)?;
        if !self.config.algorithms.contains(parsed.alg) {
            return Err(JwtError::DisallowedAlgorithm(parsed.alg.name().to_string()));
        }
        let keys = self.keys();
        let mut tried = false;
        for key in keys.select(&parsed.kid, parsed.alg) {
            tried = true;
            if key.verify(parsed.alg, parsed.signing_input, &parsed.signature).is_ok() {
                let payload =
                    b64::decode(parsed.payload_b64).ok_or(JwtError::Malformed("payload segment is not base64url"))?;
                return Ok(VerifiedJws {
                    alg: parsed.alg,
                    payload,
                });
            }
        }
        if tried {
            Err(JwtError::InvalidSignature)
        } else {
            Err(self.unknown_key(&keys, &parsed.kid, now_s))
        }
    }

    /// Checks a raw signature over `message` with the first keys that may check `alg` (any
    /// `kid`). The entry point for test vectors whose messages are not JWS signing inputs.
    pub fn verify_raw(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> Result<(), JwtError> {
        if !self.config.algorithms.contains(alg) {
            return Err(JwtError::DisallowedAlgorithm(alg.name().to_string()));
        }
        let keys = self.keys();
        let mut tried = false;
        for key in keys.select(&Kid::Absent, alg) {
            tried = true;
            if key.verify(alg, message, signature).is_ok() {
                return Ok(());
            }
        }
        if tried {
            Err(JwtError::InvalidSignature)
        } else {
            Err(JwtError::UnknownKey { refresh_wanted: false })
        }
    }

    /// Replaces the key set with a freshly fetched JWKS (JSON bytes) at `now_s`. On error the old
    /// keys stay. Returns the number of usable keys.
    pub fn update_jwks(&self, jwks: &[u8], now_s: i64) -> Result<usize, KeyError> {
        let keys = KeySet::from_json(jwks)?;
        check_keys_suit(&keys, self.config.algorithms)?;
        let count = keys.len();
        *self.keys.write() = Arc::new(keys);
        if let Some(cache) = &self.cache {
            cache.lock().clear();
        }
        self.refresh.lock().last_s = Some(now_s);
        Ok(count)
    }

    #[cold]
    fn unknown_key(&self, keys: &KeySet, kid: &Kid, now_s: i64) -> JwtError {
        let refreshable = matches!(keys.source(), Source::Jwks | Source::Jwk) && matches!(kid, Kid::Named(_));
        let mut refresh_wanted = false;
        if refreshable {
            let mut state = self.refresh.lock();
            let due = state.last_s.map_or(true, |last| {
                now_s.saturating_sub(last) >= self.config.jwks_refresh_interval_s
            });
            if due {
                state.last_s = Some(now_s);
                refresh_wanted = true;
            }
        }
        JwtError::UnknownKey { refresh_wanted }
    }

    #[inline]
    fn check_size(&self, token: &str) -> Result<(), JwtError> {
        if token.len() > self.config.max_token_bytes {
            Err(JwtError::Malformed("token exceeds max_token_bytes"))
        } else {
            Ok(())
        }
    }
}

fn check_keys_suit(keys: &KeySet, algorithms: AlgorithmSet) -> Result<(), KeyError> {
    if keys.keys().iter().any(|k| algorithms.iter().any(|a| k.permits(a))) {
        Ok(())
    } else {
        Err(KeyError::new("no key can check any of the allowed algorithms"))
    }
}
