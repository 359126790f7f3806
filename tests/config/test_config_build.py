"""From a configuration to a running Network: routes per mode, limits, route auth, the example."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path

import pytest

from edgert.config import ConfigValueError, build_network, build_worker, load_config
from edgert.config.build import missing_stores

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = "export default { fetch(r, env) { return new Response('worker ' + (r.jwt?.sub ?? '-')) } }"


def project(tmp_path: Path, toml: str, **files: str) -> Path:
    (tmp_path / "index.js").write_text(SCRIPT)
    (tmp_path / "wrangler.toml").write_text('name = "w"\nmain = "index.js"\n' + toml)
    for name, text in files.items():
        (tmp_path / name.replace("__", ".")).write_text(text)
    return tmp_path


def hs256(secret: bytes, claims: dict[str, object]) -> str:
    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(claims).encode())
    sig = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(sig)}"


def test_the_middleware_example_loads_in_both_environments() -> None:
    folder = ROOT / "examples" / "middleware"
    config = load_config(folder)
    assert config.name == "middleware" and config.main.name == "index.js"
    assert config.vars["GREETING"] == "hello from the edge"
    assert [k.binding for k in config.kv_namespaces] == ["FLAGS"]
    assert config.routes[0].pattern == "shop.example.com/*"
    assert config.edgert.pop == "FRA" and config.cpu_ms == 50.0
    assert "API_TOKEN" in config.secrets
    staging = load_config(folder, env="staging")
    assert staging.name == "middleware-staging"
    assert staging.kv_namespaces[0].id == "middleware-flags-staging"
    assert staging.routes[0].pattern == "staging.shop.example.com/*"
    assert config.warnings == () and staging.warnings == ()


def test_the_middleware_example_serves(tmp_path: Path) -> None:
    config = load_config(ROOT / "examples" / "middleware")
    network = build_network(config, state_dir=tmp_path)
    try:
        answer = network.fetch_sync("http://127.0.0.1:8787/hello", client="Paris", pop="FRA")
        body = answer.json()
        assert answer.status == 200 and body["greeting"] == "hello from the edge"
        assert body["colo"] == "FRA" and body["banner"]["text"] == "winter sale"
    finally:
        network.close()


def test_limits_and_memory_reach_the_worker(tmp_path: Path) -> None:
    config = load_config(
        project(tmp_path, "[limits]\ncpu_ms = 7\nsubrequests = 5\n[edgert]\nmemory_mb = 32\n")
    )
    worker = build_worker(config)
    assert worker._core_options["cpu_ms"] == 7.0 and worker._core_options["memory_mb"] == 32.0
    assert worker._core_options["subrequests"] == 5


def test_dev_sends_every_url_to_the_worker_serve_only_its_routes(tmp_path: Path) -> None:
    config = load_config(
        project(tmp_path, 'routes = ["app.example.com/*"]\n[edgert]\npops = ["FRA"]\n')
    )
    dev = build_network(config, mode="dev")
    serve = build_network(config, mode="serve")
    try:
        assert dev.fetch_sync("http://127.0.0.1:8787/", client="Paris").text() == "worker -"
        assert serve.fetch_sync("https://app.example.com/", client="Paris").text() == "worker -"
        other = serve.fetch_sync("https://elsewhere.example.com/", client="Paris")
        assert other.status == 502 and "no origin is configured" in other.text()
    finally:
        dev.close()
        serve.close()


def test_route_auth_with_a_secret_from_dev_vars(tmp_path: Path) -> None:
    toml = (
        '[edgert]\npops = ["FRA"]\n[edgert.auth]\nalgorithms = ["HS256"]\n'
        'secret_binding = "JWT_SECRET"\nforward_claims = { sub = "X-User" }\n'
    )
    config = load_config(project(tmp_path, toml, __dev__vars="JWT_SECRET=topsecret\n"))
    network = build_network(config)
    try:
        refused = network.fetch_sync("http://127.0.0.1/", client="Paris")
        assert refused.status == 401 and "Bearer" in (refused.headers.get("www-authenticate") or "")
        token = hs256(b"topsecret", {"sub": "ada", "exp": 4_000_000_000})
        ok = network.fetch_sync(
            "http://127.0.0.1/", client="Paris", headers={"authorization": f"Bearer {token}"}
        )
        assert ok.status == 200 and ok.text() == "worker ada"
    finally:
        network.close()


def test_route_auth_secret_binding_must_exist(tmp_path: Path) -> None:
    toml = '[edgert.auth]\nalgorithms = ["HS256"]\nsecret_binding = "NOPE"\n'
    config = load_config(project(tmp_path, toml))
    with pytest.raises(ConfigValueError, match=r"edgert\.auth\.secret_binding: expected a secret"):
        build_worker(config)


def test_route_auth_with_a_jwks_file(tmp_path: Path) -> None:
    jwks = {"keys": [{"kty": "oct", "k": "c2VjcmV0", "alg": "HS256"}]}
    toml = '[edgert.auth]\nalgorithms = ["HS256"]\njwks_file = "jwks.json"\n'
    config = load_config(project(tmp_path, toml, jwks__json=json.dumps(jwks)))
    assert config.edgert.auth is not None and config.edgert.auth.jwks_file is not None
    assert build_worker(config)._core_options["auth"] is not None
    # keys that cannot check the allowed algorithms: an error on the auth table
    (tmp_path / "wrangler.toml").write_text(
        'name = "w"\nmain = "index.js"\n' + toml.replace("HS256", "ES256")
    )
    with pytest.raises(ConfigValueError, match=r"edgert\.auth: no key can check"):
        build_worker(load_config(tmp_path))


def test_bindings_without_a_store_are_reported(tmp_path: Path) -> None:
    toml = '[[kv_namespaces]]\nbinding = "K"\nid = "k"\n[durable_objects]\nbindings = [{ name = "D", class_name = "C" }]\n'
    config = load_config(project(tmp_path, toml))
    warned = " ".join(missing_stores(config))
    import inspect

    from edgert.worker import Worker

    params = inspect.signature(Worker.__init__).parameters
    assert ("KV is not available" in warned) == ("kv" not in params)
    assert ("Durable Objects are not available" in warned) == ("durable_objects" not in params)


def test_kv_seed_fills_the_namespace_the_worker_reads(tmp_path: Path) -> None:
    pytest.importorskip("edgert.kv")
    from edgert.network import Network

    if not hasattr(Network, "kv"):
        pytest.skip("Network has no KV in this build")
    config = load_config(ROOT / "examples" / "middleware")
    network = build_network(config, state_dir=tmp_path)
    try:
        body = network.fetch_sync("http://127.0.0.1/", client="Paris", pop="FRA").json()
        assert body["flags"]["new_checkout"] is True
    finally:
        network.close()
