"""The ``edgert`` command: a click group whose subcommands live one per module in this package.

Adding a command: write ``edgert/cli/<name>.py`` defining ``command`` (a :class:`click.Command`),
or any module with a click command, and add one line to :data:`COMMANDS`
(``"name": "module"`` for ``module.command``, ``"name": "module:attribute"`` otherwise). Modules are imported only when their command is used or
listed, so ``edgert --help`` stays fast and a command's heavy imports stay in that command.

Exit codes: 0 success; 1 an error (bad configuration, a worker that cannot load, a failure while
running); 2 a usage error (click's); 130 interrupted (Ctrl-C). Errors print as one line on stderr,
``edgert: error: ...``; ``--debug`` shows the traceback instead.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from edgert import __version__

__all__ = ["COMMANDS", "Failure", "main"]

#: Command name -> ``module`` (its ``command``) or ``module:attribute``. A command whose module is
#: not in this build is left out of the group (``serve`` adds its line with the HTTP server).
COMMANDS: dict[str, str] = {
    "run": "edgert.cli.run",
    "dev": "edgert.cli.dev",
    "demo": "edgert.cli.demo",
    "serve": "edgert.cli.serve",
    "simulate": "edgert.sim.command:simulate",
}

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


class Failure(click.ClickException):
    """An error a command reports as one line, ``edgert: error: ...``, with exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"edgert: error: {self.format_message()}", err=True)


class _Group(click.Group):
    """Loads subcommands lazily; prints errors as one line unless ``--debug``."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = {*super().list_commands(ctx)}
        names.update(name for name in COMMANDS if self.get_command(ctx, name) is not None)
        return sorted(names)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module, _, attribute = target.partition(":")
        try:
            found = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name is not None and (module + ".").startswith(exc.name + "."):
                return None  # the command's module is not part of this build
            raise
        command: click.Command = getattr(found, attribute or "command")
        return command

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("edgert: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception as exc:
            if ctx.params.get("debug"):
                raise
            click.echo(f"edgert: error: {_one_line(exc)}", err=True)
            sys.exit(EXIT_ERROR)


def _one_line(exc: BaseException) -> str:
    from edgert.errors import EdgertError

    text = str(exc).strip().splitlines()
    message = text[0] if text else ""
    if isinstance(exc, EdgertError) and message:
        return message
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="edgert")
@click.option("--debug", is_flag=True, help="Show tracebacks on errors.")
def main(debug: bool) -> None:
    """edgert: run Workers-style JavaScript at a simulated edge, from Python.

    \b
    Start here:
      edgert demo          what an edge buys users far from the origin (a few seconds)
      edgert dev [DIR]     serve a worker folder with a wrangler.toml on 127.0.0.1:8787
      edgert run FILE.js   send one request through a worker, like curl -i
    """
