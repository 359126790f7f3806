"""PoP records and presets."""

from __future__ import annotations

import airportsdata
import pytest

from edgert.errors import ConfigError, UnknownPlaceError
from edgert.pops import (
    CONTINENTS,
    DEMO_CODES,
    NETWORK_REGIONS,
    PRESETS,
    Pop,
    load_pops,
    nearest_pop,
    nearest_pops,
    network_region,
    pop,
)


def test_demo_preset_is_the_five_codes_in_order() -> None:
    pops = load_pops("demo")
    assert [p.code for p in pops] == ["NRT", "GRU", "FRA", "IAD", "SYD"]
    assert tuple(p.code for p in pops) == DEMO_CODES


def test_global_preset_has_about_300_unique_metros_on_every_continent() -> None:
    pops = load_pops("global")
    assert 280 <= len(pops) <= 360
    assert len({p.code for p in pops}) == len(pops)
    assert {p.continent for p in pops} == {"AF", "AS", "EU", "NA", "OC", "SA"}
    assert {p.region for p in pops} == set(NETWORK_REGIONS)
    assert {p.tier for p in pops} == {1, 2}


def test_coordinates_come_from_airportsdata() -> None:
    airports = airportsdata.load("IATA")
    for p in load_pops("global"):
        a = airports[p.code]
        assert (p.latitude, p.longitude) == (float(a["lat"]), float(a["lon"]))
        assert p.country == a["country"]
        assert p.timezone == a["tz"]


def test_a_pop_record_is_frozen() -> None:
    nrt = pop("NRT")
    assert isinstance(nrt, Pop)
    assert (nrt.city, nrt.country, nrt.continent, nrt.region) == ("Tokyo", "JP", "AS", "NEAS")
    with pytest.raises(AttributeError):
        nrt.code = "XXX"  # type: ignore[misc]


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_loads_and_is_a_subset_of_global(name: str) -> None:
    codes = {p.code for p in load_pops("global")}
    pops = load_pops(name)
    assert pops
    assert {p.code for p in pops} <= codes


@pytest.mark.parametrize(("name", "code"), list(CONTINENTS.items()))
def test_continent_presets_hold_only_their_continent(name: str, code: str) -> None:
    assert all(p.continent == code for p in load_pops(name))


def test_region_preset() -> None:
    weu = load_pops("region:WEU")
    assert {p.code for p in weu} >= {"LHR", "CDG", "FRA", "AMS", "MAD"}
    assert all(p.region == "WEU" for p in weu)
    with pytest.raises(UnknownPlaceError):
        load_pops("region:XYZ")


def test_custom_lists_by_code_keep_the_callers_order() -> None:
    pops = load_pops(["fra", "NRT", "iad"])
    assert [p.code for p in pops] == ["FRA", "NRT", "IAD"]
    assert [p.code for p in load_pops("LHR,SIN")] == ["LHR", "SIN"]


def test_a_code_outside_the_catalogue_is_read_from_airportsdata() -> None:
    bru = next(p for p in load_pops("global") if p.code == "BRU")
    assert bru.city == "Brussels"
    crl = pop("CRL")  # Brussels South Charleroi: not a CDN metro, but an airport
    assert crl.country == "BE"
    assert crl.tier == 2
    assert crl.region == "WEU"


def test_errors_are_config_errors_that_name_the_problem() -> None:
    with pytest.raises(UnknownPlaceError, match="ZZZ"):
        pop("ZZZ")
    with pytest.raises(UnknownPlaceError, match="preset"):
        load_pops("everywhere")
    with pytest.raises(UnknownPlaceError, match="duplicate"):
        load_pops(["NRT", "nrt"])
    with pytest.raises(UnknownPlaceError):
        load_pops([])
    with pytest.raises(ConfigError):  # the parent class, also a ValueError
        pop("12")
    with pytest.raises(ValueError):
        pop("not a code")


def test_network_region_rules() -> None:
    assert network_region("US", "NA", 37.4, -122.0) == "WNAM"
    assert network_region("US", "NA", 38.9, -77.4) == "ENAM"
    assert network_region("BR", "SA", -23.4, -46.5) == "SSAM"
    assert network_region("CO", "SA", 4.7, -74.1) == "NSAM"
    assert network_region("FR", "EU", 49.0, 2.5) == "WEU"
    assert network_region("PL", "EU", 52.2, 20.9) == "EEU"
    assert network_region("TR", "AS", 41.2, 28.7) == "ME"
    assert network_region("IN", "AS", 19.1, 72.9) == "SAS"
    assert network_region("SG", "AS", 1.3, 103.9) == "SEAS"
    assert network_region("JP", "AS", 35.7, 140.4) == "NEAS"
    assert network_region("EG", "AF", 30.1, 31.4) == "NAF"
    assert network_region("ZA", "AF", -26.1, 28.2) == "SAF"
    assert network_region("AU", "OC", -33.9, 151.2) == "OC"


def test_nearest_pop_helpers() -> None:
    demo = load_pops("demo")
    assert nearest_pop(35.68, 139.69, demo).code == "NRT"  # Tokyo
    assert nearest_pop(48.85, 2.35, demo).code == "FRA"  # Paris
    assert nearest_pop(-34.6, -58.4, demo).code == "GRU"  # Buenos Aires
    ranked = nearest_pops(40.7, -74.0, demo, k=3)  # New York
    assert [p.code for p, _ in ranked] == ["IAD", "FRA", "GRU"]
    assert ranked[0][1] == pytest.approx(pop("IAD").distance_km(40.7, -74.0))
    assert ranked[0][1] < ranked[1][1] < ranked[2][1]
    with pytest.raises(UnknownPlaceError):
        nearest_pop(0.0, 0.0, [])
