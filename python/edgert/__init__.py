"""edgert: an edge-worker runtime you can pip install.

Workers-style JavaScript runs in pooled, sandboxed QuickJS isolates in a sans-I/O Rust core;
Python hosts give it time and perform its I/O.
"""

from __future__ import annotations

from edgert._core import __version__
from edgert.errors import (
    ConfigError,
    CpuLimitExceeded,
    EdgertError,
    HostError,
    MemoryLimitExceeded,
    RequestError,
    ScriptError,
    WallTimeExceeded,
    WorkerError,
)

__all__ = [
    "ConfigError",
    "CpuLimitExceeded",
    "EdgertError",
    "HostError",
    "MemoryLimitExceeded",
    "RequestError",
    "ScriptError",
    "WallTimeExceeded",
    "WorkerError",
    "__version__",
]
