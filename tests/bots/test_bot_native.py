"""Bot management under ``edgert serve`` / ``edgert dev``: the Rust model (``edgert._core.
BotModel``, built from the Python model's tables) scores every request as
``edgert.bots.BotManagement`` does, rate included, and both fronts put the same
``request.cf.botManagement`` on the same request, natively dispatched or not."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_bot_model import CHROME, CHROME_UA, FIREFOX, GOOGLEBOT_UA, SAFARI, TABLE, _swap

from edgert import Network, Origin, Worker
from edgert.bots import BotManagement, CrawlerTable
from edgert.bots.native import native_model
from edgert.errors import ConfigError

MORE = [
    ("edge", _swap(CHROME, "user-agent", CHROME_UA + " Edg/120.0.2210.91")),
    ("opera", _swap(CHROME, "user-agent", CHROME_UA + " OPR/105.0.0.0")),
    (
        "chrome ios",
        _swap(
            SAFARI,
            "user-agent",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
            "(KHTML, like Gecko) CriOS/120.0.6099.119 Mobile/15E148 Safari/604.1",
        ),
    ),
    (
        "old firefox",
        _swap(
            FIREFOX,
            "user-agent",
            "Mozilla/5.0 (X11; Linux x86_64; rv:80.0) Gecko/20100101 Firefox/80.0",
        ),
    ),
    (
        "old chrome",
        _swap(
            CHROME,
            "user-agent",
            CHROME_UA.replace("Chrome/120.0.0.0", "Chrome/70.0.3538.77"),
        ),
    ),
    ("wget", [("user-agent", "Wget/1.21.4")]),
    ("okhttp", [("user-agent", "okhttp/4.12.0")]),
    ("spider", [("user-agent", "SomeSpider 2.0")]),
    ("uptime", [("user-agent", "UptimeRobot/2.0"), ("cf-connecting-ip", "69.162.124.230")]),
    ("repeated ua", [("user-agent", "curl/8"), ("user-agent", CHROME_UA), ("accept", "*/*")]),
    ("blank ua", [("user-agent", "   "), ("accept", "text/html")]),
    ("proxy", [*CHROME, ("cf-connecting-ip", "203.0.113.77")]),
    ("ipv6 google", [("user-agent", GOOGLEBOT_UA), ("cf-connecting-ip", "2001:4860:4801::9")]),
]
CASES = [(label, headers) for label, headers, *_ in TABLE] + MORE
PATHS = ["/", "/app.JS", "/a/b.css?v=1", "/file.tar.gz", "/dir.d/", "/x.png#frag", "/noext"]


def _python(bm: BotManagement, headers: Any, url: str, pop: str, key: str, now: float) -> str:
    path = "/" + url.split("://", 1)[-1].partition("/")[2]
    return json.dumps(bm.score(headers, path=path, pop=pop, client=key, now=now).cf())


@pytest.mark.parametrize(("label", "headers"), CASES, ids=[c[0] for c in CASES])
def test_rust_scores_every_request_as_python_does(
    label: str, headers: list[tuple[str, str]]
) -> None:
    bm = BotManagement(corporate_proxies=("203.0.113.0/24",))
    model = native_model(bm)
    for i, path in enumerate(PATHS):
        url = f"https://shop.example{path}"
        want = _python(bm, headers, url, "FRA", label, 1000.0 + i)
        assert model.cf_json("{}", headers, url, "FRA", label, 1000.0 + i) == want


def test_the_rate_counts_alike_across_windows() -> None:
    bm = BotManagement()
    model = native_model(bm)
    curl = [("user-agent", "curl/8.4.0")]
    t = 1_700_000_003.0
    for i in range(400):  # bursts and pauses: soft and hard thresholds, window changes
        t += 0.02 if (i // 50) % 2 == 0 else 0.37
        pop = "NRT" if i % 7 else "FRA"
        want = _python(bm, curl + CHROME[:2], "http://a/", pop, "k", t)
        got = model.cf_json("{}", curl + CHROME[:2], "http://a/", pop, "k", t)
        assert got == want, i


def test_configured_tables_cross_over() -> None:
    crawlers = CrawlerTable.from_mapping(
        {
            "Acme": {
                "token": "AcmeBot",
                "category": "Monitoring & Analytics",
                "ranges": ["192.0.2.0/24"],
            }
        }
    )
    bm = BotManagement(crawlers=crawlers)
    model = native_model(bm)
    assert native_model(bm) is model, "one Rust model per network: one set of rate counters"
    for ip in ("192.0.2.9", "198.51.100.1"):
        headers = [("user-agent", "AcmeBot/3"), ("cf-connecting-ip", ip)]
        cf = '{"colo": "FRA"}'
        want = cf[:-1] + ", " + _python(bm, headers, "http://a/", "FRA", "k", 5.0)[1:]
        assert model.cf_json(cf, headers, "http://a/", "FRA", "k", 5.0) == want


def test_bad_tables_are_config_errors() -> None:
    from edgert._core import BotModel

    with pytest.raises(ConfigError):
        BotModel(ua_rules=[("(", None, None, None, None, None)], crawlers=[], proxies=[])
    with pytest.raises(ConfigError):
        BotModel(ua_rules=[], crawlers=[("x", "x", "Other", ["nope"])], proxies=[])
    with pytest.raises(ConfigError):
        BotModel(ua_rules=[], crawlers=[], proxies=[], window_s=0.0)


ECHO = """export default { fetch(request) {
  return Response.json({ bm: request.cf.botManagement, cat: request.cf.verifiedBotCategory });
} }"""

#: What each request sends (then the front adds the host first and the client's address last).
SENT = [
    CHROME[1:],
    FIREFOX[1:],
    [("user-agent", "curl/8.4.0"), ("accept", "*/*")],
    [("user-agent", GOOGLEBOT_UA)],
    _swap(CHROME[1:], "user-agent", CHROME_UA.replace("Chrome/", "HeadlessChrome/")),
    [("accept", "*/*")],
]


async def _through(front: str) -> tuple[list[dict[str, Any]], dict[str, int]]:
    import aiohttp

    from edgert.server import EdgeServer

    net = Network(
        "demo",
        Origin(handler=lambda r: "origin"),
        workers={"app": Worker(ECHO)},
        clock="real",
        threads=2,
        bots=True,
    )
    server = EdgeServer(net, port=0, front=front)  # type: ignore[arg-type]
    await server.start()
    out = []
    try:
        async with aiohttp.ClientSession(
            skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding")
        ) as http:
            for headers in SENT * 3:
                url = f"http://127.0.0.1:{server.port}/page.html"
                async with http.get(url, headers=headers) as r:
                    assert r.status == 200
                    out.append(await r.json())
        native = server._native
        dispatched = native.front.dispatched() if native and native.front else {}
    finally:
        await server.close(grace_s=1.0)
        await net.aclose()
    return out, dispatched


async def test_both_fronts_fill_the_same_bot_fields_as_the_python_model() -> None:
    native, dispatched = await _through("native")
    asyncio_front, _ = await _through("asyncio")
    assert dispatched.get("app", 0) > 0, "most of these were answered without Python"
    assert native == asyncio_front
    # The Python model on the headers the worker saw (aiohttp sends Host first; the front
    # appends the client's address fields): the same fields.
    bm = BotManagement()
    for i, (got, headers) in enumerate(zip(native, SENT * 3, strict=True)):
        seen = [
            ("host", "127.0.0.1"),
            *headers,
            ("x-forwarded-for", "127.0.0.1"),
            ("cf-connecting-ip", "127.0.0.1"),
            ("x-real-ip", "127.0.0.1"),
        ]
        want = bm.score(seen, path="/page.html", pop="x", client=None, now=float(i)).cf()
        assert got == {"bm": want["botManagement"], "cat": want["verifiedBotCategory"]}, i


def test_serve_and_wrangler_files_turn_it_on(tmp_path: Any) -> None:
    from edgert.config import build_network, load_config
    from edgert.server import serve as serve_module

    (tmp_path / "w.js").write_text(ECHO)
    (tmp_path / "wrangler.toml").write_text('name = "w"\nmain = "w.js"\n[edgert]\nbots = true\n')
    assert isinstance(build_network(load_config(tmp_path)).bots, BotManagement)
    (tmp_path / "wrangler.toml").write_text('name = "w"\nmain = "w.js"\n')
    assert build_network(load_config(tmp_path)).bots is None
    served = serve_module.build_network(str(tmp_path / "w.js"), bots=True)
    assert isinstance(served.bots, BotManagement)
    assert serve_module.build_network(str(tmp_path / "w.js")).bots is None
