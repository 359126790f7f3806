"""Routes: which worker, if any, a request's URL runs on (wrangler's ``routes``).

A route pattern is ``[scheme://]host/path`` with Cloudflare's rules: the only operator is the
wildcard ``*``, which matches zero or more of any character and may appear only at the start of
the host (``*.example.com``: every subdomain; ``*example.com``: the domain and its subdomains) and
at the end of the path (``example.com/api/*``); patterns hold no query string, and matching
considers the whole URL including its query (so ``example.com/api`` does not match
``/api?x=1``; ``example.com/api*`` does). A pattern without a scheme matches ``http`` and
``https``. When several patterns match, the most specific wins: a literal host before a
wildcard host, then the longer host, then a literal path before a wildcard path, then the longer
path, then a pattern with a scheme. A route with no worker (``worker=None``) sends the requests it
matches straight to the origin, as a route with no Worker does on Cloudflare. Requests no route
matches also go to the origin (pass-through).

Deviation: Cloudflare documents a quirk in which ``example.com/images*`` wins over
``example.com/images/*`` for ``/images/hello``; here the longer literal path wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from edgert.errors import ConfigError

__all__ = ["Route", "RouteTable", "split_url"]


@dataclass(frozen=True, slots=True)
class Route:
    """A route: a URL ``pattern`` and the ``worker`` (a name of the network's workers, or
    ``None`` to bypass workers) that takes the requests it matches."""

    pattern: str
    worker: str | None
    scheme: str | None = field(default=None, init=False, compare=False)
    host: str = field(default="", init=False, compare=False)
    host_wild: bool = field(default=False, init=False, compare=False)
    path: str = field(default="", init=False, compare=False)
    path_wild: bool = field(default=False, init=False, compare=False)

    def __post_init__(self) -> None:
        rest = self.pattern.strip()
        scheme = None
        if "://" in rest:
            scheme, rest = rest.split("://", 1)
            scheme = scheme.lower()
            if scheme not in ("http", "https"):
                raise ConfigError(f"route {self.pattern!r}: scheme must be http or https")
        slash = rest.find("/")
        if slash <= 0:
            raise ConfigError(f"route {self.pattern!r} needs a host and a path (example.com/*)")
        host, path = rest[:slash].lower(), rest[slash:]
        host_wild = host.startswith("*")
        if host_wild:
            host = host[1:]
        path_wild = path.endswith("*")
        if path_wild:
            path = path[:-1]
        if "*" in host or "*" in path:
            raise ConfigError(
                f"route {self.pattern!r}: '*' may only start the host or end the path"
            )
        if "?" in path or "#" in path:
            raise ConfigError(f"route {self.pattern!r}: patterns hold no query or fragment")
        if not host and not host_wild:
            raise ConfigError(f"route {self.pattern!r} has no host")
        for name, value in (
            ("scheme", scheme),
            ("host", host),
            ("host_wild", host_wild),
            ("path", path),
            ("path_wild", path_wild),
        ):
            object.__setattr__(self, name, value)

    def matches(self, scheme: str, host: str, target: str) -> bool:
        """Whether a URL (its scheme, lower-case host, and path plus ``?query``) matches."""
        if self.scheme is not None and scheme != self.scheme:
            return False
        if self.host_wild:
            if not host.endswith(self.host):
                return False
        elif host != self.host:
            return False
        if self.path_wild:
            return target.startswith(self.path)
        return target == self.path

    @property
    def specificity(self) -> tuple[int, int, int, int, int]:
        """Sort key: larger is more specific (see the module docstring)."""
        return (
            0 if self.host_wild else 1,
            len(self.host),
            0 if self.path_wild else 1,
            len(self.path),
            0 if self.scheme is None else 1,
        )


def split_url(url: str) -> tuple[str, str, str]:
    """``(scheme, host, path?query)`` of an absolute URL, host lower-cased without port or
    credentials; fragments are dropped (they never reach a server)."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ConfigError(f"not an absolute URL: {url!r}")
    end = len(rest)
    for c in "/?#":
        i = rest.find(c)
        if i != -1 and i < end:
            end = i
    authority, target = rest[:end], rest[end:]
    target = target.split("#", 1)[0]
    if not target.startswith("/"):
        target = "/" + target
    host = authority.rsplit("@", 1)[-1]
    # An IPv6 literal keeps its brackets; otherwise the port goes.
    host = host[: host.find("]") + 1] if host.startswith("[") else host.split(":", 1)[0]
    return scheme.lower(), host.lower(), target


RouteSpec = Route | tuple[str, str | None] | Mapping[str, Any]


def _route(spec: RouteSpec) -> Route:
    if isinstance(spec, Route):
        return spec
    if isinstance(spec, tuple):
        return Route(spec[0], spec[1])
    if isinstance(spec, Mapping):
        worker = spec.get("worker", spec.get("script"))
        return Route(str(spec["pattern"]), None if worker is None else str(worker))
    raise ConfigError(f"a route is a Route, a (pattern, worker) pair or a mapping: {spec!r}")


class RouteTable:
    """The routes of a network, most specific first."""

    __slots__ = ("routes",)

    def __init__(self, routes: Iterable[RouteSpec], workers: Sequence[str]) -> None:
        parsed = [_route(r) for r in routes]
        known = set(workers)
        for r in parsed:
            if r.worker is not None and r.worker not in known:
                raise ConfigError(
                    f"route {r.pattern!r} names unknown worker {r.worker!r}; "
                    f"workers: {', '.join(sorted(known)) or 'none'}"
                )
        seen: set[str] = set()
        for r in parsed:
            if r.pattern in seen:
                raise ConfigError(f"duplicate route pattern {r.pattern!r}")
            seen.add(r.pattern)
        # Stable sort: equally specific patterns keep the order they were given in.
        self.routes: tuple[Route, ...] = tuple(
            sorted(parsed, key=lambda r: r.specificity, reverse=True)
        )

    def match(self, url: str) -> Route | None:
        """The most specific route matching ``url``, or ``None`` (pass-through)."""
        scheme, host, target = split_url(url)
        for r in self.routes:
            if r.matches(scheme, host, target):
                return r
        return None
