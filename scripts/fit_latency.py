"""Fit the backbone latency model (edgert.backbone) on measured round trips, and report its error.

    python scripts/fit_latency.py [--data ../shared/data/latency/rtt_aws_regions_2017.csv]
                                  [--out python/edgert/data/backbone_fit.json]

Fits the four constants of :class:`edgert.backbone.BackboneFit` that are not structural
(regional, terrestrial and submarine stretch, the round trip per hub) by minimising the mean absolute
log-ratio of modelled to measured RTT over every pair (scipy's Nelder-Mead; the shortest path is
piecewise smooth in the constants), then estimates how the model generalises:

- leave-one-out: refit without each pair, predict it;
- leave-one-region-out: refit without every pair of one region, predict those pairs (a region the
  fit has never seen: the harder test, closer to new city pairs).

Writes the fit, the per-pair errors and the summary to ``--out`` (deterministic: the same data
gives the same bytes) and prints the table that docs/network.md shows.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from dataclasses import asdict, replace
from pathlib import Path

import airportsdata
import numpy as np
from scipy.optimize import minimize

from edgert.backbone import Backbone, BackboneFit, load_hubs, load_links
from edgert.geodesy import great_circle_km

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "latency" / "rtt_aws_regions_2017.csv"
DEFAULT_OUT = ROOT / "python" / "edgert" / "data" / "backbone_fit.json"
FITTED = ("regional_stretch", "terrestrial_stretch", "submarine_stretch", "hop_ms")
START = BackboneFit()
#: The measurements were published in April 2017: the fit routes over the links in service by
#: the end of 2016 (cables that came later, e.g. MAREA, Indigo, EllaLink, are left out of it).
DATA_YEAR = 2016


def load_pairs(path: Path) -> list[tuple[str, str, float]]:
    with path.open(newline="") as f:
        return [(r["from"], r["to"], float(r["rtt_ms"])) for r in csv.DictReader(f)]


class Problem:
    def __init__(self, pairs: list[tuple[str, str, float]]) -> None:
        airports = airportsdata.load("IATA")
        self.pairs = pairs
        self.hubs = load_hubs()
        self.links = load_links()
        pos = {c: (airports[c]["lat"], airports[c]["lon"]) for p in pairs for c in p[:2]}
        self.lat1 = np.array([pos[a][0] for a, _, _ in pairs])
        self.lon1 = np.array([pos[a][1] for a, _, _ in pairs])
        self.lat2 = np.array([pos[b][0] for _, b, _ in pairs])
        self.lon2 = np.array([pos[b][1] for _, b, _ in pairs])
        self.measured = np.array([m for _, _, m in pairs])
        self.km = np.array(
            [great_circle_km(*pos[a], *pos[b]) for a, b, _ in pairs], dtype=np.float64
        )

    def fit_of(self, x: np.ndarray) -> BackboneFit:
        return replace(START, **{k: float(v) for k, v in zip(FITTED, x, strict=True)})

    def predict(self, fit: BackboneFit, rows: np.ndarray | None = None) -> np.ndarray:
        bb = Backbone(fit, hubs=self.hubs, links=self.links, year=DATA_YEAR)
        sel = slice(None) if rows is None else rows
        return bb.rtt_ms_array(self.lat1[sel], self.lon1[sel], self.lat2[sel], self.lon2[sel])

    def loss(self, x: np.ndarray, rows: np.ndarray) -> float:
        if min(x[:-1]) < 1.0 or x[-1] < 0.0:
            return 1e9
        pred = self.predict(self.fit_of(x), rows)
        return float(np.mean(np.abs(np.log(pred / self.measured[rows]))))

    def fit(self, rows: np.ndarray) -> BackboneFit:
        x0 = np.array([getattr(START, k) for k in FITTED])
        res = minimize(
            self.loss,
            x0,
            args=(rows,),
            method="Nelder-Mead",
            options={"xatol": 1e-4, "fatol": 1e-7, "maxiter": 4000},
        )
        return self.fit_of(np.round(res.x, 4))


def rel_err(pred: np.ndarray, meas: np.ndarray) -> np.ndarray:
    return np.asarray((pred - meas) / meas)


def summary(err: np.ndarray) -> dict[str, float]:
    a = np.abs(err)
    return {
        "median_abs_error": round(float(np.median(a)), 4),
        "p90_abs_error": round(float(np.percentile(a, 90)), 4),
        "max_abs_error": round(float(a.max()), 4),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    pairs = load_pairs(args.data)
    prob = Problem(pairs)
    every = np.arange(len(pairs))
    fit = prob.fit(every)
    pred = prob.predict(fit)
    err = rel_err(pred, prob.measured)

    loo = np.empty(len(pairs))
    for i in every:
        f = prob.fit(every[every != i])
        loo[i] = prob.predict(f, np.array([i]))[0]
    loo_err = rel_err(loo, prob.measured)

    regions = sorted({c for a, b, _ in pairs for c in (a, b)})
    loro = np.empty(len(pairs))
    loro_n = np.zeros(len(pairs))
    loro_sum = np.zeros(len(pairs))
    for region in regions:
        held = np.array([i for i, (a, b, _) in enumerate(pairs) if region in (a, b)])
        f = prob.fit(np.setdiff1d(every, held))
        p = prob.predict(f, held)
        loro_sum[held] += p
        loro_n[held] += 1
    loro = loro_sum / loro_n  # a pair is held out with either of its regions: the mean
    loro_err = rel_err(loro, prob.measured)

    # The shipped model routes over today's graph (cables laid since the data's year included).
    today = Backbone(fit, hubs=prob.hubs, links=prob.links).rtt_ms_array(
        prob.lat1, prob.lon1, prob.lat2, prob.lon2
    )
    today_err = rel_err(today, prob.measured)

    # The model this replaces: one stretch over the great circle (LatencyParams' 2.1).
    old = 2.0 * prob.km * 2.1 / 204.0
    old_err = rel_err(old, prob.measured)

    rows = []
    for i, (a, b, m) in enumerate(pairs):
        rows.append(
            {
                "pair": f"{a}-{b}",
                "km": round(float(prob.km[i])),
                "measured_ms": m,
                "model_ms": round(float(pred[i]), 1),
                "error": round(float(err[i]), 4),
                "loo_ms": round(float(loo[i]), 1),
                "loo_error": round(float(loo_err[i]), 4),
                "held_region_ms": round(float(loro[i]), 1),
                "held_region_error": round(float(loro_err[i]), 4),
                "today_ms": round(float(today[i]), 1),
                "today_error": round(float(today_err[i]), 4),
                "great_circle_2_1_ms": round(float(old[i]), 1),
            }
        )
    doc = {
        "source": args.data.name,
        "method": "Nelder-Mead on the mean absolute log-ratio; scripts/fit_latency.py",
        "fit": asdict(fit),
        "graph_year": DATA_YEAR,
        "fitted": list(FITTED),
        "error": {
            "in_sample": summary(err),
            "leave_one_out": summary(loo_err),
            "leave_one_region_out": summary(loro_err),
            "today_graph": summary(today_err),
            "great_circle_2_1": summary(old_err),
        },
        "pairs": rows,
    }
    args.out.write_text(json.dumps(doc, indent=1) + "\n")
    print(json.dumps({"fit": doc["fit"], "error": doc["error"]}, indent=1))
    print()
    print(
        "| pair | km | measured ms | model ms | error | left out | region left out "
        "| today's graph | old: 2.1 x great circle |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print(
            f"| {r['pair']} | {r['km']:,} | {r['measured_ms']:.1f} | {r['model_ms']:.1f} | "
            f"{r['error']:+.0%} | {r['loo_error']:+.0%} | {r['held_region_error']:+.0%} | "
            f"{r['today_ms']:.1f} ({r['today_error']:+.0%}) | "
            f"{r['great_circle_2_1_ms']:.1f} ({(r['great_circle_2_1_ms'] - r['measured_ms']) / r['measured_ms']:+.0%}) |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
