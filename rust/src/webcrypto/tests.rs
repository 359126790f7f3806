use super::import::Params;
use super::*;
use crate::jwt::Curve;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn params(kind: Kind, hash: Option<Hash>, curve: Option<Curve>) -> Params {
    Params {
        kind,
        hash,
        curve,
        length: None,
    }
}

#[test]
fn digest_known_answer() {
    assert_eq!(
        digest(Hash::Sha256, b"abc"),
        unhex("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    );
    assert_eq!(digest(Hash::Sha1, b"").len(), 20);
}

#[test]
fn hmac_rfc4231_case_2() {
    let m = import_raw(&params(Kind::Hmac, Some(Hash::Sha256), None), b"Jefe").unwrap();
    let tag = sign(&m, &SigParams::Hmac, b"what do ya want for nothing?").unwrap();
    assert_eq!(
        tag,
        unhex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    );
    assert!(verify(&m, &SigParams::Hmac, &tag, b"what do ya want for nothing?").unwrap());
    assert!(!verify(&m, &SigParams::Hmac, &tag[..16], b"what do ya want for nothing?").unwrap());
    assert_eq!(m.info().bits, 32);
}

#[test]
fn hmac_length_must_fit_the_data() {
    let mut p = params(Kind::Hmac, Some(Hash::Sha256), None);
    p.length = Some(64);
    assert_eq!(import_raw(&p, &[1; 4]).unwrap_err().name, ErrorName::Data);
    assert_eq!(
        import_raw(&params(Kind::Hmac, Some(Hash::Sha256), None), &[])
            .unwrap_err()
            .name,
        ErrorName::Data
    );
}

#[test]
fn ed25519_rfc8032_test_1() {
    let seed = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
    let x = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
    let p = params(Kind::Ed25519, None, None);
    let private = import_jwk(
        &p,
        &format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}","d":"{seed}"}}"#),
    )
    .unwrap();
    let public = import_jwk(&p, &format!(r#"{{"kty":"OKP","crv":"Ed25519","x":"{x}"}}"#)).unwrap();
    let sig = sign(&private, &SigParams::Ed25519, b"").unwrap();
    assert_eq!(sig, unhex("e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"));
    assert!(verify(&public, &SigParams::Ed25519, &sig, b"").unwrap());
    assert!(!verify(&public, &SigParams::Ed25519, &sig, b"x").unwrap());
    // A private key cannot verify, a public key cannot sign.
    assert_eq!(
        verify(&private, &SigParams::Ed25519, &sig, b"").unwrap_err().name,
        ErrorName::InvalidAccess
    );
    assert_eq!(
        sign(&public, &SigParams::Ed25519, b"").unwrap_err().name,
        ErrorName::InvalidAccess
    );
}

#[test]
fn ecdsa_generated_from_host_seed_is_deterministic_and_round_trips() {
    let seed = [7u8; 66 * 8];
    let (public, private) = generate_ec(Curve::P256, &seed).unwrap();
    let (public2, _) = generate_ec(Curve::P256, &seed).unwrap();
    assert_eq!(export_raw(&public).unwrap(), export_raw(&public2).unwrap());
    let params = SigParams::Ecdsa { hash: Hash::Sha256 };
    let sig = sign(&private, &params, b"msg").unwrap();
    assert_eq!(sig.len(), 64);
    assert!(verify(&public, &params, &sig, b"msg").unwrap());
    assert!(!verify(&public, &params, &sig[..63], b"msg").unwrap());
    // The hash is a parameter of the operation: a SHA-256 signature does not verify as SHA-384.
    let other = SigParams::Ecdsa { hash: Hash::Sha384 };
    assert!(!verify(&public, &other, &sig, b"msg").unwrap());
    let spki = export_spki(&public).unwrap();
    let again = import_spki(
        &super::import::Params {
            kind: Kind::Ecdsa,
            hash: None,
            curve: Some(Curve::P256),
            length: None,
        },
        &spki,
    )
    .unwrap();
    assert!(verify(&again, &params, &sig, b"msg").unwrap());
    let wrong_curve = import_spki(
        &super::import::Params {
            kind: Kind::Ecdsa,
            hash: None,
            curve: Some(Curve::P384),
            length: None,
        },
        &spki,
    );
    assert_eq!(wrong_curve.unwrap_err().name, ErrorName::Data);
}

#[test]
fn jwk_errors_are_data_errors() {
    let p = params(Kind::Hmac, Some(Hash::Sha256), None);
    for bad in [
        r#"[]"#,
        r#"{"kty":"oct"}"#,
        r#"{"kty":"oct","k":"a+b"}"#,
        r#"{"kty":"EC","k":"AAAA"}"#,
    ] {
        assert_eq!(import_jwk(&p, bad).unwrap_err().name, ErrorName::Data, "{bad}");
    }
}

#[test]
fn timing_safe_equal_compares_lengths_and_bytes() {
    assert!(timing_safe_equal(b"abc", b"abc"));
    assert!(!timing_safe_equal(b"abc", b"abd"));
    assert!(!timing_safe_equal(b"abc", b"ab"));
}
