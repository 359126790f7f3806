"""A request's ``fetch()`` calls are capped, as Workers caps subrequests (``limits.subrequests``):
the call past the limit rejects with ``Error: Too many subrequests.``"""

from __future__ import annotations

import json

import pytest

from edgert import Client, Network, Origin, Worker
from edgert.errors import ConfigError

FETCHER = """
export default {
  async fetch(request) {
    const n = Number(new URL(request.url).searchParams.get("n"));
    const seen = [];
    for (let i = 0; i < n; i++) {
      try {
        seen.push((await fetch("https://origin.example/" + i)).status);
      } catch (e) {
        seen.push(`${e.constructor.name}: ${e.message}`);
      }
    }
    return Response.json(seen);
  },
};
"""


def network(**options: object) -> Network:
    return Network(
        "demo",
        Origin(handler=lambda request: "origin", region="IAD"),
        workers={"w": {"source": FETCHER, **options}},
        seed=1,
    )


async def fetched(net: Network, n: int) -> list[object]:
    response = await net.fetch(f"https://a.example/?n={n}", client=Client(city="Paris"))
    assert response.status == 200
    result: list[object] = json.loads(response.text())
    return result


async def test_the_fetch_past_the_limit_rejects_and_the_next_request_counts_afresh() -> None:
    net = network(subrequests=3)
    too_many = "Error: Too many subrequests."
    assert await fetched(net, 5) == [200, 200, 200, too_many, too_many]
    assert await fetched(net, 3) == [200, 200, 200]


async def test_the_default_is_workers_paid_plan() -> None:
    net = network()
    assert await fetched(net, 40) == [200] * 40
    assert Worker(FETCHER)._core_options["subrequests"] == 10_000


@pytest.mark.parametrize("bad", [0, -1, 2.5, True, 10_000_001])
def test_a_bad_limit_is_a_config_error(bad: object) -> None:
    with pytest.raises(ConfigError, match="subrequests"):
        Worker(FETCHER, subrequests=bad)  # type: ignore[arg-type]
