"""``edgert serve``: the same pipeline for several PoPs at once over HTTP/1.1 (for load tests),
or a caching reverse proxy when no worker is given."""

from __future__ import annotations

from typing import Any

import click

from edgert.cli.run import _pairs

__all__ = ["command"]


@click.command(short_help="Serve a worker at every PoP of a network over HTTP/1.1.")
@click.argument("script", required=False, type=click.Path(dir_okay=False, exists=True))
@click.option("--origin", default=None, help="Origin base URL (required without SCRIPT).")
@click.option(
    "--pops", default="demo", show_default=True, help="PoP preset or IATA codes (NRT,FRA)."
)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=8787, show_default=True, help="Port (the first one with --pop-ports all)."
)
@click.option(
    "--pop-ports",
    default=None,
    help="Each PoP on its own port: 'all' (consecutive from --port) or 'NRT=8801,FRA=8802'. "
    "Default: one port, the client's place in X-Edgert-Client picks the PoP.",
)
@click.option("--var", "vars_", multiple=True, help="Binding NAME=VALUE in env.")
@click.option("--cpu-ms", default=50.0, show_default=True, help="CPU time limit per request.")
@click.option(
    "--auth-key",
    default=None,
    type=click.Path(dir_okay=False, exists=True),
    help="Route auth: verify a Bearer JWT before the worker runs, with this key file "
    "(PEM public key, JWKS JSON, or an HMAC secret).",
)
@click.option("--auth-alg", multiple=True, help="Route auth algorithm(s), e.g. ES256.")
@click.option("--max-body-bytes", default=100 * 1024 * 1024, show_default=True)
@click.option("--log/--no-log", "access_log", default=True, show_default=True, help="Access log.")
@click.option(
    "--front",
    type=click.Choice(["native", "asyncio"]),
    default="native",
    show_default=True,
    help="HTTP/1.1 front: native (Rust, hyper) or asyncio (Python, for comparison).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=0),
    default=None,
    help="Execution threads for the workers' JavaScript (default: one per core; "
    "0 runs it on the event loop).",
)
@click.option(
    "--grace",
    "grace_s",
    type=click.FloatRange(min=0),
    default=10.0,
    show_default=True,
    help="Seconds that requests in flight get to finish at Ctrl-C.",
)
@click.option(
    "--allow-private-egress",
    is_flag=True,
    help="Let the worker's subrequests reach loopback, private, link-local and metadata "
    "addresses (refused by default; the origin is always reachable).",
)
@click.option(
    "--egress-allow",
    "egress_allow",
    multiple=True,
    help="A host name (*.suffix too), address or CIDR the worker's subrequests may reach "
    "although private (repeatable).",
)
@click.option(
    "--cron",
    "crons",
    multiple=True,
    metavar="EXPR",
    help="A cron trigger (Workers' syntax, UTC) firing the worker's scheduled() handler "
    "on the clock, like [triggers] crons (repeatable).",
)
@click.option(
    "--version-metadata",
    default=None,
    metavar="NAME",
    help="A version metadata binding: env.NAME = {id, tag, timestamp} of the version that runs.",
)
@click.option(
    "--bots",
    is_flag=True,
    help="Bot management: request.cf.botManagement from edgert's bot model (docs/bots.md).",
)
@click.option(
    "--deploy-plan",
    default=None,
    type=click.Path(dir_okay=False),
    help="A deploy plan (TOML) applied whenever it changes: upload a version and roll it out, "
    "promote, pause, roll back, while serving (docs/deployments.md).",
)
def serve(
    script: str | None,
    origin: str | None,
    pops: str,
    host: str,
    port: int,
    pop_ports: str | None,
    vars_: tuple[str, ...],
    cpu_ms: float,
    auth_key: str | None,
    auth_alg: tuple[str, ...],
    max_body_bytes: int,
    access_log: bool,
    front: str,
    threads: int | None,
    grace_s: float,
    allow_private_egress: bool,
    egress_allow: tuple[str, ...],
    crons: tuple[str, ...],
    version_metadata: str | None,
    deploy_plan: str | None,
    bots: bool,
) -> None:
    """Serve SCRIPT at every PoP of a network over HTTP/1.1 (or, without SCRIPT, a caching
    reverse proxy to --origin), until Ctrl-C."""
    from edgert.egress import EgressPolicy
    from edgert.server import ServerLimits, serve_command

    auth = None
    if auth_key is not None:
        auth = _verifier(auth_key, auth_alg)
    serve_command(
        script,
        origin=origin,
        pops=[c for c in pops.split(",") if c.strip()] if "," in pops or pops.isupper() else pops,
        host=host,
        port=port,
        pop_ports=pop_ports,
        auth=auth,
        vars=dict(_pairs(vars_, "=", "--var")),
        cpu_ms=cpu_ms,
        limits=ServerLimits(max_body_bytes=max_body_bytes),
        access_log=access_log,
        echo=lambda line: click.echo(line, err=True),
        front=front,  # type: ignore[arg-type]
        threads=threads,
        grace_s=grace_s,
        egress=EgressPolicy(allow_private=allow_private_egress, allow=egress_allow),
        crons=crons,
        version_metadata=version_metadata,
        deploy_plan=deploy_plan,
        bots=bots,
    )


def _verifier(path: str, algorithms: tuple[str, ...]) -> Any:
    """A route-auth verifier from a key file: PEM, JWKS/JWK JSON, or raw HMAC secret bytes."""
    import base64
    import json

    from edgert.jwt import Verifier

    with open(path, "rb") as f:
        data = f.read()
    keys: Any
    if data.lstrip().startswith(b"-----BEGIN"):
        keys = data
    elif data.lstrip().startswith(b"{"):
        keys = json.loads(data)
    else:  # a secret, base64url as gen_tokens.py writes it, else raw bytes
        text = data.strip()
        try:
            keys = base64.urlsafe_b64decode(text + b"=" * (-len(text) % 4))
        except ValueError:
            keys = text
    if not algorithms:
        raise click.BadParameter("give --auth-alg (e.g. ES256 or HS256)")
    return Verifier(keys, algorithms=list(algorithms), cache=False)


command = serve
