"""Builds the project's standard workload (``../shared/bench``) in a scratch folder: keys and
tokens from its ``gen_tokens.py``, and one worker source with ``keys.js`` inlined (edgert takes a
single script, so the two-module worker is bundled the way a deploy tool would)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2].parent / "shared" / "bench"


@dataclass
class Workload:
    source: str
    tokens: dict[str, list[str]]
    invalid: dict[str, dict[str, str]]


def bundle(worker_js: str, keys_js: str) -> str:
    """Inlines ``keys.js`` in place of its import (``export const`` becomes ``const``)."""
    keys = re.sub(r"^export\s+const\s", "const ", keys_js, flags=re.M)
    import_re = r'^import\s*\{[^}]*\}\s*from\s*["\']\./keys\.js["\'];?\s*$'
    bundled, n = re.subn(import_re, lambda _m: keys, worker_js, count=1, flags=re.M)
    if n != 1:
        raise ValueError("worker.js does not import ./keys.js as expected")
    return bundled


def build(tmp: Path) -> Workload:
    """Copies the bench folder into ``tmp`` and generates its keys and tokens there."""
    root = tmp / "bench"
    shutil.copytree(BENCH, root, ignore=shutil.ignore_patterns("tokens", "keys", "keys.js", "venv"))
    subprocess.run(
        [sys.executable, str(root / "gen_tokens.py"), "--force"], check=True, capture_output=True
    )
    source = bundle(
        (root / "worker" / "worker.js").read_text(), (root / "worker" / "keys.js").read_text()
    )
    tokens = {
        alg: (root / "tokens" / f"{alg}.txt").read_text().split() for alg in ("es256", "hs256")
    }
    invalid = json.loads((root / "tokens" / "invalid.json").read_text())
    return Workload(source, tokens, invalid)
