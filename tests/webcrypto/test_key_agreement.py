"""Key agreement in workers: two parties, each its own worker, generate ECDH (P-256, P-384,
P-521) or X25519 key pairs, exchange raw public keys, agree on the same secret with
``deriveBits`` and on an HMAC key with ``deriveKey``, and authenticate a message with it. The
secret is checked against Python's ``cryptography`` computing it from the exported keys."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, x25519
from cryptography.hazmat.primitives.serialization import load_der_private_key
from webcrypto_js import worker_source

from edgert import Worker

CURVES = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}


def _party(seed: int) -> Worker:
    return Worker(worker_source("agreement.js"), cpu_ms=5_000, seed=seed)


def _call(worker: Worker, **body: Any) -> Any:
    response = worker.fetch("https://agree.test/", method="POST", body=json.dumps(body))
    assert response.status == 200, response.stats.error
    return response.json()


def _expected_secret(alg: str, pkcs8_hex: str, peer_raw_hex: str) -> bytes:
    private = load_der_private_key(bytes.fromhex(pkcs8_hex), password=None)
    if alg == "X25519":
        assert isinstance(private, x25519.X25519PrivateKey)
        return private.exchange(
            x25519.X25519PublicKey.from_public_bytes(bytes.fromhex(peer_raw_hex))
        )
    assert isinstance(private, ec.EllipticCurvePrivateKey)
    peer = ec.EllipticCurvePublicKey.from_encoded_point(CURVES[alg], bytes.fromhex(peer_raw_hex))
    return private.exchange(ec.ECDH(), peer)


@pytest.mark.parametrize("alg", ["X25519", "P-256", "P-384", "P-521"])
def test_two_workers_agree_and_authenticate(alg: str) -> None:
    alice, bob = _party(1), _party(2)
    a = _call(alice, step="keypair", alg=alg)
    b = _call(bob, step="keypair", alg=alg)
    assert a["raw"] != b["raw"]
    assert a["privateUsages"] == ["deriveBits", "deriveKey"] and a["publicUsages"] == []
    expected_algorithm = (
        {"name": "X25519"} if alg == "X25519" else {"name": "ECDH", "namedCurve": alg}
    )
    assert a["privateAlgorithm"] == expected_algorithm

    message = "transfer 10 to bob"
    from_alice = _call(
        alice, step="agree", alg=alg, pkcs8=a["pkcs8"], peer=b["raw"], message=message
    )
    from_bob = _call(
        bob,
        step="agree",
        alg=alg,
        pkcs8=b["pkcs8"],
        peer=a["raw"],
        message=message,
        peerTag=from_alice["tag"],
    )
    assert from_alice["bits"] == from_bob["bits"]
    assert bytes.fromhex(from_alice["bits"]) == _expected_secret(alg, a["pkcs8"], b["raw"])
    # Both derived the same HMAC key: Bob verifies Alice's tag, and their tags match.
    assert from_bob["peerTagValid"] is True
    assert from_alice["tag"] == from_bob["tag"]
    assert from_alice["hmacAlgorithm"] == {
        "name": "HMAC",
        "hash": {"name": "SHA-256"},
        "length": 256,
    }
    assert from_alice["tooLong"] == "DOMException:OperationError"
    assert from_alice["publicAsBase"] == "DOMException:InvalidAccessError"


def test_x25519_small_order_peer_is_refused() -> None:
    alice = _party(3)
    a = _call(alice, step="keypair", alg="X25519")
    # u = 0 and u = 1 have small order: the shared secret is all zero, an OperationError.
    for peer in ["00" * 32, "01" + "00" * 31]:
        out = _call(alice, step="smallOrder", alg="X25519", pkcs8=a["pkcs8"], peer=peer)
        assert out == {"error": "DOMException:OperationError"}
