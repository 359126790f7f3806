"""The demo's identity provider: an ES256 key pair made in-process and the tokens it signs.

Tokens are compact JWS (RFC 7515) with JWT claims (RFC 7519); the ES256 signature is the raw
``r || s`` pair of RFC 7518 section 3.4, converted from the DER form ``cryptography`` returns.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature

__all__ = ["Issuer"]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class Issuer:
    """Signs ES256 tokens with a fresh P-256 key; ``public_jwk`` is what verifiers trust."""

    issuer: str = "https://id.demo.example"
    _key: ec.EllipticCurvePrivateKey = field(
        default_factory=lambda: ec.generate_private_key(ec.SECP256R1()), repr=False
    )

    @property
    def public_jwk(self) -> dict[str, str]:
        numbers = self._key.public_key().public_numbers()
        return {
            "kty": "EC",
            "crv": "P-256",
            "x": b64url(numbers.x.to_bytes(32, "big")),
            "y": b64url(numbers.y.to_bytes(32, "big")),
            "alg": "ES256",
            "use": "sig",
        }

    def token(self, sub: str, *, issued_at: float, expires_at: float) -> str:
        """A signed token for ``sub`` valid until ``expires_at`` (seconds since the epoch)."""
        header = {"alg": "ES256", "typ": "JWT"}
        claims: dict[str, Any] = {
            "iss": self.issuer,
            "sub": sub,
            "iat": int(issued_at),
            "exp": int(expires_at),
        }
        signing_input = (
            b64url(json.dumps(header, separators=(",", ":")).encode())
            + "."
            + b64url(json.dumps(claims, separators=(",", ":")).encode())
        )
        der = self._key.sign(signing_input.encode(), ec.ECDSA(hashes.SHA256()))
        r, s = decode_dss_signature(der)
        return signing_input + "." + b64url(r.to_bytes(32, "big") + s.to_bytes(32, "big"))
