"""edgert: an edge-worker runtime you can pip install.

Workers-style JavaScript runs in pooled, sandboxed QuickJS isolates in a sans-I/O Rust core;
Python hosts give it time and perform its I/O.
"""

from __future__ import annotations

from edgert._core import Headers, LogLine, Operation, Request, Response, Stats, Step, __version__
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
from edgert.host import RealTimeHost, VirtualTimeHost
from edgert.worker import Worker

__all__ = [
    "ConfigError",
    "CpuLimitExceeded",
    "EdgertError",
    "Headers",
    "HostError",
    "LogLine",
    "MemoryLimitExceeded",
    "Operation",
    "RealTimeHost",
    "Request",
    "RequestError",
    "Response",
    "ScriptError",
    "Stats",
    "Step",
    "VirtualTimeHost",
    "WallTimeExceeded",
    "Worker",
    "WorkerError",
    "__version__",
]
