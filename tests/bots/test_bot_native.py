"""The one bot model (Rust, ``edgert._core.BotModel``, made by ``edgert.bots.BotManagement``)
gives every request the verdict the Python model gave when there were two (recorded below),
rate included, through ``cf_json`` (the servers' and the simulator's call) and ``score``
alike; under ``edgert serve`` / ``edgert dev`` both fronts put the same
``request.cf.botManagement`` on the same request, natively dispatched or not."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_bot_model import CHROME, CHROME_UA, FIREFOX, GOOGLEBOT_UA, SAFARI, TABLE, _swap

from edgert import Network, Origin, Worker
from edgert.bots import BotManagement, BotVerdict
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
#: Which of PATHS is a static resource.
STATIC = [False, True, True, True, False, False, False]

#: What the Python model gave for each of CASES, when there were a Python and a Rust model
#: (``(score, detection ids, verifiedBot, corporateProxy, verifiedBotCategory)``): the one
#: model must still give it.
RECORDED = {
    "chrome": (95, (), False, False, ""),
    "firefox": (95, (), False, False, ""),
    "safari": (95, (), False, False, ""),
    "curl": (1, (10002,), False, False, ""),
    "python-requests": (1, (10002,), False, False, ""),
    "go": (1, (10002,), False, False, ""),
    "no user-agent": (1, (10001,), False, False, ""),
    "headless chrome": (1, (10003,), False, False, ""),
    "googlebot from google": (1, (10004,), True, False, "Search Engine Crawler"),
    "googlebot impersonated": (1, (10005,), False, True, ""),
    "gptbot from its range": (1, (10004,), True, False, "AI Crawler"),
    "unknown bot": (5, (10006,), False, False, ""),
    "fake chrome": (1, (10101, 10102, 10103, 10104), False, False, ""),
    "chrome without hints": (60, (10101,), False, False, ""),
    "firefox claim, chrome headers": (15, (10106, 10105), False, False, ""),
    "chrome claim, firefox order": (65, (10105,), False, False, ""),
    "unknown agent": (40, (10007,), False, False, ""),
    "edge": (95, (), False, False, ""),
    "opera": (95, (), False, False, ""),
    "chrome ios": (95, (), False, False, ""),
    "old firefox": (95, (), False, False, ""),
    "old chrome": (95, (), False, False, ""),
    "wget": (1, (10002,), False, False, ""),
    "okhttp": (1, (10002,), False, False, ""),
    "spider": (5, (10006,), False, False, ""),
    "uptime": (1, (10004,), True, False, "Monitoring & Analytics"),
    "repeated ua": (1, (10101, 10102, 10103, 10104), False, False, ""),
    "blank ua": (1, (10001,), False, False, ""),
    "proxy": (95, (), False, True, ""),
    "ipv6 google": (1, (10004,), True, False, "Search Engine Crawler"),
}

#: The rate rules the Python model fired on test_the_rate_counts_across_windows's 400 hits:
#: ``.`` none, ``s`` more than 30 in 10 s (10201).
RECORDED_RATE = (
    "....................................ssssss.ssssss.ssssss.ssssss.ssssss.ssssss.ss"
    "ssss.ss.....................ssss.ssssss.ssssss.ssssss.ssssss.ssssss.ssssss.sssss"
    "s.ssssss.ssssss.ssssss.ssssss..................sss.ssssss.ssssss.ssssss.ssssss.s"
    "sssss.ssssss.ssssss.ssssss.ssssss.ssssss.ssssss.ssss..............ss.ssssss.ssss"
    "ss.ssssss.ssssss.ssssss.ssssss.ssssss.ssssss.ssssss.ssssss.ssssss.ssssss........"
)


def _json(verdict: BotVerdict) -> str:
    return json.dumps(verdict.cf())


@pytest.mark.parametrize(("label", "headers"), CASES, ids=[c[0] for c in CASES])
def test_every_request_scores_as_recorded(label: str, headers: list[tuple[str, str]]) -> None:
    bm = BotManagement(corporate_proxies=("203.0.113.0/24",))
    score, ids, verified, proxy, category = RECORDED[label]
    for i, (path, static) in enumerate(zip(PATHS, STATIC, strict=True)):
        want = BotVerdict(score, verified, category, static, proxy, ids)
        now = 1000.0 + i
        url = f"https://shop.example{path}"
        # cf_json (the servers' and the simulator's call) and score (its parts) agree, byte
        # for byte with the verdict's own layout of the fields.
        assert bm.cf_json("{}", url, headers, pop="FRA", client=label, now=now) == _json(want)
        assert bm.score(headers, path=path, pop="NRT", client=label, now=now) == want


def test_the_rate_counts_across_windows() -> None:
    bm = BotManagement()
    curl = [("user-agent", "curl/8.4.0")]
    t = 1_700_000_003.0
    fired = []
    for i in range(400):  # bursts and pauses: soft and hard thresholds, window changes
        t += 0.02 if (i // 50) % 2 == 0 else 0.37
        pop = "NRT" if i % 7 else "FRA"
        v = bm.score(curl + CHROME[:2], path="/", pop=pop, client="k", now=t)
        fired.append({(10002,): ".", (10002, 10201): "s"}[v.detection_ids])
    assert "".join(fired) == RECORDED_RATE


def test_clients_are_counted_as_a_dictionary_keys_them() -> None:
    """Without ``cf-connecting-ip`` the caller's client counts the rate: equal clients
    together (``1 == 1.0``), others apart; a string client shares the key of that address."""
    bm = BotManagement()
    curl = [("user-agent", "curl/8.4.0")]

    def ids(client: Any, headers: list[tuple[str, str]] = curl) -> tuple[int, ...]:
        return bm.score(headers, pop="FRA", client=client, now=5.0).detection_ids

    for _ in range(30):
        assert ids(1) == (10002,)
    assert ids(1.0) == (10002, 10201)  # the 31st of the same client
    assert ids("1") == ids(None) == ids(2) == ids("\x000") == (10002,)
    for _ in range(30):
        ids("192.0.2.1")
    assert ids(None, [*curl, ("cf-connecting-ip", "192.0.2.1")]) == (10002, 10201)


def test_cf_json_appends_to_the_request_cf() -> None:
    bm = BotManagement()
    assert bm.native is bm.native, "one Rust model per network: one set of rate counters"
    cf = '{"colo": "FRA"}'
    headers = [("user-agent", GOOGLEBOT_UA), ("cf-connecting-ip", "66.249.66.1")]
    want = BotVerdict(1, True, "Search Engine Crawler", detection_ids=(10004,))
    got = bm.cf_json(cf, "http://a/", headers, pop="FRA", client="k", now=5.0)
    assert got == cf[:-1] + ", " + _json(want)[1:]


def test_bad_tables_are_config_errors() -> None:
    from edgert._core import BotModel

    with pytest.raises(ConfigError):
        BotModel(ua_rules=[("(", None, None, None, None, None)], crawlers=[], proxies=[])
    with pytest.raises(ConfigError):
        BotModel(ua_rules=[], crawlers=[("x", "x", "Other", ["nope"])], proxies=[])
    with pytest.raises(ConfigError):
        BotModel(ua_rules=[], crawlers=[], proxies=[], window_s=0.0)
    with pytest.raises(ConfigError):
        BotManagement(corporate_proxies=("10.0.0.0/33",))


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


async def test_both_fronts_fill_the_same_bot_fields_as_the_model() -> None:
    native, dispatched = await _through("native")
    asyncio_front, _ = await _through("asyncio")
    assert dispatched.get("app", 0) > 0, "most of these were answered without Python"
    assert native == asyncio_front
    # The model on the headers the worker saw (aiohttp sends Host first; the front appends
    # the client's address fields), with its own counters: the same fields.
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
