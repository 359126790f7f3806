"""From a loaded :class:`~edgert.config.model.WorkerConfig` to running objects: the
:class:`~edgert.worker.Worker` (its script, bindings and limits), the :class:`~edgert.network.Network`
around it, and the options of the HTTP server that fronts it.

Bindings that need a data store (KV, Durable Objects) are passed only when this edgert has the
store (its ``Worker`` accepts ``kv=`` / ``durable_objects=``); otherwise they are left out with a
warning, so that a configuration written for Workers still loads.
"""

from __future__ import annotations

import inspect
import json
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from edgert._core import Request, Response
from edgert.config.errors import ConfigValueError
from edgert.config.model import AuthConfig, WorkerConfig
from edgert.egress import EgressPolicy
from edgert.errors import ConfigError
from edgert.jwt import Verifier
from edgert.modules import ModuleGraph, load_graph
from edgert.network import Network
from edgert.origin import Origin
from edgert.routes import Route
from edgert.worker import Worker

__all__ = ["ServerOptions", "build_network", "build_verifier", "build_worker"]


@dataclass(frozen=True, slots=True)
class ServerOptions:
    """What ``edgert dev`` / ``edgert serve`` give the HTTP server."""

    host: str = "127.0.0.1"
    port: int = 8787
    pop: str | None = None
    client_header: str = "x-edgert-client"


def _accepts(option: str) -> bool:
    return option in inspect.signature(Worker.__init__).parameters


def _network_accepts(option: str) -> bool:
    return option in inspect.signature(Network.__init__).parameters


def build_verifier(auth: AuthConfig, config: WorkerConfig) -> Verifier:
    """The route-auth JWT verifier of ``[edgert.auth]``."""
    keys: Any
    key = "edgert.auth"
    if auth.jwks_file is not None:
        data = auth.jwks_file.read_bytes()
        keys = data.decode() if data.lstrip().startswith((b"{", b"-----")) else data
    elif auth.jwks_url is not None:
        try:
            with urllib.request.urlopen(auth.jwks_url, timeout=10) as answer:
                keys = answer.read().decode()
        except OSError as exc:
            raise ConfigValueError(
                config.file, f"{key}.jwks_url", f"expected a reachable JWKS URL: {exc}"
            ) from None
    elif auth.secret is not None:
        keys = auth.secret.encode()
    else:
        assert auth.secret_binding is not None
        secret = config.secrets.get(auth.secret_binding)
        if secret is None:
            raise ConfigValueError(
                config.file,
                f"{key}.secret_binding",
                f"expected a secret named {auth.secret_binding} in .dev.vars or .env",
            )
        keys = secret.encode()
    try:
        return Verifier(
            keys,
            algorithms=auth.algorithms,
            issuer=auth.issuer or None,
            audience=auth.audience or None,
            leeway_s=auth.leeway_s,
        )
    except ConfigError as exc:
        raise ConfigValueError(config.file, key, str(exc)) from None


def build_worker(config: WorkerConfig, source: str | None = None, **extra: Any) -> Worker:
    """The worker ``config`` describes: ``main`` and the modules it imports, read now (unless
    ``source`` is given: then ``main``'s text alone). Raises :class:`edgert.errors.ScriptError`
    when the script does not load."""
    options: dict[str, Any] = {
        "vars": dict(config.vars),
        "secrets": dict(config.secrets),
        "memory_mb": config.edgert.memory_mb,
        "min_isolates": 0,
    }
    if config.cpu_ms is not None:
        options["cpu_ms"] = config.cpu_ms
    if config.subrequests is not None:
        options["subrequests"] = config.subrequests
    if config.kv_namespaces and _accepts("kv"):
        options["kv"] = {kv.binding: kv.id for kv in config.kv_namespaces}
    if config.d1_databases and _accepts("d1"):
        options["d1"] = {
            d.binding: {"database_id": d.database_id, "migrations_dir": str(d.migrations_dir)}
            for d in config.d1_databases
        }
    if config.durable_objects and _accepts("durable_objects"):
        options["durable_objects"] = {d.name: d.class_name for d in config.durable_objects}
    if config.ratelimits and _accepts("ratelimits"):
        options["ratelimits"] = {r.name: r for r in config.ratelimits}
    if config.version_metadata is not None:
        options["version_metadata"] = config.version_metadata
    if config.edgert.auth is not None:
        options["auth"] = build_verifier(config.edgert.auth, config)
        options["forward_claims"] = dict(config.edgert.auth.forward_claims)
    options.update(extra)
    if source is not None:
        return Worker(source, name=config.main.name, **options)
    return Worker(source="", modules=module_graph(config), **options)


def module_graph(config: WorkerConfig) -> ModuleGraph:
    """The module graph of ``config``'s worker (``main``, ``rules``, ``base_dir``,
    ``no_bundle``)."""
    if config.no_bundle and config.main.suffix in (".ts", ".mts"):
        raise ConfigValueError(
            config.file,
            "no_bundle",
            f"main {config.main.name} is TypeScript: with no_bundle = true wrangler uploads it "
            "unbuilt, and so it would fail; remove no_bundle or point main at JavaScript",
        )
    return load_graph(config.main, root=config.base_dir or config.root, rules=config.rules)


def missing_stores(config: WorkerConfig) -> list[str]:
    """Warnings for bindings this edgert cannot provide yet."""
    out = []
    if config.kv_namespaces and not _accepts("kv"):
        names = ", ".join(k.binding for k in config.kv_namespaces)
        out.append(f"KV is not available in this edgert: bindings {names} are left out of env")
    if config.durable_objects and not _accepts("durable_objects"):
        names = ", ".join(d.name for d in config.durable_objects)
        out.append(f"Durable Objects are not available in this edgert: {names} left out of env")
    return out


def _no_origin(request: Request) -> Response:
    return Response(
        'edgert: no origin is configured ([edgert] origin = "http://..."), '
        f"so {request.url} has nowhere to go\n",
        status=502,
        headers={"content-type": "text/plain"},
    )


def build_network(
    config: WorkerConfig,
    *,
    mode: Literal["dev", "serve"] = "dev",
    state_dir: str | Path | None = None,
    worker: Worker | None = None,
    origin_handler: Callable[[Request], Any] | None = None,
    egress: EgressPolicy | None = None,
) -> Network:
    """The network of ``config`` in real time: its PoPs, the worker on its routes, the origin.

    ``mode="dev"`` also sends every request that matches no route to the worker (``wrangler dev``
    serves the worker on every local URL); ``"serve"`` keeps the configured routes only (and takes
    every request when there are none). ``state_dir`` overrides the configuration's (persisted KV
    and Durable Objects); ``origin_handler`` replaces a missing origin URL. ``egress``: the
    policy the worker's subrequests must pass (None, ``edgert dev``'s default as ``wrangler
    dev``'s: any address may be reached).
    """
    section = config.edgert
    if section.origin.url is not None:
        # With an origin, a worker's subrequests go to it (whatever the host), as on a zone.
        origin = Origin(url=section.origin.url, region=section.origin.region)
    else:
        origin = Origin(
            handler=origin_handler or _no_origin, region=section.origin.region, hosts=()
        )
    worker = worker or build_worker(config)
    routes = [Route(r.network_pattern, config.name) for r in config.routes]
    if mode == "dev" or not routes:
        routes.append(Route("*/*", config.name))
    options: dict[str, Any] = {}
    if _network_accepts("state_dir"):
        options["state_dir"] = str(state_dir or config.state_dir)
    if _network_accepts("kv_home"):
        options["kv_home"] = section.kv_home
    if config.d1_databases and _network_accepts("d1"):
        names = {d.database_name: d.database_id for d in config.d1_databases}
        for db_name in section.d1:
            if db_name not in names:
                raise ConfigValueError(
                    config.file, f"edgert.d1.{db_name}", "expected the name of one of d1_databases"
                )
        options["d1"] = {names[n]: dict(o) for n, o in section.d1.items()}
    if egress is not None:
        options["egress"] = egress
    if section.bots:
        options["bots"] = True
    if section.dynamo is not None and _network_accepts("dynamo"):
        options["dynamo"] = section.dynamo.build({**config.vars, **config.secrets})
    try:
        network = Network(
            pops=section.pops,
            origin=origin,
            workers={config.name: worker},
            routes=routes,
            clock="real",
            **options,
        )
    except ConfigError as exc:
        if isinstance(exc, ConfigValueError):
            raise
        raise ConfigValueError(config.file, "edgert", str(exc)) from None
    seed_kv(config, network)
    return network


def seed_kv(config: WorkerConfig, network: Network) -> int:
    """Writes ``[edgert.kv_seed]`` files into their namespaces (when this build has KV);
    returns the number of keys written."""
    kv = getattr(network, "kv", None)
    if kv is None or not config.edgert.kv_seed:
        return 0
    ids = {k.binding: k.id for k in config.kv_namespaces}
    count = 0
    for binding, path in config.edgert.kv_seed.items():
        try:
            count += int(kv(ids[binding]).seed(path))
        except ConfigError as exc:
            raise ConfigValueError(config.file, f"edgert.kv_seed.{binding}", str(exc)) from None
    return count


def describe(config: WorkerConfig) -> str:
    """One line about the loaded configuration (for the CLI)."""
    bindings = [*config.vars, *config.secrets]
    bindings += [k.binding for k in config.kv_namespaces]
    bindings += [d.name for d in config.durable_objects]
    bindings += [r.name for r in config.ratelimits]
    bindings += [d.binding for d in config.d1_databases]
    env = f" (env {config.env})" if config.env else ""
    return f"{config.name}{env}: {config.main.name}, bindings {json.dumps(sorted(bindings))}"
