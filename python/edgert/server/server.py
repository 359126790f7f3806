"""The edge server: a :class:`~edgert.Network`'s PoP pipeline behind a real HTTP/1.1 socket."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Literal

from edgert.errors import ConfigError
from edgert.geo import TLS_VERSIONS
from edgert.network import Network
from edgert.server.access import AccessRecord
from edgert.server.connection import BaseConnection
from edgert.server.limits import ServerLimits
from edgert.server.native import NativeSite
from edgert.server.protocol import HttpConnection
from edgert.server.site import Site

__all__ = ["EdgeServer"]


class EdgeServer:
    """Serves ``network`` over HTTP/1.1 on ``host``:``port`` (``port=0`` picks a free one; the
    bound port is :attr:`port` after :meth:`start`).

    ``pop``: the PoP this socket is (each PoP on its own port), or ``None`` for one port for the
    whole network, where the client's place in the ``client_header`` field picks the PoP (see
    :mod:`edgert.server.location`). ``limits``: see :class:`ServerLimits`. ``on_request`` is
    called with an :class:`AccessRecord` after each response is written to the socket.

    Requests run in the network's real-time pipeline (route auth, cache, worker, origin) on the
    running event loop; run it on uvloop for speed (``edgert serve`` does). ``front``:
    ``"native"`` (the default: connections, parsing, limits and response writing on a Rust I/O
    thread, hyper) or ``"asyncio"`` (the same in Python on the event loop, kept for comparison);
    ``parser`` picks the asyncio front's parser: the core's (``httparse``) or ``"httptools"``
    (see ``docs/server.md``). ``tls_version``: the ``request.cf.tlsVersion`` requests report
    (``""``, plain HTTP, by default; ``edgert dev`` says ``"TLSv1.3"`` as ``wrangler dev`` does,
    so that scripts that refuse old TLS versions run locally).
    """

    def __init__(
        self,
        network: Network,
        *,
        host: str = "127.0.0.1",
        port: int = 8787,
        pop: str | None = None,
        client_header: str = "x-edgert-client",
        limits: ServerLimits = ServerLimits(),  # noqa: B008 (frozen, shared safely)
        on_request: Callable[[AccessRecord], None] | None = None,
        parser: Literal["core", "httptools"] = "core",
        front: Literal["native", "asyncio"] = "native",
        tls_version: str = "",
    ) -> None:
        if network.clock != "real":
            raise ConfigError("EdgeServer needs a Network in real time (clock='real')")
        if parser not in ("core", "httptools"):
            raise ConfigError(f"parser must be 'core' or 'httptools': {parser!r}")
        if front not in ("native", "asyncio"):
            raise ConfigError(f"front must be 'native' or 'asyncio': {front!r}")
        if tls_version not in TLS_VERSIONS:
            raise ConfigError(f"tls_version must be one of {TLS_VERSIONS}: {tls_version!r}")
        self.parser = parser
        self.front = front
        self.network = network
        self.host = host
        self.port = port
        self.pop = pop
        self.limits = limits
        self._site = Site(
            network,
            pop=pop,
            client_header=client_header,
            limits=limits,
            on_request=on_request,
            default_host=f"{host}:{port}",
            tls_version=tls_version,
        )
        self._native: NativeSite | None = None
        if front == "native":
            self._native = NativeSite(
                network,
                pop=pop,
                client_header=client_header,
                limits=limits,
                on_request=on_request,
                tls_version=tls_version,
            )
        self._server: asyncio.Server | None = None
        self._started = False
        self._closed: asyncio.Event | None = None

    @property
    def url(self) -> str:
        """The server's base URL (``http://host:port``)."""
        return f"http://{self.host}:{self.port}"

    @property
    def connections(self) -> int:
        """Connections open now."""
        if self._native is not None:
            return self._native.connections
        return len(self._site.connections)

    def prewarm(self) -> int:
        """Makes spare isolates now for the workers this server's requests reach (see
        :meth:`edgert.Network.prewarm`); the server already does it when it accepts a
        connection. Returns how many were made."""
        if self._native is not None:
            return self._native.prewarm()
        return self._site.prewarm()

    async def start(self) -> None:
        """Binds the socket and starts accepting connections."""
        if self._started:
            return
        self._started = True
        self._closed = asyncio.Event()
        if self._native is not None:
            self.port = self._native.start(self.host, self.port)
            return
        loop = asyncio.get_running_loop()
        site = self._site
        protocol: type[BaseConnection] = HttpConnection
        if self.parser == "httptools":
            from edgert.server.httptools_protocol import HttptoolsConnection

            protocol = HttptoolsConnection
        self._server = await loop.create_server(
            lambda: protocol(site), self.host, self.port, reuse_address=True, backlog=1024
        )
        self.port = self._server.sockets[0].getsockname()[1]
        site.default_host = f"{self.host}:{self.port}"
        site.start_ticking()

    async def serve_forever(self) -> None:
        """Starts (if needed) and serves until :meth:`close`."""
        await self.start()
        assert self._closed is not None
        await self._closed.wait()

    async def close(self, grace_s: float = 10.0) -> None:
        """Graceful shutdown: stops accepting, lets requests in flight finish (up to ``grace_s``
        seconds, then aborts them) and closes idle keep-alive connections."""
        if not self._started:
            return
        self._started = False
        if self._native is not None:
            await self._native.close(grace_s)
            if self._closed is not None:
                self._closed.set()
            return
        server = self._server
        if server is None:
            return
        self._server = None
        server.close()
        await self._site.drain(grace_s)
        await server.wait_closed()
        if self._closed is not None:
            self._closed.set()

    async def __aenter__(self) -> EdgeServer:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    def __repr__(self) -> str:
        where = self.pop or "network"
        return f"<EdgeServer {where} on {self.host}:{self.port}>"
