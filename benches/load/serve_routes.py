"""The edgert side of the load benchmark's route-auth and cache runs: one PoP (IAD) on one port
with routes, served by :func:`edgert.server.serve_network` on uvloop (what ``edgert serve`` runs).

- ``*/hello``: the standard worker (``worker.js`` bundled with ``keys.js``);
- ``*/hs256*`` and ``*/es256*``: ``auth_worker.js`` behind route auth (a Verifier per route,
  HS256 with the workload's secret, ES256 with its public key; verified-token cache off, so each
  of the 1,000 rotating tokens is verified every time, as the peers do);
- ``*/static``: ``static_worker.js``, a page answered from the PoP's cache (HIT, Cache API);
- ``*/cdn/*``: no worker: the PoP's HTTP cache in front of the origin (an in-process handler
  that answers a cacheable page), a HIT after the first request.

    python benches/load/serve_routes.py BENCH_DIR PORT
"""

from __future__ import annotations

import base64
import sys
from pathlib import Path

import uvloop

from edgert import Network, Origin, Request, Response, Route, Worker
from edgert.jwt import Verifier
from edgert.server import serve_network

HERE = Path(__file__).resolve().parent


PAGE = "<!doctype html><title>cdn</title>" + "<p>edge-cached page</p>" * 40


def origin_page(request: Request) -> Response:
    if "/cdn/" not in request.url:
        return Response("no origin", status=502)
    headers = {"content-type": "text/html", "cache-control": "public, max-age=3600"}
    return Response(PAGE, headers=headers)


def network(bench: Path) -> Network:
    secret = (bench / "keys" / "hs256.secret").read_text().strip()
    hs_key = base64.urlsafe_b64decode(secret + "=" * (-len(secret) % 4))
    es_key = (bench / "keys" / "es256_public.pem").read_bytes()
    auth_source = (HERE / "auth_worker.js").read_text()
    workers = {
        "standard": Worker((bench / "worker" / "edgert_worker.js").read_text(), max_isolates=8),
        "hs256": Worker(
            auth_source, auth=Verifier(hs_key, algorithms=["HS256"], cache=False), max_isolates=8
        ),
        "es256": Worker(
            auth_source, auth=Verifier(es_key, algorithms=["ES256"], cache=False), max_isolates=8
        ),
        "static": Worker((HERE / "static_worker.js").read_text(), max_isolates=8),
    }
    routes = [
        Route("*/hello", "standard"),
        Route("*/hs256*", "hs256"),
        Route("*/es256*", "es256"),
        Route("*/static", "static"),
        Route("*/cdn/*", None),
    ]
    origin = Origin(handler=origin_page)
    return Network(["IAD"], origin, workers=workers, routes=routes, clock="real")


def main() -> None:
    bench, port = Path(sys.argv[1]), int(sys.argv[2])
    uvloop.run(serve_network(network(bench), port=port))


if __name__ == "__main__":
    main()
