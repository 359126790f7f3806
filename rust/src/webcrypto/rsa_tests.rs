//! Tests of the RSA operations (`rsa_key.rs`, `rsa_sign.rs`, `rsa_oaep.rs`, `rsa_keygen.rs`):
//! Wycheproof RSA-PSS vectors with every salt length, cross-backend RSA-OAEP (aws-lc-rs against
//! RustCrypto), key export round trips and the generation parameters.

use super::import::Params;
use super::key::Material;
use super::rsa_keygen;
use super::*;
use rsa::traits::PublicKeyParts;
use serde_json::Value;

const E65537: [u8; 3] = [1, 0, 1];

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn wycheproof(name: &str) -> Value {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/data/wycheproof")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

fn params(kind: Kind, hash: Hash) -> Params {
    Params {
        kind,
        hash: Some(hash),
        curve: None,
        length: None,
    }
}

/// No CPU limit.
struct Unlimited;

impl rsa_keygen::Budget for Unlimited {
    fn cannot_finish(&self, _work_ns: u64) -> bool {
        false
    }

    fn remaining_ns(&self) -> u64 {
        u64::MAX
    }
}

/// A generated pair (aws-lc-rs for 2048 bits with 65537, RustCrypto otherwise).
fn pair(bits: usize, exponent: &[u8], seed: u8) -> (Material, Material) {
    generate_rsa(bits, exponent, [seed; 32], &Unlimited).unwrap().unwrap()
}

fn spki_of(public: &Material) -> Vec<u8> {
    export_spki(public).unwrap()
}

#[test]
fn wycheproof_pss_every_salt_length() {
    let file = wycheproof("rsa_pss_misc_test.json");
    let mut checked = 0;
    for group in file["testGroups"].as_array().unwrap() {
        let sha = group["sha"].as_str().unwrap();
        if group["mgfSha"].as_str() != Some(sha) {
            continue; // WebCrypto's RSA-PSS uses MGF1 with the signature's hash
        }
        let Ok(hash) = Hash::parse(sha) else { continue };
        let salt = group["sLen"].as_u64().unwrap() as usize;
        let key = import_spki(
            &params(Kind::RsaPss, hash),
            &unhex(group["publicKeyDer"].as_str().unwrap()),
        )
        .unwrap();
        for t in group["tests"].as_array().unwrap() {
            let msg = unhex(t["msg"].as_str().unwrap());
            let sig = unhex(t["sig"].as_str().unwrap());
            let valid = t["result"] == "valid";
            let p = SigParams::RsaPss {
                hash,
                salt_length: salt,
            };
            assert_eq!(
                verify(&key, &p, &sig, &msg).unwrap(),
                valid,
                "{sha} sLen {salt} tcId {}",
                t["tcId"]
            );
            if valid {
                // The salt length is part of the check: one more byte does not verify.
                let other = SigParams::RsaPss {
                    hash,
                    salt_length: salt + 1,
                };
                assert!(!verify(&key, &other, &sig, &msg).unwrap());
            }
            checked += 1;
        }
    }
    assert!(checked >= 24, "only {checked} vectors");
}

#[test]
fn wycheproof_pss_2048_sha256_on_both_backends() {
    let file = wycheproof("rsa_pss_2048_sha256_mgf1_32_test.json");
    for group in file["testGroups"].as_array().unwrap() {
        let key = import_spki(
            &params(Kind::RsaPss, Hash::Sha256),
            &unhex(group["publicKeyDer"].as_str().unwrap()),
        )
        .unwrap();
        for t in group["tests"].as_array().unwrap() {
            let msg = unhex(t["msg"].as_str().unwrap());
            let sig = unhex(t["sig"].as_str().unwrap());
            let p = SigParams::RsaPss {
                hash: Hash::Sha256,
                salt_length: 32,
            };
            // aws-lc-rs verifies; RustCrypto, asked directly, must agree.
            let aws = verify(&key, &p, &sig, &msg).unwrap();
            let Material::RsaPublic { der } = &key else { panic!() };
            let public = rsa_key::rustcrypto_public(der).unwrap();
            let hashed = digest(Hash::Sha256, &msg);
            let rc = rsa::traits::SignatureScheme::verify(
                rsa::Pss::new_with_salt::<sha2::Sha256>(32),
                &public,
                &hashed,
                &sig,
            )
            .is_ok();
            assert_eq!(aws, t["result"] == "valid", "tcId {}", t["tcId"]);
            if t["result"] != "acceptable" {
                assert_eq!(aws, rc, "backends disagree on tcId {}", t["tcId"]);
            }
        }
    }
}

#[test]
fn pss_sign_with_any_salt_length() {
    let (public, private) = pair(2048, &E65537, 1);
    for hash in [Hash::Sha1, Hash::Sha256, Hash::Sha384, Hash::Sha512] {
        for salt in [0, 17, hash.output_len(), 100] {
            let p = SigParams::RsaPss {
                hash,
                salt_length: salt,
            };
            let sig = sign(&private, &p, b"message").unwrap();
            assert!(verify(&public, &p, &sig, b"message").unwrap(), "{hash:?} salt {salt}");
            assert!(!verify(&public, &p, &sig, b"other message").unwrap());
            let wrong = SigParams::RsaPss {
                hash,
                salt_length: salt + 1,
            };
            assert!(!verify(&public, &wrong, &sig, b"message").unwrap());
        }
    }
    // A salt that does not fit the modulus is an OperationError, and never verifies.
    let p = SigParams::RsaPss {
        hash: Hash::Sha256,
        salt_length: 300,
    };
    assert_eq!(sign(&private, &p, b"m").unwrap_err().name, ErrorName::Operation);
    assert!(!verify(&public, &p, &[0u8; 256], b"m").unwrap());
}

#[test]
fn pkcs1_sha1_and_small_keys() {
    let (public, private) = pair(2048, &E65537, 2);
    let p = SigParams::RsaPkcs1 { hash: Hash::Sha1 };
    let sig = sign(&private, &p, b"legacy").unwrap();
    assert!(verify(&public, &p, &sig, b"legacy").unwrap());
    // RustCrypto and aws-lc-rs produce the same deterministic PKCS#1 v1.5 signature.
    let sha256 = SigParams::RsaPkcs1 { hash: Hash::Sha256 };
    let Material::RsaPrivate { key } = &private else {
        panic!()
    };
    let rc = key
        .rustcrypto()
        .sign(rsa::Pkcs1v15Sign::new::<sha2::Sha256>(), &digest(Hash::Sha256, b"x"))
        .unwrap();
    assert_eq!(sign(&private, &sha256, b"x").unwrap(), rc);

    let (public, private) = pair(1024, &E65537, 3);
    assert_eq!(public.info().bits, 1024);
    for hash in [Hash::Sha1, Hash::Sha256, Hash::Sha384, Hash::Sha512] {
        let p = SigParams::RsaPkcs1 { hash };
        let sig = sign(&private, &p, b"small").unwrap();
        assert_eq!(sig.len(), 128);
        assert!(verify(&public, &p, &sig, b"small").unwrap());
        assert!(!verify(&public, &p, &sig, b"smalL").unwrap());
    }
}

#[test]
fn oaep_round_trips_with_labels_on_both_backends() {
    let (public, private) = pair(2048, &E65537, 4);
    let Material::RsaPublic { der } = &public else { panic!() };
    let rc_public = rsa_key::rustcrypto_public(der).unwrap();
    for hash in [Hash::Sha1, Hash::Sha256, Hash::Sha384, Hash::Sha512] {
        for label in [&b""[..], b"a label"] {
            let ct = rsa_oaep::encrypt(&public, hash, label, b"secret").unwrap();
            assert_eq!(ct.len(), 256);
            assert_eq!(rsa_oaep::decrypt(&private, hash, label, &ct).unwrap(), b"secret");
            // Randomized: a second encryption differs.
            assert_ne!(rsa_oaep::encrypt(&public, hash, label, b"secret").unwrap(), ct);
            // Another label or hash does not decrypt, and says nothing more than OperationError.
            let err = rsa_oaep::decrypt(&private, hash, b"other", &ct).unwrap_err();
            assert_eq!(err.name, ErrorName::Operation);
            // RustCrypto's OAEP encryption, decrypted by aws-lc-rs.
            let label_str = std::str::from_utf8(label).unwrap().to_owned();
            let padding = match hash {
                Hash::Sha1 => rsa::Oaep::new_with_label::<sha1::Sha1, _>(label_str),
                Hash::Sha256 => rsa::Oaep::new_with_label::<sha2::Sha256, _>(label_str),
                Hash::Sha384 => rsa::Oaep::new_with_label::<sha2::Sha384, _>(label_str),
                Hash::Sha512 => rsa::Oaep::new_with_label::<sha2::Sha512, _>(label_str),
            };
            let ct = rc_public
                .encrypt(&mut rsa::rand_core::OsRng, padding, b"from RustCrypto")
                .unwrap();
            assert_eq!(
                rsa_oaep::decrypt(&private, hash, label, &ct).unwrap(),
                b"from RustCrypto"
            );
        }
        // k - 2 hLen - 2 bytes fit; one more is an OperationError.
        let max = rsa_oaep::max_plaintext(256, hash);
        assert!(rsa_oaep::encrypt(&public, hash, b"", &vec![7u8; max]).is_ok());
        let err = rsa_oaep::encrypt(&public, hash, b"", &vec![7u8; max + 1]).unwrap_err();
        assert_eq!(err.name, ErrorName::Operation);
    }
    // Binary labels work on aws-lc-rs keys.
    let label = [0xffu8, 0, 0xfe];
    let ct = rsa_oaep::encrypt(&public, Hash::Sha256, &label, b"x").unwrap();
    assert_eq!(rsa_oaep::decrypt(&private, Hash::Sha256, &label, &ct).unwrap(), b"x");
    // Wrong key halves are InvalidAccessError.
    assert_eq!(
        rsa_oaep::encrypt(&private, Hash::Sha256, b"", b"x").unwrap_err().name,
        ErrorName::InvalidAccess
    );
    assert_eq!(
        rsa_oaep::decrypt(&public, Hash::Sha256, b"", &ct).unwrap_err().name,
        ErrorName::InvalidAccess
    );
    assert_eq!(
        rsa_oaep::decrypt(&private, Hash::Sha256, b"", &ct[1..])
            .unwrap_err()
            .name,
        ErrorName::Operation
    );
}

#[test]
fn oaep_small_keys_use_rustcrypto() {
    let (public, private) = pair(1024, &E65537, 5);
    let ct = rsa_oaep::encrypt(&public, Hash::Sha256, b"label", b"small key").unwrap();
    assert_eq!(ct.len(), 128);
    assert_eq!(
        rsa_oaep::decrypt(&private, Hash::Sha256, b"label", &ct).unwrap(),
        b"small key"
    );
    let err = rsa_oaep::encrypt(&public, Hash::Sha256, &[0xff], b"x").unwrap_err();
    assert_eq!(err.name, ErrorName::NotSupported);
}

#[test]
fn private_key_export_round_trips() {
    for (bits, seed) in [(1024, 6), (2048, 7)] {
        let (public, private) = pair(bits, &E65537, seed);
        let pkcs8 = export_pkcs8(&private).unwrap();
        for kind in [Kind::RsaPkcs1, Kind::RsaPss, Kind::RsaOaep] {
            let again = import_pkcs8(&params(kind, Hash::Sha256), &pkcs8).unwrap();
            assert_eq!(export_pkcs8(&again).unwrap(), pkcs8);
            assert_eq!(again.info().bits, bits);
            assert_eq!(again.info().public_exponent, E65537);
        }
        let jwk = export_jwk(&private).unwrap();
        for member in ["n", "e", "d", "p", "q", "dp", "dq", "qi"] {
            assert!(jwk[member].is_string(), "{member}");
        }
        let again = import_jwk(&params(Kind::RsaOaep, Hash::Sha1), &jwk.to_string()).unwrap();
        assert_eq!(export_pkcs8(&again).unwrap(), pkcs8);
        // A JWK whose CRT values do not belong to its primes is refused.
        let mut bad = jwk.clone();
        bad["dp"] = bad["dq"].clone();
        let err = import_jwk(&params(Kind::RsaOaep, Hash::Sha1), &bad.to_string()).unwrap_err();
        assert_eq!(err.name, ErrorName::Data);
        // spki and the public JWK.
        let spki = spki_of(&public);
        let again = import_spki(&params(Kind::RsaOaep, Hash::Sha1), &spki).unwrap();
        assert_eq!(spki_of(&again), spki);
        // The RSA algorithms have no raw format.
        assert_eq!(export_raw(&public).unwrap_err().name, ErrorName::NotSupported);
        assert_eq!(export_raw(&private).unwrap_err().name, ErrorName::NotSupported);
        let public_jwk = export_jwk(&public).unwrap();
        assert_eq!(public_jwk["n"], jwk["n"]);
        assert!(public_jwk.get("d").is_none());
    }
}

#[test]
fn generation_parameters() {
    let op = |bits: usize, e: &[u8]| rsa_keygen::check_params(bits, e).unwrap_err().name;
    // The WPT failures: exponents 1 and 65536.
    assert_eq!(op(2048, &[1]), ErrorName::Operation);
    assert_eq!(op(2048, &[1, 0, 0]), ErrorName::Operation);
    assert_eq!(op(2048, &[]), ErrorName::Operation);
    assert_eq!(op(1000, &E65537), ErrorName::Operation);
    assert_eq!(op(1020, &E65537), ErrorName::Operation);
    assert_eq!(op(512, &E65537), ErrorName::Operation);
    assert_eq!(op(16384, &E65537), ErrorName::Operation);
    assert_eq!(op(6144, &E65537), ErrorName::Operation);
    assert_eq!(rsa_keygen::check_params(2048, &[0, 0, 1, 0, 1]).unwrap(), 65537);
    assert_eq!(rsa_keygen::check_params(1032, &[3]).unwrap(), 3);
    // RustCrypto's generation follows the host seed: the same seed, the same key.
    let (a, _) = pair(1032, &[3], 9);
    let (b, _) = pair(1032, &[3], 9);
    let (c, _) = pair(1032, &[3], 10);
    assert_eq!(spki_of(&a), spki_of(&b));
    assert_ne!(spki_of(&a), spki_of(&c));
    assert_eq!(a.info().bits, 1032);
    assert_eq!(a.info().public_exponent, vec![3]);
    let Material::RsaPublic { der } = &a else { panic!() };
    assert_eq!(rsa_key::rustcrypto_public(der).unwrap().e(), &rsa::BigUint::from(3u8));
}

#[test]
fn import_sizes() {
    // 1024 to 16384 bits import; smaller keys are NotSupportedError.
    let (public, _) = pair(1024, &E65537, 11);
    assert!(import_spki(&params(Kind::RsaPkcs1, Hash::Sha256), &spki_of(&public)).is_ok());
    let small = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 768).unwrap();
    let der = rsa_key::spki(&rsa_key::public_pkcs1(
        &small.n().to_bytes_be(),
        &small.e().to_bytes_be(),
    ))
    .unwrap();
    let err = import_spki(&params(Kind::RsaPkcs1, Hash::Sha256), &der).unwrap_err();
    assert_eq!(err.name, ErrorName::NotSupported);
}

/// A CPU budget that says stop at its `stop_at`-th question and reports `remaining` left.
struct Stopping {
    asked: std::cell::Cell<u32>,
    stop_at: u32,
    remaining: u64,
}

impl Stopping {
    fn new(stop_at: u32, remaining: u64) -> Stopping {
        Stopping {
            asked: std::cell::Cell::new(0),
            stop_at,
            remaining,
        }
    }
}

impl rsa_keygen::Budget for Stopping {
    fn cannot_finish(&self, _work_ns: u64) -> bool {
        self.asked.set(self.asked.get() + 1);
        self.asked.get() >= self.stop_at
    }

    fn remaining_ns(&self) -> u64 {
        self.remaining
    }
}

#[test]
fn a_budget_short_of_the_floor_ends_a_generation_before_it_starts() {
    let budget = Stopping::new(1, 0);
    assert!(generate_rsa(8192, &[1, 0, 1], [1; 32], &budget).unwrap().is_none());
    assert_eq!(budget.asked.get(), 1);
    assert!(rsa_keygen::floor_ns(8192) > rsa_keygen::floor_ns(4096));
    assert_eq!(rsa_keygen::floor_ns(2048), 5_000_000);
}

#[test]
fn with_little_budget_left_rustcrypto_generates_and_asks_before_every_candidate() {
    // 2048 bits with 65537 is AWS-LC's size, but not with less left than AWS-LC typically takes.
    let budget = Stopping::new(6, rsa_keygen::typical_ns(2048) - 1);
    assert!(generate_rsa(2048, &[1, 0, 1], [1; 32], &budget).unwrap().is_none());
    assert_eq!(budget.asked.get(), 6);
    // Sizes only RustCrypto generates are asked the same way.
    let budget = Stopping::new(4, u64::MAX);
    assert!(generate_rsa(1032, &[3], [1; 32], &budget).unwrap().is_none());
    assert_eq!(budget.asked.get(), 4);
}

#[test]
fn with_enough_budget_left_aws_lc_generates_asked_only_before() {
    let budget = Stopping::new(u32::MAX, rsa_keygen::typical_ns(2048));
    let (public, _) = generate_rsa(2048, &[1, 0, 1], [1; 32], &budget).unwrap().unwrap();
    assert_eq!(budget.asked.get(), 1);
    assert!(matches!(public, Material::RsaPublic { .. }));
}
