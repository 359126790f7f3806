"""JWT verification: the public face of the native verifier (``edgert._core.JwtVerifier``).

This module owns the Python API: turning ``keys`` into bytes the core understands, reading the
host clock (``time.time()``) when the caller passes no ``now``, and re-exporting the typed errors.
The core itself never reads a clock and never fetches a JWKS; see ``docs/jwt.md``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterable, Mapping
from typing import Any

from edgert._core import JwtVerifier as _NativeVerifier
from edgert.errors import (
    ConfigError,
    DisallowedAlgorithm,
    ExpiredToken,
    InvalidAudience,
    InvalidIssuer,
    InvalidSignature,
    InvalidToken,
    MalformedToken,
    MissingClaim,
    NotYetValid,
    UnknownKey,
)

__all__ = [
    "DisallowedAlgorithm",
    "ExpiredToken",
    "InvalidAudience",
    "InvalidIssuer",
    "InvalidSignature",
    "InvalidToken",
    "MalformedToken",
    "MissingClaim",
    "NotYetValid",
    "UnknownKey",
    "Verifier",
]

#: The algorithms edgert verifies.
ALGORITHMS = (
    "HS256",
    "HS384",
    "HS512",
    "RS256",
    "RS384",
    "RS512",
    "PS256",
    "PS384",
    "PS512",
    "ES256",
    "ES384",
    "ES512",
    "EdDSA",
)

Keys = Mapping[str, Any] | str | bytes | bytearray | memoryview


def _names(value: str | Iterable[str] | None, what: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    names = list(value)
    if not all(isinstance(n, str) for n in names):
        raise ConfigError(f"{what} must be a str or a list of str")
    return names


def _key_bytes(keys: Keys) -> tuple[bytes, str]:
    """``keys`` as bytes, and how the core should read them."""
    if isinstance(keys, Mapping):
        return json.dumps(keys).encode(), "json"
    if isinstance(keys, str):
        text = keys.strip()
        if text.startswith("{"):
            return text.encode(), "json"
        if text.startswith("-----BEGIN "):
            return text.encode(), "auto"
        raise ConfigError("a str key must be JWK/JWKS JSON or PEM; pass an HMAC secret as bytes")
    if isinstance(keys, bytes | bytearray | memoryview):
        return bytes(keys), "auto"
    raise ConfigError(f"unsupported keys of type {type(keys).__name__}")


class Verifier:
    """Verifies compact JWS / JWT tokens against trusted keys and a fixed policy.

    ``keys``: a JWKS (dict or JSON text), one JWK, PEM or DER public-key bytes, or an HMAC secret
    as bytes. ``algorithms``: the only algorithms a token may use (each key is also bound to its
    own type). ``issuer`` / ``audience``: a name or a list of accepted names. ``leeway_s``: clock
    skew tolerated on ``exp``, ``nbf`` and ``iat``. ``required_claims``: claims that must be
    present. Tokens longer than ``max_token_bytes`` are refused unparsed. ``cache``: keep up to
    ``cache_size`` verified tokens so a repeated token costs a lookup (``exp`` is still honoured).
    ``jwks_refresh_interval_s``: with a JWKS, the least time between two refresh requests
    (see :meth:`update_jwks` and :attr:`UnknownKey.refresh_wanted`).
    """

    __slots__ = ("_native", "_verify")

    def __init__(
        self,
        keys: Keys,
        *,
        algorithms: Iterable[str],
        issuer: str | Iterable[str] | None = None,
        audience: str | Iterable[str] | None = None,
        leeway_s: float = 0,
        required_claims: Iterable[str] = (),
        max_token_bytes: int = 8192,
        cache: bool = True,
        cache_size: int = 4096,
        jwks_refresh_interval_s: float = 300,
    ) -> None:
        data, kind = _key_bytes(keys)
        algs = _names(algorithms, "algorithms")
        if not algs:
            raise ConfigError("algorithms must name at least one algorithm")
        if max_token_bytes <= 0 or cache_size < 0:
            raise ConfigError("max_token_bytes must be positive and cache_size non-negative")
        self._native = _NativeVerifier(
            data,
            kind=kind,
            algorithms=algs,
            issuers=_names(issuer, "issuer"),
            audiences=_names(audience, "audience"),
            leeway_s=int(leeway_s),
            required_claims=_names(required_claims, "required_claims"),
            max_token_bytes=int(max_token_bytes),
            cache_size=int(cache_size) if cache else 0,
            jwks_refresh_interval_s=int(jwks_refresh_interval_s),
        )
        self._verify = self._native.verify

    def verify(self, token: str | bytes, *, now: float | None = None) -> dict[str, Any]:
        """Verifies ``token`` and returns its claims; ``now`` is seconds since the epoch
        (default: the host clock). Raises a subclass of :class:`InvalidToken` on refusal."""
        return self._verify(token, time.time() if now is None else now)

    def verify_jws(self, token: str | bytes, *, now: float | None = None) -> tuple[str, bytes]:
        """Verifies only the signature of a compact JWS (no claim checks, no cache) and returns
        ``(alg, payload)``; for payloads that are not JWT claim sets."""
        return self._native.verify_jws(token, time.time() if now is None else now)

    def verify_signature(self, alg: str, message: bytes, signature: bytes) -> None:
        """Checks a raw ``signature`` over ``message`` with the trusted keys that may use
        ``alg``. Raises :class:`InvalidSignature`, :class:`UnknownKey` or
        :class:`DisallowedAlgorithm`."""
        self._native.verify_raw(alg, message, signature)

    def update_jwks(
        self, jwks: Mapping[str, Any] | str | bytes, *, now: float | None = None
    ) -> int:
        """Replaces the trusted keys with a freshly fetched JWKS and clears the cache. On error
        (:class:`edgert.errors.ConfigError`) the old keys stay. Returns the usable key count."""
        if isinstance(jwks, Mapping):
            data = json.dumps(jwks).encode()
        elif isinstance(jwks, str):
            data = jwks.encode()
        else:
            data = bytes(jwks)
        return self._native.update_jwks(data, time.time() if now is None else now)

    @property
    def cached_tokens(self) -> int:
        """How many verified tokens the cache holds."""
        return self._native.cached_tokens

    @property
    def keys(self) -> list[tuple[str | None, str, str | None]]:
        """``(kid, kty, alg)`` of each trusted key."""
        return self._native.key_ids
