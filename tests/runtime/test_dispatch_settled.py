"""How ``dispatch`` finishes a request whose handler returned a promise: an already fulfilled
intrinsic promise is finished at once (isolate/promise_fast.rs) only where attaching
``then(finish, failed)`` could not be told apart; queued jobs, a patched ``then``, a promise
subclass and a pending promise keep the reaction order of before."""

from __future__ import annotations

from edgert import Request, Worker


def fetch(src: str) -> tuple[int, dict[str, str], str]:
    r = Worker(src).fetch(Request("https://example.com/"))
    return r.status, dict(r.headers), r.text()


def test_fulfilled_promise_finishes() -> None:
    status, _, text = fetch("export default { async fetch() { return new Response('ok'); } }")
    assert (status, text) == (200, "ok")


def test_jobs_queued_before_the_return_run_before_the_response_is_taken() -> None:
    status, headers, _ = fetch(
        """export default { async fetch() {
          const r = new Response('ok');
          queueMicrotask(() => r.headers.set('x-late', '1'));
          Promise.resolve().then(() => r.headers.set('x-later', '2'));
          return r;
        } }"""
    )
    assert status == 200
    assert headers.get("x-late") == "1"
    assert headers.get("x-later") == "2"


def test_a_patched_then_is_still_called() -> None:
    worker = Worker(
        """const then = Promise.prototype.then;
        let calls = 0;
        Promise.prototype.then = function (f, r) { calls++; return then.call(this, f, r); };
        export default { async fetch() { return new Response(String(calls)); } }"""
    )
    first = worker.fetch(Request("https://example.com/"))
    second = worker.fetch(Request("https://example.com/"))
    assert first.text() == "0"
    assert int(second.text()) >= 1  # dispatch attached its reactions through the patched then


def test_subclass_and_pending_promises() -> None:
    status, _, text = fetch(
        """class P extends Promise {}
        export default { fetch() { return P.resolve(new Response('sub')); } }"""
    )
    assert (status, text) == (200, "sub")
    status, _, text = fetch(
        """export default { async fetch() { await null; return new Response('later'); } }"""
    )
    assert (status, text) == (200, "later")
    status, _, text = fetch("""export default { async fetch() { return 'not a response'; } }""")
    assert status == 500
    status, _, _ = fetch("""export default { async fetch() { throw new Error('boom'); } }""")
    assert status == 500


def test_a_then_getter_on_the_result_is_read_and_its_errors_are_failures() -> None:
    status, _, _ = fetch(
        """export default { fetch() {
          return { get then() { throw new Error('no then'); } };
        } }"""
    )
    assert status == 500
    status, _, text = fetch(
        """export default { fetch() {
          return { then(f) { f(new Response('thenable')); } };
        } }"""
    )
    assert (status, text) == (200, "thenable")
