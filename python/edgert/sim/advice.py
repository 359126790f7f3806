"""Advice per route: does running it at the edge pay?

The rule: a request answered by a PoP near the client saves the client's handshake round trips
and the request's own round trip to the far origin, but each *sequential, uncached* round trip
the worker then makes to the origin costs one PoP-to-origin round trip. So the edge wins when

    sequential uncached origin round trips per request  <  client handshake round trips + 1

(for HTTP/2 over TCP with TLS 1.3: 2 handshake round trips on a new connection, so the edge wins
with 0, 1 or 2 origin round trips; for HTTP/3: 1 + 1). A request on a connection the client
already has open pays no handshake, so the threshold the verdict uses is the route's *observed*
mean: ``share of its requests on a new connection x handshake round trips + 1``; the threshold
for a new connection is shown beside it. Round trips are counted from the traces of the edge deployment
(``Trace.origin_requests``: origin requests made before the response, which a cache hit avoids;
concurrent ones are counted as sequential, the pessimistic reading). Next to the rule's verdict the
report shows the measured medians of the route at the edge and at the origin only, and whether
the two agree.
"""

from __future__ import annotations

from typing import Any

from edgert.latency import HttpProtocol, TlsVersion, handshake_rtts

__all__ = ["advise"]


def advise(
    deployments: dict[str, dict[str, Any]],
    modes: dict[str, str],
    page: tuple[str, ...],
    protocol: HttpProtocol = "HTTP/2",
    tls: TlsVersion = "1.3",
) -> list[dict[str, Any]]:
    """One verdict per route, from the metrics of each deployment (``modes``: name -> mode)."""
    handshake = sum(handshake_rtts(protocol, tls, "new"))
    threshold = handshake + 1
    edge_names = [n for n, m in modes.items() if m == "edge"]
    origin_names = [n for n, m in modes.items() if m == "origin-only"]
    out = []
    for route in page:
        row: dict[str, Any] = {
            "route": route,
            "handshake_rtts": handshake,
            "threshold_new_connection": threshold,
            "by_deployment": {},
        }
        for name in edge_names:
            r = deployments[name]["by_route"][route]
            trips = r["origin_requests_mean"]
            observed = round((r["new_connection_share"] or 0.0) * handshake + 1, 3)
            row["by_deployment"][name] = {
                "origin_round_trips": trips,
                "threshold": observed,
                "rule": None if trips is None else ("edge" if trips < observed else "origin"),
                "p50_ms": r["p50"],
            }
        origin_p50 = (
            deployments[origin_names[0]]["by_route"][route]["p50"] if origin_names else None
        )
        row["origin_only_p50_ms"] = origin_p50
        best = None
        if edge_names:
            # The deployment with the fewest round trips (a cache may remove some) decides.
            best = min(
                edge_names,
                key=lambda n: (row["by_deployment"][n]["origin_round_trips"] or 0.0, n),
            )
            b = row["by_deployment"][best]
            row["verdict"] = b["rule"]
            trips = b["origin_round_trips"]
            row["reason"] = (
                f"{trips:g} sequential uncached origin round trip(s) per request at the edge "
                f"({best}) {'<' if b['rule'] == 'edge' else '>='} {b['threshold']:g} = observed "
                f"handshake round trips + 1 (new connection: {threshold})"
            )
            if origin_p50 is not None and b["p50_ms"] is not None:
                measured = "edge" if b["p50_ms"] < origin_p50 else "origin"
                row["measured"] = measured
                row["agrees"] = measured == b["rule"]
                row["saving_p50_ms"] = round(origin_p50 - b["p50_ms"], 3)
        else:
            row["verdict"] = None
            row["reason"] = "no edge deployment to compare"
        out.append(row)
    return out
