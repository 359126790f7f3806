"""The exception hierarchy of edgert, split by whose fault an error is.

- the worker's code: :class:`WorkerError` and its subclasses (limits, exceptions, bad results);
- the user's configuration: :class:`ConfigError` (also a :class:`ValueError`);
- the client's request: :class:`RequestError` (also a :class:`ValueError`);
- the host's misuse of the core, i.e. a bug in edgert or in an embedding host: :class:`HostError`.
"""

from __future__ import annotations

__all__ = [
    "CachePutError",
    "ConfigError",
    "CpuLimitExceeded",
    "EdgertError",
    "EgressRefused",
    "HostError",
    "MemoryLimitExceeded",
    "RequestError",
    "ScenarioError",
    "ScriptError",
    "WallTimeExceeded",
    "WorkerError",
]


class EdgertError(Exception):
    """Root of every error edgert raises on purpose."""


class WorkerError(EdgertError):
    """The worker's code failed: it threw, returned something that is not a Response, or hit a limit."""


class ScriptError(WorkerError):
    """The worker script could not be compiled or evaluated (syntax error, throw at startup)."""


class CpuLimitExceeded(WorkerError):
    """The worker used more CPU time than its limit allows (for a request, or at startup)."""


class MemoryLimitExceeded(WorkerError):
    """The isolate ran out of the memory its limit allows; it was discarded."""


class EgressRefused(WorkerError, PermissionError):
    """A worker's subrequest asked for an address the host's egress policy refuses (loopback,
    private, link-local, cloud metadata...; see :mod:`edgert.egress`). The worker's ``fetch``
    rejects with a ``TypeError`` carrying this message."""


class WallTimeExceeded(WorkerError):
    """The request did not settle before the wall-clock limit the host gave it."""


class ConfigError(EdgertError, ValueError):
    """The user's configuration is invalid (a bad option, a missing file, a malformed binding)."""


class RequestError(EdgertError, ValueError):
    """The client's request is malformed (bad URL, bad header name or value, oversized body)."""


class HostError(EdgertError, RuntimeError):
    """A host drove the core wrongly (unknown operation id, a result of the wrong type): a bug."""


class UnknownPlaceError(ConfigError):
    """A PoP code, preset, city or country that the bundled offline geography data does not know."""


__all__ += ["UnknownPlaceError"]


# --- JWT verification (edgert.jwt) ---------------------------------------------------------------


class InvalidToken(EdgertError, ValueError):
    """A JWT was refused (the client's fault): the base of every JWT verification error."""


class MalformedToken(InvalidToken):
    """The token is not a well-formed compact JWS / JWT (or is larger than allowed)."""


class InvalidSignature(InvalidToken):
    """No trusted key accepts the token's signature."""


class DisallowedAlgorithm(InvalidToken):
    """The token's ``alg`` is unknown (``none`` in any spelling) or not in ``algorithms``."""


class UnknownKey(InvalidToken):
    """No trusted key matches the token's ``kid`` and ``alg``.

    ``refresh_wanted`` is true when the host should fetch the JWKS again and hand it to
    ``Verifier.update_jwks`` (at most once per refresh interval).
    """

    refresh_wanted: bool = False


class ExpiredToken(InvalidToken):
    """``exp`` has passed (beyond the leeway)."""


class NotYetValid(InvalidToken):
    """``nbf`` or ``iat`` is in the future (beyond the leeway)."""


class InvalidIssuer(InvalidToken):
    """``iss`` is not the configured issuer."""


class InvalidAudience(InvalidToken):
    """``aud`` does not name the configured audience (or names one while none is configured)."""


class MissingClaim(InvalidToken):
    """A required claim is absent; ``claim`` names it."""

    claim: str = ""


__all__ += [
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
]


class CachePutError(EdgertError, TypeError):
    """The Cache API refused a `put`: a non-GET request, a 206 response, or `Vary: *`."""


class KvError(EdgertError):
    """A Workers KV call failed (from Python; workers see JavaScript errors instead)."""


class KvLimitError(KvError, ValueError):
    """A KV call broke a limit: key > 512 bytes, value > 25 MiB, metadata > 1 KiB,
    ``expiration_ttl`` < 60, a list limit outside 1..1000."""


class KvRateLimited(KvError):
    """More than one write per second to the same key (the central store's limit)."""


__all__ += ["KvError", "KvLimitError", "KvRateLimited"]


class HttpRefusal(RequestError):
    """The edge server refuses a request it read from a socket: ``status`` is the answer (400
    malformed, 413 body too large, 417 expectation, 431 head too large, 505 version)."""

    status: int = 400


__all__ += ["HttpRefusal"]


class ScenarioError(ConfigError):
    """A simulation scenario is invalid; the message names the key at fault."""
