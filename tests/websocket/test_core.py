"""The core's WebSocket API without I/O: a worker's 101 names a socket, its sends and closes
are operations, the host's events run its listeners in the socket's isolate."""

from __future__ import annotations

from typing import Any

import pytest

from edgert._core import CoreWorker, Request, Step

ECHO = """
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const [client, server] = Object.values(new WebSocketPair());
    if (url.pathname === '/early') { server.accept(); server.send('early'); server.close(1000, 'done'); }
    else if (url.pathname === '/unaccepted-send') { server.send('x'); }
    else if (url.pathname === '/bad-code') { server.accept(); server.close(1005); }
    else if (url.pathname === '/long-reason') { server.accept(); server.close(1000, 'x'.repeat(124)); }
    else if (url.pathname === '/accepted-end') { client.accept(); }
    else if (url.pathname === '/local') {
      client.accept(); server.accept();
      const seen = [];
      server.addEventListener('message', (ev) => seen.push(ev.data));
      client.send('to server');
      client.close(1000, 'local');
      await new Promise((r) => setTimeout(r, 0));
      return new Response(JSON.stringify([seen, client.readyState, server.readyState]));
    } else {
      server.accept();
      server.onmessage = (ev) => server.send(typeof ev.data === 'string' ? 'echo:' + ev.data : ev.data);
      server.addEventListener('close', (ev) => console.log(`close ${ev.code} ${ev.reason} ${ev.wasClean} ${server.readyState}`));
      server.addEventListener('error', (ev) => console.log(`error ${ev.message}`));
    }
    return new Response(null, { status: 101, webSocket: client });
  },
};
"""


def core() -> CoreWorker:
    return CoreWorker(ECHO, name="echo.js", min_isolates=1, max_isolates=1)


def upgrade(c: CoreWorker, path: str = "/") -> tuple[int, list[Step]]:
    steps = c.begin(Request(f"https://x.example{path}", headers={"upgrade": "websocket"}), 1.0)
    response = steps[0].response
    assert response is not None and response.status == 101, response and response.text()
    return int(response.headers["x-edgert-websocket"]), steps


def sends(steps: list[Step]) -> list[tuple[Any, ...]]:
    return [
        (op.socket, op.method, op.args if op.method != "binary" else op.data, op.code)
        for s in steps
        for op in s.ops
        if op.kind == "websocket"
    ]


def test_messages_go_both_ways_as_operations_and_events() -> None:
    c = core()
    sid, steps = upgrade(c)
    assert steps[0].done and sends(steps) == []
    got = c.deliver_ws(sid, "message", "hi", 2.0)
    assert got[0].response is not None and got[0].response.status == 200 and got[0].done
    assert sends(got) == [(sid, "text", "echo:hi", None)]
    got = c.deliver_ws(sid, "message", b"\x00\xff", 2.0)
    assert sends(got) == [(sid, "binary", b"\x00\xff", None)]


def test_close_event_and_the_isolate_kept_while_open() -> None:
    c = core()
    sid, _ = upgrade(c)
    c.trim(0)
    assert c.pool_stats()[0] == 1, "an isolate with an open socket stays in its pool"
    got = c.deliver_ws(sid, "close", None, 3.0, 4000, "bye", True)
    stats = got[0].stats
    assert stats is not None and [line.message for line in stats.logs] == ["close 4000 bye true 3"]
    c.trim(0)
    assert c.pool_stats()[0] == 0, "closed: nothing holds the isolate any more"


def test_what_the_worker_did_before_the_response_leaves_with_it() -> None:
    c = core()
    sid, steps = upgrade(c, "/early")
    assert sends(steps) == [(sid, "text", "early", None), (sid, "close", "done", 1000)]


def test_an_event_for_a_socket_whose_isolate_is_gone_answers_410() -> None:
    c = core()
    got = c.deliver_ws((999 << 32) | 1, "message", "x", 1.0)
    assert got[0].response is not None and got[0].response.status == 410


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/unaccepted-send", "You must call one of accept()"),
        ("/bad-code", "Invalid WebSocket close code: 1005"),
        ("/long-reason", "longer than 123 bytes"),
        ("/accepted-end", "must not be accepted"),
    ],
)
def test_misuse_is_a_clear_error(path: str, error: str) -> None:
    c = core()
    steps = c.begin(Request(f"https://x.example{path}"), 1.0)
    stats = steps[0].stats
    assert steps[0].response is not None and steps[0].response.status == 500
    assert stats is not None and error in (stats.error or "")


def test_two_local_ends() -> None:
    c = core()
    steps = c.begin(Request("https://x.example/local"), 1.0)
    while steps[0].response is None:  # the setTimeout(0)
        (op,) = [o for s in steps for o in s.ops if o.kind == "timer"]
        steps = c.complete_timer(op.id, 1.0)
    assert steps[0].response is not None
    assert steps[0].response.json() == [["to server"], 3, 3]


def test_unknown_event_kind_is_a_type_error() -> None:
    with pytest.raises(ValueError, match="unknown WebSocket event kind"):
        core().deliver_ws(1, "bogus", None, 1.0)
