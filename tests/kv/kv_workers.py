"""Worker scripts and a network factory shared by the KV tests."""

from __future__ import annotations

from typing import Any

from edgert import Network, Origin, Worker

#: A small KV API over HTTP: /get?key=..&type=..&cacheTtl=.., /put?key=..&value=..&ttl=..,
#: /delete?key=.., /list?prefix=..&limit=..&cursor=..; errors come back as 500 with the message.
API = """
export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const q = (name) => url.searchParams.get(name);
    try {
      switch (url.pathname) {
        case '/get': {
          const opts = { type: q('type') || 'text' };
          if (q('cacheTtl')) opts.cacheTtl = Number(q('cacheTtl'));
          const v = await env.KV.get(q('key'), opts);
          return Response.json({ value: v });
        }
        case '/put': {
          const opts = {};
          if (q('ttl')) opts.expirationTtl = Number(q('ttl'));
          await env.KV.put(q('key'), q('value'), opts);
          return Response.json({ after: await env.KV.get(q('key')) });
        }
        case '/delete':
          await env.KV.delete(q('key'));
          return Response.json({ after: await env.KV.get(q('key')) });
        case '/list': {
          const opts = {};
          if (q('prefix')) opts.prefix = q('prefix');
          if (q('limit')) opts.limit = Number(q('limit'));
          if (q('cursor')) opts.cursor = q('cursor');
          return Response.json(await env.KV.list(opts));
        }
      }
      return new Response('not found', { status: 404 });
    } catch (e) {
      return new Response(`${e.name}: ${e.message}`, { status: 500 });
    }
  },
};
"""


def network(source: str = API, **options: Any) -> Network:
    """A virtual-time network (NRT, GRU, FRA, IAD, SYD) running ``source`` with ``env.KV`` bound
    to namespace ``ns``; the KV store is at IAD."""
    options.setdefault("seed", 7)
    return Network(
        "demo",
        origin=Origin(handler=lambda r: "origin", region="IAD"),
        workers={"app": Worker(source, kv={"KV": "ns"})},
        clock="virtual",
        **options,
    )


CITY = {
    "NRT": "Tokyo",
    "GRU": "Sao Paulo",
    "IAD": "Washington",
    "FRA": "Frankfurt",
    "SYD": "Sydney",
}


def at(net: Network, pop: str, path: str) -> Any:
    """Sends one request through ``pop`` and runs the clock until it is answered."""
    return net.fetch_sync(f"https://app.example{path}", client=CITY[pop], pop=pop)
