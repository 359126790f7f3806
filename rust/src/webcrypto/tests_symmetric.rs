//! Known-answer tests of the symmetric algorithms: NIST SP 800-38A (CBC, CTR), the GCM
//! specification's test cases (McGrew and Viega, as used by NIST's GCM validation), RFC 3394
//! (AES-KW), RFC 5869 (HKDF) and RFC 6070 (PBKDF2-HMAC-SHA1).

use super::*;

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

fn key(kind: SecretKind, hex: &str) -> SecretKey {
    SecretKey::new(kind, unhex(hex)).unwrap()
}

const SP800_38A_KEY: &str = "2b7e151628aed2a6abf7158809cf4f3c";
const SP800_38A_PLAIN: &str = "6bc1bee22e409f96e93d7e117393172aae2d8a571e03ac9c9eb76fac45af8e51";

#[test]
fn aes_key_lengths_are_checked() {
    assert_eq!(
        SecretKey::new(SecretKind::AesGcm, vec![0; 20]).unwrap_err().name,
        ErrorName::Data
    );
    assert!(SecretKey::new(SecretKind::Hkdf, vec![0; 20]).is_ok());
}

#[test]
fn cbc_sp800_38a_f21_with_pkcs7_padding() {
    let k = key(SecretKind::AesCbc, SP800_38A_KEY);
    let params = CipherParams::Cbc {
        iv: unhex("000102030405060708090a0b0c0d0e0f"),
    };
    let plain = unhex(SP800_38A_PLAIN);
    let out = encrypt(&k, &params, &plain).unwrap();
    assert_eq!(out.len(), 48, "two blocks and a full padding block");
    assert_eq!(
        out[..32],
        unhex("7649abac8119b246cee98e9b12e9197d5086cb9b507219ee95db113a917678b2")[..]
    );
    assert_eq!(decrypt(&k, &params, &out).unwrap(), plain);
    // A changed last block breaks the padding: OperationError, never a panic.
    let mut bad = out.clone();
    bad[47] ^= 1;
    assert_eq!(decrypt(&k, &params, &bad).unwrap_err().name, ErrorName::Operation);
    assert_eq!(decrypt(&k, &params, &out[..40]).unwrap_err().name, ErrorName::Operation);
    let short = CipherParams::Cbc { iv: vec![0; 8] };
    assert_eq!(encrypt(&k, &short, &plain).unwrap_err().name, ErrorName::Operation);
}

#[test]
fn ctr_sp800_38a_f51() {
    let k = key(SecretKind::AesCtr, SP800_38A_KEY);
    let params = CipherParams::Ctr {
        counter: unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
        length: 128,
    };
    let out = encrypt(&k, &params, &unhex(SP800_38A_PLAIN)).unwrap();
    assert_eq!(
        out,
        unhex("874d6191b620e3261bef6864990db6ce9806f66b7970fdff8617187bb9fffdff")
    );
    assert_eq!(decrypt(&k, &params, &out).unwrap(), unhex(SP800_38A_PLAIN));
}

#[test]
fn ctr_wraps_the_rightmost_length_bits_only() {
    let k = key(SecretKind::AesCtr, SP800_38A_KEY);
    let plain = unhex(SP800_38A_PLAIN);
    // An 8-bit counter at 0xff: the second block uses ...fe00, not ...ff00 (+1 carried).
    let wrapping = CipherParams::Ctr {
        counter: unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
        length: 8,
    };
    let out = encrypt(&k, &wrapping, &plain).unwrap();
    let first = CipherParams::Ctr {
        counter: unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff"),
        length: 128,
    };
    let second = CipherParams::Ctr {
        counter: unhex("f0f1f2f3f4f5f6f7f8f9fafbfcfdfe00"),
        length: 128,
    };
    assert_eq!(out[..16], encrypt(&k, &first, &plain[..16]).unwrap()[..]);
    assert_eq!(out[16..], encrypt(&k, &second, &plain[16..]).unwrap()[..]);
    // A 1-bit counter has two blocks before its key stream repeats: three are refused.
    let tiny = CipherParams::Ctr {
        counter: vec![0; 16],
        length: 1,
    };
    assert!(encrypt(&k, &tiny, &[0; 32]).is_ok());
    assert_eq!(encrypt(&k, &tiny, &[0; 33]).unwrap_err().name, ErrorName::Operation);
    for bad in [0, 129] {
        let p = CipherParams::Ctr {
            counter: vec![0; 16],
            length: bad,
        };
        assert_eq!(encrypt(&k, &p, &plain).unwrap_err().name, ErrorName::Operation);
    }
}

const GCM_KEY: &str = "feffe9928665731c6d6a8f9467308308";
const GCM_PLAIN: &str = "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39";
const GCM_AAD: &str = "feedfacedeadbeeffeedfacedeadbeefabaddad2";

fn gcm(iv: &str, tag_bits: u32) -> CipherParams {
    CipherParams::Gcm {
        iv: unhex(iv),
        aad: unhex(GCM_AAD),
        tag_bits,
    }
}

#[test]
fn gcm_test_case_4_96_bit_iv() {
    let k = key(SecretKind::AesGcm, GCM_KEY);
    let expected = unhex("42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e0915bc94fbc3221a5db94fae95ae7121a47");
    let out = encrypt(&k, &gcm("cafebabefacedbaddecaf888", 128), &unhex(GCM_PLAIN)).unwrap();
    assert_eq!(out, expected);
    assert_eq!(
        decrypt(&k, &gcm("cafebabefacedbaddecaf888", 128), &out).unwrap(),
        unhex(GCM_PLAIN)
    );
    // Truncated tags are the leftmost bytes of the full tag, verified in constant time.
    for bits in [32, 64, 96, 104, 112, 120] {
        let p = gcm("cafebabefacedbaddecaf888", bits);
        let short = encrypt(&k, &p, &unhex(GCM_PLAIN)).unwrap();
        assert_eq!(short[..], expected[..60 + bits as usize / 8]);
        assert_eq!(decrypt(&k, &p, &short).unwrap(), unhex(GCM_PLAIN));
        let mut forged = short.clone();
        *forged.last_mut().unwrap() ^= 0x80;
        assert_eq!(decrypt(&k, &p, &forged).unwrap_err().name, ErrorName::Operation);
    }
}

#[test]
fn gcm_test_case_5_64_bit_iv() {
    let k = key(SecretKind::AesGcm, GCM_KEY);
    let expected = unhex("61353b4c2806934a777ff51fa22a4755699b2a714fcdc6f83766e5f97b6c742373806900e49f24b22b097544d4896b424989b5e1ebac0f07c23f45983612d2e79e3b0785561be14aaca2fccb");
    let out = encrypt(&k, &gcm("cafebabefacedbad", 128), &unhex(GCM_PLAIN)).unwrap();
    assert_eq!(out, expected);
    assert_eq!(
        decrypt(&k, &gcm("cafebabefacedbad", 128), &out).unwrap(),
        unhex(GCM_PLAIN)
    );
    let mut forged = out.clone();
    forged[0] ^= 1;
    assert_eq!(
        decrypt(&k, &gcm("cafebabefacedbad", 128), &forged).unwrap_err().name,
        ErrorName::Operation
    );
}

#[test]
fn gcm_test_case_2_and_parameter_errors() {
    let k = SecretKey::new(SecretKind::AesGcm, vec![0; 16]).unwrap();
    let p = CipherParams::Gcm {
        iv: vec![0; 12],
        aad: Vec::new(),
        tag_bits: 128,
    };
    assert_eq!(
        encrypt(&k, &p, &[0; 16]).unwrap(),
        unhex("0388dace60b6a392f328c2b971b2fe78ab6e47d42cec13bdf53a67b21257bddf")
    );
    for bad in [0, 24, 48, 72, 95, 129] {
        let p = CipherParams::Gcm {
            iv: vec![0; 12],
            aad: Vec::new(),
            tag_bits: bad,
        };
        assert_eq!(encrypt(&k, &p, &[0; 16]).unwrap_err().name, ErrorName::Operation);
    }
    let short = CipherParams::Gcm {
        iv: vec![0; 12],
        aad: Vec::new(),
        tag_bits: 128,
    };
    assert_eq!(decrypt(&k, &short, &[0; 15]).unwrap_err().name, ErrorName::Operation);
    let odd_iv = CipherParams::Gcm {
        iv: vec![0; 13],
        aad: Vec::new(),
        tag_bits: 128,
    };
    assert_eq!(
        encrypt(&k, &odd_iv, &[0; 16]).unwrap_err().name,
        ErrorName::NotSupported
    );
    // A key for another mode is refused.
    let cbc = SecretKey::new(SecretKind::AesCbc, vec![0; 16]).unwrap();
    assert_eq!(encrypt(&cbc, &p, &[0; 16]).unwrap_err().name, ErrorName::InvalidAccess);
}

#[test]
fn kw_rfc3394_sections_4_1_to_4_3() {
    let data = unhex("00112233445566778899aabbccddeeff");
    for (kek, wrapped) in [
        (
            "000102030405060708090a0b0c0d0e0f",
            "1fa68b0a8112b447aef34bd8fb5a7b829d3e862371d2cfe5",
        ),
        (
            "000102030405060708090a0b0c0d0e0f1011121314151617",
            "96778b25ae6ca435f92b5b97c050aed2468ab8a17ad84e5d",
        ),
        (
            "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f",
            "64e8c3f9ce0f5ba263e9777905818a2a93c8191e7d6e8ae7",
        ),
    ] {
        let k = key(SecretKind::AesKw, kek);
        assert_eq!(encrypt(&k, &CipherParams::Kw, &data).unwrap(), unhex(wrapped), "{kek}");
        assert_eq!(decrypt(&k, &CipherParams::Kw, &unhex(wrapped)).unwrap(), data);
        let mut forged = unhex(wrapped);
        forged[3] ^= 1;
        assert_eq!(
            decrypt(&k, &CipherParams::Kw, &forged).unwrap_err().name,
            ErrorName::Operation
        );
        assert_eq!(
            encrypt(&k, &CipherParams::Kw, &data[..12]).unwrap_err().name,
            ErrorName::Operation
        );
    }
}

fn hkdf(hash: Hash) -> KdfParams {
    KdfParams::Hkdf {
        hash,
        salt: unhex("000102030405060708090a0b0c"),
        info: unhex("f0f1f2f3f4f5f6f7f8f9"),
    }
}

#[test]
fn hkdf_rfc5869_cases_1_and_4() {
    let k = SecretKey::new(SecretKind::Hkdf, vec![0x0b; 22]).unwrap();
    assert_eq!(
        kdf_bits(&k, &hkdf(Hash::Sha256), 42 * 8).unwrap(),
        unhex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865")
    );
    let k = SecretKey::new(SecretKind::Hkdf, vec![0x0b; 11]).unwrap();
    assert_eq!(
        kdf_bits(&k, &hkdf(Hash::Sha1), 42 * 8).unwrap(),
        unhex("085a01ea1b10f36933068b56efa5ad81a4f14b822f5b091568a9cdd4f155fda2c22e422478d305f3f896")
    );
    assert_eq!(kdf_bits(&k, &hkdf(Hash::Sha1), 0).unwrap(), Vec::<u8>::new());
    assert_eq!(
        kdf_bits(&k, &hkdf(Hash::Sha1), 230).unwrap_err().name,
        ErrorName::Operation
    );
    // At most 255 hash lengths.
    assert!(kdf_bits(&k, &hkdf(Hash::Sha256), 255 * 32 * 8).is_ok());
    assert_eq!(
        kdf_bits(&k, &hkdf(Hash::Sha256), 255 * 32 * 8 + 8).unwrap_err().name,
        ErrorName::Operation
    );
}

#[test]
fn pbkdf2_rfc6070() {
    let k = SecretKey::new(SecretKind::Pbkdf2, b"password".to_vec()).unwrap();
    for (iterations, dk) in [
        (1, "0c60c80f961f0e71f3a9b524af6012062fe037a6"),
        (2, "ea6c014dc72d6f8ccd1ed92ace1d41f0d8de8957"),
        (4096, "4b007901b765489abead49d926f721d065a429c1"),
    ] {
        let p = KdfParams::Pbkdf2 {
            hash: Hash::Sha1,
            salt: b"salt".to_vec(),
            iterations,
        };
        assert_eq!(kdf_bits(&k, &p, 160).unwrap(), unhex(dk));
    }
    let zero = KdfParams::Pbkdf2 {
        hash: Hash::Sha256,
        salt: Vec::new(),
        iterations: 0,
    };
    assert_eq!(kdf_bits(&k, &zero, 256).unwrap_err().name, ErrorName::Operation);
    let many = KdfParams::Pbkdf2 {
        hash: Hash::Sha256,
        salt: Vec::new(),
        iterations: 100_001,
    };
    assert_eq!(kdf_bits(&k, &many, 256).unwrap_err().name, ErrorName::NotSupported);
    // An HKDF key does not run PBKDF2.
    let hkdf_key = SecretKey::new(SecretKind::Hkdf, b"password".to_vec()).unwrap();
    assert_eq!(
        kdf_bits(&hkdf_key, &zero, 256).unwrap_err().name,
        ErrorName::InvalidAccess
    );
}

#[test]
fn jwk_round_trip_and_alg_check() {
    let k = key(SecretKind::AesGcm, "000102030405060708090a0b0c0d0e0f1011121314151617");
    let jwk = k.jwk().unwrap();
    assert_eq!(jwk["alg"], "A192GCM");
    assert_eq!(SecretKey::from_jwk(SecretKind::AesGcm, &jwk.to_string()).unwrap(), k);
    assert_eq!(
        SecretKey::from_jwk(SecretKind::AesKw, &jwk.to_string())
            .unwrap_err()
            .name,
        ErrorName::Data
    );
    assert_eq!(
        SecretKey::from_jwk(SecretKind::AesGcm, r#"{"kty":"oct","k":"AAEC"}"#)
            .unwrap_err()
            .name,
        ErrorName::Data
    );
}

#[test]
fn pbkdf2_floor_counts_iterations_and_output_blocks() {
    let pbkdf2 = |hash, iterations| KdfParams::Pbkdf2 {
        hash,
        salt: vec![0; 16],
        iterations,
    };
    assert_eq!(pbkdf2_floor_ns(&pbkdf2(Hash::Sha256, 100_000), 256), 100_000 * 40);
    // 4,096 bytes of SHA-256 are 128 blocks; of SHA-512, 64 at 120 ns.
    assert_eq!(
        pbkdf2_floor_ns(&pbkdf2(Hash::Sha256, 100_000), 32_768),
        100_000 * 128 * 40
    );
    assert_eq!(pbkdf2_floor_ns(&pbkdf2(Hash::Sha512, 1_000), 32_768), 1_000 * 64 * 120);
    // What derive_bits refuses is its error, not a cost; HKDF is short.
    assert_eq!(pbkdf2_floor_ns(&pbkdf2(Hash::Sha256, 100_001), 256), 0);
    assert_eq!(pbkdf2_floor_ns(&pbkdf2(Hash::Sha256, 1), 32_776), 0);
    let hkdf = KdfParams::Hkdf {
        hash: Hash::Sha256,
        salt: vec![],
        info: vec![],
    };
    assert_eq!(pbkdf2_floor_ns(&hkdf, 256), 0);
}
