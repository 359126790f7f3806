"""The rate-limiting binding: `env.NAME.limit({key})` -> {success}, counted per PoP, with
Workers' configuration rules (period 10 or 60 s, a positive limit)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import edgert
from edgert import ConfigError, Network, Origin, Worker
from edgert.config import load_config
from edgert.config.errors import ConfigFileError
from edgert.ratelimit import RateLimitCounters

LOOP = """
export default {
  async fetch(request, env) {
    const u = new URL(request.url);
    const n = Number(u.searchParams.get("n") || "1");
    const key = u.searchParams.get("key") || "k";
    let ok = 0;
    for (let i = 0; i < n; i++) if ((await env.LIMITER.limit({ key })).success) ok++;
    return new Response(String(ok));
  }
};
"""

SPEC = {"LIMITER": {"namespace_id": "1001", "simple": {"limit": 10, "period": 60}}}


def test_limit_counts_exactly_per_key() -> None:
    w = Worker(LOOP, ratelimits=SPEC)
    assert w.fetch("https://x/?n=25&key=a").text() == "10"
    assert w.fetch("https://x/?n=5&key=a").text() == "0"
    assert w.fetch("https://x/?n=25&key=b").text() == "10"  # another key counts apart
    allowed, refused, keys = w.ratelimit_counters.metrics()  # type: ignore[union-attr]
    assert (allowed, refused, keys) == (20, 35, 2)


def test_limit_result_shape_and_bad_arguments() -> None:
    src = """
    export default { async fetch(request, env) {
      const r = await env.LIMITER.limit({ key: "x" });
      const errors = [];
      for (const bad of [undefined, "x", {}, { key: 1 }]) {
        try { await env.LIMITER.limit(bad); errors.push("no error"); } catch (e) { errors.push(e.name); }
      }
      return Response.json({ r, keys: Object.keys(r), tag: String(env.LIMITER), errors });
    } };
    """
    out = Worker(src, ratelimits=SPEC).fetch("https://x/").json()
    assert out == {
        "r": {"success": True},
        "keys": ["success"],
        "tag": "[object RateLimit]",
        "errors": ["TypeError"] * 4,
    }


def test_service_worker_global() -> None:
    src = """addEventListener("fetch", (e) => e.respondWith(
      LIMITER.limit({ key: "a" }).then((r) => new Response(String(r.success)))));"""
    assert Worker(src, ratelimits=SPEC).fetch("https://x/").text() == "true"


def test_counters_slide_over_the_period() -> None:
    c = RateLimitCounters()
    t0 = 1_000_040.0  # 20 s into a 60 s window (60 * 16667 = 1_000_020)
    assert sum(c.hit("1", "k", 10, 60, t0) for _ in range(15)) == 10
    # 10 s into the next window, 5/6 of the previous window's 10 still count: 8.33 + 1 > 10
    # after one more call.
    assert sum(c.hit("1", "k", 10, 60, t0 + 50) for _ in range(5)) == 1
    # Two windows after the last counted call, all 10 are free again.
    assert sum(c.hit("1", "k", 10, 60, t0 + 190) for _ in range(15)) == 10
    fixed = RateLimitCounters(mode="fixed")
    assert sum(fixed.hit("1", "k", 10, 60, t0) for _ in range(15)) == 10
    assert sum(fixed.hit("1", "k", 10, 60, t0 + 41) for _ in range(15)) == 10  # new window


@pytest.mark.parametrize(
    "spec, message",
    [
        ({"namespace_id": "1001", "simple": {"limit": 10, "period": 30}}, "period"),
        ({"namespace_id": "1001", "simple": {"limit": 0, "period": 60}}, "limit"),
        ({"namespace_id": "abc", "simple": {"limit": 1, "period": 60}}, "namespace_id"),
    ],
)
def test_bad_python_specs_are_config_errors(spec: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Worker(LOOP, ratelimits={"LIMITER": spec})


def test_each_pop_counts_on_its_own() -> None:
    w = Worker(LOOP, ratelimits=SPEC)
    net = Network(
        ["NRT", "FRA", "GRU"],
        origin=Origin(handler=lambda r: "origin"),
        workers={"app": w},
        routes=[("app.example/*", "app")],
    )
    for pop in ("NRT", "FRA", "GRU"):
        r = net.fetch_sync("https://app.example/?n=30&key=attacker", client="Tokyo", pop=pop)
        assert r.text() == "10"
    assert {p: m[0] for p, m in net.ratelimits.metrics().items()} == {
        "NRT": 10,
        "FRA": 10,
        "GRU": 10,
    }


def test_same_namespace_id_shares_counters_at_a_pop() -> None:
    a = Worker(LOOP, ratelimits=SPEC)
    b = Worker(LOOP, ratelimits={"OTHER": SPEC["LIMITER"]} | {})
    b_src = LOOP.replace("env.LIMITER", "env.OTHER")
    b = Worker(b_src, ratelimits={"OTHER": SPEC["LIMITER"]})
    net = Network(
        ["FRA"],
        origin=Origin(handler=lambda r: "origin"),
        workers={"a": a, "b": b},
        routes=[("a.example/*", "a"), ("b.example/*", "b")],
    )
    assert net.fetch_sync("https://a.example/?n=6", client="Paris").text() == "6"
    assert net.fetch_sync("https://b.example/?n=6", client="Paris").text() == "4"


def _project(tmp_path: Path, body: str) -> Path:
    (tmp_path / "index.js").write_text(LOOP)
    (tmp_path / "wrangler.toml").write_text(
        'name = "rl"\nmain = "index.js"\ncompatibility_date = "2025-01-01"\n' + body
    )
    return tmp_path


def test_wrangler_ratelimits_section(tmp_path: Path) -> None:
    folder = _project(
        tmp_path,
        '[[ratelimits]]\nname = "LIMITER"\nnamespace_id = "1001"\n'
        "simple = { limit = 3, period = 10 }\n",
    )
    config = load_config(folder)
    assert [(r.name, r.namespace_id, r.limit, r.period) for r in config.ratelimits] == [
        ("LIMITER", "1001", 3, 10)
    ]
    assert not config.warnings
    worker = edgert.config.build_worker(config)
    assert worker.fetch("https://x/?n=5").text() == "3"


def test_wrangler_unsafe_binding_form(tmp_path: Path) -> None:
    folder = _project(
        tmp_path,
        '[[unsafe.bindings]]\nname = "LIMITER"\ntype = "ratelimit"\nnamespace_id = "1001"\n'
        "simple = { limit = 2, period = 60 }\n",
    )
    worker = edgert.config.build_worker(load_config(folder))
    assert worker.fetch("https://x/?n=5").text() == "2"


def test_wrangler_json_form(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text(LOOP)
    (tmp_path / "wrangler.json").write_text(
        json.dumps(
            {
                "name": "rl",
                "main": "index.js",
                "compatibility_date": "2025-01-01",
                "ratelimits": [
                    {"name": "LIMITER", "namespace_id": "7", "simple": {"limit": 1, "period": 60}}
                ],
            }
        )
    )
    assert edgert.config.build_worker(load_config(tmp_path)).fetch("https://x/?n=3").text() == "1"


@pytest.mark.parametrize(
    "body, key",
    [
        (
            '[[ratelimits]]\nname = "L"\nnamespace_id = "1"\nsimple = { limit = 3, period = 30 }\n',
            "ratelimits[0].simple.period",
        ),
        (
            '[[ratelimits]]\nname = "L"\nnamespace_id = "1"\nsimple = { limit = -1, period = 10 }\n',
            "ratelimits[0].simple.limit",
        ),
        (
            '[[ratelimits]]\nname = "L"\nsimple = { limit = 3, period = 10 }\n',
            "ratelimits[0].namespace_id",
        ),
        ('[[ratelimits]]\nname = "L"\nnamespace_id = "1"\n', "ratelimits[0].simple"),
    ],
)
def test_wrangler_config_errors_name_the_key(tmp_path: Path, body: str, key: str) -> None:
    with pytest.raises(ConfigFileError) as info:
        load_config(_project(tmp_path, body))
    assert key in str(info.value)


def test_ratelimits_are_not_inherited_by_environments(tmp_path: Path) -> None:
    folder = _project(
        tmp_path,
        '[[ratelimits]]\nname = "LIMITER"\nnamespace_id = "1001"\n'
        "simple = { limit = 3, period = 10 }\n"
        '[env.staging]\n[[env.staging.ratelimits]]\nname = "LIMITER"\nnamespace_id = "2002"\n'
        "simple = { limit = 5, period = 60 }\n"
        "[env.bare]\n",
    )
    staging = load_config(folder, env="staging")
    assert [(r.namespace_id, r.limit, r.period) for r in staging.ratelimits] == [("2002", 5, 60)]
    bare = load_config(folder, env="bare")
    assert bare.ratelimits == ()
    assert any("'ratelimits'" in w for w in bare.warnings)
