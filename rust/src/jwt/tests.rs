//! End-to-end tests of the verifier, one per security rule (each fails if its rule breaks).
//! Tokens are signed here with aws-lc-rs; randomness comes from the OS (tests only).

use super::b64;
use super::*;
use aws_lc_rs::encoding::AsDer;
use aws_lc_rs::hmac;
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self as sig, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};
use std::sync::OnceLock;

const NOW: i64 = 1_700_000_000;

enum Signer {
    Hmac(Vec<u8>),
    Rsa(&'static RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

fn rsa() -> &'static RsaKeyPair {
    static KEY: OnceLock<RsaKeyPair> = OnceLock::new();
    KEY.get_or_init(|| RsaKeyPair::generate(KeySize::Rsa2048).unwrap())
}

fn ec(curve: Curve) -> EcdsaKeyPair {
    let alg = match curve {
        Curve::P256 => &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
        Curve::P384 => &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
        Curve::P521 => &sig::ECDSA_P521_SHA512_FIXED_SIGNING,
    };
    EcdsaKeyPair::generate(alg).unwrap()
}

fn ed() -> Ed25519KeyPair {
    Ed25519KeyPair::generate().unwrap()
}

fn sign(signer: &Signer, alg: &str, input: &[u8]) -> Vec<u8> {
    let rng = SystemRandom::new();
    match signer {
        Signer::Hmac(secret) => {
            let h = match alg {
                "HS384" => hmac::HMAC_SHA384,
                "HS512" => hmac::HMAC_SHA512,
                _ => hmac::HMAC_SHA256,
            };
            hmac::sign(&hmac::Key::new(h, secret), input).as_ref().to_vec()
        }
        Signer::Rsa(kp) => {
            let enc: &'static dyn sig::RsaEncoding = match alg {
                "RS384" => &sig::RSA_PKCS1_SHA384,
                "RS512" => &sig::RSA_PKCS1_SHA512,
                "PS256" => &sig::RSA_PSS_SHA256,
                "PS384" => &sig::RSA_PSS_SHA384,
                "PS512" => &sig::RSA_PSS_SHA512,
                _ => &sig::RSA_PKCS1_SHA256,
            };
            let mut out = vec![0; kp.public_modulus_len()];
            kp.sign(enc, &rng, input, &mut out).unwrap();
            out
        }
        Signer::Ec(kp) => kp.sign(&rng, input).unwrap().as_ref().to_vec(),
        Signer::Ed(kp) => kp.sign(input).as_ref().to_vec(),
    }
}

fn token_with(header: &str, payload: &str, signer: &Signer, alg: &str) -> String {
    let input = format!("{}.{}", b64::encode(header.as_bytes()), b64::encode(payload.as_bytes()));
    let s = sign(signer, alg, input.as_bytes());
    format!("{input}.{}", b64::encode(&s))
}

fn token(alg: &str, kid: Option<&str>, payload: &str, signer: &Signer) -> String {
    let header = match kid {
        Some(k) => format!(r#"{{"alg":"{alg}","typ":"JWT","kid":"{k}"}}"#),
        None => format!(r#"{{"alg":"{alg}","typ":"JWT"}}"#),
    };
    token_with(&header, payload, signer, alg)
}

fn payload() -> String {
    format!(r#"{{"sub":"user-1","exp":{},"iat":{}}}"#, NOW + 3600, NOW - 10)
}

fn algs(names: &[&str]) -> VerifierConfig {
    VerifierConfig::new(names.iter().map(|n| Algorithm::from_name(n).unwrap()))
}

fn verifier(keys: KeySet, names: &[&str]) -> Verifier {
    Verifier::new(keys, algs(names)).unwrap()
}

fn rsa_n_e() -> (Vec<u8>, Vec<u8>) {
    use der::asn1::UintRef;
    use der::{Decode, Reader, SliceReader};
    let pkcs1 = rsa().public_key().as_ref();
    let mut r = SliceReader::new(pkcs1).unwrap();
    r.sequence(|s| {
        let n = UintRef::decode(s)?.as_bytes().to_vec();
        let e = UintRef::decode(s)?.as_bytes().to_vec();
        Ok((n, e))
    })
    .unwrap()
}

fn rsa_jwk(kid: &str) -> String {
    let (n, e) = rsa_n_e();
    format!(
        r#"{{"kty":"RSA","kid":"{kid}","n":"{}","e":"{}"}}"#,
        b64::encode(&n),
        b64::encode(&e)
    )
}

fn ec_jwk(kp: &EcdsaKeyPair, crv: &str, kid: &str) -> String {
    let p = kp.public_key().as_ref();
    let len = (p.len() - 1) / 2;
    format!(
        r#"{{"kty":"EC","crv":"{crv}","kid":"{kid}","x":"{}","y":"{}"}}"#,
        b64::encode(&p[1..1 + len]),
        b64::encode(&p[1 + len..])
    )
}

fn ed_jwk(kp: &Ed25519KeyPair, kid: &str) -> String {
    format!(
        r#"{{"kty":"OKP","crv":"Ed25519","kid":"{kid}","x":"{}"}}"#,
        b64::encode(kp.public_key().as_ref())
    )
}

fn jwks(keys: &[String]) -> KeySet {
    KeySet::from_json(format!(r#"{{"keys":[{}]}}"#, keys.join(",")).as_bytes()).unwrap()
}

#[test]
fn every_algorithm_round_trips() {
    let secret = b"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".to_vec();
    let (p256, p384, p521, edk) = (ec(Curve::P256), ec(Curve::P384), ec(Curve::P521), ed());
    let cases: Vec<(&str, KeySet, Signer)> = vec![
        (
            "HS256",
            KeySet::from_secret(&secret).unwrap(),
            Signer::Hmac(secret.clone()),
        ),
        (
            "HS384",
            KeySet::from_secret(&secret).unwrap(),
            Signer::Hmac(secret.clone()),
        ),
        (
            "HS512",
            KeySet::from_secret(&secret).unwrap(),
            Signer::Hmac(secret.clone()),
        ),
        ("RS256", jwks(&[rsa_jwk("r")]), Signer::Rsa(rsa())),
        ("RS384", jwks(&[rsa_jwk("r")]), Signer::Rsa(rsa())),
        ("RS512", jwks(&[rsa_jwk("r")]), Signer::Rsa(rsa())),
        ("PS256", jwks(&[rsa_jwk("r")]), Signer::Rsa(rsa())),
        ("PS384", jwks(&[rsa_jwk("r")]), Signer::Rsa(rsa())),
        ("PS512", jwks(&[rsa_jwk("r")]), Signer::Rsa(rsa())),
        (
            "ES256",
            jwks(&[ec_jwk(&p256, "P-256", "e")]),
            Signer::Ec(ec(Curve::P256)),
        ),
        (
            "ES384",
            jwks(&[ec_jwk(&p384, "P-384", "e")]),
            Signer::Ec(ec(Curve::P384)),
        ),
        (
            "ES512",
            jwks(&[ec_jwk(&p521, "P-521", "e")]),
            Signer::Ec(ec(Curve::P521)),
        ),
        ("EdDSA", jwks(&[ed_jwk(&edk, "d")]), Signer::Ed(ed())),
    ];
    for (alg, keys, other_signer) in cases {
        let v = verifier(keys, &[alg]);
        let signer = match alg {
            "ES256" => Signer::Ec(
                EcdsaKeyPair::from_pkcs8(
                    &sig::ECDSA_P256_SHA256_FIXED_SIGNING,
                    p256.to_pkcs8v1().unwrap().as_ref(),
                )
                .unwrap(),
            ),
            "ES384" => Signer::Ec(
                EcdsaKeyPair::from_pkcs8(
                    &sig::ECDSA_P384_SHA384_FIXED_SIGNING,
                    p384.to_pkcs8v1().unwrap().as_ref(),
                )
                .unwrap(),
            ),
            "ES512" => Signer::Ec(
                EcdsaKeyPair::from_pkcs8(
                    &sig::ECDSA_P521_SHA512_FIXED_SIGNING,
                    p521.to_pkcs8v1().unwrap().as_ref(),
                )
                .unwrap(),
            ),
            "EdDSA" => Signer::Ed(Ed25519KeyPair::from_pkcs8(edk.to_pkcs8().unwrap().as_ref()).unwrap()),
            _ => match &other_signer {
                Signer::Hmac(s) => Signer::Hmac(s.clone()),
                Signer::Rsa(k) => Signer::Rsa(k),
                _ => unreachable!(),
            },
        };
        let kid = if alg.starts_with("HS") { None } else { Some(&alg[..0]) };
        let kid = kid.map(|_| match alg.as_bytes()[0] {
            b'R' | b'P' => "r",
            b'E' if alg == "EdDSA" => "d",
            _ => "e",
        });
        let t = token(alg, kid, &payload(), &signer);
        let claims = v.verify(&t, NOW).unwrap_or_else(|e| panic!("{alg}: {e}"));
        assert_eq!(claims.map["sub"], "user-1");
        // A different key of the same type does not verify (except HMAC/RSA, same key here).
        if !matches!(other_signer, Signer::Hmac(_) | Signer::Rsa(_)) {
            let t = token(alg, kid, &payload(), &other_signer);
            assert_eq!(v.verify(&t, NOW).unwrap_err(), JwtError::InvalidSignature, "{alg}");
        }
        // One flipped payload bit breaks the signature.
        let mut parts: Vec<String> = t.split('.').map(str::to_string).collect();
        parts[1] = b64::encode(payload().replace("user-1", "user-2").as_bytes());
        assert!(v.verify(&parts.join("."), NOW).is_err(), "{alg}");
    }
}

#[test]
fn only_configured_algorithms_and_never_none() {
    let secret = b"k".repeat(32);
    let v = verifier(KeySet::from_secret(&secret).unwrap(), &["HS256"]);
    let t = token("HS384", None, &payload(), &Signer::Hmac(secret.clone()));
    assert!(matches!(v.verify(&t, NOW), Err(JwtError::DisallowedAlgorithm(_))));
    for none in ["none", "None", "NONE", "nOnE"] {
        let header = format!(r#"{{"alg":"{none}"}}"#);
        let t = format!(
            "{}.{}.",
            b64::encode(header.as_bytes()),
            b64::encode(payload().as_bytes())
        );
        assert!(
            matches!(v.verify(&t, NOW), Err(JwtError::DisallowedAlgorithm(_))),
            "{none}"
        );
    }
    assert!(Verifier::new(KeySet::from_secret(&secret).unwrap(), algs(&[])).is_err());
}

#[test]
fn the_header_never_chooses_the_key_type() {
    // An EC key set; a token claiming RS256 or HS256 finds no key, whatever it is signed with.
    let p256 = ec(Curve::P256);
    let keys = jwks(&[ec_jwk(&p256, "P-256", "k")]);
    let v = verifier(keys, &["ES256", "RS256", "HS256", "ES384"]);
    let t = token("RS256", Some("k"), &payload(), &Signer::Rsa(rsa()));
    assert_eq!(
        v.verify(&t, NOW).unwrap_err(),
        JwtError::UnknownKey { refresh_wanted: true }
    );
    let t = token("ES384", Some("k"), &payload(), &Signer::Ec(ec(Curve::P384)));
    assert!(matches!(v.verify(&t, NOW), Err(JwtError::UnknownKey { .. })));
}

#[test]
fn algorithm_confusion_with_public_key_bytes_is_rejected() {
    let pem = {
        let der = rsa().public_key().as_der().unwrap();
        let b = pem_rfc7468::encode_string("PUBLIC KEY", pem_rfc7468::LineEnding::LF, der.as_ref()).unwrap();
        b.into_bytes()
    };
    let der = rsa().public_key().as_der().unwrap().as_ref().to_vec();
    let jwk = rsa_jwk("k").into_bytes();
    let modulus = rsa_n_e().0;
    for (name, keys) in [
        ("pem", KeySet::from_bytes(&pem).unwrap()),
        ("der", KeySet::from_bytes(&der).unwrap()),
        ("jwk", KeySet::from_bytes(&jwk).unwrap()),
    ] {
        assert_eq!(keys.keys()[0].key_type(), KeyType::Rsa, "{name}");
        let v = verifier(keys, &["RS256", "HS256"]);
        for secret in [&pem, &der, &jwk, &modulus] {
            let t = token("HS256", Some("k"), &payload(), &Signer::Hmac(secret.clone()));
            assert!(matches!(v.verify(&t, NOW), Err(JwtError::UnknownKey { .. })), "{name}");
        }
        // The genuine RS256 token still verifies.
        let t = token("RS256", Some("k"), &payload(), &Signer::Rsa(rsa()));
        assert!(v.verify(&t, NOW).is_ok(), "{name}");
    }
    // Public-key bytes are refused as an explicit HMAC secret.
    for bytes in [&pem, &der, &jwk] {
        assert!(KeySet::from_secret(bytes).is_err());
    }
}

#[test]
fn embedded_keys_are_never_used() {
    // The attacker signs with their own key and embeds it; the verifier trusts another key.
    let attacker = ed();
    let trusted = ed();
    let v = verifier(jwks(&[ed_jwk(&trusted, "k")]), &["EdDSA"]);
    let embedded = ed_jwk(&attacker, "k");
    for member in ["jwk", "jku", "x5u", "x5c"] {
        let value = match member {
            "jwk" => embedded.clone(),
            "x5c" => r#"["MIIB"]"#.to_string(),
            _ => r#""https://attacker.example/keys""#.to_string(),
        };
        let header = format!(r#"{{"alg":"EdDSA","kid":"k","{member}":{value}}}"#);
        let t = token_with(&header, &payload(), &Signer::Ed(attacker.clone_for_test()), "EdDSA");
        assert_eq!(v.verify(&t, NOW).unwrap_err(), JwtError::InvalidSignature, "{member}");
    }
    // With no key for the kid at all, an embedded jwk still selects nothing.
    let header = format!(r#"{{"alg":"EdDSA","kid":"zzz","jwk":{embedded}}}"#);
    let t = token_with(&header, &payload(), &Signer::Ed(attacker.clone_for_test()), "EdDSA");
    assert!(matches!(v.verify(&t, NOW), Err(JwtError::UnknownKey { .. })));
}

trait CloneForTest {
    fn clone_for_test(&self) -> Self;
}

impl CloneForTest for Ed25519KeyPair {
    fn clone_for_test(&self) -> Self {
        Ed25519KeyPair::from_pkcs8(self.to_pkcs8().unwrap().as_ref()).unwrap()
    }
}

#[test]
fn unknown_crit_is_rejected() {
    let secret = b"s".repeat(32);
    let v = verifier(KeySet::from_secret(&secret).unwrap(), &["HS256"]);
    let header = r#"{"alg":"HS256","crit":["x-custom"],"x-custom":1}"#;
    let t = token_with(header, &payload(), &Signer::Hmac(secret.clone()), "HS256");
    assert!(matches!(v.verify(&t, NOW), Err(JwtError::Malformed(_))));
    let t = token_with(r#"{"alg":"HS256"}"#, &payload(), &Signer::Hmac(secret), "HS256");
    assert!(v.verify(&t, NOW).is_ok());
}

/// The P-256 group order n.
const P256_N: [u8; 32] = [
    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xbc, 0xe6, 0xfa,
    0xad, 0xa7, 0x17, 0x9e, 0x84, 0xf3, 0xb9, 0xca, 0xc2, 0xfc, 0x63, 0x25, 0x51,
];

#[test]
fn ecdsa_signature_forms() {
    let kp = ec(Curve::P256);
    let v = Verifier::new(jwks(&[ec_jwk(&kp, "P-256", "k")]), {
        let mut c = algs(&["ES256"]);
        c.cache_capacity = 0;
        c
    })
    .unwrap();
    let input = format!(
        "{}.{}",
        b64::encode(br#"{"alg":"ES256","kid":"k"}"#),
        b64::encode(payload().as_bytes())
    );
    let with_sig = |s: &[u8]| format!("{input}.{}", b64::encode(s));
    let raw = sign(&Signer::Ec(kp), "ES256", input.as_bytes());
    assert!(v.verify(&with_sig(&raw), NOW).is_ok());
    // DER (ASN.1) encoding of the same signature.
    let (r, s) = raw.split_at(32);
    let int = |x: &[u8]| {
        let x: Vec<u8> = x.iter().copied().skip_while(|b| *b == 0).collect();
        let mut v = if x[0] & 0x80 != 0 { vec![0] } else { vec![] };
        v.extend(x);
        let mut out = vec![2, v.len() as u8];
        out.extend(v);
        out
    };
    let (ri, si) = (int(r), int(s));
    let mut der = vec![0x30, (ri.len() + si.len()) as u8];
    der.extend(ri);
    der.extend(si);
    let bad = [
        der,
        raw[..63].to_vec(),
        [&raw[..], &[0]].concat(),
        [&[0u8; 32][..], s].concat(),
        [r, &[0u8; 32][..]].concat(),
        [&P256_N[..], s].concat(),
        [r, &P256_N[..]].concat(),
        [&[0xffu8; 32][..], s].concat(),
    ];
    for (i, sig) in bad.iter().enumerate() {
        assert_eq!(
            v.verify(&with_sig(sig), NOW).unwrap_err(),
            JwtError::InvalidSignature,
            "{i}"
        );
    }
}

#[test]
fn oversized_tokens_are_rejected_before_parsing() {
    let secret = b"s".repeat(32);
    let mut config = algs(&["HS256"]);
    config.max_token_bytes = 200;
    let v = Verifier::new(KeySet::from_secret(&secret).unwrap(), config).unwrap();
    let big = format!(r#"{{"sub":"{}","exp":{}}}"#, "x".repeat(200), NOW + 60);
    let t = token("HS256", None, &big, &Signer::Hmac(secret.clone()));
    assert_eq!(
        v.verify(&t, NOW).unwrap_err(),
        JwtError::Malformed("token exceeds max_token_bytes")
    );
    // Even garbage that would fail parsing reports the size first.
    let junk = "!".repeat(201);
    assert_eq!(
        v.verify(&junk, NOW).unwrap_err(),
        JwtError::Malformed("token exceeds max_token_bytes")
    );
}

#[test]
fn odd_kids_select_no_key() {
    let secret = b"s".repeat(32);
    let keys = KeySet::from_json(
        format!(
            r#"{{"keys":[{{"kty":"oct","kid":"k1","k":"{}"}}]}}"#,
            b64::encode(&secret)
        )
        .as_bytes(),
    )
    .unwrap();
    let v = verifier(keys, &["HS256"]);
    let signer = Signer::Hmac(secret);
    let ok = token_with(r#"{"alg":"HS256","kid":"k1"}"#, &payload(), &signer, "HS256");
    assert!(v.verify(&ok, NOW).is_ok());
    for kid in [
        "1",
        "[\"k1\"]",
        "{\"kid\":\"k1\"}",
        "null",
        "true",
        "\"../k1\"",
        "\"k1/../../etc/passwd\"",
        "\"k1' OR '1'='1\"",
        "\"k1; DROP TABLE keys; --\"",
        "\"k1\\u0000\"",
        "\"K1\"",
    ] {
        let header = format!(r#"{{"alg":"HS256","kid":{kid}}}"#);
        let t = token_with(&header, &payload(), &signer, "HS256");
        assert!(matches!(v.verify(&t, NOW), Err(JwtError::UnknownKey { .. })), "{kid}");
    }
}

#[test]
fn claims_are_checked_with_the_passed_in_clock() {
    let secret = b"s".repeat(32);
    let mut config = algs(&["HS256"]);
    config.policy = ClaimsPolicy {
        issuers: vec!["iss".into()],
        audiences: vec!["aud".into()],
        leeway_s: 5,
        required: vec!["sub".into()],
    };
    config.cache_capacity = 0;
    let v = Verifier::new(KeySet::from_secret(&secret).unwrap(), config).unwrap();
    let signer = Signer::Hmac(secret);
    let t = |p: &str| token("HS256", None, p, &signer);
    let good = t(r#"{"iss":"iss","aud":["aud"],"sub":"u","exp":1000,"nbf":900}"#);
    assert!(v.verify(&good, 950).is_ok());
    assert_eq!(v.verify(&good, 1004).map(|_| ()), Ok(()));
    assert_eq!(v.verify(&good, 1005).unwrap_err(), JwtError::Expired);
    assert_eq!(v.verify(&good, 894).unwrap_err(), JwtError::NotYetValid);
    let bad_iss = t(r#"{"iss":"x","aud":"aud","sub":"u"}"#);
    assert_eq!(v.verify(&bad_iss, 950).unwrap_err(), JwtError::InvalidIssuer);
    let bad_aud = t(r#"{"iss":"iss","aud":"x","sub":"u"}"#);
    assert_eq!(v.verify(&bad_aud, 950).unwrap_err(), JwtError::InvalidAudience);
    let no_sub = t(r#"{"iss":"iss","aud":"aud"}"#);
    assert_eq!(
        v.verify(&no_sub, 950).unwrap_err(),
        JwtError::MissingClaim("sub".into())
    );
    let not_object = t("[1,2]");
    assert!(matches!(v.verify(&not_object, 950), Err(JwtError::Malformed(_))));
}

#[test]
fn cache_honours_exp_and_can_be_switched_off() {
    let secret = b"s".repeat(32);
    let signer = Signer::Hmac(secret.clone());
    let t = token("HS256", None, &format!(r#"{{"exp":{}}}"#, NOW + 10), &signer);
    let v = verifier(KeySet::from_secret(&secret).unwrap(), &["HS256"]);
    let first = v.verify(&t, NOW).unwrap();
    assert_eq!(v.cached_tokens(), 1);
    let second = v.verify(&t, NOW + 1).unwrap();
    assert!(
        std::sync::Arc::ptr_eq(&first, &second),
        "the second call is a cache hit"
    );
    assert_eq!(v.verify(&t, NOW + 10).unwrap_err(), JwtError::Expired);
    assert_eq!(v.cached_tokens(), 0, "an expired entry is dropped");
    // A tampered token never hits the entry of the genuine one.
    v.verify(&t, NOW).unwrap();
    let tampered = format!("{}A", &t[..t.len() - 1]);
    assert!(v.verify(&tampered, NOW).is_err());

    let mut config = algs(&["HS256"]);
    config.cache_capacity = 0;
    let off = Verifier::new(KeySet::from_secret(&secret).unwrap(), config).unwrap();
    let a = off.verify(&t, NOW).unwrap();
    let b = off.verify(&t, NOW).unwrap();
    assert!(!std::sync::Arc::ptr_eq(&a, &b));
    assert_eq!(off.cached_tokens(), 0);
}

#[test]
fn jwks_refresh_is_requested_once_per_interval_and_rotation_keeps_tokens() {
    let (k1, k2) = (ed(), ed());
    let mut config = algs(&["EdDSA"]);
    config.jwks_refresh_interval_s = 60;
    let v = Verifier::new(jwks(&[ed_jwk(&k1, "k1")]), config).unwrap();
    let t1 = token("EdDSA", Some("k1"), &payload(), &Signer::Ed(k1.clone_for_test()));
    let t2 = token("EdDSA", Some("k2"), &payload(), &Signer::Ed(k2.clone_for_test()));
    assert!(v.verify(&t1, NOW).is_ok());
    assert_eq!(
        v.verify(&t2, NOW).unwrap_err(),
        JwtError::UnknownKey { refresh_wanted: true }
    );
    assert_eq!(
        v.verify(&t2, NOW + 59).unwrap_err(),
        JwtError::UnknownKey { refresh_wanted: false }
    );
    // The host fetched the rotated JWKS (old and new key) and hands it in.
    let rotated = format!(r#"{{"keys":[{},{}]}}"#, ed_jwk(&k1, "k1"), ed_jwk(&k2, "k2"));
    assert_eq!(v.update_jwks(rotated.as_bytes(), NOW + 59), Ok(2));
    assert!(v.verify(&t2, NOW + 59).is_ok());
    assert!(v.verify(&t1, NOW + 59).is_ok());
    // A bad JWKS keeps the old keys.
    assert!(v.update_jwks(b"{\"keys\":[]}", NOW + 60).is_err());
    assert!(v.verify(&t2, NOW + 60).is_ok());
    // Within the interval after an update no new request; after it, one again.
    let t3 = token("EdDSA", Some("k3"), &payload(), &Signer::Ed(ed()));
    assert_eq!(
        v.verify(&t3, NOW + 100).unwrap_err(),
        JwtError::UnknownKey { refresh_wanted: false }
    );
    assert_eq!(
        v.verify(&t3, NOW + 119).unwrap_err(),
        JwtError::UnknownKey { refresh_wanted: true }
    );
    // Removing a key from the JWKS revokes its tokens, even cached ones.
    v.update_jwks(format!(r#"{{"keys":[{}]}}"#, ed_jwk(&k2, "k2")).as_bytes(), NOW + 120)
        .unwrap();
    assert!(matches!(v.verify(&t1, NOW + 120), Err(JwtError::UnknownKey { .. })));
    // A malformed kid never asks for a refresh.
    let odd = token_with(r#"{"alg":"EdDSA","kid":7}"#, &payload(), &Signer::Ed(ed()), "EdDSA");
    assert_eq!(
        v.verify(&odd, NOW + 1000).unwrap_err(),
        JwtError::UnknownKey { refresh_wanted: false }
    );
}

#[test]
fn jwk_alg_use_and_key_ops_are_honoured() {
    let secret = b64::encode(&b"s".repeat(32));
    let set = |extra: &str| {
        KeySet::from_json(
            format!(
                r#"{{"keys":[{{"kty":"oct","kid":"a","k":"{secret}"{extra}}},{{"kty":"oct","kid":"spare","k":"{secret}"}}]}}"#
            )
            .as_bytes(),
        )
        .unwrap()
    };
    let signer = Signer::Hmac(b"s".repeat(32));
    let t256 = token("HS256", Some("a"), &payload(), &signer);
    let t384 = token("HS384", Some("a"), &payload(), &signer);
    let v = verifier(set(r#","alg":"HS384""#), &["HS256", "HS384"]);
    assert!(matches!(v.verify(&t256, NOW), Err(JwtError::UnknownKey { .. })));
    assert!(v.verify(&t384, NOW).is_ok());
    for extra in [r#","use":"enc""#, r#","key_ops":["sign"]"#, r#","key_ops":"verify""#] {
        let keys = set(extra);
        assert_eq!(keys.len(), 1, "{extra}: the restricted key is skipped");
        let v = verifier(keys, &["HS256"]);
        assert!(
            matches!(v.verify(&t256, NOW), Err(JwtError::UnknownKey { .. })),
            "{extra}"
        );
    }
    let v = verifier(set(r#","use":"sig","key_ops":["verify"]"#), &["HS256"]);
    assert!(v.verify(&t256, NOW).is_ok());
    // A JWK whose alg does not suit its kty is refused.
    assert!(KeySet::from_json(format!(r#"{{"kty":"oct","k":"{secret}","alg":"RS256"}}"#).as_bytes()).is_err());
}

#[test]
fn key_loading_shapes() {
    let ec_kp = ec(Curve::P384);
    let spki = ec_kp.public_key().as_der().unwrap().as_ref().to_vec();
    let pem = pem_rfc7468::encode_string("PUBLIC KEY", pem_rfc7468::LineEnding::LF, &spki).unwrap();
    assert_eq!(
        KeySet::from_bytes(&spki).unwrap().keys()[0].key_type(),
        KeyType::Ec(Curve::P384)
    );
    assert_eq!(KeySet::from_bytes(pem.as_bytes()).unwrap().source(), Source::Pem);
    let ed_kp = ed();
    let ed_spki = ed_kp.public_key().as_der().unwrap().as_ref().to_vec();
    assert_eq!(
        KeySet::from_bytes(&ed_spki).unwrap().keys()[0].key_type(),
        KeyType::Ed25519
    );
    let private = pem_rfc7468::encode_string("PRIVATE KEY", pem_rfc7468::LineEnding::LF, b"x").unwrap();
    assert!(KeySet::from_bytes(private.as_bytes()).is_err());
    assert_eq!(KeySet::from_bytes(b"a plain secret").unwrap().source(), Source::Secret);
    assert!(KeySet::from_bytes(b"").is_err());
    // Short EC coordinates and small RSA keys are refused.
    assert!(KeySet::from_json(br#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#).is_err());
    let small_n = b64::encode(&[0xc5; 128]);
    assert!(KeySet::from_json(format!(r#"{{"kty":"RSA","n":"{small_n}","e":"AQAB"}}"#).as_bytes()).is_err());
}
