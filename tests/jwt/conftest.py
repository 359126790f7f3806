"""Shared fixtures for the JWT tests: the public test vectors beside the repository."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# ``../shared/data`` beside the repository root; EDGERT_SHARED_DATA overrides it (e.g. in a
# git worktree that lives elsewhere).
DATA = Path(
    os.environ.get("EDGERT_SHARED_DATA")
    or Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    if not DATA.is_dir():
        pytest.skip(f"test vectors not found at {DATA}")
    return DATA
