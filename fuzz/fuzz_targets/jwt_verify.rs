//! Fuzzes JWT parsing and verification (and key parsing) through the public engine API.
//!
//! The first input byte picks a mode: raw token text, a token assembled from three raw parts
//! (so the fuzzer reaches the JSON header and payload parsers without learning base64), or key
//! material for `KeySet::from_bytes`. The invariants: no panic, and a token verifies the same way
//! twice (the second time from the cache).

#![no_main]

use _core::jwt::{Algorithm, KeySet, Verifier, VerifierConfig};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

const NOW: i64 = 1_700_000_000;
const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

/// RFC 7515 A.2 (RSA), A.3 (P-256), RFC 8037 (Ed25519) public keys and an HMAC secret.
const JWKS: &str = r#"{"keys":[
 {"kty":"RSA","kid":"r","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ","e":"AQAB"},
 {"kty":"EC","kid":"e","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"},
 {"kty":"OKP","kid":"d","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"},
 {"kty":"oct","kid":"h","k":"MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY"}
]}"#;

fn verifier() -> &'static Verifier {
    static V: OnceLock<Verifier> = OnceLock::new();
    V.get_or_init(|| {
        let mut config = VerifierConfig::new(Algorithm::ALL);
        config.max_token_bytes = 4096;
        config.cache_capacity = 64;
        config.policy.leeway_s = 30;
        Verifier::new(KeySet::from_json(JWKS.as_bytes()).expect("jwks"), config).expect("verifier")
    })
}

fn check(token: &str) {
    let v = verifier();
    let first = v.verify(token, NOW);
    let second = v.verify(token, NOW);
    match (&first, &second) {
        (Ok(a), Ok(b)) => assert_eq!(a.map, b.map),
        (Err(a), Err(b)) => assert_eq!(a.class_name(), b.class_name()),
        _ => panic!("verdict changed between two calls: {first:?} vs {second:?}"),
    }
    let _ = v.verify_jws(token, NOW);
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    match mode % 4 {
        0 => {
            if let Ok(token) = std::str::from_utf8(rest) {
                check(token);
            }
        }
        1 | 2 => {
            // header \xff payload \xff signature, each base64url-encoded here.
            let mut parts = rest.splitn(3, |b| *b == 0xff);
            let header = parts.next().unwrap_or_default();
            let payload = parts.next().unwrap_or_default();
            let signature = parts.next().unwrap_or_default();
            let mut token = format!(
                "{}.{}.{}",
                URL_SAFE_NO_PAD.encode(header),
                URL_SAFE_NO_PAD.encode(payload),
                URL_SAFE_NO_PAD.encode(signature)
            );
            check(&token);
            // Also with a genuine HS256 MAC, so payload and claim checks are reached.
            if mode % 4 == 2 {
                use std::fmt::Write;
                let input = token.rsplit_once('.').map(|(a, _)| a.to_string()).unwrap_or_default();
                let tag = hmac_sha256(SECRET, input.as_bytes());
                token = input;
                let _ = write!(token, ".{}", URL_SAFE_NO_PAD.encode(tag));
                check(&token);
            }
        }
        _ => {
            let _ = KeySet::from_bytes(rest);
            let _ = KeySet::from_secret(rest);
        }
    }
});

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    // The engine's own verifier is the oracle; signing uses the same backend it depends on.
    use aws_lc_rs::hmac;
    hmac::sign(&hmac::Key::new(hmac::HMAC_SHA256, key), message)
        .as_ref()
        .to_vec()
}
