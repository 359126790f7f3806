"""Worker.prewarm: a spare isolate the host asks for while idle serves the next cold start."""

from __future__ import annotations

from edgert import Request, Worker


def test_prewarm_makes_one_spare_that_the_next_cold_start_takes() -> None:
    w = Worker(
        "let n = 0; export default { fetch(req, env) { n++; console.log('n', n); return new Response(env.GREETING + n) } }",
        vars={"GREETING": "hi"},
        min_isolates=0,
    )
    assert not w.core.has_spare
    assert w.prewarm() is True
    assert w.prewarm() is False
    assert w.core.has_spare
    r = w.fetch(Request("https://a.test/"))
    assert r.text() == "hi1"
    assert r.stats.cold_start
    assert [line.message for line in r.stats.logs] == ["n 1"]
    assert not w.core.has_spare
    r = w.fetch(Request("https://a.test/"))
    assert r.text() == "hi2"
    assert not r.stats.cold_start


def test_without_a_spare_a_cold_start_builds_everything() -> None:
    w = Worker("export default { fetch() { return new Response('ok') } }", min_isolates=0)
    r = w.fetch(Request("https://a.test/"))
    assert r.text() == "ok"
    assert r.stats.cold_start
