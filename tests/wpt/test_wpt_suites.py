"""The web-platform-tests suites (``../shared/data/wpt-suites``) run in edgert isolates, each
directory compared with its expectations (``tests/wpt/expectations/<directory>.json``).

A directory fails when an expected pass fails, an expected failure passes, a file's subtest
count or harness status changes, or a listed subtest disappears. After a change that fixes or
breaks something on purpose: ``python -m edgert.wpt <directory> --update-expectations``, then
give every new failure its reason (``tests/wpt/reasons.json``, or by hand), and
``python -m edgert.wpt --write-table docs/compat.md``.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from edgert.wpt import expectations, table
from edgert.wpt.driver import FileResult
from edgert.wpt.run import run_all
from edgert.wpt.suite import TestFile, discover

HERE = Path(__file__).parent
EXPECTATIONS = HERE / "expectations"
DIRECTORIES = expectations.all_directories(EXPECTATIONS)


@pytest.fixture(scope="session")
def wpt_tests(shared_data: Path) -> list[TestFile]:
    suites = shared_data / "wpt-suites"
    if not suites.is_dir():
        pytest.skip("../shared/data/wpt-suites is not present")
    return discover(suites)


@pytest.fixture(scope="session")
def wpt_results(wpt_tests: list[TestFile]) -> dict[str, list[FileResult]]:
    """Every applicable file, run once for the session on two processes."""
    by_dir: dict[str, list[FileResult]] = defaultdict(list)
    for r in run_all(wpt_tests, jobs=2):
        by_dir[r.directory].append(r)
    return by_dir


@pytest.mark.parametrize("directory", DIRECTORIES)
def test_directory_matches_its_expectations(
    directory: str, wpt_results: dict[str, list[FileResult]]
) -> None:
    problems = expectations.compare(
        directory, wpt_results.get(directory, []), expectations.load(EXPECTATIONS, directory)
    )
    assert not problems, "\n".join(problems[:60])


def test_every_applicable_directory_has_expectations(wpt_tests: list[TestFile]) -> None:
    applicable = {t.directory for t in wpt_tests if t.skip is None}
    assert applicable == set(DIRECTORIES)


def test_every_expected_failure_has_a_reason_of_a_known_kind() -> None:
    for directory in DIRECTORIES:
        data = expectations.load(EXPECTATIONS, directory)
        assert data is not None
        for name, entry in data["files"].items():
            reasons = [*entry.get("failures", {}).values()]
            if "harness_error" in entry:
                reasons.append(entry["harness_error"])
            for reason in reasons:
                assert reason.startswith(expectations.KINDS), f"{directory}/{name}: {reason!r}"
                assert len(reason) > 12, f"{directory}/{name}: {reason!r}"


def test_the_reason_rules_are_valid() -> None:
    rules = expectations.load_rules(HERE / "reasons.json")
    assert rules and all(r.reason.startswith(expectations.KINDS) for r in rules)
    assert json.loads((HERE / "reasons.json").read_text())


def test_the_compat_table_is_current() -> None:
    doc = HERE.parents[1] / "docs" / "compat.md"
    assert table.render(EXPECTATIONS) in doc.read_text(), (
        "docs/compat.md's WPT table is stale: python -m edgert.wpt --write-table docs/compat.md"
    )


def test_harness_reports_failures_and_timeouts(tmp_path: Path) -> None:
    """The harness itself: a passing, a failing, a throwing and a never-settling subtest, an
    uncaught error at load, a fetched static file and a refused fetch; the worker global's
    `location` and API base URL (a deployed worker has neither: tests/runtime/test_fetch_objects.py)."""
    suite = tmp_path / "wpt"
    (suite / "resources").mkdir(parents=True)
    harness = (
        Path(__file__).resolve().parents[2].parent
        / "shared"
        / "data"
        / "wpt-suites"
        / "wpt"
        / "resources"
        / "testharness.js"
    )
    if not harness.is_file():
        pytest.skip("../shared/data/wpt-suites is not present")
    (suite / "resources" / "testharness.js").write_text(harness.read_text())
    (suite / "d").mkdir()
    (suite / "d" / "data.json").write_text('{"x": 1}')
    (suite / "d" / "a.any.js").write_text(
        "// META: global=window,worker\n"
        "test(() => {}, 'passes');\n"
        "test(() => { assert_equals(1, 2); }, 'fails');\n"
        "promise_test(async () => { assert_equals((await (await fetch('data.json')).json()).x, 1); }, 'static file');\n"
        "promise_test(t => promise_rejects_js(t, TypeError, fetch('h.py')), 'no server');\n"
        "test(() => { assert_equals(new Request('x?y').url, location.href.replace(/[^/]*$/, 'x?y')); }, 'relative URL');\n"
        "test(() => { assert_equals(String(self.location), 'https://web-platform.test:8443/d/a.any.worker.js'); }, 'WorkerLocation');\n"
        "promise_test(() => new Promise(() => {}), 'never settles');\n"
    )
    (suite / "d" / "b.any.js").write_text(
        "// META: global=window\ntest(() => {}, 'window only');\n"
    )
    (suite / "d" / "c.any.js").write_text("test(() => {}, 'before');\nthrow new Error('boom');\n")
    tests = discover(tmp_path)
    assert [t.skip is None for t in tests] == [True, False, True]
    a, c = run_all(tests, jobs=1)
    got = {s.name: s.status for s in a.subtests}
    assert got == {
        "passes": "PASS",
        "fails": "FAIL",
        "never settles": "TIMEOUT",
        "static file": "PASS",
        "no server": "PASS",
        "relative URL": "PASS",
        "WorkerLocation": "PASS",
    }
    assert a.harness.startswith("TIMEOUT")
    assert c.harness.startswith("ERROR: uncaught at load: Error: boom")
    assert [s.name for s in c.subtests] == ["before"]
    data = expectations.updated("d", [a], None, [])
    assert data["files"]["a.any.js"]["subtests"] == 7
    assert set(data["files"]["a.any.js"]["failures"]) == {"fails", "never settles"}
    assert "harness_error" in data["files"]["a.any.js"]
    assert expectations.compare("d", [a], data) == []
    a.subtests[0] = type(a.subtests[0])("passes", "FAIL", "x")
    assert any("unexpected FAIL" in p for p in expectations.compare("d", [a], data))
