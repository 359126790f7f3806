"""Which version answers a request while a deployment splits a worker's traffic.

Within a PoP whose stage gives the new version ``p`` percent:

1. **Overrides.** ``Cloudflare-Workers-Version-Overrides`` is an RFC 8941 dictionary
   ``worker-name="version-id"``; a member naming this worker and a version *in the current
   deployment* sends the request there. A member for another worker, a version outside the
   deployment, a value that is not a string, or a header that is not a valid dictionary is
   ignored (default routing), as Workers does. Parsed by ``http_sf`` (RFC 8941/9651).
2. **Affinity.** With ``Cloudflare-Workers-Version-Key``, the key is hashed to a point in
   [0, 100) (BLAKE2b, uniform) and goes to the new version when the point is below ``p``: a key
   never flips back while ``p`` only grows, and the share of keys on the new version is ``p``.
3. **Otherwise** a per-request draw from the deployment's own seeded stream (deterministic in
   virtual time: drawn in event order).
"""

from __future__ import annotations

import hashlib

import http_sf

__all__ = ["KEY_HEADER", "OVERRIDES_HEADER", "key_point", "parse_overrides"]

KEY_HEADER = "cloudflare-workers-version-key"
OVERRIDES_HEADER = "cloudflare-workers-version-overrides"

_SCALE = 100.0 / float(1 << 64)


def key_point(key: str) -> float:
    """A version key's fixed point in [0, 100): the new version takes it when its percentage
    is above the point."""
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") * _SCALE


def parse_overrides(value: str) -> dict[str, str]:
    """The members of an overrides header whose value is a string (``{worker: version id}``);
    an invalid RFC 8941 dictionary gives ``{}`` (the header is ignored)."""
    try:
        parsed = http_sf.parse(value.encode("latin-1"), tltype="dictionary")
    except (http_sf.StructuredFieldError, UnicodeEncodeError, ValueError):
        return {}
    if not isinstance(parsed, dict):
        return {}
    out: dict[str, str] = {}
    for name, member in parsed.items():
        item = member[0] if isinstance(member, tuple) else None
        if isinstance(item, str) and not isinstance(item, http_sf.Token):
            out[name] = item
    return out
