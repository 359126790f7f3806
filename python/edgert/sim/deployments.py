"""A deployment turned into a :class:`edgert.Network`: which PoPs run the worker, with or
without per-PoP HTTP caches, and the simulated origin (its handler and service times).

``origin-only`` runs the *same worker* at one PoP in the origin's own metro: the app logic (auth,
flags, A/B, geo) then runs next to the origin, as it would in the origin's own server, and each
client talks to that one place. The edge deployments run it at every PoP of their set. The
comparison is therefore about *where* the code runs, not about what it does.
"""

from __future__ import annotations

import dataclasses
import importlib
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Any

from edgert._core import Request, Response
from edgert.errors import ScenarioError
from edgert.network import Network
from edgert.origin import Origin
from edgert.routes import split_url
from edgert.sim.scenario import DeploymentSpec, OriginPath, Scenario
from edgert.worker import Worker

__all__ = ["build_network", "origin_handler", "release_worker", "supports"]

#: The start of the virtual clock (a fixed date, so that token expiries are reproducible).
START = 1_700_000_000.0


def supports(callable_: Callable[..., Any], name: str) -> bool:
    """Whether ``callable_`` takes a keyword ``name`` (features other branches add)."""
    return name in inspect.signature(callable_).parameters


def origin_handler(scenario: Scenario) -> Callable[[Request], tuple[Response, float]]:
    """The origin: per path prefix, a service time, a Cache-Control and a body size."""
    spec = scenario.origin
    default = OriginPath(prefix="/", service_ms=spec.service_ms, body_bytes=spec.body_bytes)
    memo: dict[str, tuple[bytes, list[tuple[str, str]], float]] = {}

    def answer(path: str) -> tuple[bytes, list[tuple[str, str]], float]:
        found = memo.get(path)
        if found is None:
            entry = next((p for p in spec.paths if path.startswith(p.prefix)), default)
            head = f'{{"path":"{path}","pad":"'.encode()
            body = head + b"x" * max(0, entry.body_bytes - len(head) - 2) + b'"}'
            headers = [("content-type", "application/json")]
            if entry.cache_control:
                headers.append(("cache-control", entry.cache_control))
            found = memo[path] = (body, headers, entry.service_ms / 1000.0)
            if len(memo) > 4096:
                memo.clear()
        return found

    def handler(request: Request) -> tuple[Response, float]:
        path = split_url(request.url)[2].split("?", 1)[0]
        body, headers, service_s = answer(path)
        return Response(body, headers=headers), service_s

    return handler


def release_worker(scenario: Scenario, script: Path) -> Worker:
    """A release's new version: the scenario's worker (vars, bindings, limits) with another
    script."""
    spec = dataclasses.replace(scenario.worker, path=script, config=None)
    return _worker(dataclasses.replace(scenario, worker=spec))


def _worker(scenario: Scenario) -> Worker:
    w = scenario.worker
    options: dict[str, Any] = {
        "vars": {"JWT_SECRET": scenario.traffic.jwt_secret, **dict(w.vars)},
        "cpu_ms": w.cpu_limit_ms,
        "max_isolates": w.max_isolates,
        "min_isolates": 1,
    }
    if w.kv:
        if not supports(Worker.__init__, "kv"):
            raise ScenarioError("worker.kv: this edgert build has no KV (Worker(kv=...))")
        options["kv"] = dict(w.kv)
    if w.durable_objects:
        options["durable_objects"] = dict(w.durable_objects)
    if w.version_metadata is not None:
        options["version_metadata"] = w.version_metadata
    if w.config is not None:
        # A wrangler config (the devcli branch's edgert.config): its script, vars, bindings and
        # limits, with the scenario's vars and limits on top.
        try:
            config_module = importlib.import_module("edgert.config")
        except ImportError as exc:
            raise ScenarioError(
                "worker.config: this edgert build cannot read worker configs; give worker.path"
            ) from exc
        try:
            config = config_module.load_config(w.config)
        except Exception as exc:
            raise ScenarioError(f"worker.config: {exc}") from exc
        options["vars"] = {**dict(config.vars), **options["vars"]}
        return config_module.build_worker(config, **options)  # type: ignore[no-any-return]
    assert w.path is not None
    return Worker.from_file(w.path, **options)


def build_network(scenario: Scenario, deployment: DeploymentSpec) -> Network:
    """The network of one deployment, in virtual time, seeded by the scenario."""
    origin = Origin(
        handler=origin_handler(scenario),
        region=scenario.origin.region,
        service_time_s=scenario.origin.service_ms / 1000.0,
    )
    if deployment.mode == "origin-only":
        pops: Any = [scenario.origin.region]
    else:
        pops = deployment.pops if deployment.pops is not None else scenario.pops
    if isinstance(pops, tuple):
        pops = list(pops)
    cpu = scenario.worker.cpu
    options: dict[str, Any] = {
        "seed": scenario.seed,
        "clock": "virtual",
        "cpu_time": "measured" if cpu.mode == "measured" else cpu.ms,
        "cpu_factor": cpu.factor,
        "start": START,
        "latency": scenario.latency_params(),
        "protocol": scenario.protocol,
        "tls": scenario.tls,
    }
    if supports(Network.__init__, "cache"):
        options["cache"] = deployment.cache
    elif deployment.cache:
        raise ScenarioError(
            f"deployments: {deployment.name!r} needs per-PoP caches (Network(cache=True)), "
            "which this edgert build does not have"
        )
    if supports(Network.__init__, "kv_home"):
        options["kv_home"] = scenario.origin.region
    network = Network(pops, origin=origin, workers={"app": _worker(scenario)}, **options)
    if scenario.kv:
        kv = getattr(network, "kv", None)
        if kv is None:
            raise ScenarioError("kv: this edgert build has no KV (Network.kv)")
        for ns, contents in scenario.kv.items():
            kv(ns).seed(dict(contents))
    return network
