"""Wrangler's D1 migrations: numbered ``.sql`` files in ``migrations_dir`` (``0001_init.sql``,
...), applied in order, each recorded in the ``d1_migrations`` table so it runs once."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

from edgert.errors import ConfigError

if TYPE_CHECKING:
    from edgert._core import D1Database as D1Instance

__all__ = ["apply_migrations", "list_migrations"]

_NUMBERED = re.compile(r"^(\d+)_?.*\.sql$")
TABLE = (
    "CREATE TABLE IF NOT EXISTS d1_migrations("
    "id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, "
    "applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)"
)


def list_migrations(folder: str | os.PathLike[str]) -> list[Path]:
    """The migration files of ``folder`` in the order wrangler applies them (by number)."""
    path = Path(folder)
    if not path.is_dir():
        return []
    files = [p for p in path.iterdir() if p.is_file() and _NUMBERED.match(p.name)]
    return sorted(files, key=lambda p: (int(_NUMBERED.match(p.name).group(1)), p.name))  # type: ignore[union-attr]


def _run(instance: D1Instance, request: dict[str, object]) -> dict[str, object]:
    answer: dict[str, object] = json.loads(instance.execute(json.dumps(request)))
    return answer


def apply_migrations(instance: D1Instance, folder: str | os.PathLike[str]) -> list[str]:
    """Applies the migrations of ``folder`` not yet in ``d1_migrations``; returns their names.
    A failing migration raises :class:`ConfigError` naming the file (earlier ones stay)."""
    _run(instance, {"lines": [TABLE]})
    done = _run(instance, {"stmts": [{"sql": "SELECT name FROM d1_migrations", "params": []}]})
    if "error" in done:
        raise ConfigError(f"d1_migrations: {done['error']}")
    results = done["results"]
    assert isinstance(results, list)
    applied = {row[0] for row in results[0]["rows"]}
    ran = []
    for path in list_migrations(folder):
        if path.name in applied:
            continue
        sql = path.read_text(encoding="utf-8")
        record = "INSERT INTO d1_migrations (name) VALUES ('" + path.name.replace("'", "''") + "')"
        # One script per file (a file is one migration: its statements and its record).
        answer = _run(instance, {"lines": [sql + "\n;" + record]})
        if "error" in answer:
            raise ConfigError(f"D1 migration {path}: {answer['error']}")
        ran.append(path.name)
    return ran
