"""The HTTP caching test suite over real HTTP, as the suite itself would see edgert: a client
sends HTTP/1.1 to ``EdgeServer`` (``edgert serve``'s server) on 127.0.0.1, whose PoP passes the
request through its cache to an origin that is a real HTTP server on 127.0.0.1 (aiohttp) playing
the suite's scripted responses. Real time, so only the cases that need no time to pass (no
``pause_after``, no ``response_pause``) are run.

The origin's logic and the checks are the virtual-time runner's (:mod:`cachetests_runner`); this
module only swaps the transport at both ends.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from aiohttp import ClientSession, web
from cachetests_cases import CASES, Case
from cachetests_runner import CLIENT, Failure, Result, ServerState, Suite
from multidict import CIMultiDict

from edgert import Network, Origin
from edgert.server import EdgeServer


def timeless(case: Case) -> bool:
    return not any(r.get("pause_after") or r.get("response_pause") for r in case["requests"])


@dataclass
class _OriginRequest:
    url: str
    method: str
    pairs: list[tuple[str, str]]

    @property
    def headers(self) -> _OriginRequest:
        return self

    def items(self) -> list[tuple[str, str]]:
        return self.pairs


class _Headers:
    def __init__(self, headers: Any) -> None:
        self._h = headers

    def get_all(self, name: str) -> list[str]:
        return list(self._h.getall(name, []))

    def items(self) -> list[tuple[str, str]]:
        return list(self._h.items())


@dataclass
class _Reply:
    status: int
    headers: _Headers
    body: bytes


class HttpSuite(Suite):
    """:class:`Suite` with real sockets at both ends."""

    def __init__(self) -> None:
        self.states: dict[str, ServerState] = {}
        self.edge_url = ""

    async def _origin_http(self, request: web.Request) -> web.StreamResponse:
        pairs = list(request.headers.items())
        fake = _OriginRequest(f"http://{request.host}{request.path_qs}", request.method, pairs)
        try:
            response, _ = self.origin(fake)
        except ConnectionError:
            assert request.transport is not None
            request.transport.close()  # the suite's "disconnect": drop the connection
            raise
        out = web.Response(
            body=response.body, status=response.status, reason=response.status_text or None
        )
        for name, value in response.headers.items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                out.headers.add(name, value)
        return out

    async def run_cases(self, cases: Sequence[Case]) -> list[Result]:
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._origin_http)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        self.network = Network(
            ["IAD"], origin=Origin(url=f"http://127.0.0.1:{port}", region="IAD"), clock="real"
        )
        server = EdgeServer(self.network, port=0, pop="IAD")
        await server.start()
        self.edge_url = server.url
        try:
            async with ClientSession(auto_decompress=False) as session:
                self.session = session
                return [
                    await self.run_async(case, f"{n:04d}-{case['id'].replace('/', '_')}")
                    for n, case in enumerate(cases)
                ]
        finally:
            await server.close()
            await self.network.aclose()
            await runner.cleanup()

    async def run_async(self, case: Case, uuid: str) -> Result:
        import copy

        requests: list[dict[str, Any]] = copy.deepcopy(case["requests"])
        state = self.states[uuid] = ServerState(requests, uuid)
        responses: list[Any] = []
        try:
            for idx, conf in enumerate(requests):
                prev = responses[-1] if responses else None
                response = await self.send_http(case, uuid, idx, conf, prev)
                responses.append(response)
                self.check_response(uuid, idx, conf, response)
            self.check_server(requests, responses, state.seen)
        except Failure as failure:
            outcome = "setup" if failure.setup else "fail"
            return Result(case["id"], case["suite"], case["kind"], outcome, str(failure))
        return Result(case["id"], case["suite"], case["kind"], "pass")

    async def send_http(
        self, case: Case, uuid: str, idx: int, conf: dict[str, Any], prev: Any
    ) -> _Reply:
        path = f"/test/{uuid}"
        if "filename" in conf:
            path += "/" + conf["filename"]
        if "query_arg" in conf:
            path += "?" + conf["query_arg"]
        headers = CIMultiDict(self.request_headers(case, idx, conf, prev))
        method = conf.get("request_method", "GET")
        body = conf.get("request_body")
        async with self.session.request(
            method, self.edge_url + path, headers=headers, data=body
        ) as r:
            data = await r.read()
            return _Reply(r.status, _Headers(r.headers), data)


def run_http(cases: Sequence[Case] | None = None) -> list[Result]:
    chosen = [c for c in (CASES if cases is None else cases) if timeless(c)]
    return asyncio.run(HttpSuite().run_cases(chosen))


__all__ = ["CLIENT", "HttpSuite", "run_http", "timeless"]
