"""Token factory for the JWT tests: keys made with ``cryptography`` and JWS built by hand."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

NOW = 1_700_000_000
SECRET = b"0123456789abcdef0123456789abcdef"


def b64u(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def j(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()


def claims(**extra: Any) -> dict[str, Any]:
    return {"sub": "user-1", "iat": NOW - 10, "exp": NOW + 3600, **extra}


def assemble(header: dict[str, Any] | bytes, payload: dict[str, Any] | bytes, sign: Any) -> str:
    h = header if isinstance(header, bytes) else j(header)
    p = payload if isinstance(payload, bytes) else j(payload)
    signing_input = f"{b64u(h)}.{b64u(p)}".encode()
    return f"{signing_input.decode()}.{b64u(sign(signing_input))}"


def hs256(secret: bytes) -> Any:
    return lambda m: hmac.new(secret, m, hashlib.sha256).digest()


class Keys:
    """One key of each type, generated once."""

    def __init__(self) -> None:
        self.rsa = rsa.generate_private_key(65537, 2048)
        self.p256 = ec.generate_private_key(ec.SECP256R1())
        self.ed = ed25519.Ed25519PrivateKey.generate()

    def pem(self, key: Any) -> bytes:
        return key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def der(self, key: Any) -> bytes:
        return key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )

    def rsa_jwk(self, kid: str | None = None) -> dict[str, Any]:
        n = self.rsa.public_key().public_numbers()
        jwk = {
            "kty": "RSA",
            "n": b64u(n.n.to_bytes((n.n.bit_length() + 7) // 8, "big")),
            "e": b64u(n.e.to_bytes(3, "big")),
        }
        return {**jwk, "kid": kid} if kid else jwk

    def ec_jwk(self, kid: str | None = None, key: Any = None) -> dict[str, Any]:
        n = (key or self.p256).public_key().public_numbers()
        jwk = {
            "kty": "EC",
            "crv": "P-256",
            "x": b64u(n.x.to_bytes(32, "big")),
            "y": b64u(n.y.to_bytes(32, "big")),
        }
        return {**jwk, "kid": kid} if kid else jwk

    def ed_jwk(self, kid: str | None = None, key: Any = None) -> dict[str, Any]:
        raw = (
            (key or self.ed)
            .public_key()
            .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        )
        jwk = {"kty": "OKP", "crv": "Ed25519", "x": b64u(raw)}
        return {**jwk, "kid": kid} if kid else jwk

    def rs256(self, m: bytes) -> bytes:
        return self.rsa.sign(m, padding.PKCS1v15(), hashes.SHA256())

    def es256(self, m: bytes, key: Any = None) -> bytes:
        r, s = decode_dss_signature((key or self.p256).sign(m, ec.ECDSA(hashes.SHA256())))
        return r.to_bytes(32, "big") + s.to_bytes(32, "big")

    def es256_der(self, m: bytes) -> bytes:
        return self.p256.sign(m, ec.ECDSA(hashes.SHA256()))

    def eddsa(self, m: bytes, key: Any = None) -> bytes:
        return (key or self.ed).sign(m)


KEYS = Keys()
