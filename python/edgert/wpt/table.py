"""The per-directory WPT pass-rate table, written into its own section of ``docs/compat.md``.

The table is computed from the expectation files (what CI checks), so it changes only when
they do. The section lies between two marker comments; nothing outside them is touched.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from edgert.wpt import expectations

BEGIN = "<!-- wpt-table:begin (python -m edgert.wpt --write-table docs/compat.md) -->"
END = "<!-- wpt-table:end -->"


COLUMNS = ("files", "broken", "subtests", "n/a", "pass", "workers", "spec", "limit", "todo")


def rows(expectations_dir: Path) -> list[tuple[str, dict[str, int]]]:
    """Per directory: files, files that do not finish (``broken``), subtests, and the
    subtests that pass or are expected to fail, by kind."""
    out = []
    for directory in expectations.all_directories(expectations_dir):
        data: dict[str, Any] | None = expectations.load(expectations_dir, directory)
        if data is None:
            continue
        c = expectations.counts(data)
        files = data.get("files", {})
        c["files"] = len(files)
        c["broken"] = sum(1 for e in files.values() if "harness_error" in e)
        c["pass"] = c["subtests"] - sum(c[k.rstrip(":")] for k in expectations.KINDS)
        out.append((directory, c))
    return out


def _rate(passed: int, applicable: int) -> str:
    return "-" if applicable <= 0 else f"{100.0 * passed / applicable:.1f}%"


def _line(name: str, c: dict[str, int]) -> str:
    applicable = c["subtests"] - c["n/a"]
    cells = [str(c[k]) for k in COLUMNS]
    return (
        f"| {name} | {' | '.join(cells)} | {_rate(c['pass'], applicable)} "
        f"| {_rate(c['pass'], applicable - c['workers'] - c['spec'])} |"
    )


def render(expectations_dir: Path) -> str:
    lines = [
        BEGIN,
        "",
        "| directory | files | files not finishing | subtests | n/a | pass | Workers deviations | per standard | limits | todo | pass rate | pass rate without deviations |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    totals = dict.fromkeys(COLUMNS, 0)
    for directory, c in rows(expectations_dir):
        lines.append(_line(directory, c))
        for k in COLUMNS:
            totals[k] += c[k]
    lines.append(_line("**all**", totals))
    lines += ["", END]
    return "\n".join(lines)


def write(doc: Path, expectations_dir: Path) -> None:
    """Replaces the table between the markers of ``doc`` (appends a section if absent)."""
    text = doc.read_text(encoding="utf-8") if doc.is_file() else ""
    table = render(expectations_dir)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + table + tail
    else:
        text = text.rstrip("\n") + "\n\n## Web platform tests: pass rates\n\n" + table + "\n"
    doc.write_text(text, encoding="utf-8")
