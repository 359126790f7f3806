"""The advice rule: the edge wins when sequential uncached origin round trips per request are
below the client's handshake round trips + 1."""

from __future__ import annotations

from typing import Any

from edgert.sim.advice import advise


def _route(trips: float, new_share: float, p50: float) -> dict[str, Any]:
    return {"origin_requests_mean": trips, "new_connection_share": new_share, "p50": p50}


def _deps(edge: dict[str, Any], origin: dict[str, Any]) -> dict[str, Any]:
    return {"edge": {"by_route": edge}, "origin-only": {"by_route": origin}}


MODES = {"origin-only": "origin-only", "edge": "edge"}


def test_rule_on_new_connections() -> None:
    edge = {
        "/a": _route(0, 1.0, 20),
        "/b": _route(2, 1.0, 300),
        "/c": _route(3, 1.0, 600),
        "/d": _route(4, 1.0, 1200),
    }
    origin = {r: _route(0, 1.0, 700) for r in edge}
    out = {a["route"]: a for a in advise(_deps(edge, origin), MODES, tuple(edge))}
    assert out["/a"]["verdict"] == "edge"
    assert out["/b"]["verdict"] == "edge"  # 2 < 2 + 1
    assert out["/c"]["verdict"] == "origin"  # 3 is not < 3
    assert out["/d"]["verdict"] == "origin"
    assert out["/a"]["threshold_new_connection"] == 3
    assert out["/a"]["agrees"] is True and out["/a"]["saving_p50_ms"] == 680
    assert out["/c"]["agrees"] is False  # measured 600 < 700 (edge), rule says origin
    assert out["/d"]["agrees"] is True


def test_reused_connections_lower_the_threshold() -> None:
    edge = {"/api": _route(1, 0.0, 240)}
    origin = {"/api": _route(0, 0.0, 236)}
    (a,) = advise(_deps(edge, origin), MODES, ("/api",))
    assert a["by_deployment"]["edge"]["threshold"] == 1
    assert a["verdict"] == "origin" and a["measured"] == "origin" and a["agrees"] is True


def test_http3_has_one_handshake_round_trip() -> None:
    edge = {"/x": _route(2, 1.0, 10)}
    (a,) = advise(_deps(edge, {"/x": _route(0, 1, 20)}), MODES, ("/x",), protocol="HTTP/3")
    assert a["handshake_rtts"] == 1 and a["verdict"] == "origin"


def test_no_edge_deployment() -> None:
    (a,) = advise(
        {"origin-only": {"by_route": {"/x": _route(0, 1, 5)}}},
        {"origin-only": "origin-only"},
        ("/x",),
    )
    assert a["verdict"] is None
