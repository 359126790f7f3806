"""``edgert dev``: serve a worker folder (with a ``wrangler.toml``/``.json``/``.jsonc``) on
127.0.0.1:8787 like ``wrangler dev``, reloading it when its files change."""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

import click

from edgert.cli import Failure

__all__ = ["command"]


@click.command(short_help="Serve a worker folder with its wrangler config; reload on change.")
@click.argument("directory", default=".", type=click.Path(exists=True, path_type=Path))
@click.option("--port", "-p", default=8787, show_default=True, help="Port to listen on (0: any).")
@click.option("--ip", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--env", "-e", "env", default=None, help="Use the [env.NAME] overlay.")
@click.option(
    "--persist-to",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder for local state (KV, Durable Objects); default .edgert/state beside the config.",
)
@click.option("--pop", default=None, help="Serve as this PoP (IATA code) unless a request says.")
@click.option("--no-reload", is_flag=True, help="Do not watch files.")
@click.option(
    "--deny-private-egress",
    is_flag=True,
    help="Refuse the worker's subrequests to loopback, private, link-local and metadata "
    "addresses, as `edgert serve` does (allowed by default, as with `wrangler dev`).",
)
@click.option(
    "--egress-allow",
    "egress_allow",
    multiple=True,
    help="With --deny-private-egress: a host name, address or CIDR still allowed (repeatable).",
)
@click.option(
    "--deploy-plan",
    default=None,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A deploy plan (TOML) applied whenever it changes: upload a version and roll it out, "
    "promote, pause, roll back (docs/deployments.md).",
)
def dev(
    directory: Path,
    port: int,
    ip: str,
    env: str | None,
    persist_to: Path | None,
    pop: str | None,
    no_reload: bool,
    deny_private_egress: bool,
    egress_allow: tuple[str, ...],
    deploy_plan: Path | None,
) -> None:
    """Serve the worker in DIRECTORY (default: here) with its configuration.

    Every request goes to the worker (as with `wrangler dev`); a request may say where its client
    is with `X-Edgert-Client: city=Tokyo` (or `colo=NRT`, `lat=..,lon=..`). The worker reloads when
    its script, configuration or .dev.vars change; KV, Durable Object and cache state are kept,
    and a script that fails to load leaves the previous version serving. One log line per request:
    time, method, path, status, PoP, cache status, worker CPU; then the worker's console output.
    """
    from rich.console import Console

    from edgert.config import build_network, load_config
    from edgert.config.build import describe, missing_stores
    from edgert.dev import DevSession, Reloader
    from edgert.egress import EgressPolicy

    console = Console(highlight=False)
    errors = Console(highlight=False, stderr=True)
    config = load_config(directory, env=env)
    for warning in (*config.warnings, *missing_stores(config)):
        errors.print(f"[yellow]warning[/]: {warning}")
    if importlib.util.find_spec("edgert.server") is None:
        raise Failure("edgert dev needs the HTTP server (edgert.server), missing from this build")

    egress = EgressPolicy(allow=egress_allow) if deny_private_egress else None
    network = build_network(config, mode="dev", state_dir=persist_to, egress=egress)
    reloader = Reloader(config, network)
    console.print(f"[bold]edgert dev[/] {describe(config)}")
    if egress is None:
        console.print(
            "[dim]egress: open: the worker's subrequests may reach loopback and private "
            "addresses, as with wrangler dev (--deny-private-egress to refuse them)[/]",
            soft_wrap=True,
        )
    else:
        console.print(f"[dim]{egress.describe()}[/]", soft_wrap=True)
    if config.secrets_file is not None:
        console.print(f"[dim]secrets from {config.secrets_file.name}[/]")
    plan = None
    if deploy_plan is not None:
        import dataclasses

        from edgert.config import build_worker
        from edgert.deploy.plan import PlanWatcher

        def load(path: Path) -> Any:
            return build_worker(dataclasses.replace(config, main=path.resolve()))

        plan = PlanWatcher(
            network, deploy_plan, load, lambda line: console.print(line, markup=False)
        )
        console.print(f"[dim]applying {deploy_plan} whenever it changes (deploy plan)[/]")
    session = DevSession(
        reloader,
        console,
        host=ip,
        port=port,
        pop=pop or config.edgert.pop,
        watch=not no_reload,
        plan=plan,
    )
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        _run(session.run())
    console.print("stopped")


def _run(main: Coroutine[Any, Any, None]) -> None:
    """Runs ``main`` on uvloop when it is installed (the server's loop of choice)."""
    try:
        import uvloop  # type: ignore[import-not-found,unused-ignore]
    except ModuleNotFoundError:
        asyncio.run(main)
    else:
        uvloop.run(main)


command = dev
