"""A request in flight through the network: the record a host carries for it (``Flight``), the
handle a simulator holds (``Pending``), and small helpers of the PoP's exchanges. (The fixed
values of a client's leg to a PoP, ``ClientLeg``, live with the leg model in
:mod:`edgert.legs`.)"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from typing import Any

from edgert._core import Request, Response
from edgert.geo import Client
from edgert.latency import Phases
from edgert.legs import OpenConnection
from edgert.pops import Pop
from edgert.trace import EdgeResponse, Trace

__all__ = [
    "PLAIN_RESULTS",
    "Flight",
    "Pending",
    "bad_gateway",
    "no_internet",
    "served",
]


def bad_gateway(message: str) -> Response:
    """The PoP's own 502, when the origin cannot be reached."""
    return Response(message, status=502, headers={"content-type": "text/plain"})


def no_internet(request: Request) -> Response:
    """Virtual time's default answer to a subrequest for a host the origin does not serve."""
    return bad_gateway(f"no Internet in virtual time for {request.url}")


#: Handler results that are certainly not awaitable (skips ``inspect.isawaitable``).
PLAIN_RESULTS = (Response, str, bytes, tuple, dict, list)


def served(leg: Phases, server_ms: float, transfer_ms: float) -> Phases:
    """An origin leg with the origin's time and the response's transfer filled in."""
    return Phases(
        dns_ms=leg.dns_ms,
        connect_ms=leg.connect_ms,
        tls_ms=leg.tls_ms,
        request_ms=leg.request_ms,
        server_ms=server_ms,
        transfer_ms=transfer_ms,
        cwnd_segments=leg.cwnd_segments,
    )


@dataclasses.dataclass(slots=True, eq=False)
class Flight:
    """One client request in flight through the network (the host's task context).

    ``outstanding`` and ``busy_since`` track the origin requests in flight, so that
    ``trace.origin_ms`` counts time during which at least one was outstanding. ``ray_id``
    numbers the request (``ray``, its ``cf-ray``, is spelled out when a header needs it).
    """

    trace: Trace
    pop: Pop
    client: Client
    request: Request
    worker: str | None
    client_rtt_ms: float
    bandwidth_mbps: float
    cwnd_segments: int
    ray_id: int
    arrived: float = 0.0
    responded: bool = False
    outstanding: int = 0
    busy_since: float = 0.0
    origin_wall_ms: float = 0.0
    #: The request's own random stream (``Network.submit(rng=...)``); None: the network's.
    rng: random.Random | None = None
    #: Virtual time: the simulator's handle, and the pending wall-timeout event.
    pending: Pending | None = None
    timeout: Any = None
    #: The client's connection to the PoP (its window after this response is kept there).
    conn: OpenConnection | None = None
    #: The deployment that chose this request's version (:mod:`edgert.deploy`), and the version.
    deployment: Any = None
    version: Any = None
    #: Virtual time: the worker's response on its way back to the client.
    response: Response | None = None

    @property
    def ray(self) -> str:
        """The request's ``cf-ray``: its number in hex and the PoP's code."""
        return f"{self.ray_id:016x}-{self.pop.code}"


@dataclasses.dataclass(slots=True, eq=False)
class Pending:
    """A request submitted in virtual time; ``response`` is set once its last byte arrived."""

    trace: Trace
    response: EdgeResponse | None = None
    #: Called with the response once its last byte has reached the client.
    on_done: Callable[[EdgeResponse], None] | None = None

    @property
    def done(self) -> bool:
        return self.response is not None
