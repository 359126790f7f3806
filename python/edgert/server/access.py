"""One line of the access log: what the server did with one request."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["AccessRecord"]


@dataclass(frozen=True, slots=True)
class AccessRecord:
    """A request the server answered.

    ``time`` is when the response was written (seconds since the epoch); ``cache_status`` the
    response's ``cf-cache-status`` (``HIT``, ``MISS``, ... or ``None`` when the cache was not
    involved); ``cpu_ms`` the worker's CPU time (0 when no worker ran); ``wall_ms`` the time
    from the request's last byte to its response being handed to the socket; ``logs`` the
    worker's console lines as ``(level, message)`` pairs; ``cold_start`` whether the request
    had to create its isolate, and ``prewarmed`` whether that isolate came from a spare the
    server prepared when the connection was accepted (see :meth:`edgert.Network.prewarm`);
    ``outcome`` the worker's (``"ok"``, ``"exception"``, ``"invalidResponse"``, ...; ``None``
    when no worker ran) and ``error`` its uncaught exception with the stack, if any.
    ``version`` is the id of the worker version that answered and ``version_tag`` its tag
    (None without a worker; see :meth:`edgert.deploy.Deployments.log_version`).
    """

    time: float
    method: str
    path: str
    status: int
    pop: str
    cache_status: str | None
    cpu_ms: float
    wall_ms: float
    logs: tuple[tuple[str, str], ...] = ()
    cold_start: bool = False
    prewarmed: bool = False
    outcome: str | None = None
    error: str | None = None
    version: str | None = None
    version_tag: str | None = None

    def line(self) -> str:
        """The record as one log line (``edgert dev`` prints these)."""
        from datetime import datetime

        stamp = datetime.fromtimestamp(self.time).strftime("%H:%M:%S")
        cache = f" cache={self.cache_status}" if self.cache_status else ""
        version = f" version={self.version}" if self.version else ""
        return (
            f"{stamp} {self.method} {self.path} {self.status} pop={self.pop}{cache} "
            f"cpu={self.cpu_ms:.2f}ms wall={self.wall_ms:.2f}ms{version}"
        )
