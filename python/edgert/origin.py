"""The origin: the customer's application server behind the edge network, in one region.

In real time it is a real HTTP server reached by ``url``; in virtual time it is a Python
``handler`` (sync or async) called when a request reaches it, plus a service time. A handler may
also serve real time (called in-process, no HTTP). The origin's region is an IATA code (any
airport, e.g. ``"IAD"`` for Ashburn, Virginia): its position for the latency model.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from edgert._core import Request, Response
from edgert.errors import ConfigError
from edgert.latency import Connection, PathKind
from edgert.pops import Pop, pop

__all__ = ["Origin", "OriginHandler", "as_response"]

#: ``handler(request)`` returns a :class:`Response` (or ``str``/``bytes`` for a 200, a ``dict`` or
#: ``list`` for JSON), optionally paired with its own service time in seconds:
#: ``(response, service_time_s)``; it may be a coroutine function.
OriginHandler = Callable[[Request], Any | Awaitable[Any]]


def as_response(result: Any) -> Response:
    """A handler's result as a :class:`Response`."""
    if isinstance(result, Response):
        return result
    if isinstance(result, str | bytes):
        return Response(result)
    if isinstance(result, dict | list):
        return Response(json.dumps(result), headers={"content-type": "application/json"})
    raise ConfigError(f"an origin handler must return a Response, str, bytes or JSON: {result!r}")


@dataclass(frozen=True, slots=True)
class Origin:
    """The origin server.

    - ``url``: its base URL (``http://127.0.0.1:8080``) for real time; the PoP sends a request
      for ``https://app.example/a?b`` to ``<url>/a?b`` with ``Host: app.example``;
    - ``handler``: for virtual time (and in-process real time), see :data:`OriginHandler`;
    - ``region``: an IATA code, where the origin is;
    - ``service_time_s``: the time the origin spends per request in virtual time (a number, or
      a function of the request); a handler that returns ``(response, seconds)`` overrides it;
    - ``hosts``: the host names the origin serves (``"example.com"``, ``"*.example.com"``); a
      worker's subrequest to another host goes out to the Internet instead. ``None``: every host;
    - ``path``: the kind of path between the PoPs and the origin (``"internet"``, or
      ``"backbone"`` for a private-backbone product such as Argo);
    - ``connection``: PoP-to-origin connections are pooled and warm (``"reused"``) by default.
    """

    url: str | None = None
    handler: OriginHandler | None = None
    region: str = "IAD"
    service_time_s: float | Callable[[Request], float] = 0.0
    hosts: Sequence[str] | None = None
    path: PathKind = "internet"
    connection: Connection = "reused"
    location: Pop = field(init=False, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.url is None and self.handler is None:
            raise ConfigError("an Origin needs a url (real time) or a handler (virtual time)")
        if self.url is not None:
            if not self.url.startswith(("http://", "https://")):
                raise ConfigError(f"origin url must be http(s): {self.url!r}")
            object.__setattr__(self, "url", self.url.rstrip("/"))
        if isinstance(self.service_time_s, int | float) and not self.service_time_s >= 0:
            raise ConfigError("service_time_s must not be negative")
        if self.path not in ("internet", "backbone"):
            raise ConfigError(f"origin path must be 'internet' or 'backbone': {self.path!r}")
        if self.connection not in ("new", "resumed", "reused"):
            raise ConfigError(f"unknown origin connection {self.connection!r}")
        if self.hosts is not None:
            object.__setattr__(self, "hosts", tuple(h.lower() for h in self.hosts))
        object.__setattr__(self, "location", pop(self.region))

    def serves(self, host: str) -> bool:
        """Whether the origin serves ``host`` (lower case, no port)."""
        if self.hosts is None:
            return True
        for h in self.hosts:
            if h.startswith("*"):
                if host.endswith(h[1:]):
                    return True
            elif host == h:
                return True
        return False

    def service_s(self, request: Request) -> float:
        """The modelled service time for ``request``, in seconds."""
        t = self.service_time_s
        return float(t(request)) if callable(t) else float(t)
