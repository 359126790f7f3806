"""The hub-graph latency model (edgert.backbone): its data, its fit on measured round trips, and
its vectorised form."""

from __future__ import annotations

import csv
import json
from importlib import resources
from pathlib import Path

import airportsdata
import numpy as np
import pytest

from edgert.backbone import Backbone, BackboneFit, default_backbone, load_fit, load_hubs, load_links
from edgert.errors import ConfigError
from edgert.latency import LatencyModel, LatencyParams
from edgert.pops import pop

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "latency"
FIT = json.loads(resources.files("edgert").joinpath("data", "backbone_fit.json").read_text())
AIRPORTS = airportsdata.load("IATA")


def measured_pairs() -> list[tuple[str, str, float]]:
    """The AWS pairs the fit recorded (the same as the shared CSV, checked below)."""
    return [(*r["pair"].split("-"), r["measured_ms"]) for r in FIT["pairs"]]


def errors(bb: Backbone) -> np.ndarray:
    pairs = measured_pairs()
    pos = [(AIRPORTS[a], AIRPORTS[b]) for a, b, _ in pairs]
    pred = bb.rtt_ms_array(
        [a["lat"] for a, _ in pos], [a["lon"] for a, _ in pos],
        [b["lat"] for _, b in pos], [b["lon"] for _, b in pos],
    )  # fmt: skip
    meas = np.array([m for _, _, m in pairs])
    return np.asarray(np.abs(pred - meas) / meas)


def test_the_fit_records_the_shared_measurements() -> None:
    path = SHARED / "rtt_aws_regions_2017.csv"
    if not path.exists():
        pytest.skip("../shared/data/latency is not beside this checkout")
    with path.open(newline="") as f:
        rows = [(r["from"], r["to"], float(r["rtt_ms"])) for r in csv.DictReader(f)]
    assert rows == measured_pairs() and len(rows) == 45


def test_the_shipped_model_is_within_10_percent_median_20_percent_p90_of_the_aws_pairs() -> None:
    err = errors(default_backbone())  # today's graph, as LatencyModel() uses it
    assert float(np.median(err)) <= 0.10
    assert float(np.percentile(err, 90)) <= 0.20
    # On the graph of the data's year (the fit's), tighter still.
    fitted = errors(Backbone(load_fit(), year=FIT["graph_year"]))
    assert float(np.median(fitted)) <= 0.08 and float(np.percentile(fitted, 90)) <= 0.15
    assert fitted == pytest.approx([abs(r["error"]) for r in FIT["pairs"]], abs=1e-3)


def test_held_out_error_is_recorded_and_close_to_the_in_sample_error() -> None:
    e = FIT["error"]
    assert e["leave_one_out"]["median_abs_error"] <= 0.10
    assert e["leave_one_region_out"]["median_abs_error"] <= 0.10
    assert e["leave_one_out"]["p90_abs_error"] <= 0.20
    # Far better than the single stretch it replaces.
    assert e["great_circle_2_1"]["median_abs_error"] > 2 * e["leave_one_out"]["median_abs_error"]


def test_latency_model_uses_the_graph_and_keeps_the_great_circle_model() -> None:
    nrt, iad, sin, fra = pop("NRT"), pop("IAD"), pop("SIN"), pop("FRA")
    model = LatencyModel()
    # Measured 145 ms; a single stretch of 2.1 gave 223 ms.
    assert 130.0 <= model.min_rtt_ms(nrt, iad) <= 175.0
    assert model.min_rtt_ms(nrt, iad) == pytest.approx(model.min_rtt_ms(iad, nrt))
    old = LatencyModel(LatencyParams(paths="great-circle"))
    assert old.min_rtt_ms(nrt, iad) == pytest.approx(223.3, abs=0.5)
    # Cables do not follow great circles: Frankfurt-Singapore is longer than its great circle
    # at the graph's submarine stretch.
    assert model.min_rtt_ms(fra, sin) > 2 * 10_281 * 1.2 / 204
    arr = model.min_rtt_ms_array([nrt.latitude, fra.latitude], [nrt.longitude, fra.longitude],
                                 iad.latitude, iad.longitude)  # fmt: skip
    assert arr == pytest.approx([model.min_rtt_ms(nrt, iad), model.min_rtt_ms(fra, iad)])


def test_vectorised_equals_scalar_over_random_points_and_chunks() -> None:
    bb = default_backbone()
    rng = np.random.default_rng(3)
    n = 40_000  # more than one chunk
    lat1, lat2 = rng.uniform(-60, 70, n), rng.uniform(-60, 70, n)
    lon1, lon2 = rng.uniform(-180, 180, n), rng.uniform(-180, 180, n)
    arr = bb.rtt_ms_array(lat1, lon1, lat2, lon2)
    assert arr.shape == (n,) and np.isfinite(arr).all() and (arr > 0).all()
    for i in range(0, n, 4001):
        assert arr[i] == pytest.approx(bb.rtt_ms(lat1[i], lon1[i], lat2[i], lon2[i]))
    assert bb.rtt_ms_array(lat2, lon2, lat1, lon1) == pytest.approx(arr)  # symmetric
    assert bb.rtt_ms(35.0, 139.0, 35.0, 139.0) == pytest.approx(bb.fit.hop_ms)  # same place


def test_the_graph_data_is_well_formed() -> None:
    codes = [c for c, _, _ in load_hubs()]
    assert len(codes) == len(set(codes)) >= 60
    links = load_links()
    assert {link.kind for link in links} == {"terrestrial", "submarine"}
    for link in links:
        assert link.a in codes and link.b in codes and link.a != link.b
        assert 1990 <= link.since <= 2026 and link.route
    # Connected (the constructor raises otherwise), also on the fit's year's graph.
    Backbone(load_fit(), year=FIT["graph_year"])


def test_bad_fits_and_graphs_raise_config_errors() -> None:
    with pytest.raises(ConfigError):
        BackboneFit(submarine_stretch=0.9)
    with pytest.raises(ConfigError):
        BackboneFit(tail_hubs=0)
    hubs = load_hubs()[:2]
    with pytest.raises(ConfigError, match="not connected"):
        Backbone(hubs=hubs, links=())
