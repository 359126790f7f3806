"""A scripted scenario shared by the network tests: two workers, routes, and an origin whose
logic serves both clocks (an aiohttp server in real time, a Python handler in virtual time)."""

from __future__ import annotations

import json
from collections.abc import Mapping

from edgert import Request, Response
from edgert.routes import split_url

APP = """
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    if (url.pathname.startsWith('/edge/')) {
      return Response.json({ alone: true, colo: request.cf.colo, country: request.cf.country,
                             path: url.pathname, rtt: typeof request.cf.clientTcpRtt });
    }
    const headers = new Headers(request.headers);
    headers.set('x-user-id', request.headers.get('cookie')?.replace('uid=', '') ?? 'anon');
    headers.set('x-ab-cohort', url.searchParams.get('ab') === '1' ? 'B' : 'A');
    headers.set('x-country', request.cf.country);
    const init = { method: request.method, headers };
    if (request.method !== 'GET' && request.method !== 'HEAD') init.body = await request.text();
    const upstream = await fetch(new Request(request.url, init));
    const body = await upstream.text();
    const out = new Response(body, { status: upstream.status, headers: upstream.headers });
    out.headers.set('x-worker', 'app');
    out.headers.set('x-colo', request.cf.colo);
    return out;
  }
}
"""

API = """
export default {
  async fetch(request, env, ctx) {
    const url = new URL(request.url);
    ctx.waitUntil(fetch('https://app.example/log?path=' + encodeURIComponent(url.pathname)));
    if (url.pathname === '/v1/time') return new Response(String(Date.now()), { headers: { 'x-worker': 'api' } });
    const r = await fetch('https://app.example/data' + url.search);
    return new Response('api:' + await r.text(), { status: r.status, headers: { 'x-worker': 'api' } });
  }
}
"""

ROUTES = [
    ("app.example/*", "app"),
    ("app.example/static/*", None),
    ("api.example/*", "api"),
]

#: (method, url, headers, body) in the order the scenario sends them.
REQUESTS: list[tuple[str, str, dict[str, str], bytes | None]] = [
    ("GET", "https://app.example/edge/hello", {}, None),
    ("GET", "https://app.example/dashboard?ab=1", {"cookie": "uid=42"}, None),
    ("POST", "https://app.example/api/items", {"content-type": "text/plain"}, b"new item"),
    ("GET", "https://app.example/static/app.css", {}, None),
    ("GET", "https://app.example/missing", {}, None),
    ("GET", "https://api.example/v1/users?id=7", {}, None),
    ("GET", "https://other.example/page", {}, None),
]

FORWARDED = ("x-user-id", "x-ab-cohort", "x-country", "cf-ipcountry", "cf-ray", "x-forwarded-proto")


def origin_logic(
    method: str, host: str, target: str, headers: Mapping[str, str], body: bytes
) -> tuple[int, dict[str, str], bytes]:
    """What the origin answers, whatever carries the request to it."""
    if target.startswith("/missing"):
        return 404, {"x-origin": "iad"}, b"not here"
    if target.startswith("/log"):
        return 204, {}, b""
    seen = {name: headers.get(name) for name in FORWARDED}
    payload = {
        "method": method,
        "host": host,
        "target": target,
        "body": body.decode(),
        "seen": seen,
    }
    return (
        200,
        {"x-origin": "iad", "content-type": "application/json"},
        json.dumps(payload, sort_keys=True).encode(),
    )


def virtual_handler(request: Request) -> Response:
    """The origin for virtual time."""
    _, host, target = split_url(request.url)
    status, headers, body = origin_logic(
        request.method, host, target, request.headers, request.body or b""
    )
    return Response(body, status=status, headers=headers)


def comparable(response: object) -> tuple[int, bytes, dict[str, str | None]]:
    """What must be identical under both clocks: status, body, and the x- headers."""
    headers = response.headers  # type: ignore[attr-defined]
    names = sorted(k for k in headers if k.startswith("x-"))
    return response.status, response.body, {k: headers.get(k) for k in names}  # type: ignore[attr-defined]
