"""JOSE vectors through the full token path: RFC 7515 appendix A, the RFC 7520 cookbook JWS
examples that have a compact form, RFC 8037 Ed25519 and RFC 7797 (unencoded payloads, which
edgert refuses because it implements no ``crit`` extension)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from edgert.jwt import DisallowedAlgorithm, InvalidSignature, InvalidToken, MalformedToken, Verifier


def public(jwk: dict[str, Any]) -> dict[str, Any]:
    private = {"d", "p", "q", "dp", "dq", "qi", "oth"}
    return {k: v for k, v in jwk.items() if k not in private}


def test_rfc7515_appendix_a(data_dir: Path) -> None:
    vectors = json.loads((data_dir / "jose" / "rfc7515_appendix_a.json").read_text())
    seen = 0
    for v in vectors:
        if v["expected"] == "valid":
            verifier = Verifier(v["public_jwk"], algorithms=[v["alg"]])
            alg, payload = verifier.verify_jws(v["compact"])
            assert alg == v["alg"]
            if payload.startswith(b"{"):
                # A.1-A.3 carry a JWT whose exp (1300819380) is in 2011: check it just before.
                claims = verifier.verify(v["compact"], now=1300819000)
                assert claims["iss"] == "joe", v["id"]
                assert claims["http://example.com/is_root"] is True
            else:
                assert payload == b"Payload", v["id"]  # A.4
            seen += 1
        else:
            verifier = Verifier(
                {"kty": "oct", "k": "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ"}, algorithms=["HS256"]
            )
            with pytest.raises(DisallowedAlgorithm):
                verifier.verify(v["compact"], now=1300819000)
            seen += 1
    assert seen == 5


COOKBOOK = [
    "4_1.rsa_v15_signature.json",
    "4_2.rsa-pss_signature.json",
    "4_3.ecdsa_signature.json",
    "4_4.hmac-sha2_integrity_protection.json",
]


@pytest.mark.parametrize("name", COOKBOOK)
def test_rfc7520_cookbook_compact(data_dir: Path, name: str) -> None:
    doc = json.loads((data_dir / "jose" / "cookbook" / "jws" / name).read_text())
    alg = doc["input"]["alg"]
    verifier = Verifier(public(doc["input"]["key"]), algorithms=[alg])
    got_alg, payload = verifier.verify_jws(doc["output"]["compact"])
    assert got_alg == alg
    assert payload == doc["input"]["payload"].encode()
    # The payload is text, not a claim set: the JWT path refuses it as malformed.
    with pytest.raises(MalformedToken):
        verifier.verify(doc["output"]["compact"])
    # Any bit flipped in the signature is refused.
    head, body, sig = doc["output"]["compact"].split(".")
    flipped = sig[:-2] + ("A" if sig[-2] != "A" else "B") + sig[-1]
    with pytest.raises(InvalidToken):
        verifier.verify_jws(f"{head}.{body}.{flipped}")


def test_rfc7520_detached_content_needs_the_payload(data_dir: Path) -> None:
    doc = json.loads(
        (
            data_dir / "jose" / "cookbook" / "jws" / "4_5.signature_with_detached_content.json"
        ).read_text()
    )
    verifier = Verifier(public(doc["input"]["key"]), algorithms=["HS256"])
    detached = doc["output"]["compact"]
    head, empty, sig = detached.split(".")
    assert empty == ""
    with pytest.raises(InvalidSignature):
        verifier.verify_jws(detached)
    attached = f"{head}.{doc['signing']['sig-input'].split('.')[1]}.{sig}"
    assert verifier.verify_jws(attached)[1] == doc["input"]["payload"].encode()


def test_rfc8037_ed25519(data_dir: Path) -> None:
    doc = json.loads((data_dir / "jose" / "cookbook" / "curve25519" / "jws.json").read_text())
    verifier = Verifier(public(doc["input"]["key"]), algorithms=["EdDSA"])
    assert verifier.verify_jws(doc["output"]["compact"]) == ("EdDSA", b"Example of Ed25519 signing")


def test_rfc7797_unencoded_payload_is_refused(data_dir: Path) -> None:
    doc = json.loads(
        (data_dir / "jose" / "cookbook" / "rfc7797" / "hmac-sha2_b64_false.json").read_text()
    )
    verifier = Verifier(public(doc["input"]["key"]), algorithms=["HS256"])
    with pytest.raises(MalformedToken):
        verifier.verify_jws(doc["output"]["compact"])
