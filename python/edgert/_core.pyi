"""Type stubs for the native module ``edgert._core``."""

from typing import Any

__version__: str

# --- JWT verification (rust/src/py/jwt.rs) ---------------------------------------------------

class JwtVerifier:
    """A JWT verifier with a fixed policy; ``edgert.jwt.Verifier`` is the documented face."""

    def __init__(
        self,
        keys: bytes,
        *,
        kind: str = "auto",
        algorithms: list[str],
        issuers: list[str] = ...,
        audiences: list[str] = ...,
        leeway_s: int = 0,
        required_claims: list[str] = ...,
        max_token_bytes: int = 8192,
        cache_size: int = 4096,
        jwks_refresh_interval_s: int = 300,
    ) -> None: ...
    def verify(self, token: str | bytes, now_s: float) -> dict[str, Any]:
        """Verifies a JWT at ``now_s`` and returns its claims."""
    def verify_jws(self, token: str | bytes, now_s: float) -> tuple[str, bytes]:
        """Verifies a compact JWS's signature only; returns ``(alg, payload)``."""
    def verify_raw(self, alg: str, message: bytes, signature: bytes) -> None:
        """Checks a raw signature over ``message`` with ``alg``."""
    def update_jwks(self, jwks: bytes, now_s: float) -> int:
        """Replaces the keys with a fetched JWKS; returns the number of usable keys."""
    @property
    def cached_tokens(self) -> int: ...
    @property
    def key_ids(self) -> list[tuple[str | None, str, str | None]]: ...
