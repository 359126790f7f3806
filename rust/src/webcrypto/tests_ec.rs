//! Known-answer tests of key agreement and EC keys: RFC 7748 (X25519), RFC 5903 (ECDH on
//! P-256, P-384, P-521; the NIST CAVP-style vectors of IKE), compressed points, ECDSA with a
//! hash aws-lc-rs does not pair with the curve.

use super::import::Params;
use super::*;
use crate::jwt::Curve;

fn unhex(s: &str) -> Vec<u8> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn params(kind: Kind, curve: Option<Curve>) -> Params {
    Params {
        kind,
        hash: None,
        curve,
        length: None,
    }
}

fn x25519(private: &str) -> Material {
    super::x25519::private(&unhex(private)).unwrap()
}

/// RFC 7748 6.1: Alice and Bob agree on K.
#[test]
fn x25519_rfc7748_6_1() {
    let alice = x25519("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    let bob = x25519("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    let alice_pub = unhex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    let bob_pub = unhex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    assert_eq!(
        export_raw(&import_raw(&params(Kind::X25519, None), &alice_pub).unwrap()).unwrap(),
        alice_pub
    );
    let k = unhex("4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742");
    let bob_public = import_raw(&params(Kind::X25519, None), &bob_pub).unwrap();
    let alice_public = import_raw(&params(Kind::X25519, None), &alice_pub).unwrap();
    assert_eq!(agreement_bits(&alice, &bob_public, None).unwrap(), k);
    assert_eq!(agreement_bits(&bob, &alice_public, None).unwrap(), k);
    // The JWK of a private key names its public key.
    let jwk = export_jwk(&alice).unwrap();
    assert_eq!(jwk["crv"], "X25519");
    assert_eq!(jwk["x"], crate::jwt::b64url_encode(&alice_pub));
}

/// RFC 7748 5.2: the first scalar-multiplication vector, through a pkcs8/spki round trip.
#[test]
fn x25519_rfc7748_5_2_and_der_round_trip() {
    let scalar = "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4";
    let u = unhex("e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c");
    let key = x25519(scalar);
    let pkcs8 = export_pkcs8(&key).unwrap();
    assert_eq!(&pkcs8[..16], &unhex("302e020100300506032b656e04220420")[..]);
    let key = import_pkcs8(&params(Kind::X25519, None), &pkcs8).unwrap();
    let peer = import_raw(&params(Kind::X25519, None), &u).unwrap();
    let spki = export_spki(&peer).unwrap();
    assert_eq!(&spki[..12], &unhex("302a300506032b656e032100")[..]);
    let peer = import_spki(&params(Kind::X25519, None), &spki).unwrap();
    assert_eq!(
        agreement_bits(&key, &peer, None).unwrap(),
        unhex("c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552")
    );
}

/// A small-order public key (here u = 0) gives an all-zero secret: an OperationError.
#[test]
fn x25519_all_zero_secret_is_an_operation_error() {
    let key = x25519("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    for small in [vec![0u8; 32], {
        let mut one = vec![0u8; 32];
        one[0] = 1;
        one
    }] {
        let peer = import_raw(&params(Kind::X25519, None), &small).unwrap();
        assert_eq!(
            agreement_bits(&key, &peer, None).unwrap_err().name,
            ErrorName::Operation
        );
    }
}

/// RFC 5903 8.1: ECDH on P-256 (the ECP-256 group), from JWK components.
#[test]
fn ecdh_p256_rfc5903() {
    let i = unhex("C88F01F510D9AC3F70A292DAA2316DE544E9AAB8AFE84049C62A9C57862D1433");
    let gix = unhex("DAD0B65394221CF9B051E1FECA5787D098DFE637FC90B9EF945D0C3772581180");
    let giy = unhex("5271A0461CDB8252D61F1C456FA3E59AB1F45B33ACCF5F58389E0577B8990BB3");
    let grx = unhex("D12DFB5289C8D4F81208B70270398C342296970A0BCCB74C736FC7554494BF63");
    let gry = unhex("56FBF3CA366CC23E8157854C13C58D6AAC23F046ADA30F8353E74F33039872AB");
    let shared = unhex("D6840F6B42F6EDAFD13116E0E12565202FEF8E9ECE7DCE03812464D04B9442DE");
    let b = crate::jwt::b64url_encode;
    let jwk = format!(
        r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}","d":"{}"}}"#,
        b(&gix),
        b(&giy),
        b(&i)
    );
    let p = params(Kind::Ecdh, Some(Curve::P256));
    let private = import_jwk(&p, &jwk).unwrap();
    let mut point = vec![4u8];
    point.extend_from_slice(&grx);
    point.extend_from_slice(&gry);
    let peer = import_raw(&p, &point).unwrap();
    assert_eq!(agreement_bits(&private, &peer, None).unwrap(), shared);
    // The same peer given compressed (y is odd: 0x03) agrees on the same secret and exports
    // uncompressed.
    let mut compressed = vec![if gry[31] & 1 == 1 { 3u8 } else { 2 }];
    compressed.extend_from_slice(&grx);
    let peer_c = import_raw(&p, &compressed).unwrap();
    assert_eq!(export_raw(&peer_c).unwrap(), point);
    assert_eq!(agreement_bits(&private, &peer_c, Some(128)).unwrap(), shared[..16]);
    // pkcs8 round trip; a length above the secret is an OperationError; odd lengths mask.
    let again = import_pkcs8(&p, &export_pkcs8(&private).unwrap()).unwrap();
    assert_eq!(agreement_bits(&again, &peer, Some(256)).unwrap(), shared);
    assert_eq!(
        agreement_bits(&again, &peer, Some(264)).unwrap_err().name,
        ErrorName::Operation
    );
    let odd = agreement_bits(&again, &peer, Some(12)).unwrap();
    assert_eq!(odd, vec![shared[0], shared[1] & 0xf0]);
    // A JWK whose x/y are not d's public key is a DataError.
    let wrong = format!(
        r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}","d":"{}"}}"#,
        b(&grx),
        b(&gry),
        b(&i)
    );
    assert_eq!(import_jwk(&p, &wrong).unwrap_err().name, ErrorName::Data);
}

/// RFC 5903 8.2: ECDH on P-384.
#[test]
fn ecdh_p384_rfc5903() {
    let i = unhex("099F3C7034D4A2C699884D73A375A67F7624EF7C6B3C0F160647B67414DCE655E35B538041E649EE3FAEF896783AB194");
    let grx = unhex("E558DBEF53EECDE3D3FCCFC1AEA08A89A987475D12FD950D83CFA41732BC509D0D1AC43A0336DEF96FDA41D0774A3571");
    let gry = unhex("DCFBEC7AACF3196472169E838430367F66EEBE3C6E70C416DD5F0C68759DD1FFF83FA40142209DFF5EAAD96DB9E6386C");
    let shared =
        unhex("11187331C279962D93D604243FD592CB9D0A926F422E47187521287E7156C5C4D603135569B9E9D09CF5D4A270F59746");
    let p = params(Kind::Ecdh, Some(Curve::P384));
    let (_, private) = super::ecdh::generate(Curve::P384, &i).unwrap();
    let mut point = vec![4u8];
    point.extend_from_slice(&grx);
    point.extend_from_slice(&gry);
    let peer = import_raw(&p, &point).unwrap();
    assert_eq!(agreement_bits(&private, &peer, None).unwrap(), shared);
    // A point off the curve is a DataError.
    point[10] ^= 1;
    assert_eq!(import_raw(&p, &point).unwrap_err().name, ErrorName::Data);
}

/// RFC 5903 8.3: ECDH on P-521, the responder's side.
#[test]
fn ecdh_p521_rfc5903() {
    let r = unhex(
        "0145BA99A847AF43793FDD0E872E7CDFA16BE30FDC780F97BCCC3F078380201E9C677D600B343757A3BDBF2A3163E4C2F869CCA7458AA4A4EFFC311F5CB151685EB9",
    );
    let gix = unhex(
        "0015417E84DBF28C0AD3C278713349DC7DF153C897A1891BD98BAB4357C9ECBEE1E3BF42E00B8E380AEAE57C2D107564941885942AF5A7F4601723C4195D176CED3E",
    );
    let giy = unhex(
        "017CAE20B6641D2EEB695786D8C946146239D099E18E1D5A514C739D7CB4A10AD8A788015AC405D7799DC75E7B7D5B6CF2261A6A7F1507438BF01BEB6CA3926F9582",
    );
    let shared = unhex(
        "01144C7D79AE6956BC8EDB8E7C787C4521CB086FA64407F97894E5E6B2D79B04D1427E73CA4BAA240A34786859810C06B3C715A3A8CC3151F2BEE417996D19F3DDEA",
    );
    let p = params(Kind::Ecdh, Some(Curve::P521));
    let (_, private) = super::ecdh::generate(Curve::P521, &r).unwrap();
    let mut point = vec![4u8];
    point.extend_from_slice(&gix);
    point.extend_from_slice(&giy);
    let peer = import_raw(&p, &point).unwrap();
    assert_eq!(agreement_bits(&private, &peer, None).unwrap(), shared);
    // A P-256 public key does not agree with a P-521 private key.
    let (other, _) = super::ecdh::generate(Curve::P256, &[7u8; 64]).unwrap();
    assert_eq!(
        agreement_bits(&private, &other, None).unwrap_err().name,
        ErrorName::InvalidAccess
    );
}

/// ECDSA with every hash on every curve: what is signed verifies, through aws-lc-rs (the
/// curve's own hash) or RustCrypto (any other), and a changed message does not.
#[test]
fn ecdsa_every_curve_and_hash() {
    for curve in [Curve::P256, Curve::P384, Curve::P521] {
        let (public, private) = generate_ec(curve, &[0x42u8; 66 * 8]).unwrap();
        for hash in [Hash::Sha1, Hash::Sha256, Hash::Sha384, Hash::Sha512] {
            let params = SigParams::Ecdsa { hash };
            let s = sign(&private, &params, b"message").unwrap();
            assert_eq!(s.len(), 2 * curve.coordinate_len());
            assert!(verify(&public, &params, &s, b"message").unwrap(), "{curve:?} {hash:?}");
            assert!(!verify(&public, &params, &s, b"massage").unwrap());
        }
    }
}

/// A P-256 signature with SHA-384 made by RustCrypto verifies with aws-lc-rs's own
/// ECDSA_P256_SHA384_ASN1 (the two libraries agree on the hash-to-integer rule).
#[test]
fn ecdsa_p256_sha384_cross_checked_with_aws_lc() {
    use aws_lc_rs::signature::{UnparsedPublicKey, ECDSA_P256_SHA384_ASN1};
    let (public, private) = generate_ec(Curve::P256, &[0x17u8; 66 * 8]).unwrap();
    let s = sign(&private, &SigParams::Ecdsa { hash: Hash::Sha384 }, b"data").unwrap();
    let point = export_raw(&public).unwrap();
    let r = p256::ecdsa::Signature::from_slice(&s).unwrap().to_der();
    assert!(UnparsedPublicKey::new(&ECDSA_P256_SHA384_ASN1, &point)
        .verify(b"data", r.as_bytes())
        .is_ok());
}

/// ECDSA keys import compressed points (raw and spki) and export them uncompressed.
#[test]
fn ecdsa_compressed_point_import() {
    let (public, _) = generate_ec(Curve::P384, &[0x33u8; 66 * 8]).unwrap();
    let point = export_raw(&public).unwrap();
    let mut compressed = vec![2 + (point[96] & 1)];
    compressed.extend_from_slice(&point[1..49]);
    let p = Params {
        kind: Kind::Ecdsa,
        hash: None,
        curve: Some(Curve::P384),
        length: None,
    };
    let again = import_raw(&p, &compressed).unwrap();
    assert_eq!(export_raw(&again).unwrap(), point);
    let mut wrong = compressed.clone();
    wrong[0] = 5;
    assert_eq!(import_raw(&p, &wrong).unwrap_err().name, ErrorName::Data);
}

/// The spec's Ed25519 pre-checks: the identity, a point of order 2 and a non-canonical
/// encoding of the identity (y = p + 1) are small-order; RFC 8032 test 1's key is not; an
/// encoding that is no point at all is refused too.
#[test]
fn ed25519_small_order_points() {
    use super::ed25519_order::invalid_or_small_order;
    let mut identity = [0u8; 32];
    identity[0] = 1;
    let mut order_two = [0xffu8; 32];
    order_two[0] = 0xec;
    order_two[31] = 0x7f;
    let mut non_canonical_identity = [0xffu8; 32];
    non_canonical_identity[0] = 0xee;
    non_canonical_identity[31] = 0x7f;
    for small in [identity, order_two, non_canonical_identity] {
        assert!(invalid_or_small_order(&small), "{small:02x?}");
    }
    let rfc8032_test_1 = unhex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    assert!(!invalid_or_small_order(&rfc8032_test_1));
    // y = 2 is not the y of any point on the curve.
    let mut not_a_point = [0u8; 32];
    not_a_point[0] = 2;
    assert!(invalid_or_small_order(&not_a_point));
}
