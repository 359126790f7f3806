"""``edgert demo``: the scenario's numbers hang together, and the command prints its tables."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from edgert.cli import main
from edgert.demo import Scenario, run_scenario
from edgert.demo.scenario import CITIES, SESSION, Result
from edgert.demo.summary import KINDS, city_rows, sessions, total_row


@pytest.fixture(scope="module")
def result() -> Result:
    return run_scenario(Scenario(users_per_city=6, seed=3))


def test_every_request_ran_both_ways(result: Result) -> None:
    assert len(result.outcomes) == 6 * len(CITIES) * len(SESSION)
    assert {o.city for o in result.outcomes} == set(CITIES)


def test_bad_tokens_are_answered_at_the_edge_and_by_the_origin_directly(result: Result) -> None:
    refused = [o for o in result.outcomes if o.kind in ("expired", "no-token")]
    assert refused, "the seed gives some users a bad token"
    for o in refused:
        assert o.edge_status == 401 and o.direct_status == 401
        assert o.edge.edge_only and o.edge.origin_requests == 0
        assert o.answered_by == "edge"
        assert not o.direct.edge_only  # the direct path always reaches the origin


def test_valid_tokens_reach_the_origin_with_what_the_edge_added(result: Result) -> None:
    signed = [o for o in result.outcomes if o.kind == "signed-in"]
    assert signed and all(o.edge_status == 200 and o.edge.origin_requests == 1 for o in signed)
    assert all(o.direct_status == 200 for o in signed)


def test_the_catalogue_is_served_from_each_pops_cache_after_the_first_miss(
    result: Result,
) -> None:
    for city in CITIES:
        catalog = [o for o in result.outcomes if o.city == city and o.kind == "catalog"]
        misses = [o for o in catalog if o.answered_by == "origin"]
        hits = [o for o in catalog if o.answered_by == "edge-cache"]
        assert len(misses) >= 1 and len(hits) >= 1 and len(misses) + len(hits) == len(catalog)
        assert all(o.edge.edge_only for o in hits)


def test_users_reach_their_nearest_pop(result: Result) -> None:
    expected = {
        "Tokyo": "NRT",
        "Sao Paulo": "GRU",
        "Frankfurt": "FRA",
        "Sydney": "SYD",
        "Virginia": "IAD",
    }
    for city, code in expected.items():
        assert total_row(result, city).pops == (code,)


def test_far_cities_are_faster_through_the_edge(result: Result) -> None:
    for city in ("Tokyo", "Sydney", "Sao Paulo", "Frankfurt"):
        assert total_row(result, city).edge_p50 < total_row(result, city).direct_p50
        direct, edge = sessions(result, city)
        assert sorted(edge)[len(edge) // 2] < sorted(direct)[len(direct) // 2]
        rows = {r.label: r for r in city_rows(result, city)}
        # a 401 from the PoP next door beats one from Virginia by far
        bad = [r for label, r in rows.items() if label in (KINDS["expired"], KINDS["no-token"])]
        assert all(r.edge_p50 * 3 < r.direct_p50 for r in bad)


def test_worker_cpu_is_measured_and_cold_starts_counted(result: Result) -> None:
    everything = total_row(result)
    assert 0 < everything.worker_cpu_p50 < 50  # measured, within the worker's CPU limit
    assert everything.cold_starts >= len(CITIES)  # at least the first request at each PoP
    assert all(o.direct.worker_cpu_ms == 0 for o in result.outcomes)  # no worker direct


def test_demo_command_prints_a_table_per_city_and_explains_itself() -> None:
    out = CliRunner().invoke(main, ["demo", "--users", "2", "--plain"])
    assert out.exit_code == 0, out.output
    for city in CITIES:
        assert city in out.output
    assert "What the numbers say" in out.output and "How to read the tables" in out.output
    assert "edge alone" in out.output


@pytest.mark.parametrize("columns", ["80", None])
def test_demo_piped_at_80_columns_keeps_every_column_and_row_label(
    columns: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piped output (CliRunner is no terminal) with COLUMNS=80, or no COLUMNS at all: no line
    is wider than 80 characters, nothing is cut short with an ellipsis, and every table has all
    its column heads and row labels, each row with a value per column."""
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    out = CliRunner().invoke(main, ["demo", "--users", "6", "--seed", "3"])
    assert out.exit_code == 0, out.output
    text = out.output
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in text and "\x1b[" not in text  # no truncation, no colour codes in a pipe
    heads = ["catalogue", "signed-in", "expired", "no token", "all"]
    labels = ["requests", "direct ms p50", "direct ms p95", "edge ms p50", "edge ms p95",
              "faster (p50)", "edge alone", "of which 401", "of which cached",
              "worker CPU ms p50", "cold starts"]  # fmt: skip
    for city in CITIES:
        at = next(i for i, line in enumerate(lines) if line.startswith(f"{city}  nearest PoP"))
        table = lines[at : at + 18]
        head = next(line for line in table if "catalogue" in line)
        shown = re.split(r"\s{2,}", head.strip())
        assert shown[0] == "catalogue" and shown[-1] == "all" and set(shown) <= set(heads)
        for label in labels:
            row = next((line for line in table if line.strip().startswith(label)), None)
            assert row is not None, (city, label)
            cells = row.strip()[len(label) :].split()
            assert len(cells) == len(shown), (city, label, row)  # a value per column
    at = next(i for i, line in enumerate(lines) if line.startswith("All cities"))
    summary = lines[at : at + 16]
    head = next(line for line in summary if "Tokyo" in line)
    for city in CITIES:
        assert city in head
    for label in ["PoP", "session, direct", "session, edge", "1st request, direct",
                  "1st request, edge", "bad token, direct", "bad token, edge",
                  "signed-in, direct", "signed-in, edge", "edge alone"]:  # fmt: skip
        row = next((line for line in summary if line.strip().startswith(label)), None)
        assert row is not None, label
        assert len(row.strip()[len(label) :].split()) == len(CITIES), row
    assert "Latency model: paths over cables between hubs" in text
    assert "median error" in text


def test_demo_rejects_a_bad_option() -> None:
    out = CliRunner().invoke(main, ["demo", "--users", "0"])
    assert out.exit_code == 2


def test_nothing_is_cached_on_the_direct_path(result: Result) -> None:
    assert all(not o.direct.edge_only for o in result.outcomes)
    assert all(o.direct.origin_requests == 1 for o in result.outcomes)


def test_run_time_claims_agree() -> None:
    """--help and the group's help promise what the demo does: a few seconds."""
    for args in (["--help"], ["demo", "--help"]):
        out = CliRunner().invoke(main, args).output
        assert "minute" not in out and "a few seconds" in out, args
