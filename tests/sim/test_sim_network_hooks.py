"""What the simulator added to Network: ``submit(on_done=...)``, ``at()`` and ``cpu_factor``."""

from __future__ import annotations

import pytest

from edgert import Network, Origin, Response
from edgert.errors import ConfigError
from edgert.trace import EdgeResponse

SRC = "export default { async fetch() { return new Response('hi'); } }"


def _net(**options: object) -> Network:
    return Network(
        ["NRT", "IAD"],
        origin=Origin(handler=lambda r: Response("o")),
        workers={"w": SRC},
        seed=1,
        **options,  # type: ignore[arg-type]
    )


def test_on_done_runs_when_the_last_byte_arrives_and_at_schedules() -> None:
    net = _net()
    seen: list[tuple[float, EdgeResponse]] = []
    later: list[float] = []
    pending = net.submit(
        "https://a.example/", client="Tokyo", on_done=lambda r: seen.append((net.now(), r))
    )
    net.at(net.now() + 5.0, lambda: later.append(net.now()))
    net.run()
    assert len(seen) == 1 and seen[0][1] is pending.response
    assert seen[0][0] == pytest.approx(pending.trace.finished_at)
    assert later == [pytest.approx(1_700_000_005.0)]


def test_cpu_factor_scales_the_charge() -> None:
    plain = _net(cpu_time=2.0).fetch_sync("https://a.example/", client="Tokyo")
    slower = _net(cpu_time=2.0, cpu_factor=1.5).fetch_sync("https://a.example/", client="Tokyo")
    assert plain.trace.worker_ms == 2.0 and slower.trace.worker_ms == 3.0
    assert slower.trace.total_ms == pytest.approx(plain.trace.total_ms + 1.0)
    with pytest.raises(ConfigError, match="cpu_factor"):
        _net(cpu_factor=0)


def test_at_needs_virtual_time() -> None:
    net = Network(["NRT"], origin=Origin(url="http://127.0.0.1:9"), clock="real")
    with pytest.raises(ConfigError):
        net.at(0.0, lambda: None)
