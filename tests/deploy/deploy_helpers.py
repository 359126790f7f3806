"""A small virtual-time network with a worker that names its version, and steady traffic."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import edgert
from edgert import Network, Origin, Worker

GOOD = """export default { fetch(request, env) {
  return new Response(env.CF_VERSION_METADATA.id, { headers: { "x-tag": env.CF_VERSION_METADATA.tag } });
} }"""


#: Throws for about ``rate`` of requests (the isolate's seeded Math.random).
def failing(rate: float) -> str:
    return f"""export default {{ fetch(request, env) {{
  if (Math.random() < {rate}) throw new Error("bad release");
  return new Response(env.CF_VERSION_METADATA.id);
}} }}"""


CITIES = ("Tokyo", "Sydney", "Sao Paulo", "Frankfurt", "New York")


def worker(source: str = GOOD) -> Worker:
    return Worker(source, version_metadata="CF_VERSION_METADATA")


def network(source: str = GOOD, pops: str = "demo", seed: int = 1) -> Network:
    return Network(
        pops,
        origin=Origin(handler=lambda r: "origin"),
        workers={"app": worker(source)},
        seed=seed,
        clock="virtual",
    )


@dataclass
class Seen:
    rows: list[tuple[float, str, int, str | None, str]] = field(default_factory=list)

    def add(self, net: Network) -> Callable[[edgert.EdgeResponse], None]:
        def done(r: edgert.EdgeResponse) -> None:
            self.rows.append((net.now(), r.trace.pop, r.status, r.trace.version, r.text()))

        return done


def steady(
    net: Network, seconds: float, per_s: float, headers: dict[str, str] | None = None
) -> Seen:
    """Requests from the five demo cities in turn, ``per_s`` a second for ``seconds``."""
    seen = Seen()
    done = seen.add(net)
    t0 = net.now()
    n = int(seconds * per_s)

    def send(i: int) -> Callable[[], None]:
        def go() -> None:
            net.submit(
                "https://app.example/x",
                client=CITIES[i % len(CITIES)],
                headers=headers,
                on_done=done,
            )

        return go

    for i in range(n):
        net.at(t0 + i / per_s, send(i))
    return seen
