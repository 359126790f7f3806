"""What a request through the network went through: the PoP, the worker, and time by phase.

Phases, in the order the client lives them (ms): ``dns``, ``connect`` (TCP or QUIC handshake),
``tls``, ``request`` (the client leg's round trip carrying the request and the first flight of the
response), at the PoP ``origin`` (time during which at least one PoP-to-origin request of this
request was outstanding, each a modelled network leg plus the origin's service time), ``kv``
(time during which at least one KV operation, a miss or a write, was outstanding), ``cache`` (0
for now), ``wait`` (other time at the PoP: timers, Internet subrequests), ``worker`` (CPU time
charged to the request) and ``transfer`` (the rest of the response to the client: slow start and
serialisation). ``total_ms`` is their sum. In virtual time it is exactly the time between the
request's start and its last byte on the virtual clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edgert._core import Headers, Response, Stats
from edgert.latency import Phases

if TYPE_CHECKING:
    from edgert.kv.record import KvRead

__all__ = ["EdgeResponse", "Trace"]

PHASES = (
    "dns_ms",
    "connect_ms",
    "tls_ms",
    "request_ms",
    "origin_ms",
    "kv_ms",
    "cache_ms",
    "wait_ms",
    "worker_ms",
    "transfer_ms",
)


@dataclass(slots=True, init=False)
class Trace:
    """One request through the network (see the module docstring for the phases).

    ``edge_only`` says whether the PoP answered without going to the origin. Counts and phases
    only cover work done before the response; ``background_origin_requests`` counts origin
    requests made after it (``ctx.waitUntil``).

    The ``__init__`` is written out (the fields' defaults below, the same signature as the
    dataclass's own): one is made per simulated request, and the generated one spends a third
    more on its three lists' default factories and its 34 parameters.
    """

    url: str
    pop: str
    clock: str
    worker: str | None = None
    route: str | None = None
    client_city: str | None = None
    connection: str = "new"
    dns_ms: float = 0.0
    connect_ms: float = 0.0
    tls_ms: float = 0.0
    request_ms: float = 0.0
    origin_ms: float = 0.0
    kv_ms: float = 0.0
    cache_ms: float = 0.0
    wait_ms: float = 0.0
    worker_ms: float = 0.0
    transfer_ms: float = 0.0
    #: CPU time the worker used, as the core measured it (``worker_ms`` is what was charged).
    worker_cpu_ms: float = 0.0
    origin_requests: int = 0
    background_origin_requests: int = 0
    subrequests: int = 0
    cold_start: bool = False
    #: ``cf-cache-status`` of a request the PoP passed through its cache (None otherwise).
    cache_status: str | None = None
    outcome: str = ""
    status: int = 0
    #: Base round-trip times of the client's leg and of the PoP-to-origin leg, in ms.
    client_rtt_ms: float = 0.0
    origin_rtt_ms: float = 0.0
    started_at: float = 0.0
    finished_at: float = 0.0
    #: Measured wall-clock time of the call, in ms (real time); the virtual duration otherwise.
    wall_ms: float = 0.0
    #: Each PoP-to-origin exchange made before the response, phase by phase.
    origin_legs: list[Phases] = field(default_factory=list)
    #: Each Durable Object call (an :class:`edgert.durable.ObjectCall`): binding, object id,
    #: home PoP, caller PoP and the PoP-to-PoP latency it paid.
    object_calls: list[Any] = field(default_factory=list)
    #: Each KV read made before the response: PoP, hit or miss, staleness.
    kv_reads: list[KvRead] = field(default_factory=list)
    #: The id of the worker version that answered (None without a worker).
    version: str | None = None

    def __init__(
        self,
        url: str,
        pop: str,
        clock: str,
        worker: str | None = None,
        route: str | None = None,
        client_city: str | None = None,
        connection: str = "new",
        dns_ms: float = 0.0,
        connect_ms: float = 0.0,
        tls_ms: float = 0.0,
        request_ms: float = 0.0,
        origin_ms: float = 0.0,
        kv_ms: float = 0.0,
        cache_ms: float = 0.0,
        wait_ms: float = 0.0,
        worker_ms: float = 0.0,
        transfer_ms: float = 0.0,
        worker_cpu_ms: float = 0.0,
        origin_requests: int = 0,
        background_origin_requests: int = 0,
        subrequests: int = 0,
        cold_start: bool = False,
        cache_status: str | None = None,
        outcome: str = "",
        status: int = 0,
        client_rtt_ms: float = 0.0,
        origin_rtt_ms: float = 0.0,
        started_at: float = 0.0,
        finished_at: float = 0.0,
        wall_ms: float = 0.0,
        origin_legs: list[Phases] | None = None,
        object_calls: list[Any] | None = None,
        kv_reads: list[KvRead] | None = None,
        version: str | None = None,
    ) -> None:
        self.url = url
        self.pop = pop
        self.clock = clock
        self.worker = worker
        self.route = route
        self.client_city = client_city
        self.connection = connection
        self.dns_ms = dns_ms
        self.connect_ms = connect_ms
        self.tls_ms = tls_ms
        self.request_ms = request_ms
        self.origin_ms = origin_ms
        self.kv_ms = kv_ms
        self.cache_ms = cache_ms
        self.wait_ms = wait_ms
        self.worker_ms = worker_ms
        self.transfer_ms = transfer_ms
        self.worker_cpu_ms = worker_cpu_ms
        self.origin_requests = origin_requests
        self.background_origin_requests = background_origin_requests
        self.subrequests = subrequests
        self.cold_start = cold_start
        self.cache_status = cache_status
        self.outcome = outcome
        self.status = status
        self.client_rtt_ms = client_rtt_ms
        self.origin_rtt_ms = origin_rtt_ms
        self.started_at = started_at
        self.finished_at = finished_at
        self.wall_ms = wall_ms
        self.origin_legs = [] if origin_legs is None else origin_legs
        self.object_calls = [] if object_calls is None else object_calls
        self.kv_reads = [] if kv_reads is None else kv_reads
        self.version = version

    @property
    def edge_only(self) -> bool:
        """True when the PoP answered without a request to the origin."""
        return self.origin_requests == 0

    @property
    def total_ms(self) -> float:
        """The request as the client sees it, first DNS packet to last byte."""
        return float(sum(getattr(self, name) for name in PHASES))

    def phases(self) -> dict[str, float]:
        """The phases and the total, in ms."""
        out = {name: float(getattr(self, name)) for name in PHASES}
        out["total_ms"] = self.total_ms
        return out

    def as_dict(self) -> dict[str, Any]:
        """Everything, as plain data (for JSON)."""
        out: dict[str, Any] = {
            name: getattr(self, name)
            for name in self.__slots__
            if name not in ("origin_legs", "object_calls", "kv_reads")
        }
        out["origin_legs"] = [leg.as_dict() for leg in self.origin_legs]
        out["object_calls"] = [call.as_dict() for call in self.object_calls]
        out["kv_reads"] = [
            {s: getattr(r, s) for s in ("pop", "namespace", "key", "hit", "stale", "age_s")}
            for r in self.kv_reads
        ]
        out["edge_only"] = self.edge_only
        out["total_ms"] = self.total_ms
        return out


class EdgeResponse:
    """A response from the network: the worker's (or origin's) :class:`Response` and its
    :class:`Trace`. Reads like a :class:`Response` (``status``, ``headers``, ``body``,
    ``text()``, ``json()``, ...)."""

    __slots__ = ("response", "trace")

    def __init__(self, response: Response, trace: Trace) -> None:
        self.response = response
        self.trace = trace

    @property
    def status(self) -> int:
        return self.response.status

    @property
    def status_text(self) -> str:
        return self.response.status_text

    @property
    def ok(self) -> bool:
        return self.response.ok

    @property
    def headers(self) -> Headers:
        return self.response.headers

    @property
    def body(self) -> bytes:
        return self.response.body

    @property
    def stats(self) -> Stats | None:
        return self.response.stats

    def text(self) -> str:
        return self.response.text()

    def json(self) -> Any:
        return self.response.json()

    def __iter__(self) -> Any:
        """Unpacks as ``response, trace``."""
        return iter((self.response, self.trace))

    def __repr__(self) -> str:
        return (
            f"<EdgeResponse {self.status} via {self.trace.pop} "
            f"{'edge only' if self.trace.edge_only else 'with origin'} "
            f"{self.trace.total_ms:.1f} ms>"
        )
