"""Every way a worker can misbehave is contained: the request gets a 5xx naming the cause,
the isolate is replaced when it is suspect, and the next request succeeds."""

from __future__ import annotations

import pytest

import edgert
from edgert import Request, VirtualTimeHost, Worker

OK_PATH = "if (new URL(request.url).pathname === '/ok') return new Response('fine');"


def worker_with(body: str, **options: object) -> Worker:
    src = f"export default {{ async fetch(request, env, ctx) {{ {OK_PATH} {body} }} }}"
    return Worker(src, cpu_ms=options.pop("cpu_ms", 50), **options)  # type: ignore[arg-type]


def assert_recovers(worker: Worker) -> None:
    r = worker.fetch("https://example.com/ok")
    assert r.status == 200 and r.text() == "fine"


def test_infinite_loop_is_stopped_at_cpu_limit_and_isolate_replaced() -> None:
    w = worker_with("for (;;) {}", cpu_ms=20)
    r = w.fetch("https://example.com/spin")
    assert r.status == 503
    assert "CPU time limit" in r.text()
    assert r.stats.outcome == "exceededCpu"
    assert 20 <= r.stats.cpu_ms < 1000
    created_before = w.core.pool_stats()[2]
    assert_recovers(w)
    assert w.core.pool_stats()[3] >= 1  # discarded
    assert w.core.pool_stats()[2] > created_before  # a fresh isolate


def test_infinite_loop_inside_a_promise_job() -> None:
    w = worker_with("await Promise.resolve(); await null; for (;;) {}", cpu_ms=20)
    r = w.fetch("https://example.com/spin")
    assert r.stats.outcome == "exceededCpu" and r.status == 503
    assert_recovers(w)


def test_catching_the_interrupt_does_not_escape_it() -> None:
    w = worker_with("try { for (;;) {} } catch (e) { return new Response('escaped') }", cpu_ms=20)
    r = w.fetch("https://example.com/spin")
    assert r.stats.outcome == "exceededCpu"
    assert r.text() != "escaped"


def test_deep_recursion_is_a_catchable_range_error() -> None:
    w = worker_with(
        "const f = (n) => f(n + 1) + 1; try { f(0) } catch (e) { return new Response(e.name) }"
    )
    r = w.fetch("https://example.com/deep")
    assert r.status == 200 and r.text() == "RangeError"
    assert_recovers(w)


def test_uncaught_deep_recursion_is_a_500() -> None:
    w = worker_with("const f = (n) => f(n + 1) + 1; f(0);")
    r = w.fetch("https://example.com/deep")
    assert r.status == 500 and r.stats.outcome == "exception"
    assert "RangeError" in (r.stats.error or "")
    assert_recovers(w)


@pytest.mark.parametrize(
    "bomb",
    [
        "const a = []; for (;;) a.push(new Array(1e5).fill(1));",
        "let s = 'x'; for (;;) s = s + s;",
        "const parts = []; for (;;) parts.push('y'.repeat(1 << 20) + parts.length);",
    ],
    ids=["array-growth", "string-doubling", "string-chunks"],
)
def test_memory_bomb_discards_the_isolate(bomb: str) -> None:
    w = worker_with(bomb, memory_mb=32, cpu_ms=5000)
    r = w.fetch("https://example.com/bomb")
    assert r.status in (500, 503)
    assert r.stats.outcome in ("exceededMemory", "exception")
    if r.stats.outcome == "exception":
        # QuickJS may refuse the allocation first: "out of memory" or "string too long".
        assert any(m in (r.stats.error or "") for m in ("out of memory", "too long", "RangeError"))
    assert_recovers(w)


def test_huge_json_parse() -> None:
    w = worker_with(
        "const s = '[' + '1,'.repeat(30_000_000) + '1]'; JSON.parse(s); return new Response('parsed')",
        memory_mb=64,
        cpu_ms=5000,
    )
    r = w.fetch("https://example.com/json")
    assert r.status in (500, 503) and r.stats.outcome in ("exceededMemory", "exception")
    assert_recovers(w)


def test_throwing_a_non_error() -> None:
    w = worker_with("throw { code: 42 };")
    r = w.fetch("https://example.com/throw")
    assert r.status == 500 and r.stats.outcome == "exception"
    assert "42" in (r.stats.error or "")
    assert "Worker threw exception" in r.text()
    assert_recovers(w)


def test_unhandled_rejection_is_logged_and_the_request_still_served() -> None:
    w = worker_with("Promise.reject(new Error('lost')); return new Response('served');")
    r = w.fetch("https://example.com/reject")
    assert r.status == 200 and r.text() == "served"
    assert any("lost" in line.message and line.level == "error" for line in r.stats.logs)


def test_promise_that_never_settles_with_nothing_pending() -> None:
    w = worker_with("await new Promise(() => {});")
    r = w.fetch("https://example.com/hang")
    assert r.status == 500 and r.stats.outcome == "neverSettled"
    assert_recovers(w)


def test_promise_that_never_settles_is_ended_by_the_hosts_wall_clock_limit() -> None:
    # A timer far in the future keeps the promise alive; the host's limit ends the request.
    w = worker_with(
        "await new Promise((r) => setTimeout(r, 3_600_000)); return new Response('late')"
    )
    host = VirtualTimeHost(wall_timeout_s=10.0)
    start = host.now()
    slot = host.submit(w.core, Request("https://example.com/hang"))
    host.run(until=start + 11)
    r = slot["response"]
    assert r is not None and r.status == 504 and r.stats.outcome == "canceled"
    assert slot["responded"] == pytest.approx(start + 10.0)
    assert_recovers(w)


def test_non_response_result() -> None:
    for value in ("'a string'", "{ status: 200 }", "undefined", "null", "42"):
        w = worker_with(f"return {value};")
        r = w.fetch("https://example.com/x")
        assert r.status == 500 and r.stats.outcome == "invalidResponse", value


def test_startup_cpu_limit() -> None:
    with pytest.raises(edgert.CpuLimitExceeded, match="startup exceeded CPU"):
        Worker("for (;;) {}\nexport default { fetch() {} }", startup_cpu_ms=30)


def test_script_errors_are_typed() -> None:
    with pytest.raises(edgert.ScriptError, match="SyntaxError"):
        Worker("export default { fetch( }")
    with pytest.raises(edgert.ScriptError, match="boom"):
        Worker("throw new Error('boom');\nexport default {}")
    with pytest.raises(edgert.ScriptError, match="fetch"):
        Worker("export default { notFetch() {} }")


def test_other_requests_on_a_broken_isolate_fail_cleanly() -> None:
    # Two requests share one isolate (max_isolates=1); one spins, the other is waiting.
    src = """
    export default { async fetch(request) {
      const p = new URL(request.url).pathname;
      if (p === '/wait') { await new Promise(r => setTimeout(r, 1000)); return new Response('waited'); }
      if (p === '/spin') for (;;) {}
      return new Response('fine');
    } }"""
    w = Worker(src, max_isolates=1, cpu_ms=20)
    host = VirtualTimeHost()
    waiting = host.submit(w.core, Request("https://example.com/wait"))
    spin = host.submit(w.core, Request("https://example.com/spin"))
    host.run()
    assert spin["response"].stats.outcome == "exceededCpu", (
        spin["response"].stats.error,
        waiting["response"].stats.error,
    )
    assert waiting["response"].status == 503
    assert waiting["response"].stats.outcome == "isolateDiscarded"
    assert_recovers(w)


def test_no_host_globals_are_reachable() -> None:
    w = worker_with(
        """
        const seen = {};
        for (const name of ['require', 'process', 'std', 'os', 'Deno', 'Bun', 'print', 'scriptArgs', '__edgert_native'])
          seen[name] = typeof globalThis[name];
        let evalBlocked = false, fnBlocked = false;
        try { eval('1') } catch { evalBlocked = true }
        try { new Function('return 1')() } catch { fnBlocked = true }
        return Response.json({ seen, evalBlocked, fnBlocked });
        """
    )
    data = w.fetch("https://example.com/x").json()
    assert set(data["seen"].values()) == {"undefined"}
    assert data["evalBlocked"] and data["fnBlocked"]
