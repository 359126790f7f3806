"""The expected outcome of every WPT subtest, one JSON file per test directory.

``tests/wpt/expectations/<directory>.json`` (``<directory>`` relative to its suite root, e.g.
``fetch/api/headers.json``) holds, per test file: how many subtests it registers, whether the
harness finishes cleanly (``harness_error``: the reason it does not), and ``failures``: the
subtests expected to fail, each with its reason. Every other subtest is expected to pass. A run
matches when no expected pass fails, no expected failure passes, the counts are the same, and no
listed subtest has disappeared.

A reason starts with its kind:

- ``n/a:`` the subtest does not apply to a Workers runtime run without wptserve (it needs a
  server's Python handlers, a window, or another origin); left out of the applicable count;
- ``workers:`` Cloudflare Workers itself deviates from the web platform here (no ``location``,
  so relative URLs throw), and edgert follows Workers;
- ``spec:`` edgert follows the standard where the test expects something else (a test in
  conflict with another standard's text or another WPT file; the reason says which);
- ``limit:`` a documented limit of edgert (``docs/compat.md``);
- ``todo:`` not implemented yet (with the issue that will);

``tests/wpt/reasons.json`` holds rules (regular expressions over directory, file, subtest name
and failure message) that give a new failure its reason when the expectations are rewritten;
a failure no rule explains gets ``todo: <its message>``, to be classified by hand.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from edgert.wpt.driver import FileResult

KINDS = ("n/a:", "workers:", "spec:", "limit:", "todo:")


@dataclass(frozen=True)
class Rule:
    reason: str
    directory: re.Pattern[str] | None = None
    file: re.Pattern[str] | None = None
    name: re.Pattern[str] | None = None
    message: re.Pattern[str] | None = None

    def matches(self, directory: str, file: str, name: str, message: str) -> bool:
        pairs = (
            (self.directory, directory),
            (self.file, file),
            (self.name, name),
            (self.message, message),
        )
        return all(p is None or p.search(v) for p, v in pairs)


def load_rules(path: Path) -> list[Rule]:
    if not path.is_file():
        return []
    rules = []
    for item in json.loads(path.read_text(encoding="utf-8")):

        def rx(key: str, item: Mapping[str, Any] = item) -> re.Pattern[str] | None:
            v = item.get(key)
            return re.compile(v) if isinstance(v, str) else None

        rules.append(
            Rule(str(item["reason"]), rx("directory"), rx("file"), rx("name"), rx("message"))
        )
    return rules


def expectation_path(expectations_dir: Path, directory: str) -> Path:
    return expectations_dir / f"{directory}.json"


def load(expectations_dir: Path, directory: str) -> dict[str, Any] | None:
    path = expectation_path(expectations_dir, directory)
    if not path.is_file():
        return None
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _describe(status: str, message: str | None) -> str:
    text = f"{status}: {message or ''}".strip()
    return " ".join(text.split())[:200]


def compare(
    directory: str,
    results: Iterable[FileResult],
    expected: Mapping[str, Any] | None,
    *,
    complete: bool = True,
) -> list[str]:
    """What differs between a directory's results and its expectations (empty: they match).
    ``complete``: every file of the directory ran (else files that did not run are not missed)."""
    if expected is None:
        return [
            f"{directory}: no expectations file (python -m edgert.wpt {directory} --update-expectations)"
        ]
    files: Mapping[str, Any] = expected.get("files", {})
    problems: list[str] = []
    seen = set()
    for r in results:
        name = r.rel.rsplit("/", 1)[-1]
        seen.add(name)
        exp = files.get(name)
        if exp is None:
            problems.append(f"{r.rel}: not in the expectations")
            continue
        ok = r.harness == "OK"
        if ok and "harness_error" in exp:
            problems.append(
                f"{r.rel}: the harness now finishes cleanly (expected: {exp['harness_error']})"
            )
        elif not ok and "harness_error" not in exp:
            problems.append(f"{r.rel}: harness {r.harness[:300]}")
        if len(r.subtests) != exp.get("subtests", 0):
            problems.append(
                f"{r.rel}: {len(r.subtests)} subtests, expected {exp.get('subtests', 0)}"
            )
        failures: Mapping[str, str] = exp.get("failures", {})
        names = set()
        for s in r.subtests:
            names.add(s.name)
            if s.passed and s.name in failures:
                problems.append(
                    f"{r.rel}: expected failure now passes: {s.name!r} ({failures[s.name]})"
                )
            elif not s.passed and s.name not in failures:
                problems.append(
                    f"{r.rel}: unexpected {_describe(s.status, s.message)} in {s.name!r}"
                )
        if ok or r.subtests:
            for gone in sorted(set(failures) - names):
                problems.append(f"{r.rel}: listed subtest no longer runs: {gone!r}")
    for name in sorted(set(files) - seen) if complete else ():
        problems.append(f"{directory}/{name}: in the expectations but not run")
    return problems


def classify(rules: list[Rule], directory: str, file: str, name: str, message: str) -> str | None:
    for rule in rules:
        if rule.matches(directory, file, name, message):
            return rule.reason
    return None


def updated(
    directory: str,
    results: list[FileResult],
    previous: Mapping[str, Any] | None,
    rules: list[Rule],
    *,
    complete: bool = True,
) -> dict[str, Any]:
    """The expectations that make ``results`` match: reasons kept from ``previous`` for
    failures still failing, else taken from ``rules``, else ``todo: <message>``."""
    old_files: Mapping[str, Any] = (previous or {}).get("files", {})
    ran = {r.rel.rsplit("/", 1)[-1] for r in results}
    # Files of the directory that did not run this time keep their entries.
    files: dict[str, Any] = (
        {k: v for k, v in old_files.items() if k not in ran} if not complete else {}
    )
    for r in sorted(results, key=lambda r: r.rel):
        name = r.rel.rsplit("/", 1)[-1]
        old = old_files.get(name, {})
        old_failures: Mapping[str, str] = old.get("failures", {})
        entry: dict[str, Any] = {"subtests": len(r.subtests)}
        if r.harness != "OK":
            entry["harness_error"] = (
                old.get("harness_error")
                or classify(rules, directory, name, "", r.harness)
                or f"todo: {r.harness[:200]}"
            )
        failures: dict[str, str] = {}
        for s in r.subtests:
            if s.passed:
                continue
            described = _describe(s.status, s.message)
            failures[s.name] = (
                old_failures.get(s.name)
                or classify(rules, directory, name, s.name, described)
                or f"todo: {described}"
            )
        if failures:
            entry["failures"] = failures
        files[name] = entry
    return {"directory": directory, "files": dict(sorted(files.items()))}


def write(expectations_dir: Path, directory: str, data: Mapping[str, Any]) -> Path:
    path = expectation_path(expectations_dir, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        json.dumps(data, indent=1, ensure_ascii=False, sort_keys=False) + "\n", encoding="utf-8"
    )
    return path


def all_directories(expectations_dir: Path) -> list[str]:
    return sorted(
        p.relative_to(expectations_dir).as_posix()[: -len(".json")]
        for p in expectations_dir.rglob("*.json")
    )


def counts(expected: Mapping[str, Any]) -> dict[str, int]:
    """A directory's subtests (``subtests``) and expected failures by kind (``n/a``,
    ``workers``, ``spec``, ``limit``, ``todo``)."""
    out = {"subtests": 0, **{k.rstrip(":"): 0 for k in KINDS}}
    for entry in expected.get("files", {}).values():
        out["subtests"] += int(entry.get("subtests", 0))
        for reason in entry.get("failures", {}).values():
            kind = reason.split(":", 1)[0]
            out[kind if kind in out else "todo"] += 1
    return out
