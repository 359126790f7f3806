"""``edgert dev``'s reloader, driven directly (no file events): a new version serves, a broken one
does not replace the old, and the network's data survives reloads."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from edgert.config import build_network, load_config
from edgert.dev import Reloader
from edgert.network import Network
from edgert.worker import Worker

CONFIG = """
name = "app"
main = "src/index.js"
compatibility_date = "2025-01-01"
[vars]
GREETING = "v1"
[edgert]
pops = ["FRA", "NRT"]
"""

SCRIPT = """
let calls = 0;
export default {
  async fetch(request, env) {
    calls += 1;
    return new Response(`${env.GREETING} ${VERSION} calls=${calls} secret=${env.TOKEN ?? "-"}`);
  },
};
const VERSION = "%s";
"""


def write(root: Path, version: str, greeting: str = "v1") -> None:
    (root / "src").mkdir(exist_ok=True)
    (root / "src" / "index.js").write_text(SCRIPT % version)
    (root / "wrangler.toml").write_text(CONFIG.replace('"v1"', f'"{greeting}"'))


def setup(tmp_path: Path) -> tuple[Reloader, Network]:
    write(tmp_path, "one")
    config = load_config(tmp_path)
    network = build_network(config, state_dir=tmp_path / "state")
    return Reloader(config, network), network


def get(network: Network, path: str = "/") -> str:
    return network.fetch_sync(f"http://127.0.0.1:8787{path}", client="Frankfurt").text()


def test_reload_serves_the_new_script_vars_and_secrets(tmp_path: Path) -> None:
    reloader, network = setup(tmp_path)
    try:
        assert get(network) == "v1 one calls=1 secret=-"
        assert get(network) == "v1 one calls=2 secret=-"  # the isolate is warm
        write(tmp_path, "two", greeting="hello")
        (tmp_path / ".dev.vars").write_text("TOKEN=s3cret\n")
        outcome = reloader.reload(["src/index.js"])
        assert outcome.ok and outcome.version == 2 and outcome.error is None
        assert outcome.changed == ("src/index.js",)
        # fresh isolates with the new code, vars and secrets
        assert get(network) == "hello two calls=1 secret=s3cret"
    finally:
        network.close()


def test_a_syntax_error_keeps_the_old_version_serving(tmp_path: Path) -> None:
    reloader, network = setup(tmp_path)
    try:
        assert get(network).startswith("v1 one calls=1")
        (tmp_path / "src" / "index.js").write_text("export default { fetch( }")
        outcome = reloader.reload()
        assert not outcome.ok and outcome.version == 1
        assert outcome.error is not None and "SyntaxError" in outcome.error
        assert get(network).startswith("v1 one calls=2")  # same isolate, same state
        write(tmp_path, "three")
        assert reloader.reload().ok and get(network).startswith("v1 three calls=1")
    finally:
        network.close()


def test_a_broken_config_keeps_the_old_version_too(tmp_path: Path) -> None:
    reloader, network = setup(tmp_path)
    try:
        (tmp_path / "wrangler.toml").write_text('name = "app"\nmain = 3\n')
        outcome = reloader.reload()
        assert not outcome.ok and "main: expected a string" in (outcome.error or "")
        assert get(network).startswith("v1 one")
    finally:
        network.close()


def test_changes_that_need_a_restart_are_reported(tmp_path: Path) -> None:
    reloader, network = setup(tmp_path)
    try:
        (tmp_path / "wrangler.toml").write_text(CONFIG.replace('["FRA", "NRT"]', '["FRA"]'))
        outcome = reloader.reload()
        assert outcome.ok and any("restart" in n for n in outcome.notes)
    finally:
        network.close()


def test_reload_keeps_the_network_and_replaces_only_its_cores(tmp_path: Path) -> None:
    reloader, network = setup(tmp_path)
    try:
        get(network)
        old_core = network.core("FRA", "app")
        old_worker = network.workers["app"]
        assert reloader.reload().ok
        assert reloader.network is network and network.workers["app"] is not old_worker
        assert network.core("FRA", "app") is not old_core
    finally:
        network.close()


def test_which_files_trigger_a_reload(tmp_path: Path) -> None:
    reloader, network = setup(tmp_path)
    try:
        assert reloader.relevant(tmp_path / "src" / "index.js")
        assert reloader.relevant(tmp_path / "wrangler.toml")
        assert reloader.relevant(tmp_path / ".dev.vars")
        assert not reloader.relevant(tmp_path / "README.md")
        assert not reloader.relevant(tmp_path / ".edgert" / "state" / "kv.sqlite3")
        assert not reloader.relevant(tmp_path / "node_modules" / "x" / "index.js")
        assert tmp_path.resolve() in reloader.watched()
    finally:
        network.close()


KV_SCRIPT = """
export default {
  async fetch(request, env) {
    // one key per request: KV allows one write per second to the same key
    const n = (await env.STORE.list()).keys.length + 1;
    await env.STORE.put(`k${n}`, "x");
    return new Response(`%s ${n}`);
  },
};
"""


def test_kv_state_survives_a_reload(tmp_path: Path) -> None:
    pytest.importorskip("edgert.kv")
    if "kv" not in inspect.signature(Worker.__init__).parameters:
        pytest.skip("Worker has no kv= option in this build")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.js").write_text(KV_SCRIPT % "one")
    (tmp_path / "wrangler.toml").write_text(
        'name = "kv"\nmain = "src/index.js"\n[[kv_namespaces]]\nbinding = "STORE"\nid = "ns"\n'
        '[edgert]\npops = ["FRA"]\nkv_home = "FRA"\n'
    )
    config = load_config(tmp_path)
    network = build_network(config, state_dir=tmp_path / "state")
    reloader = Reloader(config, network)
    try:
        assert get(network) == "one 1" and get(network) == "one 2"
        (tmp_path / "src" / "index.js").write_text(KV_SCRIPT % "two")
        assert reloader.reload().ok
        assert get(network) == "two 3"
    finally:
        network.close()


CACHE_SCRIPT = """
export default {
  async fetch(request, env, ctx) {
    const cache = caches.default;
    const hit = await cache.match(request.url);
    if (hit) return new Response("%s cached " + (await hit.text()));
    const fresh = new Response("%s body", { headers: { "cache-control": "max-age=600" } });
    await cache.put(request.url, fresh.clone());
    return fresh;
  },
};
"""


def test_the_pops_cache_survives_a_reload(tmp_path: Path) -> None:
    if not hasattr(Network, "cache"):
        pytest.skip("this build has no per-PoP caches")
    (tmp_path / "index.js").write_text(CACHE_SCRIPT % ("one", "one"))
    (tmp_path / "wrangler.toml").write_text(
        'name = "c"\nmain = "index.js"\n[edgert]\npops = ["FRA"]\n'
    )
    config = load_config(tmp_path)
    network = build_network(config, state_dir=tmp_path / "state")
    reloader = Reloader(config, network)
    try:
        assert get(network, "/page") == "one body"
        assert get(network, "/page") == "one cached one body"
        (tmp_path / "index.js").write_text(CACHE_SCRIPT % ("two", "two"))
        assert reloader.reload().ok
        assert get(network, "/page") == "two cached one body"  # the new code, the old entry
    finally:
        network.close()
