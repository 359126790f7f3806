"""One line of runtime figures for a same-run comparison of two builds of edgert.

    python benches/runtime_ab.py     # under each build's venv, alternately

Runs `bench_runtime.py`'s cold start (without and, when the build has `Worker.prewarm`, with a
spare isolate), warm request and PyPI `quickjs` peer, and prints them with the build's location
and the load average, so that runs of an older wheel and of this tree can be interleaved.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_runtime as b

import edgert


def main() -> None:
    cold, cold_wall = b.bench_cold_start()
    if hasattr(edgert.Worker, "prewarm"):
        spare, spare_wall = b.bench_cold_start(spare=True)
    else:
        spare = spare_wall = float("nan")
    warm = b.bench_warm()
    peer = b.bench_quickjs_peer()
    fresh, call = peer if peer else (float("nan"), float("nan"))
    print(
        f"{Path(edgert.__file__).parent}: load {os.getloadavg()[0]:.2f}"
        f" cold {cold:.1f} us (wall {cold_wall:.1f}) spare {spare:.1f} us (wall {spare_wall:.1f})"
        f" warm {warm:.2f} us | peer fresh {fresh:.1f} us call {call:.2f} us"
        f" | cold/peer {cold / fresh:.2f} spare/peer {spare / fresh:.2f}",
        flush=True,
    )


if __name__ == "__main__":
    main()
