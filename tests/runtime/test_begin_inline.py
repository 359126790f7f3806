"""CoreWorker.begin_inline (the simulator's begin, which keeps the GIL) gives the steps begin
gives: the same answers, the same operations, the same state carried from one request to the
next."""

from __future__ import annotations

from typing import Any

from edgert import Request
from edgert._core import CoreWorker

SOURCE = """
let n = 0;
export default { async fetch(request) {
  const url = new URL(request.url);
  if (url.pathname === '/up') return fetch('https://origin.test/x');
  n++;
  return new Response(JSON.stringify({ n, path: url.pathname, cf: request.cf.colo }),
    { status: 201, headers: { 'x-n': String(n) } });
} }
"""


def shape(steps: list[Any]) -> list[tuple[Any, ...]]:
    out = []
    for s in steps:
        r = s.response
        answer = None if r is None else (r.status, sorted(r.headers.items()), r.body)
        ops = [(o.kind, o.request.url if o.request is not None else None) for o in s.ops]
        out.append((answer, ops, s.done))
    return out


def test_begin_inline_answers_as_begin_does() -> None:
    plain = CoreWorker(SOURCE, seed=1, now=0.0)
    inline = CoreWorker(SOURCE, seed=1, now=0.0)
    seen = []
    for i, path in enumerate(["/a", "/b", "/c", "/up"]):
        request = Request(f"https://a.test{path}", cf='{"colo": "NRT"}')
        a = shape(plain.begin(request, float(i)))
        b = shape(inline.begin_inline(request, float(i)))
        assert a == b
        seen.append(b[0])
    # The third answer counts the earlier requests (the isolate's state carries); the last
    # request waits on its subrequest.
    assert seen[2][0] is not None and seen[2][0][2] == b'{"n":3,"path":"/c","cf":"NRT"}'
    assert seen[3][0] is None and seen[3][1] == [("fetch", "https://origin.test/x")]
