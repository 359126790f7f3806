"""One ``edgert dev`` session: the network behind an HTTP server, the reloader watching files,
the cron triggers of ``[triggers] crons`` firing on the clock, and the log on a rich console, written off the event loop in batches
(:class:`~edgert.dev.writer.LogWriter`). :meth:`DevSession.start` / :meth:`DevSession.close` make it
testable without signals; ``edgert dev`` runs :meth:`DevSession.run` until Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import signal
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape

from edgert.cron_triggers import CronFiring, CronTriggers
from edgert.deploy.plan import PlanWatcher
from edgert.dev.log import format_console, format_error
from edgert.dev.reloader import Reloader, ReloadOutcome
from edgert.dev.writer import LogWriter
from edgert.network import Network
from edgert.scheduled import ScheduledResult

__all__ = ["DevSession"]


@dataclass(frozen=True, slots=True)
class _CronRecord:
    """What the log's formatters read of a cron trigger's run."""

    logs: tuple[tuple[str, str], ...]
    outcome: str
    error: str | None


class DevSession:
    """Serves ``reloader.network`` on ``host``:``port`` (0: any free port) as PoP ``pop`` (None:
    the client's place in ``X-Edgert-Client`` picks it) and logs to ``console``."""

    def __init__(
        self,
        reloader: Reloader,
        console: Console,
        *,
        host: str = "127.0.0.1",
        port: int = 8787,
        pop: str | None = None,
        watch: bool = True,
        plan: PlanWatcher | None = None,
    ) -> None:
        self.reloader = reloader
        #: A deploy plan applied whenever it changes (``edgert dev --deploy-plan``).
        self.plan = plan
        self._plan_task: asyncio.Task[None] | None = None
        self.network: Network = reloader.network
        self.console = console
        self.log = LogWriter(console)
        self.host = host
        self.port = port
        self.pop = pop
        self.watch = watch
        self._server: Any = None
        self._watcher: asyncio.Task[None] | None = None
        self._crons: asyncio.Task[None] | None = None
        self._cron_exprs: tuple[str, ...] = ()
        #: The clock and the sleep the cron triggers run on (tests inject their own).
        self.clock: Callable[[], float] = time.time
        self.sleep: Callable[[float], Awaitable[object]] = asyncio.sleep

    def on_request(self, record: Any) -> None:
        """Queues the request's record: its line and the worker's console lines are written
        with the next batch. An error's stack positions in TypeScript modules are pointed back
        at their source lines first."""
        if getattr(record, "error", None):
            record = self._remapped(record)
        self.log.add(record)

    def _remapped(self, record: Any) -> Any:
        worker = self.network.workers.get(self.reloader.config.name)
        modules = getattr(worker, "modules", None)
        error = getattr(record, "error", None)
        if modules is None or not error or not dataclasses.is_dataclass(record):
            return record
        if isinstance(record, type):
            return record
        return dataclasses.replace(record, error=modules.remap(error))

    def on_reload(self, outcome: ReloadOutcome) -> None:
        files = f" ({', '.join(outcome.changed)})" if outcome.changed else ""
        log = self.log
        if outcome.ok:
            log.line(f"[green]reloaded[/] version {outcome.version}{files}")
            self._prewarm_soon()
        else:
            log.line(f"[red]reload failed[/]{files}, still serving version {outcome.version}:")
            log.line(outcome.error or "", markup=False)
        for note in outcome.notes:
            log.line(f"[yellow]note[/]: {note}")
        if outcome.ok and self.reloader.config.crons != self._cron_exprs:
            self.start_crons()

    # -- cron triggers ---------------------------------------------------------------------------

    def start_crons(self) -> None:
        """Fires the configuration's ``[triggers] crons`` on the clock (UTC), as a deployed
        worker's would be; each run is logged. Restarted when a reload changes them."""
        if self._crons is not None:
            self._crons.cancel()
            self._crons = None
        config = self.reloader.config
        self._cron_exprs = config.crons
        if not config.crons:
            return
        triggers = CronTriggers(config.name, config.crons, self.clock())
        network = self.network

        def fire(firing: CronFiring) -> Awaitable[ScheduledResult]:
            return network.scheduled_async(
                firing.worker, firing.cron, pop=self.pop, scheduled_time=firing.scheduled_time
            )

        self._crons = asyncio.ensure_future(
            triggers.run(fire, self.on_cron, clock=self.clock, sleep=self.sleep)
        )

    def on_cron(self, firing: CronFiring, result: ScheduledResult | BaseException) -> None:
        """Logs one cron trigger's run: its line, the handler's console output, its error."""
        at = time.strftime("%H:%M:%S", time.gmtime(firing.scheduled_time))
        head = f"[dim]\\[{at} UTC][/] [bold]cron[/] {escape(firing.cron)}"
        log = self.log
        if isinstance(result, BaseException):
            log.line(f"{head} [bold red]failed to run[/]: {escape(str(result))}")
            return
        cpu = result.stats.cpu_ms if result.stats is not None else 0.0
        style = "green" if result.ok else "bold red"
        log.line(f"{head} [{style}]{result.outcome}[/] [dim]cpu {cpu:.2f} ms[/]")
        record = self._remapped(
            _CronRecord(
                logs=tuple((line.level, line.message) for line in result.stats.logs)
                if result.stats is not None
                else (),
                outcome=result.outcome,
                error=result.error,
            )
        )
        for line in format_console(record) + format_error(record):
            log.line(line)

    def _prewarm_soon(self) -> None:
        """After a reload every PoP runs the new version on fresh cores: prepare a spare isolate
        for it while the developer switches to the browser (none of the worker's code runs)."""
        server = self._server
        if server is None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            server.prewarm()
            return
        loop.call_soon(server.prewarm)

    async def start(self) -> None:
        """Binds the server (``self.port`` is then the bound port) and starts watching."""
        from edgert.server import EdgeServer  # type: ignore[import-not-found,unused-ignore]

        # As wrangler dev's local ``request.cf``: TLS 1.3, so that scripts requiring TLS 1.2+
        # (the Workers examples "Block on TLS", "Set security headers") run locally.
        self._server = EdgeServer(
            self.network,
            host=self.host,
            port=self.port,
            pop=self.pop,
            on_request=self.on_request,
            tls_version="TLSv1.3",
        )
        await self._server.start()
        self.port = self._server.port
        if self.watch:
            self._watcher = asyncio.create_task(self.reloader.watch(self.on_reload))
        self.start_crons()
        if self.plan is not None:
            self._plan_task = asyncio.create_task(self.plan.watch())
        self.console.print(
            f"Ready on [bold]http://{self.host}:{self.port}[/]"
            + (" (watching for changes)" if self.watch else "")
        )

    async def close(self, grace_s: float = 5.0) -> None:
        """Stops watching, finishes requests in flight and closes the network's clients."""
        if self._crons is not None:
            self._crons.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._crons
            self._crons = None
        if self._plan_task is not None:
            self._plan_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._plan_task
            self._plan_task = None
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError, KeyboardInterrupt, BaseExceptionGroup):
                await self._watcher
            self._watcher = None
        if self._server is not None:
            await self._server.close(grace_s)
            self._server = None
        await self.network.aclose()
        self.log.close()

    async def run(self) -> None:
        """Serves until Ctrl-C (SIGINT) or SIGTERM, then shuts down gracefully."""
        await self.start()
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):  # Ctrl-C stops as gracefully as SIGTERM
            with contextlib.suppress(NotImplementedError, RuntimeError):  # not on every platform
                loop.add_signal_handler(sig, stop.set)
        try:
            await stop.wait()
        finally:
            await self.close()
