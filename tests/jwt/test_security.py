"""One test per security rule of the verifier (docs/jwt.md, "Security policy"); each fails if
its rule is broken."""

from __future__ import annotations

import json

import pytest
from tokens import KEYS, NOW, SECRET, assemble, b64u, claims, hs256

from edgert.errors import ConfigError, EdgertError
from edgert.jwt import (
    DisallowedAlgorithm,
    InvalidSignature,
    InvalidToken,
    MalformedToken,
    UnknownKey,
    Verifier,
)


def test_errors_share_one_base_that_is_a_value_error() -> None:
    v = Verifier(SECRET, algorithms=["HS256"])
    with pytest.raises(InvalidToken) as info:
        v.verify("x.y.z", now=NOW)
    assert isinstance(info.value, MalformedToken)
    assert isinstance(info.value, EdgertError) and isinstance(info.value, ValueError)


def test_configuration_fixes_the_algorithms() -> None:
    v = Verifier(SECRET, algorithms=["HS256"])
    t = assemble({"alg": "HS384"}, claims(), lambda m: b"x" * 48)
    with pytest.raises(DisallowedAlgorithm):
        v.verify(t, now=NOW)
    with pytest.raises(ConfigError):
        Verifier(SECRET, algorithms=[])
    with pytest.raises(ConfigError):
        Verifier(SECRET, algorithms=["none"])


@pytest.mark.parametrize("spelling", ["none", "None", "NONE", "nOnE"])
def test_alg_none_in_any_spelling(spelling: str) -> None:
    v = Verifier(SECRET, algorithms=["HS256"])
    unsigned = f"{b64u(json.dumps({'alg': spelling}).encode())}.{b64u(b'{}')}."
    with pytest.raises(DisallowedAlgorithm):
        v.verify(unsigned, now=NOW)


def test_the_header_never_chooses_the_key_type() -> None:
    # An EC key: a token that says RS256 (validly RSA-signed) or HS256 finds no key.
    v = Verifier(KEYS.ec_jwk(), algorithms=["ES256", "RS256", "HS256"])
    with pytest.raises(UnknownKey):
        v.verify(assemble({"alg": "RS256"}, claims(), KEYS.rs256), now=NOW)
    with pytest.raises(UnknownKey):
        v.verify(assemble({"alg": "HS256"}, claims(), hs256(SECRET)), now=NOW)
    assert v.verify(assemble({"alg": "ES256"}, claims(), KEYS.es256), now=NOW)["sub"] == "user-1"


@pytest.mark.parametrize("form", ["pem", "der", "jwk-json", "modulus"])
def test_algorithm_confusion_hs256_with_public_key_bytes(form: str) -> None:
    pem, der = KEYS.pem(KEYS.rsa), KEYS.der(KEYS.rsa)
    jwk_json = json.dumps(KEYS.rsa_jwk()).encode()
    modulus = KEYS.rsa.public_key().public_numbers().n.to_bytes(256, "big")
    secret = {"pem": pem, "der": der, "jwk-json": jwk_json, "modulus": modulus}[form]
    forged = assemble({"alg": "HS256"}, claims(sub="admin"), hs256(secret))
    for keys in (pem, der, KEYS.rsa_jwk(), jwk_json.decode()):
        v = Verifier(keys, algorithms=["RS256", "HS256"])
        with pytest.raises(UnknownKey):
            v.verify(forged, now=NOW)
        assert v.verify(assemble({"alg": "RS256"}, claims(), KEYS.rs256), now=NOW)


@pytest.mark.parametrize("member", ["jwk", "jku", "x5u", "x5c"])
def test_embedded_keys_are_never_used(member: str) -> None:
    from cryptography.hazmat.primitives.asymmetric import ed25519

    attacker = ed25519.Ed25519PrivateKey.generate()
    value = {
        "jwk": KEYS.ed_jwk(key=attacker),
        "jku": "http://127.0.0.1:9/keys",
        "x5u": "http://127.0.0.1:9/cert",
        "x5c": ["MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA"],
    }[member]
    v = Verifier({"keys": [KEYS.ed_jwk("k")]}, algorithms=["EdDSA"])
    t = assemble({"alg": "EdDSA", "kid": "k", member: value}, claims(), lambda m: attacker.sign(m))
    with pytest.raises(InvalidSignature):
        v.verify(t, now=NOW)


def test_unknown_crit_is_rejected() -> None:
    v = Verifier(SECRET, algorithms=["HS256"])
    t = assemble({"alg": "HS256", "crit": ["exp"], "exp": 1}, claims(), hs256(SECRET))
    with pytest.raises(MalformedToken):
        v.verify(t, now=NOW)


def test_es256_signature_forms() -> None:
    v = Verifier(KEYS.ec_jwk(), algorithms=["ES256"], cache=False)
    n = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551
    good = assemble({"alg": "ES256"}, claims(), KEYS.es256)
    assert v.verify(good, now=NOW)
    head, body, sig = good.split(".")
    raw = __import__("base64").urlsafe_b64decode(sig + "==")
    r, s = raw[:32], raw[32:]
    bad = {
        "der": KEYS.es256_der(f"{head}.{body}".encode()),
        "short": raw[:-1],
        "long": raw + b"\0",
        "r=0": bytes(32) + s,
        "s=0": r + bytes(32),
        "r=n": n.to_bytes(32, "big") + s,
        "s=n": r + n.to_bytes(32, "big"),
        "s=n+s": r + ((int.from_bytes(s, "big") + n) % 2**256).to_bytes(32, "big"),
    }
    for name, sig_bytes in bad.items():
        with pytest.raises(InvalidSignature):
            v.verify(f"{head}.{body}.{b64u(sig_bytes)}", now=NOW)
        assert name


@pytest.mark.parametrize(
    "mutate",
    [
        lambda t: t + ".",
        lambda t: t.rsplit(".", 1)[0],
        lambda t: t + ".abc",
        lambda t: t.replace(".", "..", 1),
        lambda t: t + "=",
        lambda t: " " + t,
        lambda t: t.replace(".", ".\n", 1),
        lambda t: t.split(".")[0] + "+." + ".".join(t.split(".")[1:]),
        lambda t: t.split(".")[0] + "/." + ".".join(t.split(".")[1:]),
    ],
)
def test_strict_compact_serialization(mutate: object) -> None:
    v = Verifier(SECRET, algorithms=["HS256"], cache=False)
    good = assemble({"alg": "HS256"}, claims(), hs256(SECRET))
    assert v.verify(good, now=NOW)
    with pytest.raises(InvalidToken):
        v.verify(mutate(good), now=NOW)  # type: ignore[operator]


@pytest.mark.parametrize(
    "header", [b"[]", b'"HS256"', b"null", b"1", b'{"alg":"HS256","alg":"HS256"}']
)
def test_header_must_be_a_json_object(header: bytes) -> None:
    v = Verifier(SECRET, algorithms=["HS256"])
    with pytest.raises(MalformedToken):
        v.verify(assemble(header, claims(), hs256(SECRET)), now=NOW)


def test_oversized_tokens_are_rejected_before_parsing() -> None:
    v = Verifier(SECRET, algorithms=["HS256"], max_token_bytes=300)
    big = assemble({"alg": "HS256"}, claims(pad="x" * 300), hs256(SECRET))
    with pytest.raises(MalformedToken, match="max_token_bytes"):
        v.verify(big, now=NOW)
    with pytest.raises(MalformedToken, match="max_token_bytes"):
        v.verify("\x00" * 301, now=NOW)


@pytest.mark.parametrize(
    "kid",
    [
        1,
        ["k1"],
        {"k": "k1"},
        None,
        True,
        "../k1",
        "k1/../../etc/passwd",
        "k1' OR '1'='1",
        "k1;--",
        "k1\x00",
        "",
    ],
)
def test_odd_kids_select_no_key(kid: object) -> None:
    v = Verifier({"keys": [{"kty": "oct", "kid": "k1", "k": b64u(SECRET)}]}, algorithms=["HS256"])
    assert v.verify(assemble({"alg": "HS256", "kid": "k1"}, claims(), hs256(SECRET)), now=NOW)
    with pytest.raises(UnknownKey):
        v.verify(assemble({"alg": "HS256", "kid": kid}, claims(), hs256(SECRET)), now=NOW)


def test_oversized_str_and_bytes_tokens_are_refused_before_decoding() -> None:
    v = Verifier(SECRET, algorithms=["HS256"], max_token_bytes=100)
    for huge in ("é" * 60, "a" * 101, b"\xff" * 101, b"a" * 101):
        with pytest.raises(MalformedToken, match="max_token_bytes"):
            v.verify(huge, now=NOW)  # type: ignore[arg-type]
