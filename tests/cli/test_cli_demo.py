"""``edgert demo``: the scenario's numbers hang together, and the command prints its tables."""

from __future__ import annotations

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
    assert "answered by" in out.output


def test_demo_rejects_a_bad_option() -> None:
    out = CliRunner().invoke(main, ["demo", "--users", "0"])
    assert out.exit_code == 2


def test_nothing_is_cached_on_the_direct_path(result: Result) -> None:
    assert all(not o.direct.edge_only for o in result.outcomes)
    assert all(o.direct.origin_requests == 1 for o in result.outcomes)
