"""WebCrypto operations across algorithm families, in a worker, checked against Python's
``cryptography``: ``deriveKey`` from an X25519 agreement into HKDF and then AES-GCM (the secret,
the derived key and the ciphertext recomputed), ``wrapKey``/``unwrapKey`` of an AES key with
RSA-OAEP (the wrapped key opened by OpenSSL, a JWK wrapped by OpenSSL opened by the worker), and an
ECDH private key wrapped as PKCS#8 with AES-GCM. These go through the generic steps
(``lazy/subtle_generic.js``) into the RSA and key-agreement modules."""

from __future__ import annotations

import json
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa, x25519
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from webcrypto_js import worker_source

from edgert import Worker

DER = serialization.Encoding.DER
PKCS8 = serialization.PrivateFormat.PKCS8
RAW = serialization.Encoding.Raw


def _call(**body: Any) -> Any:
    worker = Worker(worker_source("cross_family.js"), cpu_ms=5_000)
    response = worker.fetch("https://cross.test/", method="POST", body=json.dumps(body))
    assert response.status == 200, response.stats.error
    return response.json()


def test_x25519_to_hkdf_to_aes_gcm() -> None:
    mine = x25519.X25519PrivateKey.from_private_bytes(bytes(range(32)))
    peer = x25519.X25519PrivateKey.from_private_bytes(bytes(range(32, 64)))
    iv = bytes(range(12))
    out = _call(
        step="ecies",
        pkcs8=mine.private_bytes(DER, PKCS8, serialization.NoEncryption()).hex(),
        peer=peer.public_key().public_bytes(RAW, serialization.PublicFormat.Raw).hex(),
        iv=iv.hex(),
        message="sealed for the peer",
    )
    secret = peer.exchange(mine.public_key())
    aes = HKDF(hashes.SHA256(), 32, salt=b"", info=b"edgert ecies").derive(secret)
    assert out["aes"] == aes.hex()
    assert AESGCM(aes).decrypt(iv, bytes.fromhex(out["ct"]), None) == b"sealed for the peer"
    assert out["aesAlgorithm"] == {"name": "AES-GCM", "length": 256}
    assert out["hkdfAlgorithm"] == {"name": "HKDF"}
    assert out["hkdfFromHkdf"] == "DOMException:OperationError"


def test_rsa_oaep_wraps_and_unwraps_an_aes_key() -> None:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    aes = bytes(range(100, 132))
    label = b"wrapping label"
    oaep = padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), label=None)
    jwk = {"kty": "oct", "k": "AAECAwQFBgcICQoLDA0ODw", "alg": "A128GCM", "ext": True}
    wrapped_jwk = private.public_key().encrypt(json.dumps(jwk).encode(), oaep)
    out = _call(
        step="rsaWrap",
        spki=private.public_key()
        .public_bytes(DER, serialization.PublicFormat.SubjectPublicKeyInfo)
        .hex(),
        pkcs8=private.private_bytes(DER, PKCS8, serialization.NoEncryption()).hex(),
        aes=aes.hex(),
        label=label.hex(),
        wrappedJwk=wrapped_jwk.hex(),
    )
    labelled = padding.OAEP(padding.MGF1(hashes.SHA256()), hashes.SHA256(), label=label)
    assert private.decrypt(bytes.fromhex(out["wrapped"]), labelled) == aes
    assert out["unwrapped"] == bytes(range(16)).hex()
    assert out["unwrappedUsages"] == ["decrypt"]
    assert out["noUsage"] == "DOMException:InvalidAccessError"
    assert out["kwEncrypt"] == "DOMException:NotSupportedError"


def test_aes_gcm_wraps_an_ecdh_private_key() -> None:
    key = ec.derive_private_key(7, ec.SECP256R1())
    kek = bytes(range(32))
    iv = bytes(range(12, 24))
    out = _call(
        step="gcmEc",
        kek=kek.hex(),
        iv=iv.hex(),
        pkcs8=key.private_bytes(DER, PKCS8, serialization.NoEncryption()).hex(),
    )
    pkcs8 = AESGCM(kek).decrypt(iv, bytes.fromhex(out["wrapped"]), None)
    back = serialization.load_der_private_key(pkcs8, password=None)
    assert isinstance(back, ec.EllipticCurvePrivateKey)
    assert back.private_numbers().private_value == 7
    assert out["backType"] == "private"
    assert out["backAlgorithm"] == {"name": "ECDH", "namedCurve": "P-256"}
    assert out["backExtractable"] is False
