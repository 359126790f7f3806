"""The demo's origin: a small shop API in Ashburn, Virginia (IAD), as a Python handler.

Two deployments of the same application are compared:

- ``behind_edge``: the edge checks tokens; the origin trusts the ``x-user-id`` header the edge adds
  (and the cohort, country and feature flags it computed), and marks the public catalogue
  cacheable so that PoPs can keep it.
- ``direct``: no edge; the origin verifies every token itself (``edgert.jwt.Verifier``), computes
  the cohort and serves the catalogue on every request.

Service times are modelled (virtual time): a signed-in page costs the origin ``PAGE_S``, the
catalogue ``CATALOG_S``, a refusal ``REFUSE_S``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from edgert._core import Request, Response
from edgert.errors import InvalidToken
from edgert.jwt import Verifier

__all__ = ["CATALOG_S", "PAGE_S", "REFUSE_S", "behind_edge", "direct"]

PAGE_S = 0.050
CATALOG_S = 0.020
REFUSE_S = 0.002

CATALOG = {
    "products": [
        {"sku": "tea-01", "name": "Sencha", "price": 12.5},
        {"sku": "tea-02", "name": "Earl Grey", "price": 9.0},
        {"sku": "mug-01", "name": "Stoneware mug", "price": 18.0},
    ]
}


def _json(data: Any, status: int = 200, cache: str | None = None) -> Response:
    headers = {"content-type": "application/json"}
    if cache is not None:
        headers["cache-control"] = cache
    return Response(json.dumps(data), status=status, headers=headers)


def _path(request: Request) -> str:
    rest = request.url.split("://", 1)[-1]
    path = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return path.split("?", 1)[0]


def _page(path: str, user: str, cohort: str, country: str) -> dict[str, Any]:
    return {"page": path, "user": user, "cohort": cohort, "country": country}


def _cohort(sub: str) -> str:
    h = 0x811C9DC5
    for ch in sub:
        h = ((h ^ ord(ch)) * 0x01000193) & 0xFFFFFFFF
    return "control" if h % 100 < 50 else "variant-a"


def behind_edge(request: Request) -> tuple[Response, float]:
    """The origin behind the edge middleware."""
    path = _path(request)
    if path == "/api/catalog":
        return _json(CATALOG, cache="public, max-age=300"), CATALOG_S
    user = request.headers.get("x-user-id")
    if user is None:  # only the edge reaches this origin, and it always says who the user is
        return _json({"error": "unauthorized"}, 401), REFUSE_S
    page = _page(
        path, user, request.headers.get("x-ab-cohort") or "", request.headers.get("x-country") or ""
    )
    return _json(page, cache="private, no-store"), PAGE_S


def direct(public_jwk: dict[str, str], now: Callable[[], float]) -> Callable[..., Any]:
    """The origin alone: it checks each token itself (``now``: the network's clock)."""
    verifier = Verifier({"keys": [public_jwk]}, algorithms=["ES256"])

    def handler(request: Request) -> tuple[Response, float]:
        path = _path(request)
        if path == "/api/catalog":
            return _json(CATALOG, cache="public, max-age=300"), CATALOG_S
        auth = request.headers.get("authorization") or ""
        if not auth.startswith("Bearer "):
            return _json({"error": "unauthorized", "reason": "no token"}, 401), REFUSE_S
        try:
            claims = verifier.verify(auth[7:], now=now())
        except InvalidToken as exc:
            return _json({"error": "unauthorized", "reason": str(exc)}, 401), REFUSE_S
        country = request.headers.get("cf-ipcountry") or "US"
        sub = str(claims["sub"])
        return _json(_page(path, sub, _cohort(sub), country)), PAGE_S

    return handler
