"""The server's limits: how much a client may send, and how long it may take."""

from __future__ import annotations

from dataclasses import dataclass

from edgert.errors import ConfigError

__all__ = ["ServerLimits"]


@dataclass(frozen=True, slots=True)
class ServerLimits:
    """Limits per connection and per request.

    - ``max_header_bytes``: the request line plus the header section; more gets 431;
    - ``max_body_bytes``: a request body (declared by ``Content-Length`` or received in chunks);
      more gets 413;
    - ``header_timeout_s``: from a request's first byte until its header section is complete;
      a slower client gets 408 and the connection closes;
    - ``idle_timeout_s``: a keep-alive connection with no request in progress is closed after
      this long (silently: no request was started, so there is nothing to answer);
    - ``max_pipelined``: requests of one connection in flight at once (pipelining); past it the
      server stops reading that connection until responses have been written (the asyncio
      front; the native front runs a connection's requests one at a time);
    - ``body_timeout_s``: the longest pause between two pieces of a request body (and before
      the first); a stalled upload gets 408 and the connection closes;
    - ``max_buffered_body_bytes``: request-body bytes buffered across the whole server at once
      (a body counts from its first byte until its request is answered); a body that would go
      past it gets 503 (with ``Retry-After``) and the connection closes;
    - ``max_connections``: connections open at once; one more is answered 503 and closed;
    - ``ws_idle_timeout_s``: a WebSocket with no frame either way for this long is closed (1001);
    - ``ws_max_buffered_bytes``: message bytes waiting to be written to one WebSocket client;
      more closes it (1011).

    The last five are enforced by the native front (``EdgeServer(front="native")``, the
    default), not by the asyncio front.
    """

    max_header_bytes: int = 64 * 1024
    max_body_bytes: int = 100 * 1024 * 1024
    header_timeout_s: float = 10.0
    idle_timeout_s: float = 75.0
    max_pipelined: int = 64
    body_timeout_s: float = 30.0
    max_buffered_body_bytes: int = 256 * 1024 * 1024
    max_connections: int = 10_000
    ws_idle_timeout_s: float = 300.0
    ws_max_buffered_bytes: int = 16 * 1024 * 1024

    def __post_init__(self) -> None:
        for name in (
            "max_header_bytes",
            "max_body_bytes",
            "max_pipelined",
            "max_buffered_body_bytes",
            "max_connections",
            "ws_max_buffered_bytes",
        ):
            value = getattr(self, name)
            if not isinstance(value, int) or value < 1:
                raise ConfigError(f"ServerLimits.{name} must be a positive integer: {value!r}")
        for name in ("header_timeout_s", "idle_timeout_s", "body_timeout_s", "ws_idle_timeout_s"):
            value = getattr(self, name)
            if not isinstance(value, int | float) or not value > 0:
                raise ConfigError(f"ServerLimits.{name} must be > 0 seconds: {value!r}")

    @property
    def tick_s(self) -> float:
        """How often the server checks its connections' deadlines."""
        return min(1.0, self.header_timeout_s / 4, self.idle_timeout_s / 4)
