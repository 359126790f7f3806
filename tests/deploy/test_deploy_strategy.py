"""Strategies compiled to stages for a network's PoPs: named PoPs, regions, continents, the N
smallest by traffic, the rest, and percentage steps within waves."""

from __future__ import annotations

import pytest

from edgert import ConfigError, Immediate, Percentage, Waves
from edgert.pops import load_pops

POPS = load_pops(["NRT", "SYD", "GRU", "FRA", "AMS", "IAD", "LAX", "SIN"])


def test_waves_resolve_codes_regions_continents_and_the_rest() -> None:
    waves = Waves(["nrt"], "EU", ["WNAM", "SA"], "rest").resolve(POPS)
    assert waves == [("NRT",), ("FRA", "AMS"), ("LAX", "GRU"), ("SYD", "IAD", "SIN")]


def test_smallest_by_traffic_skips_pops_that_saw_none() -> None:
    traffic = {"NRT": 900, "SYD": 40, "GRU": 55, "FRA": 700, "AMS": 30, "IAD": 5000, "LAX": 20}
    waves = Waves("smallest:3", "smallest:2", "rest").resolve(POPS, traffic)
    assert waves[0] == ("LAX", "AMS", "SYD")  # SIN saw no traffic: last
    assert waves[1] == ("GRU", "FRA")
    assert waves[2] == ("NRT", "IAD", "SIN")


def test_stages_of_waves_with_steps() -> None:
    stages = Waves(["NRT"], "rest", bake_s=10, steps=[10, 100]).stages(POPS)
    assert [s.name for s in stages] == [
        "wave 1 (NRT) 10%",
        "wave 1 (NRT)",
        "wave 2 (7 PoPs) 10%",
        "wave 2 (7 PoPs)",
    ]
    assert stages[0].share("NRT") == 10 and stages[0].share("FRA") == 0
    assert stages[1].share("NRT") == 100 and stages[1].share("FRA") == 0
    assert stages[2].share("NRT") == 100 and stages[2].share("FRA") == 10
    assert stages[3].share("FRA") == 100 and stages[3].default == 100
    assert all(s.bake_s == 10 for s in stages)


def test_pops_no_wave_names_are_a_last_wave() -> None:
    stages = Waves(["NRT"], ["FRA"], bake_s=1).stages(POPS)
    assert len(stages) == 3
    assert stages[1].share("FRA") == 100 and stages[1].share("IAD") == 0
    assert stages[2].default == 100 and set(stages[2].exposed) == {
        "SYD", "GRU", "AMS", "IAD", "LAX", "SIN",
    }  # fmt: skip


def test_percentage_and_immediate() -> None:
    stages = Percentage([1, 10, 100], bake_s=5).stages(POPS)
    assert [s.default for s in stages] == [1, 10, 100] and not stages[0].percent
    (only,) = Immediate().stages(POPS)
    assert only.default == 100 and only.bake_s == 0 and len(only.exposed) == len(POPS)


@pytest.mark.parametrize(
    "waves",
    [
        (["NRT"], ["NRT"]),  # the second wave selects nothing new
        ("smallest:0",),
        ("smallest:x",),
        ("ZZZ",),
        ([],),
    ],
)
def test_bad_waves(waves: tuple[object, ...]) -> None:
    with pytest.raises(ConfigError):
        Waves(*waves).resolve(POPS)  # type: ignore[arg-type]
