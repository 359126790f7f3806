"""The demo's scenario: users in five cities, the same sessions sent twice (straight to the origin,
and through the edge), every request's trace kept.

Theory of operation
-------------------
Two networks run in virtual time with the same latency model and the same seed for the users:

- **direct**: one point of presence at the origin's site (IAD) that passes every request through:
  the client's connection and round trips go all the way to Virginia, and the origin checks tokens
  itself;
- **edge**: the demo PoPs (NRT, GRU, FRA, IAD, SYD) with the middleware worker on
  ``app.demo.example/*``, the origin behind it.

Each user keeps one line (a log-normal access draw) and one token (valid, expired or none) and runs
a short session: the public catalogue, then signed-in pages, with a think time between requests.
Users of a city arrive spread over a few seconds. The driver steps the virtual clock in small
increments, starting each user's next request once the previous one has been delivered plus the
think time. Worker CPU time is measured and charged to the requests (``cpu_time="measured"``).
"""

from __future__ import annotations

import dataclasses
import importlib.resources
import inspect
import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from edgert.demo import origin as shop
from edgert.demo.tokens import Issuer
from edgert.geo import Client
from edgert.latency import LatencyModel
from edgert.network import Network
from edgert.origin import Origin
from edgert.trace import EdgeResponse, Trace
from edgert.worker import Worker

__all__ = ["CITIES", "SESSION", "Outcome", "Scenario", "run_scenario"]

#: Display name -> (city, country) for the lookup.
CITIES: dict[str, tuple[str, str]] = {
    "Tokyo": ("Tokyo", "JP"),
    "Sao Paulo": ("Sao Paulo", "BR"),
    "Frankfurt": ("Frankfurt am Main", "DE"),
    "Sydney": ("Sydney", "AU"),
    "Virginia": ("Richmond", "US"),
}

#: What each user asks for, in order.
SESSION = ("/api/catalog", "/api/me", "/api/cart", "/api/recommendations")

HOST = "app.demo.example"
ORIGIN_URL = "https://origin.demo.example"
FLAGS = {
    "new_checkout": True,
    "dark_mode": False,
    "search_v2": {"enabled": True, "rollout": 25},
    "banner": "winter-sale",
    "max_items": 50,
}
START = 1_700_000_000.0
STEP_S = 0.05


@dataclass(frozen=True, slots=True)
class User:
    city: str
    id: str
    client: Client
    token_kind: str  # "valid", "expired", "none"
    token: str | None
    arrival_s: float


@dataclass(slots=True)
class Outcome:
    """One request, sent both ways."""

    city: str
    user: str
    path: str
    token_kind: str
    direct: Trace
    edge: Trace
    edge_status: int
    direct_status: int
    answered_by: str  # the edge's x-answered-by: "edge", "edge-cache" or "origin"

    @property
    def kind(self) -> str:
        """The row of the report this request belongs to."""
        if self.path == "/api/catalog":
            return "catalog"
        return {"valid": "signed-in", "expired": "expired", "none": "no-token"}[self.token_kind]


@dataclass(slots=True)
class Scenario:
    """Knobs of the demo (the defaults are what ``edgert demo`` runs)."""

    users_per_city: int = 24
    seed: int = 7
    think_s: float = 1.0
    arrival_spread_s: float = 6.0
    token_mix: Sequence[tuple[str, float]] = (("valid", 0.7), ("expired", 0.15), ("none", 0.15))
    cities: dict[str, tuple[str, str]] = field(default_factory=lambda: dict(CITIES))

    @property
    def requests(self) -> int:
        return self.users_per_city * len(self.cities) * len(SESSION)


def worker_source() -> str:
    return importlib.resources.files("edgert.demo").joinpath("worker.js").read_text("utf-8")


def _supports_kv() -> bool:
    return "kv" in inspect.signature(Worker.__init__).parameters and hasattr(Network, "kv")


def make_users(scenario: Scenario, issuer: Issuer) -> list[User]:
    rng = random.Random(scenario.seed)
    model = LatencyModel()
    users: list[User] = []
    kinds = [k for k, _ in scenario.token_mix]
    weights = [w for _, w in scenario.token_mix]
    for name, (city, country) in scenario.cities.items():
        base = Client(city=city, country=country)
        for i in range(scenario.users_per_city):
            kind = rng.choices(kinds, weights)[0]
            sub = f"{name.lower().replace(' ', '-')}-{i:03d}"
            token = None
            if kind == "valid":
                token = issuer.token(sub, issued_at=START - 60, expires_at=START + 3600)
            elif kind == "expired":
                token = issuer.token(sub, issued_at=START - 7200, expires_at=START - 3600)
            client = dataclasses.replace(base, access_ms=model.access_rtt_ms("fixed", rng))
            arrival = rng.uniform(0, scenario.arrival_spread_s)
            users.append(User(name, sub, client, kind, token, arrival))
    return users


def edge_network(issuer: Issuer, seed: int) -> tuple[Network, bool]:
    """The demo PoPs with the middleware in front of the origin; True if flags come from KV."""
    options: dict[str, object] = {
        "name": "middleware.js",
        "vars": {"JWT_PUBLIC_JWK": json.dumps(issuer.public_jwk), "ORIGIN": ORIGIN_URL},
        "min_isolates": 0,
    }
    use_kv = _supports_kv()
    if use_kv:
        options["kv"] = {"FLAGS": "feature-flags"}
    worker = Worker(worker_source(), **options)  # type: ignore[arg-type]
    net = Network(
        pops="demo",
        origin=Origin(handler=shop.behind_edge, region="IAD"),
        workers={"middleware": worker},
        routes=[(f"{HOST}/*", "middleware")],
        seed=seed,
        clock="virtual",
        cpu_time="measured",
        start=START,
    )
    if use_kv:
        net.kv("feature-flags").seed({"flags": json.dumps(FLAGS)})
    return net, use_kv


def direct_network(issuer: Issuer, seed: int) -> Network:
    """No edge: the client talks to the origin's site, and the origin checks tokens."""
    holder: list[Network] = []
    handler = shop.direct(issuer.public_jwk, lambda: holder[0].now())
    net = Network(
        pops=["IAD"],
        origin=Origin(handler=handler, region="IAD"),
        cache=False,  # no CDN: nothing is cached between the user and the origin
        seed=seed,
        clock="virtual",
        start=START,
    )
    holder.append(net)
    return net


def drive(
    net: Network, users: Sequence[User], think_s: float, on_done: Callable[[], None]
) -> list[list[EdgeResponse]]:
    """Runs every user's session; returns each user's responses in session order."""
    responses: list[list[EdgeResponse]] = [[] for _ in users]
    next_at = [START + u.arrival_s for u in users]
    pending: dict[int, object] = {}
    remaining = len(users) * len(SESSION)
    t = START
    while remaining:
        t += STEP_S
        for i, user in enumerate(users):
            if i in pending or len(responses[i]) == len(SESSION) or next_at[i] > t:
                continue
            headers = {"authorization": f"Bearer {user.token}"} if user.token else {}
            path = SESSION[len(responses[i])]
            pending[i] = net.submit(f"https://{HOST}{path}", client=user.client, headers=headers)
        net.run(until=t)
        for i in list(pending):
            answer = pending[i].response  # type: ignore[attr-defined]
            if answer is None:
                continue
            del pending[i]
            responses[i].append(answer)
            next_at[i] = answer.trace.finished_at + think_s
            remaining -= 1
            on_done()
    net.run()
    return responses


@dataclass(slots=True)
class Result:
    scenario: Scenario
    outcomes: list[Outcome]
    flags_from_kv: bool
    pops: tuple[str, ...]


def run_scenario(
    scenario: Scenario | None = None, on_done: Callable[[], None] = lambda: None
) -> Result:
    """Runs the scenario both ways; ``on_done`` is called after each request (for progress)."""
    scenario = scenario or Scenario()
    issuer = Issuer()
    users = make_users(scenario, issuer)
    direct = drive(direct_network(issuer, scenario.seed), users, scenario.think_s, on_done)
    edge_net, from_kv = edge_network(issuer, scenario.seed)
    edge = drive(edge_net, users, scenario.think_s, on_done)
    outcomes = []
    for user, d_list, e_list in zip(users, direct, edge, strict=True):
        for path, d, e in zip(SESSION, d_list, e_list, strict=True):
            outcomes.append(
                Outcome(
                    city=user.city,
                    user=user.id,
                    path=path,
                    token_kind=user.token_kind,
                    direct=d.trace,
                    edge=e.trace,
                    edge_status=e.status,
                    direct_status=d.status,
                    answered_by=e.headers.get("x-answered-by") or "",
                )
            )
    return Result(scenario, outcomes, from_kv, tuple(p.code for p in edge_net.pops))
