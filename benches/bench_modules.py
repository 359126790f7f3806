"""Load cost of a multi-file TypeScript worker against the same worker as one bundled JS file.

Run: ``python benches/bench_modules.py [--modules 12] [--repeat 15]`` (after ``maturin develop
--release``). It writes a generated worker twice into a scratch folder: as ``--modules``
TypeScript files (about 4 KB each, ~50 KB in all, importing each other from ``src/index.ts``)
and as the single JavaScript file a bundler would make of them (the same functions, no types).
For each it reports the median over ``--repeat`` loads of

- ``load``: ``load_graph`` (read the files, compile TypeScript with oxc, resolve imports) plus
  ``Worker(modules=graph)`` (compile every module to bytecode, create and evaluate the first
  isolate), against ``Worker(bundle)`` (compile one script, first isolate);
- ``transpile``: the oxc part alone (``edgert._core.transpile`` of every file);
- ``isolate startup``: the core's ``startup_ms`` of a new isolate (reading and linking N
  modules' bytecode vs one), from a request after the idle isolate was trimmed.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from edgert import Worker
from edgert._core import transpile
from edgert.modules import load_graph

BODY = """
export interface Item{n} {{ id: number; label: string; tags: string[] }}
export enum Kind{n} {{ A = {n}, B, C }}
export function score{n}(items: Item{n}[], weight: number = {n}): number {{
  let total: number = 0;
  for (const item of items) {{
    total += item.id * weight + item.label.length + item.tags.length * Kind{n}.B;
  }}
  return total;
}}
export function make{n}(count: number): Item{n}[] {{
  const out: Item{n}[] = [];
  for (let i = 0; i < count; i++) {{
    out.push({{ id: i, label: `item-{n}-${{i}}`, tags: ["x", "y"].slice(0, i % 3) }});
  }}
  return out;
}}
"""
FILLER = "export const table{n}_{k}: readonly number[] = [{values}];\n"


def module_ts(n: int, target_bytes: int) -> str:
    text = BODY.format(n=n)
    k = 0
    while len(text) < target_bytes:
        values = ", ".join(str((n * 31 + k * 7 + j) % 997) for j in range(40))
        text += FILLER.format(n=n, k=k, values=values)
        k += 1
    return text


def write_project(root: Path, count: int) -> tuple[Path, str]:
    src = root / "src"
    src.mkdir(parents=True)
    for n in range(count):
        (src / f"mod{n}.ts").write_text(module_ts(n, 4000))
    imports = "".join(f'import {{ score{n}, make{n} }} from "./mod{n}";\n' for n in range(count))
    calls = " + ".join(f"score{n}(make{n}(5))" for n in range(count))
    index = (
        imports
        + f"export default {{ fetch(): Response {{ return new Response(String({calls})); }} }};\n"
    )
    (src / "index.ts").write_text(index)
    # The bundle: every module's JavaScript (oxc's output) with imports and exports dropped.
    parts = []
    for n in range(count):
        code, _, _ = transpile(f"mod{n}.ts", (src / f"mod{n}.ts").read_text())
        parts.append(code.replace("export ", ""))
    bundle = "\n".join(parts) + (
        f"export default {{ fetch() {{ return new Response(String({calls})); }} }};\n"
    )
    return src / "index.ts", bundle


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--modules", type=int, default=12)
    ap.add_argument("--repeat", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        main_ts, bundle = write_project(Path(tmp), args.modules)
        files = sorted(main_ts.parent.glob("*.ts"))
        ts_bytes = sum(f.stat().st_size for f in files)
        read_s, core_graph_s, load_bundle_s, oxc_s = [], [], [], []
        start_graph, start_bundle = [], []
        expected = None
        for i in range(args.repeat):
            # Alternate which goes first, so neither always runs on a warmer cache.
            for which in ("graph", "bundle") if i % 2 == 0 else ("bundle", "graph"):
                if which == "graph":
                    t0 = time.perf_counter()
                    graph = load_graph(main_ts)
                    t1 = time.perf_counter()
                    w = Worker("", modules=graph, max_isolates=1)
                    t2 = time.perf_counter()
                    read_s.append(t1 - t0)
                    core_graph_s.append(t2 - t1)
                else:
                    t0 = time.perf_counter()
                    b = Worker(bundle, name="bundle.js", max_isolates=1)
                    load_bundle_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            for f in files:
                transpile(f.name, f.read_text())
            oxc_s.append(time.perf_counter() - t0)
            for worker, into in ((w, start_graph), (b, start_bundle)):
                worker.core.trim(0)  # drop the idle isolate: the request makes a new one
                r = worker.fetch("https://bench.example/")
                if expected is None:
                    expected = r.text()
                assert r.text() == expected and r.stats.cold_start, (r.text(), expected)
                into.append(r.stats.startup_ms / 1000)
            w.close()
            b.close()
        kb = ts_bytes / 1024
        print(f"{args.modules} TypeScript modules, {kb:.1f} KB; bundle {len(bundle) / 1024:.1f} KB")
        rd, cg, s = median_ms(read_s), median_ms(core_graph_s), median_ms(load_bundle_s)
        g = rd + cg
        print(
            f"load: multi-file TS {g:.2f} ms (read + oxc + resolve {rd:.2f}, compile graph + "
            f"first isolate {cg:.2f}); bundled JS {s:.2f} ms; ratio {g / s:.2f}"
        )
        print(f"  compile + first isolate alone: graph / bundle = {cg / s:.2f}")
        print(f"  oxc transpile of every file: {median_ms(oxc_s):.2f} ms")
        sg, sb = median_ms(start_graph), median_ms(start_bundle)
        print(f"isolate startup: multi-file {sg:.2f} ms, bundle {sb:.2f} ms, ratio {sg / sb:.2f}")


if __name__ == "__main__":
    main()
