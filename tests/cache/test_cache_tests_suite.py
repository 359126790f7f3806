"""The HTTP caching test suite (cache-tests.fyi) run against a PoP's cache as a shared cache.

The cases are translated in ``cachetests_cases.py`` and run by ``cachetests_runner.py`` through a
:class:`edgert.Network` in virtual time, twice: as pass-through requests (no worker: the PoP's
cache in front of the origin) and through a worker that proxies with ``fetch(request)`` (its
subrequests go through ``caches.default`` inside the isolate); the cases that need no time to
pass also run over real sockets (``cachetests_http.py``). Every case that does not pass must be listed
in ``cachetests_expected_failures.json`` with the reason (a string for both runs, or
``{"worker": reason}`` for a case only the worker run fails); the test fails when an unlisted case
fails (or fails its setup) and when a listed one starts passing.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cachetests_cases import CASES
from cachetests_runner import Result, Suite, run_all

EXPECTED = Path(__file__).parent / "cachetests_expected_failures.json"


def expected_failures(mode: str) -> dict[str, str]:
    """The listed failures of one run (``"pass-through"`` or ``"worker"``) with their reasons."""
    out = {}
    for case, reason in json.loads(EXPECTED.read_text()).items():
        if isinstance(reason, str):
            out[case] = reason
        elif mode in reason:
            out[case] = reason[mode]
    return out


@pytest.fixture(scope="module", params=["pass-through", "worker"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def results(mode: str) -> list[Result]:
    return run_all(worker=mode == "worker")


def test_every_case_ran(results: list[Result]) -> None:
    assert len(results) == len(CASES) > 300


def test_expected_failures_exactly(mode: str, results: list[Result]) -> None:
    expected = expected_failures(mode)
    failing = {r.id: f"{r.outcome}: {r.message}" for r in results if r.outcome != "pass"}
    unexpected = {k: v for k, v in failing.items() if k not in expected}
    fixed = [k for k in expected if k not in failing]
    assert not unexpected, f"unlisted failures: {json.dumps(unexpected, indent=1)}"
    assert not fixed, f"listed failures that now pass (remove them): {fixed}"


def test_every_listed_failure_has_a_reason() -> None:
    listed = json.loads(EXPECTED.read_text())
    ids = {c["id"] for c in CASES}
    assert all(k in ids for k in listed), [k for k in listed if k not in ids]
    reasons = [*expected_failures("pass-through").values(), *expected_failures("worker").values()]
    assert all(isinstance(v, str) and len(v) > 20 for v in reasons)
    assert all(isinstance(v, str) or set(v) <= {"pass-through", "worker"} for v in listed.values())


def test_required_cases_pass_but_documented_deviations(mode: str, results: list[Result]) -> None:
    expected = expected_failures(mode)
    required = [r for r in results if r.kind == "required"]
    failing = [r.id for r in required if r.outcome != "pass"]
    assert failing == [k for k in ("headers-store-Set-Cookie",) if k in expected]
    assert len(required) > 150


def test_the_runner_detects_a_cache_that_does_not_cache() -> None:
    """Without the PoP's cache the runner must report the reuse cases as failures."""
    suite = Suite(cache=False)
    by_id = {c["id"]: c for c in CASES}
    assert suite.run(by_id["freshness-max-age"], "nocache-1").outcome == "fail"
    assert suite.run(by_id["conditional-etag-strong-generate"], "nocache-2").outcome == "fail"
    assert suite.run(by_id["freshness-max-age-stale"], "nocache-3").outcome == "pass"


def test_over_real_http_the_same_cases_fail() -> None:
    """The cases that need no time to pass, over real sockets at both ends (the edge server and
    an HTTP origin on 127.0.0.1): exactly the listed failures among them fail."""
    from cachetests_http import run_http, timeless

    expected = expected_failures("pass-through")
    results = run_http()
    assert len(results) == sum(1 for c in CASES if timeless(c)) > 90
    failing = {r.id: f"{r.outcome}: {r.message}" for r in results if r.outcome != "pass"}
    ran = {r.id for r in results}
    assert {k: v for k, v in failing.items() if k not in expected} == {}
    assert [k for k in expected if k in ran and k not in failing] == []
