"""``edgert run``: one request through a worker script, printed like ``curl -i``."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from edgert.worker import Worker

__all__ = ["command"]


def _pairs(values: tuple[str, ...], sep: str, what: str) -> list[tuple[str, str]]:
    out = []
    for v in values:
        if sep not in v:
            raise click.BadParameter(f"{what} must look like NAME{sep}VALUE, got {v!r}")
        name, value = v.split(sep, 1)
        out.append((name.strip(), value.strip() if sep == ":" else value))
    return out


@click.command(short_help="Send one request through a worker script, like curl -i.")
@click.argument("script", type=click.Path(dir_okay=False))
@click.option("--url", default="https://example.com/", show_default=True, help="Request URL.")
@click.option("-X", "--method", default=None, help="Request method (default GET, or POST with -d).")
@click.option("-H", "--header", "headers", multiple=True, help="Request header 'Name: value'.")
@click.option("-d", "--data", default=None, help="Request body (text; @FILE reads a file).")
@click.option("--var", "vars_", multiple=True, help="Binding NAME=VALUE in env.")
@click.option("--cpu-ms", default=50.0, show_default=True, help="CPU time limit per request.")
@click.option("--memory-mb", default=128.0, show_default=True, help="Memory limit per isolate.")
@click.option(
    "--timeout", "timeout_s", default=30.0, show_default=True, help="Wall-clock limit (s)."
)
@click.option("--stats", is_flag=True, help="Also print CPU time, wall time, cold start and logs.")
@click.option(
    "--scheduled",
    is_flag=True,
    help="Run the worker's scheduled() handler (a cron trigger) instead of a request.",
)
@click.option(
    "--cron", default="* * * * *", show_default=True, help="controller.cron with --scheduled."
)
@click.option(
    "--deny-private-egress",
    is_flag=True,
    help="Refuse the worker's subrequests to loopback, private, link-local and metadata "
    "addresses (allowed by default, as with `wrangler dev`).",
)
def run(
    script: str,
    url: str,
    method: str | None,
    headers: tuple[str, ...],
    data: str | None,
    vars_: tuple[str, ...],
    cpu_ms: float,
    memory_mb: float,
    timeout_s: float,
    stats: bool,
    scheduled: bool,
    cron: str,
    deny_private_egress: bool,
) -> None:
    """Send one request through a worker SCRIPT and print the response, like `curl -i`
    (or, with --scheduled, run its cron trigger handler and print the outcome).

    The worker's subrequests may reach any address, loopback and private ones included (as
    with `wrangler dev`); --deny-private-egress refuses those as `edgert serve` does."""
    from edgert.egress import EgressPolicy
    from edgert.errors import EdgertError
    from edgert.worker import Worker

    body: bytes | None = None
    if data is not None:
        if data.startswith("@"):
            with open(data[1:], "rb") as f:
                body = f.read()
        else:
            body = data.encode()
    try:
        worker = Worker.from_file(
            script,
            vars=dict(_pairs(vars_, "=", "--var")),
            cpu_ms=cpu_ms,
            memory_mb=memory_mb,
            wall_timeout_s=timeout_s,
            min_isolates=0,
            egress=EgressPolicy() if deny_private_egress else None,
        )
    except EdgertError as exc:
        click.echo(f"edgert: cannot load {script}: {str(exc).splitlines()[0]}", err=True)
        sys.exit(1)
    if scheduled:
        _scheduled(worker, cron)
        return
    response = worker.fetch(
        url,
        method=method or ("POST" if body is not None else "GET"),
        headers=_pairs(headers, ":", "-H"),
        body=body,
    )
    out = sys.stdout
    out.write(f"HTTP/1.1 {response.status} {response.status_text or _reason(response.status)}\n")
    for name, value in response.headers.items():
        out.write(f"{name}: {value}\n")
    out.write("\n")
    out.flush()
    sys.stdout.buffer.write(response.body)
    if response.body and not response.body.endswith(b"\n"):
        sys.stdout.buffer.write(b"\n")
    sys.stdout.buffer.flush()
    if stats and response.stats is not None:
        s = response.stats
        err = sys.stderr
        err.write(
            f"--- stats: outcome={s.outcome} cpu={s.cpu_ms:.3f}ms wall={s.wall_ms:.3f}ms "
            f"cold_start={s.cold_start} startup={s.startup_ms:.3f}ms ops={s.ops}\n"
        )
        err.write(f"--- {(worker.egress or EgressPolicy.open()).describe()}\n")
        if s.error:
            err.write(f"--- error: {s.error}\n")
        for line in s.logs:
            err.write(f"--- console.{line.level}: {line.message}\n")
    worker.close()


def _scheduled(worker: Worker, cron: str) -> None:
    """Runs one cron trigger; prints its outcome and console lines. Exit 1 unless it succeeded."""
    result = worker.scheduled(cron)
    click.echo(f"scheduled: cron={cron!r} outcome={result.outcome} no_retry={result.no_retry}")
    if result.error:
        click.echo(f"error: {result.error}")
    for line in result.stats.logs if result.stats is not None else []:
        click.echo(f"console.{line.level}: {line.message}")
    worker.close()
    if not result.ok:
        sys.exit(1)


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


command = run
