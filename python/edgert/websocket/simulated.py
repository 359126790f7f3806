"""Simulated WebSocket clients in virtual time (:meth:`edgert.Network.websocket`).

A client opens its socket with an upgrade request through the network like any request (its
client leg, its PoP, the route's worker, a Durable Object call when the worker forwards it);
once the 101 has reached it, the client is linked to the worker's socket wherever that socket
lives: a worker's isolate at the client's PoP, or a Durable Object at its home PoP. Every
message then travels one way in ``latency_s``: half the client leg's round trip plus half the
backbone round trip between the client's PoP and the socket's PoP, as the latency model gives
them. What a client receives is recorded with the time it was sent and the time it arrived, so
a hub's fan-out to users on other continents shows as per-client delivery latencies.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edgert.errors import ConfigError
from edgert.host.virtual import VirtualTimeHost
from edgert.trace import EdgeResponse, Trace
from edgert.websocket.hub import SOCKET_FIELD, End, IsolateEnd, hub_of

if TYPE_CHECKING:
    from edgert.geo import Client
    from edgert.network import Network

__all__ = ["Delivery", "SimulatedSocket"]


@dataclass(frozen=True, slots=True)
class Delivery:
    """One message a simulated client received."""

    data: str | bytes
    #: Virtual times (seconds since the epoch) the worker sent it and the client got it.
    sent_at: float
    arrived_at: float

    @property
    def latency_ms(self) -> float:
        return (self.arrived_at - self.sent_at) * 1000.0


@dataclass(eq=False)
class SimulatedSocket(End):
    """A client's WebSocket in virtual time; ``open`` once the 101 arrived and it is linked."""

    host: VirtualTimeHost
    client: str
    #: One-way latency between the client and the worker's socket (set when it opens).
    latency_s: float = 0.0
    #: The upgrade request's response and trace (set when it opens or is refused).
    response: EdgeResponse | None = None
    #: PoP of the client's upgrade, and PoP where the worker's socket lives.
    pop: str = ""
    socket_pop: str = ""
    received: list[Delivery] = field(default_factory=list)
    #: The close the client saw: ``(code, reason, clean)``.
    close_event: tuple[int, str, bool] | None = None
    on_message: Callable[[Delivery], None] | None = None
    #: Called once the upgrade's answer reached the client (open, or refused: see ``open``).
    on_open: Callable[[SimulatedSocket], None] | None = None

    @property
    def open(self) -> bool:
        return self.peer is not None and not self.closed and self.close_event is None

    @property
    def trace(self) -> Trace | None:
        return self.response.trace if self.response is not None else None

    @property
    def messages(self) -> list[str | bytes]:
        return [d.data for d in self.received]

    def send(self, data: str | bytes) -> None:
        """Sends a message now; it reaches the worker ``latency_s`` later."""
        if not self.open:
            raise RuntimeError(f"the WebSocket of {self.client} is not open")
        self.host.at(self.host.now() + self.latency_s, lambda: self.emit("message", data))

    def close(self, code: int = 1000, reason: str = "") -> None:
        """Starts the closing handshake (the worker sees it ``latency_s`` later)."""
        if self.closed:
            return
        self.closed = True
        peer = self.peer
        self.host.at(
            self.host.now() + self.latency_s,
            lambda: peer.receive("close", (code, reason, True)) if peer is not None else None,
        )

    def receive(self, kind: str, data: Any) -> None:
        sent = self.host.now()

        def arrive() -> None:
            if kind == "message":
                delivery = Delivery(data, sent, self.host.now())
                self.received.append(delivery)
                if self.on_message is not None:
                    self.on_message(delivery)
            elif kind == "close" and self.close_event is None:
                self.close_event = data
                if not self.closed:  # the client answers the worker's close
                    self.closed = True
                    code, reason, _clean = data
                    peer = self.peer
                    if peer is not None:
                        self.host.at(
                            self.host.now() + self.latency_s,
                            lambda: peer.receive("close", (code, reason, True)),
                        )

        self.host.at(sent + self.latency_s, arrive)


def open_simulated(
    net: Network,
    url: str,
    client: Client | str,
    headers: Any,
    pop: str | None,
    on_message: Callable[[Delivery], None] | None,
) -> SimulatedSocket:
    """:meth:`edgert.Network.websocket`: a simulated client's upgrade request through ``net``
    (virtual time); the socket opens once the worker's 101 reached the client, its one-way
    latency the client's leg plus the backbone to the PoP where the worker's end lives."""
    host = net._virtual
    if host is None:
        raise ConfigError(
            "websocket() simulates clients in virtual time; use a server in real time"
        )
    fields = [
        ("upgrade", "websocket"),
        ("connection", "Upgrade"),
        ("sec-websocket-key", "dGhlIHNhbXBsZSBub25jZQ=="),
        ("sec-websocket-version", "13"),
    ]
    if headers is not None:
        fields += list(headers.items()) if hasattr(headers, "items") else list(headers)
    name = client if isinstance(client, str) else (client.city or "client")
    sock = SimulatedSocket(host, name, on_message=on_message)

    def opened(answer: EdgeResponse) -> None:
        sock.response = answer
        sock.pop = answer.trace.pop
        if answer.status != 101:
            sock.close_event = (1006, f"the upgrade was answered {answer.status}", False)
        else:
            link(answer)
        if sock.on_open is not None:
            sock.on_open(sock)

    def link(answer: EdgeResponse) -> None:
        hub = hub_of(host)
        end = hub.resolve(answer.headers.get(SOCKET_FIELD) or "", None)
        if end is None:
            sock.close_event = (1011, "the worker's WebSocket is gone", False)
            return
        home = net._pop_of(end.core) if isinstance(end, IsolateEnd) else None
        sock.socket_pop = home.code if home is not None else answer.trace.pop
        backbone = 0.0
        if home is not None and home.code != answer.trace.pop:
            backbone = net._pop_rtt_ms(net._pop_index[answer.trace.pop], home)
        sock.latency_s = (answer.trace.client_rtt_ms + backbone) / 2000.0
        hub.link(sock, end)

    net.submit(url, client=client, headers=fields, pop=pop, on_done=opened)
    return sock
