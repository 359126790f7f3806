"""``edgert serve``: a network's PoPs on real sockets, for load tests and local use.

With a worker, every request runs through it at its PoP (route auth, cache, worker, origin).
Without one, each PoP is a pure caching reverse proxy in front of ``origin`` (every method is
forwarded; cacheable responses are answered from the PoP's cache). PoPs listen either on one
port (the client's place in ``X-Edgert-Client`` picks the PoP) or each on its own port.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import Any, Literal

from edgert._core import Request, Response
from edgert.cron import CronSchedule
from edgert.cron_triggers import CronFiring, CronTriggers
from edgert.deploy.plan import PlanWatcher
from edgert.egress import EgressPolicy
from edgert.errors import ConfigError
from edgert.geo import find_city
from edgert.jwt import Verifier
from edgert.network import Network
from edgert.origin import Origin
from edgert.scheduled import ScheduledResult
from edgert.server.access import AccessRecord
from edgert.server.limits import ServerLimits
from edgert.server.server import EdgeServer
from edgert.worker import Worker

__all__ = ["build_network", "serve_command", "serve_network"]


def _no_origin(request: Request) -> Response:
    return Response(
        "edgert serve: no origin configured (--origin URL)\n",
        status=502,
        headers={"content-type": "text/plain"},
    )


def build_network(
    worker: str | os.PathLike[str] | Worker | None,
    *,
    origin: str | None = None,
    pops: str | Sequence[str] = "demo",
    auth: Verifier | None = None,
    forward_claims: Mapping[str, str] | None = None,
    vars: Mapping[str, Any] | None = None,
    cpu_ms: float = 50.0,
    seed: int | None = None,
    threads: int | None = None,
    egress: EgressPolicy | None = EgressPolicy(),  # noqa: B008 (frozen)
    version_metadata: str | None = None,
    bots: bool = False,
) -> Network:
    """The network ``edgert serve`` runs: ``worker`` (a script path or a :class:`Worker`) on
    every route of every PoP, or none (a caching reverse proxy to ``origin``). ``threads``:
    execution threads for the workers' JavaScript (None: one per core; 0: on the event loop).
    ``egress``: the policy subrequests must pass (by default loopback, private, link-local and
    metadata addresses are refused; the origin is exempt). ``bots``: bot management
    (``request.cf.botManagement``, ``docs/bots.md``)."""
    if worker is None and origin is None:
        raise ConfigError("give a worker script, an --origin URL, or both")
    if worker is None and auth is not None:
        raise ConfigError("route auth needs a worker to protect")
    the_origin = (
        Origin(url=origin) if origin is not None else Origin(handler=_no_origin, region="IAD")
    )
    workers: dict[str, Worker] = {}
    if worker is not None:
        if isinstance(worker, Worker):
            workers["main"] = worker
        else:
            workers["main"] = _worker_loader(
                auth=auth,
                forward_claims=forward_claims,
                vars=vars,
                cpu_ms=cpu_ms,
                version_metadata=version_metadata,
            )(worker)
    return Network(
        pops,
        the_origin,
        workers=workers,
        clock="real",
        seed=seed,
        threads=threads,
        egress=egress,
        bots=bots or None,
    )


def _worker_loader(**options: Any) -> Callable[[str | os.PathLike[str]], Worker]:
    """Loads a script with the server's bindings and limits (the first version and those a
    deploy plan uploads)."""

    def load(path: str | os.PathLike[str]) -> Worker:
        return Worker.from_file(path, max_isolates=8, **options)

    return load


async def serve_network(
    network: Network,
    *,
    host: str = "127.0.0.1",
    port: int = 8787,
    pop_ports: Mapping[str, int] | None = None,
    limits: ServerLimits = ServerLimits(),  # noqa: B008
    on_request: Callable[[AccessRecord], None] | None = None,
    on_ready: Callable[[list[EdgeServer]], None] | None = None,
    stop: asyncio.Event | None = None,
    grace_s: float = 10.0,
    front: Literal["native", "asyncio"] = "native",
    crons: Sequence[str] = (),
    on_cron: Callable[[CronFiring, ScheduledResult | BaseException], None] | None = None,
    clock: Callable[[], float] = time.time,
    sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    plan: PlanWatcher | None = None,
) -> None:
    """Serves until ``stop`` is set (or SIGINT/SIGTERM when none is given): one port for the
    network, or ``pop_ports`` (PoP code -> port), each PoP on its own. ``crons`` fire each
    worker's ``scheduled()`` on ``clock`` (UTC; ``on_cron`` gets each run's result).
    ``plan``: a deploy plan watched while serving (:mod:`edgert.deploy.plan`)."""
    if pop_ports:
        servers = [
            EdgeServer(
                network,
                host=host,
                port=p,
                pop=code,
                limits=limits,
                on_request=on_request,
                front=front,
            )
            for code, p in pop_ports.items()
        ]
    else:
        servers = [
            EdgeServer(
                network, host=host, port=port, limits=limits, on_request=on_request, front=front
            )
        ]
    for server in servers:
        await server.start()
    if not pop_ports:
        # The first ``city=`` lookup builds the world-cities index (seconds): build it in a
        # thread now rather than on the event loop at the first such request.
        # A daemon thread: an early Ctrl-C does not wait for it.
        threading.Thread(target=find_city, args=("London",), daemon=True).start()
    if stop is None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
    if on_ready is not None:
        on_ready(servers)
    triggers = [
        asyncio.ensure_future(_fire_crons(network, name, crons, on_cron, clock, sleep))
        for name in (network.workers if crons else ())
    ]
    watcher = asyncio.create_task(plan.watch()) if plan is not None else None
    try:
        await stop.wait()
    finally:
        for task in triggers:
            task.cancel()
        await asyncio.gather(*triggers, return_exceptions=True)
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await watcher
        await asyncio.gather(*(s.close(grace_s) for s in servers))
        await network.aclose()


async def _fire_crons(
    network: Network,
    worker: str,
    crons: Sequence[str],
    on_cron: Callable[[CronFiring, ScheduledResult | BaseException], None] | None,
    clock: Callable[[], float],
    sleep: Callable[[float], Awaitable[object]],
) -> None:
    def fire(firing: CronFiring) -> Awaitable[ScheduledResult]:
        return network.scheduled_async(worker, firing.cron, scheduled_time=firing.scheduled_time)

    def ignore(firing: CronFiring, result: ScheduledResult | BaseException) -> None:
        return None

    triggers = CronTriggers(worker, crons, clock())
    await triggers.run(fire, on_cron or ignore, clock=clock, sleep=sleep)


def _pop_ports(network: Network, spec: str | None, port: int) -> dict[str, int] | None:
    """``"all"``: every PoP on consecutive ports from ``port``; ``"NRT=8801,IAD=8802"``."""
    if not spec:
        return None
    if spec == "all":
        return {p.code: port + i for i, p in enumerate(network.pops)}
    out: dict[str, int] = {}
    for part in spec.split(","):
        code, sep, value = part.partition("=")
        if not sep or not value.strip().isdigit():
            raise ConfigError(f"--pop-ports: expected CODE=PORT, got {part!r}")
        out[code.strip().upper()] = int(value)
    return out


def serve_command(
    worker: str | os.PathLike[str] | Worker | None = None,
    *,
    origin: str | None = None,
    pops: str | Sequence[str] = "demo",
    host: str = "127.0.0.1",
    port: int = 8787,
    pop_ports: str | Mapping[str, int] | None = None,
    auth: Verifier | None = None,
    forward_claims: Mapping[str, str] | None = None,
    vars: Mapping[str, Any] | None = None,
    cpu_ms: float = 50.0,
    limits: ServerLimits = ServerLimits(),  # noqa: B008
    access_log: bool = False,
    echo: Callable[[str], None] | None = None,
    front: Literal["native", "asyncio"] = "native",
    threads: int | None = None,
    grace_s: float = 10.0,
    egress: EgressPolicy | None = EgressPolicy(),  # noqa: B008 (frozen)
    crons: Sequence[str] = (),
    version_metadata: str | None = None,
    bots: bool = False,
    deploy_plan: str | os.PathLike[str] | None = None,
) -> None:
    """``edgert serve``: builds the network, serves it on uvloop until SIGINT/SIGTERM;
    ``crons`` fire the worker's ``scheduled()`` on the clock (logged like requests).
    ``deploy_plan``: a plan file applied whenever it changes (new versions, deployments,
    rollbacks while serving; see :mod:`edgert.deploy.plan`)."""
    import uvloop

    say = echo or (lambda line: print(line, file=sys.stderr, flush=True))
    network = build_network(
        worker,
        origin=origin,
        pops=pops,
        auth=auth,
        forward_claims=forward_claims,
        vars=vars,
        cpu_ms=cpu_ms,
        threads=threads,
        egress=egress,
        version_metadata=version_metadata,
        bots=bots,
    )
    if crons and worker is None:
        raise ConfigError("--cron needs a worker script to run")
    for cron in crons:
        CronSchedule(cron)  # a bad expression fails before anything listens
    plan = None
    if deploy_plan is not None:
        if worker is None:
            raise ConfigError("--deploy-plan needs a worker to deploy versions of")
        loader = _worker_loader(
            auth=auth,
            forward_claims=forward_claims,
            vars=vars,
            cpu_ms=cpu_ms,
            version_metadata=version_metadata,
        )
        plan = PlanWatcher(network, deploy_plan, loader, say)
    ports = pop_ports if not isinstance(pop_ports, str) else _pop_ports(network, pop_ports, port)
    mode = "worker" if worker is not None else f"caching proxy to {origin}"

    def ready(servers: list[EdgeServer]) -> None:
        for s in servers:
            where = s.pop or f"{len(network.pops)} PoPs (X-Edgert-Client picks)"
            say(f"edgert serve: {mode}: {where} on {s.url}")
        if plan is not None:
            say(f"edgert serve: applying {plan.path} whenever it changes (deploy plan)")
        say(f"edgert serve: {(egress or EgressPolicy.open()).describe()}")

    def log(record: AccessRecord) -> None:
        say(record.line())
        for level, message in record.logs:
            say(f"  console.{level}: {message}")
        if record.error:
            say(f"  error ({record.outcome}): {record.error}")

    def cron_done(firing: CronFiring, result: ScheduledResult | BaseException) -> None:
        if isinstance(result, BaseException):
            say(f"cron {firing.cron}: failed to run: {result}")
            return
        say(f"cron {firing.cron}: {result.outcome}")
        for line in result.stats.logs if result.stats is not None else ():
            say(f"  console.{line.level}: {line.message}")
        if result.error:
            say(f"  error: {result.error}")

    uvloop.run(
        serve_network(
            network,
            host=host,
            port=port,
            pop_ports=ports,
            limits=limits,
            on_request=log if access_log else None,
            on_ready=ready,
            front=front,
            grace_s=grace_s,
            crons=crons,
            on_cron=cron_done,
            plan=plan,
        )
    )
