"""The Python API of edgert.jwt.Verifier: keys, claims, the cache, JWKS refresh, the clock."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from tokens import KEYS, NOW, SECRET, assemble, b64u, claims, hs256

import edgert.jwt
from edgert.errors import ConfigError
from edgert.jwt import (
    ExpiredToken,
    InvalidAudience,
    InvalidIssuer,
    MalformedToken,
    MissingClaim,
    NotYetValid,
    UnknownKey,
    Verifier,
)


def hs(payload: dict[str, object] | bytes, header: dict[str, object] | None = None) -> str:
    return assemble(header or {"alg": "HS256"}, payload, hs256(SECRET))


@pytest.mark.parametrize(
    "form",
    ["jwks-dict", "jwks-text", "jwk-dict", "pem-bytes", "pem-str", "der", "jwks-bytes"],
)
def test_key_forms(form: str) -> None:
    keys = {
        "jwks-dict": {"keys": [KEYS.ec_jwk("a")]},
        "jwks-text": json.dumps({"keys": [KEYS.ec_jwk("a")]}),
        "jwks-bytes": json.dumps({"keys": [KEYS.ec_jwk("a")]}).encode(),
        "jwk-dict": KEYS.ec_jwk(),
        "pem-bytes": KEYS.pem(KEYS.p256),
        "pem-str": KEYS.pem(KEYS.p256).decode(),
        "der": KEYS.der(KEYS.p256),
    }[form]
    v = Verifier(keys, algorithms=["ES256"])
    assert v.keys[0][1] == "EC"
    assert v.verify(assemble({"alg": "ES256", "kid": "a"}, claims(), KEYS.es256), now=NOW)


def test_hmac_secret_forms_and_bad_keys() -> None:
    assert Verifier(SECRET, algorithms=["HS256"]).keys == [(None, "oct", None)]
    with pytest.raises(ConfigError):
        Verifier("a str secret", algorithms=["HS256"])
    with pytest.raises(ConfigError):
        Verifier(b"", algorithms=["HS256"])
    with pytest.raises(ConfigError):
        Verifier({"keys": [{"kty": "oct", "k": b64u(SECRET), "use": "enc"}]}, algorithms=["HS256"])
    with pytest.raises(ConfigError):
        Verifier(KEYS.ec_jwk(), algorithms=["HS256"])  # no key suits any allowed algorithm


def test_every_supported_family_round_trips() -> None:
    v = Verifier(
        {
            "keys": [
                KEYS.rsa_jwk("r"),
                KEYS.ec_jwk("e"),
                KEYS.ed_jwk("d"),
                {"kty": "oct", "kid": "h", "k": b64u(SECRET)},
            ]
        },
        algorithms=["RS256", "ES256", "EdDSA", "HS256"],
    )
    for alg, kid, sign in [
        ("RS256", "r", KEYS.rs256),
        ("ES256", "e", KEYS.es256),
        ("EdDSA", "d", KEYS.eddsa),
        ("HS256", "h", hs256(SECRET)),
    ]:
        assert (
            v.verify(assemble({"alg": alg, "kid": kid}, claims(n=alg), sign), now=NOW)["n"] == alg
        )


def test_claims_are_returned_as_python_values() -> None:
    v = Verifier(SECRET, algorithms=["HS256"])
    payload = claims(roles=["a", "b"], meta={"x": 1.5, "y": None, "z": True}, big=2**63 + 1)
    got = v.verify(hs(payload), now=NOW)
    assert got == payload


def test_time_claims_with_leeway() -> None:
    v = Verifier(SECRET, algorithms=["HS256"], leeway_s=30, cache=False)
    t = hs({"exp": NOW, "nbf": NOW - 100})
    assert v.verify(t, now=NOW + 29.9)
    with pytest.raises(ExpiredToken):
        v.verify(t, now=NOW + 30)
    with pytest.raises(NotYetValid):
        v.verify(t, now=NOW - 131)
    with pytest.raises(NotYetValid):
        v.verify(hs({"iat": NOW + 100}), now=NOW)
    with pytest.raises(MalformedToken):
        v.verify(hs({"exp": "tomorrow"}), now=NOW)


def test_issuer_audience_required() -> None:
    v = Verifier(
        SECRET,
        algorithms=["HS256"],
        issuer="https://id.example",
        audience=["api", "web"],
        required_claims=["sub"],
    )
    good = {"iss": "https://id.example", "aud": ["other", "web"], "sub": "u"}
    assert v.verify(hs(good), now=NOW)["sub"] == "u"
    assert v.verify(hs({**good, "aud": "api"}), now=NOW)
    with pytest.raises(InvalidIssuer):
        v.verify(hs({**good, "iss": "https://evil.example"}), now=NOW)
    with pytest.raises(InvalidAudience):
        v.verify(hs({**good, "aud": "other"}), now=NOW)
    with pytest.raises(MissingClaim) as info:
        v.verify(hs({"iss": good["iss"], "aud": "api"}), now=NOW)
    assert info.value.claim == "sub"
    # Without a configured audience, a token that names one is refused (RFC 7519 4.1.3).
    with pytest.raises(InvalidAudience):
        Verifier(SECRET, algorithms=["HS256"]).verify(hs({"aud": "api"}), now=NOW)


def test_default_now_is_the_host_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    v = Verifier(SECRET, algorithms=["HS256"], cache=False)
    t = hs({"exp": NOW})
    monkeypatch.setattr(edgert.jwt.time, "time", lambda: NOW - 1.0)
    assert v.verify(t) == {"exp": NOW}
    monkeypatch.setattr(edgert.jwt.time, "time", lambda: NOW + 1.0)
    with pytest.raises(ExpiredToken):
        v.verify(t)


def test_bytes_tokens_and_bad_types() -> None:
    v = Verifier(SECRET, algorithms=["HS256"])
    assert v.verify(hs(claims()).encode(), now=NOW)["sub"] == "user-1"
    with pytest.raises(TypeError):
        v.verify(123, now=NOW)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        v.verify(hs(claims()), now=float("nan"))


def test_cache_hits_honour_exp_and_can_be_off() -> None:
    v = Verifier(SECRET, algorithms=["HS256"])
    t = hs({"sub": "u", "exp": NOW + 10})
    first = v.verify(t, now=NOW)
    assert v.cached_tokens == 1
    second = v.verify(t, now=NOW + 5)
    assert first == second and first is not second  # a fresh dict each time
    first["sub"] = "mutated"
    assert v.verify(t, now=NOW)["sub"] == "u"
    with pytest.raises(ExpiredToken):
        v.verify(t, now=NOW + 10)
    assert v.cached_tokens == 0
    off = Verifier(SECRET, algorithms=["HS256"], cache=False)
    off.verify(t, now=NOW)
    assert off.cached_tokens == 0


def test_cache_is_bounded() -> None:
    v = Verifier(SECRET, algorithms=["HS256"], cache_size=8)
    for i in range(50):
        v.verify(hs({"n": i}), now=NOW)
    assert v.cached_tokens == 8


def test_jwks_refresh_is_handed_to_the_host_and_rotation_keeps_tokens() -> None:
    new = ed25519.Ed25519PrivateKey.generate()
    v = Verifier({"keys": [KEYS.ed_jwk("old")]}, algorithms=["EdDSA"], jwks_refresh_interval_s=60)
    old_token = assemble({"alg": "EdDSA", "kid": "old"}, claims(), KEYS.eddsa)
    new_token = assemble({"alg": "EdDSA", "kid": "new"}, claims(), lambda m: new.sign(m))
    assert v.verify(old_token, now=NOW)
    with pytest.raises(UnknownKey) as info:
        v.verify(new_token, now=NOW)
    assert info.value.refresh_wanted is True
    with pytest.raises(UnknownKey) as info:
        v.verify(new_token, now=NOW + 30)
    assert info.value.refresh_wanted is False  # at most one request per interval
    # The host fetched the rotated JWKS.
    assert (
        v.update_jwks({"keys": [KEYS.ed_jwk("old"), KEYS.ed_jwk("new", key=new)]}, now=NOW + 31)
        == 2
    )
    assert v.verify(new_token, now=NOW + 31)
    assert v.verify(old_token, now=NOW + 31)
    with pytest.raises(ConfigError):
        v.update_jwks(b"not json", now=NOW + 32)
    assert v.verify(new_token, now=NOW + 32)  # the old keys stay


def test_cached_claims_cannot_be_changed_by_a_caller() -> None:
    v = Verifier(SECRET, algorithms=["HS256"])
    nested = hs({"roles": ["a"], "sub": "u"})
    v.verify(nested, now=NOW)["roles"].append("admin")
    assert v.verify(nested, now=NOW) == {"roles": ["a"], "sub": "u"}
    flat = hs({"sub": "u", "exp": NOW + 60})
    for _ in range(3):
        got = v.verify(flat, now=NOW)
        assert got == {"sub": "u", "exp": NOW + 60}
        got["sub"] = "admin"
        got["extra"] = 1


def test_one_verifier_serves_many_threads() -> None:
    from concurrent.futures import ThreadPoolExecutor

    v = Verifier(KEYS.pem(KEYS.p256), algorithms=["ES256"], cache_size=16)
    tokens = [assemble({"alg": "ES256"}, claims(n=i), KEYS.es256) for i in range(64)]
    with ThreadPoolExecutor(4) as pool:
        got = list(pool.map(lambda t: v.verify(t, now=NOW)["n"], tokens * 2))
    assert got == list(range(64)) * 2
    assert v.cached_tokens == 16
