"""The worker script that runs one WPT test file: ``harness.js`` with testharness.js, the
file's includes (in META order) and the file itself filled in."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from edgert.wpt.suite import TestFile, read_source

HARNESS = Path(__file__).with_name("harness.js")
#: Virtual milliseconds before unfinished tests time out (wptserve's runner: 10 s, long 60 s).
TIMEOUT_MS = 10_000
LONG_TIMEOUT_MS = 60_000


@lru_cache(maxsize=64)
def _read(path: Path) -> str:
    return read_source(path)


def build(test: TestFile) -> str:
    """The classic worker script for ``test`` (see ``harness.js``)."""
    parts = []
    for include in (*test.includes, test.path):
        parts.append(f"// ---- {include.name}\n{_read(include)}\n")
    title = test.title if test.title is not None else test.name.split(".", 1)[0]
    fills = {
        "/*@TITLE@*/": json.dumps(title),
        "/*@URL@*/": json.dumps(test.url),
        "/*@TIMEOUT_MS@*/": str(LONG_TIMEOUT_MS if test.long_timeout else TIMEOUT_MS),
        "/*@TESTHARNESS@*/": _read(test.root / "resources" / "testharness.js"),
        # The body last, so nothing inside test code is taken for a marker.
        "/*@BODY@*/": "".join(parts),
    }
    text = _read(HARNESS)
    for marker, value in fills.items():
        text = text.replace(marker, value, 1)
    return text
