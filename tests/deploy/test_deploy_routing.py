"""Version affinity (Cloudflare-Workers-Version-Key) and overrides
(Cloudflare-Workers-Version-Overrides) while a deployment splits traffic."""

from __future__ import annotations

import pytest
from deploy_helpers import network, steady, worker

from edgert import Percentage
from edgert.deploy.routing import key_point, parse_overrides


def test_affinity_never_flips_back_and_follows_the_percentage() -> None:
    net = network()
    v2 = net.upload_version("app", worker(), tag="v2")
    steps = [1, 5, 25, 50, 100]
    d = net.deploy("app", v2, strategy=Percentage(steps, bake_s=3600))
    keys = [{"cloudflare-workers-version-key": f"user-{i}"} for i in range(100_000)]
    on_new = [False] * len(keys)
    for n, pct in enumerate(steps):
        assert d.stage.default == pct
        count = 0
        for i, headers in enumerate(keys):
            new = d.choose("NRT", headers) is v2
            assert new or not on_new[i], f"key {i} went back to the old version at {pct}%"
            on_new[i] = new
            count += new
        assert abs(count / len(keys) * 100 - pct) <= 1.0, (pct, count)
        if n + 1 < len(steps):
            d.promote()
    assert all(on_new)


def test_the_same_key_gets_the_same_version_through_the_network() -> None:
    net = network()
    v2 = net.upload_version("app", worker(), tag="v2")
    net.deploy("app", v2, strategy=Percentage([50, 100], bake_s=3600))
    by_key: dict[str, set[str | None]] = {}
    for k in range(20):
        seen = steady(net, 1, 10, headers={"Cloudflare-Workers-Version-Key": f"k{k}"})
        net.run(until=net.now() + 5)
        by_key[f"k{k}"] = {row[3] for row in seen.rows}
    assert all(len(v) == 1 for v in by_key.values())
    assert {next(iter(v)) for v in by_key.values()} == {net.versions("app")[0].id, v2.id}


def test_key_point_is_uniform_and_stable() -> None:
    points = [key_point(f"k{i}") for i in range(20_000)]
    assert all(0 <= p < 100 for p in points)
    assert abs(sum(p < 10 for p in points) / len(points) - 0.10) < 0.01
    assert key_point("same") == key_point("same")


def test_overrides_honoured_for_a_version_in_the_deployment() -> None:
    net = network()
    v1 = net.live_version("app")
    v2 = net.upload_version("app", worker(), tag="v2")
    d = net.deploy("app", v2, strategy=Percentage([1, 100], bake_s=3600))
    to_v2 = {"cloudflare-workers-version-overrides": f'app="{v2.id}"'}
    to_v1 = {"cloudflare-workers-version-overrides": f'other="x", app="{v1.id}"'}
    assert all(d.choose("FRA", to_v2) is v2 for _ in range(200))
    d.promote()  # 100% new: the override still reaches the old version
    assert all(d.choose("FRA", to_v1) is v1 for _ in range(200))
    # Through the network: the response names the version the override asked for.
    seen = steady(net, 1, 20, headers={"Cloudflare-Workers-Version-Overrides": f'app="{v1.id}"'})
    net.run(until=net.now() + 5)
    assert {row[4] for row in seen.rows} == {v1.id}


@pytest.mark.parametrize(
    "header",
    [
        'app="00000000-0000-4000-8000-000000000000"',  # not a version of the deployment
        'other="{v2}"',  # another worker
        "app={v2}",  # a token, not a string (and not even a valid token: starts with a digit)
        'app="{v2}", app',  # later duplicate: app=?1 (a boolean), RFC 8941 keeps the last
        'app="{v2}" garbage',  # malformed
        'APP="{v2}"',  # keys are lower case
        'app="{v2}";',  # malformed parameters
    ],
)
def test_overrides_ignored_otherwise(header: str) -> None:
    net = network()
    v2 = net.upload_version("app", worker(), tag="v2")
    d = net.deploy("app", v2, strategy=Percentage([1, 100], bake_s=3600))
    value = header.format(v2=v2.id)
    chosen = [d.choose("FRA", {"cloudflare-workers-version-overrides": value}) for _ in range(2000)]
    # Default routing at 1%: almost all on the old version.
    assert sum(v is v2 for v in chosen) < 100


def test_parse_overrides() -> None:
    assert parse_overrides('a="1", b="2"') == {"a": "1", "b": "2"}
    assert parse_overrides('a="1";p=2') == {"a": "1"}
    assert parse_overrides("a=1") == {}
    assert parse_overrides('a=("1")') == {}
    assert parse_overrides('a="1" x') == {}
    assert parse_overrides("") == {}
