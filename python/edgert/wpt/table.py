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


def rows(expectations_dir: Path) -> list[tuple[str, int, int, int, int, int, int]]:
    """(directory, files, files that do not finish, subtests, pass, expected failures, n/a)."""
    out = []
    for directory in expectations.all_directories(expectations_dir):
        data: dict[str, Any] | None = expectations.load(expectations_dir, directory)
        if data is None:
            continue
        total, fail, na = expectations.counts(data)
        files = data.get("files", {})
        broken = sum(1 for e in files.values() if "harness_error" in e)
        out.append((directory, len(files), broken, total, total - fail - na, fail, na))
    return out


def _rate(passed: int, applicable: int) -> str:
    return "-" if applicable == 0 else f"{100.0 * passed / applicable:.1f}%"


def render(expectations_dir: Path) -> str:
    lines = [
        BEGIN,
        "",
        "| directory | files | files not finishing | subtests | n/a | pass | expected failures | pass rate |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    totals = [0, 0, 0, 0, 0, 0]
    for directory, files, broken, total, passed, fail, na in rows(expectations_dir):
        lines.append(
            f"| {directory} | {files} | {broken} | {total} | {na} | {passed} | {fail} | {_rate(passed, total - na)} |"
        )
        for i, v in enumerate((files, broken, total, passed, fail, na)):
            totals[i] += v
    files, broken, total, passed, fail, na = totals
    lines.append(
        f"| **all** | {files} | {broken} | {total} | {na} | {passed} | {fail} | {_rate(passed, total - na)} |"
    )
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
