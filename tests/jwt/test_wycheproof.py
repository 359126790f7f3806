"""Wycheproof signature and MAC vectors through the verifier's raw-signature entry point.

Every ``valid`` vector must verify and every ``invalid`` one be refused; ``acceptable`` may go
either way. The JWS profile (``shared/data/README.md``) is applied: ECDSA signatures are raw
``r || s`` (the ``*_p1363_*`` files; every DER signature of the other files must be refused),
HMAC tags are never truncated, and RSA-PSS uses MGF1 with the same hash and a salt as long as it.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from edgert.errors import ConfigError
from edgert.jwt import InvalidToken, Verifier

HASH_LEN = {"SHA-256": 32, "SHA-384": 48, "SHA-512": 64}


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def load(data_dir: Path, name: str) -> dict[str, Any]:
    path = data_dir / "wycheproof" / name
    if not path.exists():
        pytest.skip(f"{name} missing")
    return json.loads(path.read_text())


def check(
    verifier: Verifier, alg: str, tests: list[dict[str, Any]], want_all_invalid: bool = False
) -> tuple[int, list[str]]:
    """Runs the vectors; returns (count, mismatches)."""
    wrong = []
    for t in tests:
        try:
            verifier.verify_signature(
                alg, bytes.fromhex(t["msg"]), bytes.fromhex(t["sig"] if "sig" in t else t["tag"])
            )
            ok = True
        except InvalidToken:
            ok = False
        expected = "invalid" if want_all_invalid else t["result"]
        if expected == "valid" and not ok:
            wrong.append(f"tc{t['tcId']} valid but refused ({t['comment']})")
        if expected == "invalid" and ok:
            wrong.append(f"tc{t['tcId']} invalid but accepted ({t['comment']})")
    return len(tests), wrong


ECDSA_FILES = [
    ("ecdsa_secp256r1_sha256_p1363_test.json", "ES256"),
    ("ecdsa_secp384r1_sha384_p1363_test.json", "ES384"),
    ("ecdsa_secp521r1_sha512_p1363_test.json", "ES512"),
]


@pytest.mark.parametrize("key_form", ["jwk", "der", "pem"])
@pytest.mark.parametrize(("name", "alg"), ECDSA_FILES)
def test_ecdsa_p1363(data_dir: Path, name: str, alg: str, key_form: str) -> None:
    doc = load(data_dir, name)
    total, wrong = 0, []
    for group in doc["testGroups"]:
        keys: Any = {
            "jwk": group.get("publicKeyJwk"),
            "der": bytes.fromhex(group["publicKeyDer"]),
            "pem": group["publicKeyPem"],
        }[key_form]
        if keys is None:
            continue
        if key_form == "jwk":
            keys = {k: v for k, v in keys.items() if k != "kid"}
        verifier = Verifier(keys, algorithms=[alg])
        n, w = check(verifier, alg, group["tests"])
        total += n
        wrong += w
    assert total > 250
    assert wrong == []


@pytest.mark.parametrize(
    ("name", "alg"),
    [("ecdsa_secp256r1_sha256_test.json", "ES256"), ("ecdsa_secp384r1_sha384_test.json", "ES384")],
)
def test_ecdsa_der_signatures_are_all_refused(data_dir: Path, name: str, alg: str) -> None:
    doc = load(data_dir, name)
    total, wrong = 0, []
    for group in doc["testGroups"]:
        verifier = Verifier(bytes.fromhex(group["publicKeyDer"]), algorithms=[alg])
        n, w = check(verifier, alg, group["tests"], want_all_invalid=True)
        total += n
        wrong += w
    assert total > 400
    assert wrong == []


def test_ed25519(data_dir: Path) -> None:
    doc = load(data_dir, "ed25519_test.json")
    total, wrong = 0, []
    for i, group in enumerate(doc["testGroups"]):
        # Alternate the key forms so each loader is exercised.
        keys: Any = [
            group["publicKeyJwk"],
            bytes.fromhex(group["publicKeyDer"]),
            group["publicKeyPem"],
        ][i % 3]
        verifier = Verifier(keys, algorithms=["EdDSA"])
        n, w = check(verifier, "EdDSA", group["tests"])
        total += n
        wrong += w
    assert total == 151
    assert wrong == []


RSA_PKCS1 = [
    ("rsa_signature_2048_sha256_test.json", "RS256"),
    ("rsa_signature_2048_sha384_test.json", "RS384"),
    ("rsa_signature_2048_sha512_test.json", "RS512"),
    ("rsa_signature_3072_sha256_test.json", "RS256"),
    ("rsa_signature_4096_sha256_test.json", "RS256"),
]


@pytest.mark.parametrize(("name", "alg"), RSA_PKCS1)
def test_rsa_pkcs1(data_dir: Path, name: str, alg: str) -> None:
    doc = load(data_dir, name)
    total, wrong = 0, []
    for i, group in enumerate(doc["testGroups"]):
        keys: Any = [group["keyJwk"], group["publicKeyPem"], bytes.fromhex(group["publicKeyDer"])][
            i % 3
        ]
        if isinstance(keys, dict):
            keys = {k: v for k, v in keys.items() if k != "kid"}
        verifier = Verifier(keys, algorithms=[alg])
        n, w = check(verifier, alg, group["tests"])
        total += n
        wrong += w
    assert total >= 258
    assert wrong == []


PSS = {"SHA-256": "PS256", "SHA-384": "PS384", "SHA-512": "PS512"}


@pytest.mark.parametrize(
    "name",
    [
        "rsa_pss_2048_sha256_mgf1_32_test.json",
        "rsa_pss_2048_sha384_mgf1_48_test.json",
        "rsa_pss_3072_sha256_mgf1_32_test.json",
        "rsa_pss_4096_sha512_mgf1_64_test.json",
        "rsa_pss_misc_test.json",
    ],
)
def test_rsa_pss(data_dir: Path, name: str) -> None:
    doc = load(data_dir, name)
    total, wrong = 0, []
    for group in doc["testGroups"]:
        sha = group["sha"]
        # JWS PS*: MGF1 with the same hash, salt length = hash length; other groups do not apply.
        if sha not in PSS or group["mgfSha"] != sha or group["sLen"] != HASH_LEN[sha]:
            continue
        alg = PSS[sha]
        keys: Any = group.get("publicKeyJwk") or bytes.fromhex(group["publicKeyDer"])
        if isinstance(keys, dict):
            keys = {k: v for k, v in keys.items() if k != "kid"}
        verifier = Verifier(keys, algorithms=[alg])
        n, w = check(verifier, alg, group["tests"])
        total += n
        wrong += w
    assert total > 0
    assert wrong == []


@pytest.mark.parametrize(
    ("name", "alg"),
    [
        ("hmac_sha256_test.json", "HS256"),
        ("hmac_sha384_test.json", "HS384"),
        ("hmac_sha512_test.json", "HS512"),
    ],
)
def test_hmac_full_length_tags_only(data_dir: Path, name: str, alg: str) -> None:
    doc = load(data_dir, name)
    hash_bits = int(alg[2:])
    total, wrong = 0, []
    for group in doc["testGroups"]:
        truncated = group["tagSize"] < hash_bits
        tests = group["tests"]
        if group["keySize"] == 0:
            continue
        for t in tests:
            verifier = Verifier(
                {"kty": "oct", "k": b64u(bytes.fromhex(t["key"]))}, algorithms=[alg]
            )
            n, w = check(verifier, alg, [t], want_all_invalid=truncated)
            total += n
            wrong += w
    assert total == 174
    assert wrong == []


def test_small_rsa_keys_are_refused_at_configuration(data_dir: Path) -> None:
    # A 1024-bit modulus: RFC 7518 section 3.3 requires 2048 bits or more.
    n = b64u(b"\xc5" + bytes(127))
    with pytest.raises(ConfigError):
        Verifier({"kty": "RSA", "n": n, "e": "AQAB"}, algorithms=["RS256"])
