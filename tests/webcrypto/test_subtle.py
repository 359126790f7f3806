"""crypto.subtle inside a worker: digests against hashlib, HMAC (RFC 4231), key usages and
CryptoKey attributes, DOMException names, generateKey/exportKey round trips, timingSafeEqual, and
the RFC 7520 / RFC 7515 / RFC 8037 JOSE keys through ``importKey("jwk")``."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest
from webcrypto_js import worker_source

from edgert import Worker


def _run(name: str, vars: dict[str, Any] | None = None) -> Any:
    worker = Worker(worker_source("checks.js"), vars=vars or {}, cpu_ms=5_000, seed=7)
    response = worker.fetch(f"https://checks.test/{name}")
    assert response.status == 200, response.stats.error
    return response.json()


def test_digest_known_answers() -> None:
    out = _run("digests")
    for name, algo in [
        ("SHA-1", "sha1"),
        ("SHA-256", "sha256"),
        ("SHA-384", "sha384"),
        ("SHA-512", "sha512"),
    ]:
        abc, empty = out[name]
        assert abc == hashlib.new(algo, b"abc").hexdigest()
        assert empty == hashlib.new(algo, b"").hexdigest()
    assert out["SHA-256"][0] == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    assert out["view"] == hashlib.sha256(b"abc").hexdigest()
    assert out["bad"] == "DOMException:NotSupportedError"
    assert out["notBuffer"] == "TypeError:TypeError"
    assert out["promise"] is True


def test_hmac_round_trip_and_key_attributes() -> None:
    out = _run("hmacRoundTrip")
    assert out["type"] == "secret" and out["extractable"] is True
    assert out["algorithm"] == {"name": "HMAC", "hash": {"name": "SHA-256"}, "length": 256}
    assert out["usages"] == ["sign", "verify"]
    assert out["tag"] == "[object CryptoKey]"
    assert (out["sigLen"], out["isBuffer"], out["ok"]) == (32, True, True)
    assert out["bad"] is False and out["short"] is False
    assert out["raw"] is True
    # The key material is not reachable from JavaScript: no own properties, nothing serialized.
    assert out["ownKeys"] == 0 and out["json"] == "{}"
    jwk = out["jwk"]
    assert (jwk["kty"], jwk["alg"], jwk["ext"], jwk["key_ops"]) == (
        "oct",
        "HS256",
        True,
        ["sign", "verify"],
    )


def test_hmac_rfc4231_case_2() -> None:
    assert _run("rfc4231") == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_usages_are_honoured() -> None:
    out = _run("usages")
    for case in [
        "signWithVerifyKey",
        "verifyWithSignKey",
        "exportNonExtractable",
        "wrongAlgorithm",
        "publicKeySign",
        "privateKeyVerify",
    ]:
        assert out[case] == "DOMException:InvalidAccessError", case
    assert out["emptySecretUsages"] == "DOMException:SyntaxError"
    assert out["badUsage"] == "DOMException:SyntaxError"
    assert out["spkiWithSign"] == "DOMException:SyntaxError"
    assert out["unknownUsage"] == "TypeError:TypeError"
    assert out["notAKey"] == "TypeError:TypeError"
    assert out["constructor"] == "TypeError:TypeError"
    assert out["publicUsages"] == ["verify"] and out["privateUsages"] == ["sign"]
    assert out["publicExtractable"] is True and out["privateExtractable"] is False


def test_error_names() -> None:
    out = _run("errors")
    expected = {
        "unknownAlg": "DOMException:NotSupportedError",
        "unsupportedAlg": "DOMException:NotSupportedError",
        "missingHash": "TypeError:TypeError",
        "missingName": "TypeError:TypeError",
        "badFormat": "TypeError:TypeError",
        "rawRsa": "DOMException:NotSupportedError",
        "badSpki": "DOMException:DataError",
        "badPoint": "DOMException:DataError",
        "badCurve": "DOMException:NotSupportedError",
        "jwkWrongKty": "DOMException:DataError",
        "jwkWrongAlg": "DOMException:DataError",
        "jwkKeyOps": "DOMException:DataError",
        "jwkUse": "DOMException:DataError",
        "jwkExt": "DOMException:DataError",
        "jwkBadB64": "DOMException:DataError",
        "jwkNotObject": "TypeError:TypeError",
        "pssWithEcKey": "DOMException:InvalidAccessError",
        "ecdsaOtherHash": "ok",  # ECDSA takes any hash with any curve (issue 17)
        "encrypt": "DOMException:NotSupportedError",
        "timingLength": "TypeError:TypeError",
    }
    assert out == expected


def test_timing_safe_equal() -> None:
    assert _run("timingSafeEqual") == [True, False, True]


def test_generate_export_import_round_trips() -> None:
    out = _run("generated")
    for name, sig_len in [("P-256", 64), ("P-384", 96), ("Ed25519", 64), ("NODE", 64)]:
        r = out[name]
        assert r["sigLen"] == sig_len, name
        assert r["ok"] and r["reimported"] and r["viaJwk"] and r["viaPkcs8"], (name, r)
        assert r["wrongMsg"] is False
        assert r["types"] == ["public", "private"]
        assert "d" in r["jwkKeys"] and "key_ops" in r["jwkKeys"]
    assert out["P-256"]["alg"] == {"name": "ECDSA", "namedCurve": "P-256"}
    assert out["NODE"]["alg"] == {"name": "NODE-ED25519", "namedCurve": "NODE-ED25519"}
    assert out["HMAC"] == {"length": 1024, "raw": 128}


def _jose_cases(jose: Path) -> list[dict[str, Any]]:
    cases = []
    cookbook = jose / "cookbook"
    for rel in [
        "jws/4_1.rsa_v15_signature.json",
        "jws/4_2.rsa-pss_signature.json",
        "jws/4_3.ecdsa_signature.json",
        "jws/4_4.hmac-sha2_integrity_protection.json",
        "curve25519/jws.json",
    ]:
        d = json.loads((cookbook / rel).read_text())
        cases.append(
            {
                "id": rel,
                "alg": d["input"]["alg"],
                "jwk": d["input"]["key"],
                "compact": d["output"]["compact"],
            }
        )
    for c in json.loads((jose / "rfc7515_appendix_a.json").read_text()):
        if c["expected"] == "valid":
            cases.append({"id": c["id"], "alg": c["alg"], "jwk": c["jwk"], "compact": c["compact"]})
    return cases


def test_jose_keys_through_import_jwk(shared_data: Path) -> None:
    jose = shared_data / "jose"
    if not jose.is_dir():
        pytest.skip("../shared/data/jose is not present")
    cases = _jose_cases(jose)
    out = _run("jose", {"JOSE": cases})
    assert len(out) == len(cases) >= 9
    for r in out:
        assert r["verifies"] is True and r["tampered"] is False, r
        if "signedVerifies" in r:
            assert r["signedVerifies"] is True, r
    deterministic = {r["id"]: r["deterministicMatch"] for r in out if "deterministicMatch" in r}
    for key in [
        "jws/4_1.rsa_v15_signature.json",
        "jws/4_4.hmac-sha2_integrity_protection.json",
        "curve25519/jws.json",
        "rfc7515-A.1",
    ]:
        assert deterministic[key] is True, key


def test_subtle_is_lazy() -> None:
    src = """export default { async fetch() {
      const before = Object.getOwnPropertyDescriptor(globalThis, 'CryptoKey').get !== undefined;
      const s = crypto.subtle;
      const after = Object.getOwnPropertyDescriptor(globalThis, 'CryptoKey').get === undefined;
      return new Response(JSON.stringify([before, after, s === crypto.subtle, typeof s.verify]));
    } };"""
    r = Worker(src).fetch("https://lazy.test/")
    assert r.json() == [True, True, True, "function"]
