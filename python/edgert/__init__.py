"""edgert: an edge-worker runtime you can pip install.

Workers-style JavaScript runs in pooled, sandboxed QuickJS isolates in a sans-I/O Rust core;
Python hosts give it time and perform its I/O. :class:`Network` puts workers on the PoPs of an
edge network in front of an origin, in real or virtual time.
"""

from __future__ import annotations

from edgert._core import Headers, LogLine, Operation, Request, Response, Stats, Step, __version__
from edgert.deploy import (
    Deployment,
    DeploymentEvent,
    HealthGate,
    Immediate,
    Percentage,
    Version,
    Waves,
)
from edgert.errors import (
    ConfigError,
    CpuLimitExceeded,
    EdgertError,
    HostError,
    MemoryLimitExceeded,
    RequestError,
    ScriptError,
    UnknownPlaceError,
    WallTimeExceeded,
    WorkerError,
)
from edgert.geo import Client, find_city, request_cf
from edgert.host import RealTimeHost, VirtualTimeHost
from edgert.latency import LatencyModel, LatencyParams, Phases
from edgert.network import Network, Pending
from edgert.origin import Origin
from edgert.pops import Pop, load_pops
from edgert.routes import Route
from edgert.routing import AnycastRouter, RoutingParams
from edgert.scheduled import ScheduledResult
from edgert.trace import EdgeResponse, Trace
from edgert.worker import Worker

__all__ = [
    "AnycastRouter",
    "Client",
    "ConfigError",
    "CpuLimitExceeded",
    "Deployment",
    "DeploymentEvent",
    "EdgeResponse",
    "EdgertError",
    "Headers",
    "HealthGate",
    "HostError",
    "Immediate",
    "LatencyModel",
    "LatencyParams",
    "LogLine",
    "MemoryLimitExceeded",
    "Network",
    "Operation",
    "Origin",
    "Pending",
    "Percentage",
    "Phases",
    "Pop",
    "RealTimeHost",
    "Request",
    "RequestError",
    "Response",
    "Route",
    "RoutingParams",
    "ScheduledResult",
    "ScriptError",
    "Stats",
    "Step",
    "Trace",
    "UnknownPlaceError",
    "Version",
    "VirtualTimeHost",
    "WallTimeExceeded",
    "Waves",
    "Worker",
    "WorkerError",
    "__version__",
    "find_city",
    "load_pops",
    "request_cf",
]
