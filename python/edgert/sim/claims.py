"""The seed's claims about edge latency, checked against a simulation.

The project's seed says: a user in Tokyo against an origin in Virginia sees 150 ms+ of RTT,
300-500 ms per cold dynamic request, 1-2 s for a page of 3-5 sequential calls; the edge answers
auth, flags, A/B and geo in 10-50 ms. :func:`check_claims` measures each of these for the users
of one city (``[claims] city = "Tokyo"`` in the scenario) and says whether the simulation
reproduces it (the measured median within the claimed range).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from edgert.sim.metrics import r3
from edgert.sim.runner import DeploymentRun

__all__ = ["check_claims"]


def _claim(
    text: str, value: float | None, low: float, high: float | None, n: int
) -> dict[str, Any]:
    ok = value is not None and value >= low and (high is None or value <= high)
    return {
        "claim": text,
        "range_ms": [low, high],
        "measured_p50_ms": None if value is None else r3(value),
        "samples": n,
        "reproduced": bool(ok),
    }


def _median(values: npt.NDArray[np.float64]) -> float | None:
    return float(np.median(values)) if len(values) else None


def check_claims(
    runs: dict[str, DeploymentRun],
    modes: dict[str, str],
    session_city: npt.NDArray[Any],
    city: str,
    page: tuple[str, ...],
) -> dict[str, Any]:
    """The four claims, measured for the sessions of ``city``."""
    origin = next((runs[n] for n, m in modes.items() if m == "origin-only"), None)
    edge = next((runs[n] for n, m in modes.items() if m == "edge"), None)
    dynamic = np.array([p.startswith("/api/") for p in page])
    claims = []
    if origin is not None:
        mine = session_city[origin.session] == city
        rtt = origin.client_rtt_ms[mine]
        claims.append(
            _claim("client RTT to the origin >= 150 ms", _median(rtt), 150.0, None, len(rtt))
        )
        cold = mine & dynamic[origin.call % len(page)] & origin.new_connection
        claim = _claim(
            "a cold dynamic request (new connection) takes 300-500 ms",
            _median(origin.total_ms[cold]),
            300.0,
            500.0,
            int(cold.sum()),
        )
        rtt50 = _median(rtt)
        if rtt50 is not None:
            claim["note"] = (
                f"a new connection costs TCP + TLS 1.3 + the request: 3 round trips of the "
                f"modelled {rtt50:.0f} ms RTT (the claim's 300-500 ms fits 2-3 round trips of "
                f"150 ms), plus the origin's service time"
            )
        claims.append(claim)
        pages = origin.page_ms[session_city[origin.page_session] == city]
        claims.append(
            _claim(
                f"a page of {len(page)} sequential calls takes 1-2 s from the origin",
                _median(pages),
                1000.0,
                2000.0,
                len(pages),
            )
        )
    if edge is not None:
        mine = session_city[edge.session] == city
        at_edge = mine & ~dynamic[edge.call % len(page)] & edge.edge_only
        claims.append(
            _claim(
                "the edge answers auth, flags, A/B and geo in 10-50 ms",
                _median(edge.total_ms[at_edge]),
                10.0,
                50.0,
                int(at_edge.sum()),
            )
        )
    return {
        "city": city,
        "claims": claims,
        "reproduced": bool(claims) and all(c["reproduced"] for c in claims),
    }
