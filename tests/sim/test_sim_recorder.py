"""The runner's recorder: one packed row per request, read back as typed numpy columns in
(session, call) order."""

from __future__ import annotations

import numpy as np

from edgert.sim.runner import _Recorder
from edgert.trace import EdgeResponse, Trace


def _trace(pop: str, status: int, k: int) -> Trace:
    t = Trace("https://a.example/x", pop, "virtual", "app", "*/*", "Tokyo", "new", 0.5 * k)
    t.connection = "reused" if k % 2 else "new"
    t.request_ms, t.transfer_ms, t.worker_ms = 10.0 + k, 0.25, 1.5
    t.worker_cpu_ms, t.client_rtt_ms, t.origin_rtt_ms = 0.1 * k, 20.0 + k, 80.0
    t.status, t.origin_requests, t.cold_start = status, k % 3, k == 0
    return t


def test_rows_come_back_as_typed_columns_in_session_and_call_order() -> None:
    rec = _Recorder(["NRT", "FRA"])
    rows = [
        (2, 1, "FRA", 200, 0),
        (0, 0, "NRT", 500, 1),
        (2, 0, "NRT", 200, 2),
        (1, 4, "FRA", 401, 3),
    ]
    traces = {}
    for session, call, pop, status, k in rows:
        t = traces[(session, call)] = _trace(pop, status, k)
        rec.request(session, call, EdgeResponse(None, t))  # type: ignore[arg-type]
    assert len(rec) == 4
    out = rec.columns()
    order = sorted(traces)
    assert out["session"].tolist() == [s for s, _ in order]
    assert out["call"].tolist() == [c for _, c in order]
    expected = [traces[key] for key in order]
    assert out["pop"].tolist() == [["NRT", "FRA"].index(t.pop) for t in expected]
    assert out["status"].tolist() == [t.status for t in expected]
    assert out["origin_requests"].tolist() == [t.origin_requests for t in expected]
    assert out["total_ms"].tolist() == [t.total_ms for t in expected]
    assert out["charged_cpu_ms"].tolist() == [t.worker_ms for t in expected]
    assert out["measured_cpu_ms"].tolist() == [t.worker_cpu_ms for t in expected]
    assert out["client_rtt_ms"].tolist() == [t.client_rtt_ms for t in expected]
    assert out["origin_rtt_ms"].tolist() == [t.origin_rtt_ms for t in expected]
    assert out["edge_only"].tolist() == [t.edge_only for t in expected]
    assert out["cold_start"].tolist() == [t.cold_start for t in expected]
    assert out["new_connection"].tolist() == [t.connection == "new" for t in expected]
    for name, dtype in (("session", np.int64), ("total_ms", np.float64), ("edge_only", np.bool_)):
        column = out[name]
        assert column.dtype == dtype and column.dtype.isnative and column.flags.c_contiguous


def test_an_empty_run_has_empty_typed_columns() -> None:
    out = _Recorder(["NRT"]).columns()
    assert out["session"].dtype == np.int64 and len(out["session"]) == 0
    assert out["total_ms"].dtype == np.float64 and out["cold_start"].dtype == np.bool_
