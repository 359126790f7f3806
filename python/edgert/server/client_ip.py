"""The client's address as the edge hands it to a worker (the asyncio front; the native front
does the same in ``rust/src/front/client_ip.rs``).

As on Cloudflare ("Cloudflare HTTP headers"; the Workers "Headers" page): ``CF-Connecting-IP``
is the address of the client connected to the edge, and the worker's request also carries it as
``X-Real-IP``; it is appended to any ``X-Forwarded-For`` the client sent (or becomes it). A
client-sent ``CF-Connecting-IP`` or ``X-Real-IP`` is never trusted: it is replaced. The edge's
internal ``x-edgert-pass-through`` (a worker's request forwarded to the origin) is removed, so
that no client can send it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from edgert._core import Request

__all__ = ["EDGE_ONLY", "peer_ip", "stamp"]

#: Fields only the edge may set on a request that reaches a worker.
EDGE_ONLY = frozenset({"cf-connecting-ip", "x-real-ip", "x-edgert-pass-through"})


def peer_ip(peername: Any) -> str | None:
    """The address of a socket's ``peername`` (an IPv4-mapped IPv6 address as IPv4)."""
    if not isinstance(peername, tuple) or not peername:
        return None
    try:
        address = ipaddress.ip_address(str(peername[0]).split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return str(address)


def stamp(
    request: Request,
    ip: str | None,
    cf: str | None,
    bots: Callable[[str, list[tuple[str, str]]], str] | None = None,
) -> Request:
    """``request`` with the client-address fields set from ``ip`` (``cf``: its ``request.cf``
    JSON, kept). Without an address the fields are only removed. ``bots(cf, headers)``, when
    given, adds the bot model's fields to ``cf`` from the stamped headers."""
    items = request.headers.items()
    kept = [(k, v) for k, v in items if k.lower() not in EDGE_ONLY]
    if ip is not None:
        prior = ", ".join(v for k, v in kept if k.lower() == "x-forwarded-for").strip()
        kept = [(k, v) for k, v in kept if k.lower() != "x-forwarded-for"]
        kept.append(("x-forwarded-for", f"{prior}, {ip}" if prior else ip))
        kept.append(("cf-connecting-ip", ip))
        kept.append(("x-real-ip", ip))
    if bots is not None and cf is not None:
        cf = bots(cf, kept)
    return Request(request.url, method=request.method, headers=kept, body=request.body, cf=cf)
