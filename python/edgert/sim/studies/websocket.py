"""``[[websocket]]``: users holding WebSockets open to the scenario's worker (a chat room, a
live feed), sending messages at a rate, and the latency of every message to every user who
receives it, in virtual time.

Each group is one ``[[websocket]]`` table::

    [[websocket]]
    name = "lobby"                               # default websocket-N
    url = "https://chat.example/api/room/lobby/websocket"
    users = 40                                   # drawn from the scenario's population
    join_s = 10                                  # users open their sockets over this time
    duration_s = 120                             # each user stays this long, then closes
    messages_per_minute = 6                      # per user (Poisson arrivals)
    hello = '{"name": "user-{user}"}'            # sent once, when the socket opens (optional)
    message = '{"message": "hi {tag}"}'          # every message; {tag} marks it

Theory of operation. The group runs on the scenario's ``edge`` network (its worker, Durable
Objects, PoPs and latency model; :func:`edgert.sim.deployments.build_network`). Every user is
a client of the population with an address of its own (``cf-connecting-ip``, so per-address
limiters see distinct users), opening ``url`` with :meth:`edgert.Network.websocket` at a time
drawn in ``[0, join_s)``. When its 101 arrives it sends ``hello``, then its messages at the
times drawn for it, then closes ``duration_s`` after opening. Every message carries a unique
tag ``<m:USER:SEQ>`` in place of ``{tag}``; whatever a user receives is searched for tags, so a
message's latency to each receiver is the time from the sender's ``send`` to the receiver's
arrival, through the client legs, the PoPs, the backbone and the worker or object that relays
it (echoes to the sender are counted apart). Every draw comes from the scenario's seed and
the group's index: the results are the same bytes for the same scenario and seed.

Reported per group: users opened and refused, messages sent, deliveries, the fan-out,
end-to-end latency percentiles (to others, echo), the same by the receiver's PoP, the PoP(s)
where the sockets lived, and one row per message (``websocket.csv``).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from edgert.errors import ScenarioError

if TYPE_CHECKING:
    from edgert.sim.scenario import Scenario, _Table
    from edgert.websocket.simulated import Delivery, SimulatedSocket

__all__ = ["WebSocketGroup", "parse", "run"]

_TAG = re.compile(r"<m:(\d+):(\d+)>")
#: One row per message sent (``websocket.csv``).
_COLUMNS = ("sender", "seq", "sender_pop", "sent_s", "receivers", "min_ms", "p50_ms", "max_ms")


@dataclass(frozen=True, slots=True)
class WebSocketGroup:
    """One ``[[websocket]]`` table."""

    name: str
    url: str
    users: int = 10
    join_s: float = 10.0
    duration_s: float = 60.0
    messages_per_minute: float = 6.0
    hello: str | None = None
    message: str = "{tag}"


def parse(raw: Any) -> tuple[WebSocketGroup, ...]:
    """The ``websocket`` key: an array of tables (``[[websocket]]``)."""
    from edgert.sim.scenario import _Table

    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not raw:
        raise ScenarioError("websocket: must be [[websocket]] tables")
    out = []
    for i, entry in enumerate(raw):
        t = _Table(entry, f"websocket[{i}]")
        out.append(_group(t, i))
    names = [g.name for g in out]
    if len(set(names)) != len(names):
        raise ScenarioError("websocket: group names must be unique")
    return tuple(out)


def _group(t: _Table, i: int) -> WebSocketGroup:
    url = t.string("url")
    if not url or not url.startswith(("http://", "https://", "ws://", "wss://")):
        raise ScenarioError(f"{t.key('url')}: required, an http(s):// or ws(s):// URL")
    url = "http" + url[2:] if url.startswith("ws") else url
    message = t.string("message", "{tag}") or "{tag}"
    if "{tag}" not in message:
        raise ScenarioError(f"{t.key('message')}: must contain {{tag}} (how receipts are matched)")
    group = WebSocketGroup(
        name=t.string("name", f"websocket-{i + 1}") or f"websocket-{i + 1}",
        url=url,
        users=t.integer("users", 10, low=1),
        join_s=t.number("join_s", 10.0, low=0),
        duration_s=t.number("duration_s", 60.0, low=0, strict_low=True),
        messages_per_minute=t.number("messages_per_minute", 6.0, low=0),
        hello=t.string("hello"),
        message=message,
    )
    t.check_unknown()
    return group


def _fill(template: str, user: int, tag: str = "") -> str:
    return template.replace("{user}", str(user)).replace("{tag}", tag)


class _Run:
    """One group on its network: the users' sockets, what each sent, what each received."""

    def __init__(self, net: Any, group: WebSocketGroup, start: float) -> None:
        self.net = net
        self.group = group
        self.start = start
        self.sockets: list[SimulatedSocket | None] = [None] * group.users
        self.opened_at: dict[int, float] = {}
        #: (user, seq) -> virtual time sent.
        self.sent: dict[tuple[int, int], float] = {}
        #: (sender, seq, receiver, latency ms)
        self.deliveries: list[tuple[int, int, int, float]] = []

    def open(self, user: int, client: Any, ip: str, plan: list[float]) -> None:
        sock = self.net.websocket(
            self.group.url,
            client=client,
            headers=[("cf-connecting-ip", ip)],
            on_message=functools.partial(self.received, user),
        )
        sock.on_open = functools.partial(self.opened, user, plan)
        self.sockets[user] = sock

    def opened(self, user: int, plan: list[float], sock: SimulatedSocket) -> None:
        if not sock.open:
            return
        now = self.net.now()
        self.opened_at[user] = now
        if self.group.hello is not None:
            sock.send(_fill(self.group.hello, user))
        for seq, offset in enumerate(plan):
            self.net.at(now + offset, functools.partial(self.say, user, seq))
        self.net.at(now + self.group.duration_s, sock.close)

    def say(self, user: int, seq: int) -> None:
        sock = self.sockets[user]
        if sock is None or not sock.open:
            return
        self.sent[(user, seq)] = self.net.now()
        sock.send(_fill(self.group.message, user, f"<m:{user}:{seq}>"))

    def received(self, user: int, delivery: Delivery) -> None:
        data = delivery.data
        if not isinstance(data, str):
            return
        for m in _TAG.finditer(data):
            key = (int(m.group(1)), int(m.group(2)))
            sent = self.sent.get(key)
            if sent is not None:
                latency = (delivery.arrived_at - sent) * 1000.0
                self.deliveries.append((key[0], key[1], user, latency))


def run(scenario: Scenario, groups: tuple[WebSocketGroup, ...]) -> dict[str, Any]:
    """Every group, each on a fresh edge network; deterministic for the scenario's seed."""
    return {g.name: _run_group(scenario, g, i) for i, g in enumerate(groups)}


def _run_group(scenario: Scenario, group: WebSocketGroup, index: int) -> dict[str, Any]:
    from edgert.sim.deployments import START, build_network
    from edgert.sim.population import Population
    from edgert.sim.scenario import DeploymentSpec

    rng = np.random.default_rng([scenario.seed, 0x5753, index])
    population = Population(scenario.population, scenario.access)
    users = population.draw(rng, group.users, scenario.latency_params())
    net = build_network(scenario, DeploymentSpec(name=f"websocket:{group.name}", mode="edge"))
    run = _Run(net, group, START)
    rate_s = group.messages_per_minute / 60.0
    for u in range(group.users):
        client = population.client(users, u)
        ip = f"198.18.{u // 250}.{u % 250 + 1}"  # benchmarking range: an address per user
        joins = float(rng.uniform(0.0, group.join_s)) if group.join_s > 0 else 0.0
        plan: list[float] = []
        if rate_s > 0:
            t = float(rng.exponential(1.0 / rate_s))
            while t < group.duration_s:
                plan.append(t)
                t += float(rng.exponential(1.0 / rate_s))
        net.at(START + joins, functools.partial(run.open, u, client, ip, plan))
    net.run(until=START + group.join_s + group.duration_s + 120.0)
    return _summary(run, group)


def _summary(run: _Run, group: WebSocketGroup) -> dict[str, Any]:
    from edgert.sim.metrics import percentiles, r3

    socks = run.sockets
    opened = [u for u, s in enumerate(socks) if s is not None and u in run.opened_at]
    refused = sorted(
        {
            s.close_event[1]
            for s in socks
            if s is not None and s.close_event is not None and not s.close_event[2]
        }
    )
    pop_of = {u: s.pop for u, s in enumerate(socks) if s is not None}
    homes = sorted({s.socket_pop for s in socks if s is not None and s.socket_pop})
    others = np.array([d[3] for d in run.deliveries if d[0] != d[2]], dtype=np.float64)
    echoes = np.array([d[3] for d in run.deliveries if d[0] == d[2]], dtype=np.float64)
    by_pop: dict[str, list[float]] = {}
    for sender, _seq, receiver, ms in run.deliveries:
        if sender != receiver:
            by_pop.setdefault(pop_of.get(receiver, "?"), []).append(ms)
    per_message: dict[tuple[int, int], list[float]] = {}
    for sender, seq, receiver, ms in run.deliveries:
        if sender != receiver:
            per_message.setdefault((sender, seq), []).append(ms)
    rows = []
    for (sender, seq), at in sorted(run.sent.items(), key=lambda kv: (kv[1], kv[0])):
        got = per_message.get((sender, seq), [])
        rows.append(
            [
                sender,
                seq,
                pop_of.get(sender, ""),
                round(at - run.start, 6),
                len(got),
                r3(min(got)) if got else None,
                r3(float(np.median(got))) if got else None,
                r3(max(got)) if got else None,
            ]
        )
    upgrades = np.array(
        [
            s.trace.total_ms
            for s in socks
            if s is not None and s.trace is not None and s.response is not None
        ],
        dtype=np.float64,
    )
    sent = len(run.sent)
    return {
        "url": group.url,
        "users": group.users,
        "opened": len(opened),
        "refused": len(socks) - len(opened),
        "refusals": refused,
        "socket_pops": homes,
        "messages_sent": sent,
        "deliveries": len(others),
        "fan_out_mean": round(len(others) / sent, 3) if sent else None,
        "upgrade_ms": percentiles(upgrades),
        "latency_ms": {
            "to_others": percentiles(others),
            "echo": percentiles(echoes),
            "by_receiver_pop": {k: percentiles(np.array(v)) for k, v in sorted(by_pop.items())},
        },
        "messages": {"columns": list(_COLUMNS), "rows": rows},
    }


def summary_lines(results: dict[str, Any]) -> list[str]:
    """A few lines per group for the command's output."""
    out = []
    for name, g in results.items():
        lat = g["latency_ms"]["to_others"]
        where = ", ".join(g["socket_pops"]) or "-"
        out.append(
            f"websocket {name}: {g['opened']}/{g['users']} users, {g['messages_sent']} messages, "
            f"{g['deliveries']} deliveries (sockets at {where})"
        )
        if lat["n"]:
            out.append(
                f"  message latency to other users: p50 {lat['p50']:.1f} ms, "
                f"p95 {lat['p95']:.1f} ms, p99 {lat['p99']:.1f} ms"
            )
    return out
