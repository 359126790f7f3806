"""Web platform tests' data, run through the isolate: URL parsing, URL setters,
percent-encoding (UTF-8) and forgiving base64 (`atob`).

Every failure must be listed in ``wpt/expected_failures.json`` with a reason; the test fails
when an unlisted case fails or a listed one starts passing, and when fewer than 98% pass.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from edgert import Worker

HERE = Path(__file__).parent / "wpt"


@pytest.fixture(scope="module")
def results(shared_data: Path) -> list[dict[str, Any]]:
    wpt = shared_data / "wpt"
    env = {
        "URLTESTDATA": json.loads((wpt / "urltestdata.json").read_text()),
        "SETTERS": json.loads((wpt / "setters_tests.json").read_text()),
        "PERCENT": json.loads((wpt / "percent-encoding.json").read_text()),
        "BASE64": json.loads((wpt / "base64.json").read_text()),
    }
    worker = Worker((HERE / "harness.js").read_text(), vars=env, cpu_ms=10_000)
    response = worker.fetch("https://wpt.test/")
    assert response.status == 200, response.stats.error
    return response.json()  # type: ignore[no-any-return]


def test_pass_rate_and_expected_failures(results: list[dict[str, Any]]) -> None:
    expected = json.loads((HERE / "expected_failures.json").read_text())
    failing = {r["id"]: r["got"] for r in results if not r["pass"]}
    unexpected = {k: v for k, v in failing.items() if k not in expected}
    fixed = [k for k in expected if k not in failing]
    assert not unexpected, f"unlisted failures: {json.dumps(unexpected, indent=1)[:4000]}"
    assert not fixed, f"listed failures that now pass (remove them): {fixed}"
    rate = 1 - len(failing) / len(results)
    assert rate >= 0.98, f"pass rate {rate:.4f} over {len(results)} cases"


def test_every_listed_failure_has_a_reason() -> None:
    expected = json.loads((HERE / "expected_failures.json").read_text())
    assert all(isinstance(v, str) and len(v) > 10 for v in expected.values())
