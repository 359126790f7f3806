"""``python -m edgert.wpt``: run the WPT suites, check or rewrite the expectations, write the table.

    python -m edgert.wpt                          # run everything, compare with the expectations
    python -m edgert.wpt encoding fetch/api       # only files under these suite-relative prefixes
    python -m edgert.wpt --update-expectations    # rewrite the expectations of what ran
    python -m edgert.wpt --write-table docs/compat.md   # the pass-rate table (from the expectations)

Exit status: 0 when every directory that ran matches its expectations, 1 otherwise.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import edgert
from edgert.wpt import expectations, table
from edgert.wpt.driver import FileResult, Limits
from edgert.wpt.run import run_all
from edgert.wpt.suite import discover


def repo_root() -> Path:
    """The checkout this package runs from (an editable install), else the working directory."""
    here = Path(edgert.__file__).resolve().parents[2]
    return here if (here / "tests" / "wpt").is_dir() else Path.cwd()


def default_suites() -> Path:
    env = os.environ.get("EDGERT_WPT_SUITES")
    return Path(env) if env else repo_root().parent / "shared" / "data" / "wpt-suites"


def main(argv: list[str] | None = None) -> int:
    root = repo_root()
    p = argparse.ArgumentParser(prog="python -m edgert.wpt", description=__doc__.split("\n")[0])
    p.add_argument("prefixes", nargs="*", help="suite-relative path prefixes (default: everything)")
    p.add_argument(
        "--suites",
        type=Path,
        default=default_suites(),
        help="the folder holding wpt/ and wpt-fetch/",
    )
    p.add_argument("--expectations", type=Path, default=root / "tests" / "wpt" / "expectations")
    p.add_argument("--reasons", type=Path, default=root / "tests" / "wpt" / "reasons.json")
    p.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    p.add_argument("--cpu-ms", type=float, default=Limits.cpu_ms, help="CPU limit per file")
    p.add_argument(
        "--update-expectations",
        action="store_true",
        help="rewrite the expectations of the directories that ran",
    )
    p.add_argument(
        "--write-table",
        type=Path,
        metavar="DOC",
        help="write the pass-rate table into DOC and exit",
    )
    p.add_argument("--results", type=Path, help="also write the raw results as JSON")
    p.add_argument("-v", "--verbose", action="store_true", help="one line per file")
    args = p.parse_args(argv)

    if args.write_table:
        table.write(args.write_table, args.expectations)
        print(f"wrote the table into {args.write_table}")
        return 0
    if not args.suites.is_dir():
        print(
            f"no WPT suites at {args.suites} (set --suites or EDGERT_WPT_SUITES)", file=sys.stderr
        )
        return 1
    tests = discover(args.suites, args.prefixes or None)
    limits = Limits(cpu_ms=args.cpu_ms, long_cpu_ms=max(args.cpu_ms, Limits.long_cpu_ms))

    def progress(r: FileResult) -> None:
        if args.verbose:
            passed = sum(s.passed for s in r.subtests)
            print(
                f"{r.rel}: {passed}/{len(r.subtests)} {r.harness[:100]} ({r.cpu_ms:.0f} ms CPU)",
                flush=True,
            )

    start = time.monotonic()
    results = run_all(tests, jobs=args.jobs, limits=limits, progress=progress)
    elapsed = time.monotonic() - start
    if args.results:
        args.results.write_text(json.dumps([r.to_json() for r in results]))
    # A directory ran completely when every applicable file of it ran (a prefix may name a file).
    everything = discover(args.suites) if args.prefixes else tests
    ran = {r.rel for r in results}
    incomplete = {t.directory for t in everything if t.skip is None and t.rel not in ran}
    by_dir: dict[str, list[FileResult]] = defaultdict(list)
    for r in results:
        by_dir[r.directory].append(r)
    skipped = [t for t in tests if t.skip]
    total = sum(len(r.subtests) for r in results)
    passed = sum(s.passed for r in results for s in r.subtests)
    print(
        f"{len(results)} files ({len(skipped)} do not apply), {passed}/{total} subtests pass, {elapsed:.1f} s"
    )
    if args.update_expectations:
        rules = expectations.load_rules(args.reasons)
        for directory, rs in sorted(by_dir.items()):
            data = expectations.updated(
                directory,
                rs,
                expectations.load(args.expectations, directory),
                rules,
                complete=directory not in incomplete,
            )
            expectations.write(args.expectations, directory, data)
        print(f"updated {len(by_dir)} expectation files under {args.expectations}")
        return 0
    bad = 0
    for directory, rs in sorted(by_dir.items()):
        problems = expectations.compare(
            directory,
            rs,
            expectations.load(args.expectations, directory),
            complete=directory not in incomplete,
        )
        for line in problems:
            print(line)
        bad += bool(problems)
    print("all directories match their expectations" if not bad else f"{bad} directories differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
