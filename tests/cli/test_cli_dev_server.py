"""``edgert dev`` end to end: the session on a real socket, its log, a reload in between."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Callable
from pathlib import Path

import aiohttp
import pytest

from edgert.dev import DevSession, format_access, format_console

SCRIPT = """
export default {
  async fetch(request, env) {
    console.warn("careful");
    return new Response(`%s ${env.GREETING} ${request.cf?.colo}`);
  },
};
"""


async def test_serves_logs_and_reloads(
    dev_session: Callable[..., DevSession], tmp_path: Path
) -> None:
    pytest.importorskip("edgert.server")
    (tmp_path / "index.js").write_text(SCRIPT % "one")
    (tmp_path / "wrangler.toml").write_text(
        'name = "d"\nmain = "index.js"\nvars = { GREETING = "hi" }\n[edgert]\npops = ["FRA"]\n'
    )
    out = io.StringIO()
    session = dev_session(tmp_path, out)
    records: list[object] = []
    printed = session.on_request
    session.on_request = lambda record: (records.append(record), printed(record))  # type: ignore[method-assign]
    await session.start()
    try:
        async with aiohttp.ClientSession() as client:
            url = f"http://127.0.0.1:{session.port}/x?y=1"
            async with client.get(url) as answer:
                assert answer.status == 200 and await answer.text() == "one hi FRA"
            (tmp_path / "index.js").write_text(SCRIPT % "two")
            session.on_reload(session.reloader.reload(["index.js"]))
            # The reload makes the spare on the loop's next turn (as the developer switches to
            # the browser); the native front may otherwise take the request first on a thread.
            await asyncio.sleep(0)
            async with client.get(url) as answer:
                assert await answer.text() == "two hi FRA"
            # The new version's first request took the spare made after the reload.
            last = records[-1]
            assert getattr(last, "cold_start", False) and getattr(last, "prewarmed", False)
    finally:
        await session.close()
    log = out.getvalue()
    assert "GET /x" in log and " 200 " in log and "FRA" in log
    assert "console.warn: careful" in log
    assert "reloaded version 2 (index.js)" in log


class Record:
    time = 0.0
    method = "POST"
    path = "/api"
    status = 503
    pop = "NRT"
    cache_status = None
    cpu_ms = 1.234
    wall_ms = 5.0
    logs = (("error", "boom [x]"), ("log", "hi"))


def test_log_line_has_every_field() -> None:
    line = format_access(Record(), markup=False)
    assert line.endswith("POST /api 503 NRT - cpu 1.23 ms 5.0 ms")
    assert format_console(Record(), markup=False) == [
        "           console.error: boom [x]",
        "           console.log: hi",
    ]
    # markup escapes brackets of the message
    assert "boom \\[x]" in format_console(Record())[0]
