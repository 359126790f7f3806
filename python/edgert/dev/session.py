"""One ``edgert dev`` session: the network behind an HTTP server, the reloader watching files,
and the log on a rich console, written off the event loop in batches
(:class:`~edgert.dev.writer.LogWriter`). :meth:`DevSession.start` / :meth:`DevSession.close` make it
testable without signals; ``edgert dev`` runs :meth:`DevSession.run` until Ctrl-C."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from typing import Any

from rich.console import Console

from edgert.deploy.plan import PlanWatcher
from edgert.dev.reloader import Reloader, ReloadOutcome
from edgert.dev.writer import LogWriter
from edgert.network import Network

__all__ = ["DevSession"]


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

    def on_request(self, record: Any) -> None:
        """Queues the request's record: its line and the worker's console lines are written
        with the next batch."""
        self.log.add(record)

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

        self._server = EdgeServer(
            self.network, host=self.host, port=self.port, pop=self.pop, on_request=self.on_request
        )
        await self._server.start()
        self.port = self._server.port
        if self.watch:
            self._watcher = asyncio.create_task(self.reloader.watch(self.on_reload))
        if self.plan is not None:
            self._plan_task = asyncio.create_task(self.plan.watch())
        self.console.print(
            f"Ready on [bold]http://{self.host}:{self.port}[/]"
            + (" (watching for changes)" if self.watch else "")
        )

    async def close(self, grace_s: float = 5.0) -> None:
        """Stops watching, finishes requests in flight and closes the network's clients."""
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
