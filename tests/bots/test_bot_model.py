"""The bot model's decisions for a fixed table of requests match the rules in docs/bots.md
(real browsers, headless browsers, tools, good and impersonated crawlers, scrapers faking a
browser), and request.cf carries them to the worker."""

from __future__ import annotations

import pytest

import edgert
from edgert.bots import DETECTIONS, BotManagement, CrawlerTable
from edgert.bots.model import LIKELY_BOT_BELOW

CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
FIREFOX_UA = "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"
SAFARI_UA = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.1 Safari/605.1.15"
)
HEADLESS_UA = CHROME_UA.replace("Chrome/", "HeadlessChrome/")
GOOGLEBOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

CHROME = [
    ("host", "shop.example"),
    ("sec-ch-ua", '"Chromium";v="120", "Google Chrome";v="120"'),
    ("sec-ch-ua-mobile", "?0"),
    ("sec-ch-ua-platform", '"Windows"'),
    ("upgrade-insecure-requests", "1"),
    ("user-agent", CHROME_UA),
    ("accept", "text/html,application/xhtml+xml"),
    ("sec-fetch-site", "none"),
    ("sec-fetch-mode", "navigate"),
    ("sec-fetch-dest", "document"),
    ("accept-encoding", "gzip, deflate, br"),
    ("accept-language", "en-US,en;q=0.9"),
]
FIREFOX = [
    ("host", "shop.example"),
    ("user-agent", FIREFOX_UA),
    ("accept", "text/html"),
    ("accept-language", "en-US,en;q=0.5"),
    ("accept-encoding", "gzip, deflate, br"),
    ("sec-fetch-dest", "document"),
    ("sec-fetch-mode", "navigate"),
    ("sec-fetch-site", "none"),
]
SAFARI = [
    ("host", "shop.example"),
    ("accept", "text/html"),
    ("sec-fetch-site", "none"),
    ("sec-fetch-dest", "document"),
    ("accept-language", "en-GB"),
    ("sec-fetch-mode", "navigate"),
    ("user-agent", SAFARI_UA),
    ("accept-encoding", "gzip, deflate, br"),
]


def _swap(headers: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(k, value if k == name else v) for k, v in headers]


def _without(headers: list[tuple[str, str]], *names: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in headers if k not in names]


# (label, headers, expected score, expected detection ids, verified, category)
TABLE = [
    ("chrome", CHROME, 95, (), False, ""),
    ("firefox", FIREFOX, 95, (), False, ""),
    ("safari", SAFARI, 95, (), False, ""),
    (
        "curl",
        [("host", "x"), ("user-agent", "curl/8.4.0"), ("accept", "*/*")],
        1,
        (10002,),
        False,
        "",
    ),
    (
        "python-requests",
        [("user-agent", "python-requests/2.31.0"), ("accept-encoding", "gzip")],
        1,
        (10002,),
        False,
        "",
    ),
    ("go", [("user-agent", "Go-http-client/1.1")], 1, (10002,), False, ""),
    ("no user-agent", [("accept", "*/*")], 1, (10001,), False, ""),
    ("headless chrome", _swap(CHROME, "user-agent", HEADLESS_UA), 1, (10003,), False, ""),
    (
        "googlebot from google",
        [("user-agent", GOOGLEBOT_UA), ("cf-connecting-ip", "66.249.66.1")],
        1,
        (10004,),
        True,
        "Search Engine Crawler",
    ),
    (
        "googlebot impersonated",
        [("user-agent", GOOGLEBOT_UA), ("cf-connecting-ip", "203.0.113.9")],
        1,
        (10005,),
        False,
        "",
    ),
    (
        "gptbot from its range",
        [
            (
                "user-agent",
                "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2)",
            ),
            ("cf-connecting-ip", "20.15.240.70"),
        ],
        1,
        (10004,),
        True,
        "AI Crawler",
    ),
    (
        "unknown bot",
        [("user-agent", "AcmeBot/1.0 (+https://acme.example/bot)")],
        5,
        (10006,),
        False,
        "",
    ),
    # A script that copies Chrome's User-Agent and nothing else.
    (
        "fake chrome",
        [("user-agent", CHROME_UA), ("accept", "*/*")],
        1,
        (10101, 10102, 10103, 10104),
        False,
        "",
    ),
    (
        "chrome without hints",
        _without(CHROME, "sec-ch-ua", "sec-ch-ua-mobile", "sec-ch-ua-platform"),
        60,
        (10101,),
        False,
        "",
    ),
    # Firefox's User-Agent with Chromium's client hints and header order.
    (
        "firefox claim, chrome headers",
        _swap(CHROME, "user-agent", FIREFOX_UA),
        15,
        (10106, 10105),
        False,
        "",
    ),
    (
        "chrome claim, firefox order",
        [
            ("sec-ch-ua", '"Chromium";v="120"'),
            ("user-agent", CHROME_UA),
            ("accept", "text/html"),
            ("accept-language", "en"),
            ("accept-encoding", "gzip"),
            ("sec-fetch-mode", "navigate"),
            ("sec-fetch-site", "none"),
        ],
        65,
        (10105,),
        False,
        "",
    ),
    (
        "unknown agent",
        [
            ("user-agent", "Mozilla/5.0 (Nintendo Switch; WifiWebAuthApplet) AppleWebKit/606.4"),
            ("accept", "*/*"),
        ],
        40,
        (10007,),
        False,
        "",
    ),
]


@pytest.mark.parametrize(
    "label, headers, score, ids, verified, category", TABLE, ids=[t[0] for t in TABLE]
)
def test_fixed_table_of_requests(
    label: str,
    headers: list[tuple[str, str]],
    score: int,
    ids: tuple[int, ...],
    verified: bool,
    category: str,
) -> None:
    verdict = BotManagement().score(headers, path="/", pop="FRA", client=label, now=1000.0)
    assert (verdict.score, verdict.detection_ids, verdict.verified_bot, verdict.category) == (
        score,
        ids,
        verified,
        category,
    )
    assert all(d in DETECTIONS for d in verdict.detection_ids)
    is_bot = label not in (
        "chrome",
        "firefox",
        "safari",
        "chrome without hints",
        "chrome claim, firefox order",
        "unknown agent",
    )
    assert verdict.likely_bot == is_bot, verdict.reasons()


def test_request_rate_at_the_pop() -> None:
    model = BotManagement()
    verdicts = [
        model.score(CHROME, pop="FRA", client="c", now=100.0 + i * 0.05) for i in range(200)
    ]
    scores = [v.score for v in verdicts]
    assert scores[0] == 95 and scores[29] == 95  # 30 requests in 10 s: a busy human
    assert scores[30] == 75 and verdicts[30].detection_ids == (10201,)
    assert max(scores[121:]) == 10 and verdicts[121].detection_ids == (10202,)  # capped
    # Another PoP counts apart (a PoP sees only its own traffic).
    assert model.score(CHROME, pop="NRT", client="c", now=110.0).score == 95


def test_static_resources_and_corporate_proxies() -> None:
    model = BotManagement(corporate_proxies=("198.51.100.0/24",))
    v = model.score(
        [*CHROME, ("cf-connecting-ip", "198.51.100.7")], path="/assets/app.css?v=3", client=1
    )
    assert v.static_resource and v.corporate_proxy
    v = model.score(CHROME, path="/api/items", client=2)
    assert not v.static_resource and not v.corporate_proxy


def test_configured_crawler_table() -> None:
    table = CrawlerTable.from_mapping(
        {
            "Acme": {
                "token": "AcmeBot",
                "category": "Monitoring & Analytics",
                "ranges": ["192.0.2.0/24"],
            }
        }
    )
    bm = BotManagement(crawlers=table)
    v = bm.score([("user-agent", "AcmeBot/1.0"), ("cf-connecting-ip", "192.0.2.5")], client=1)
    assert (v.verified_bot, v.category, v.score) == (True, "Monitoring & Analytics", 1)
    v = bm.score([("user-agent", "AcmeBot/1.0"), ("cf-connecting-ip", "198.51.100.1")], client=1)
    assert (v.verified_bot, v.category, v.detection_ids) == (False, "", (10005,))


def test_request_cf_carries_the_verdict_to_the_worker() -> None:
    w = edgert.Worker(
        "export default { fetch(r) { return Response.json({ bm: r.cf.botManagement, "
        "cat: r.cf.verifiedBotCategory, colo: r.cf.colo }) } }"
    )
    net = edgert.Network(
        ["FRA"],
        origin=edgert.Origin(handler=lambda r: "o"),
        workers={"app": w},
        routes=[("app.example/*", "app")],
        bots=True,
    )
    out = net.fetch_sync(
        "https://app.example/logo.png",
        client="Paris",
        headers=[("user-agent", GOOGLEBOT_UA), ("cf-connecting-ip", "66.249.66.1")],
    ).json()
    assert out == {
        "bm": {
            "score": 1,
            "verifiedBot": True,
            "staticResource": True,
            "corporateProxy": False,
            "detectionIds": [10004],
            "ja3Hash": None,
            "ja4": None,
        },
        "cat": "Search Engine Crawler",
        "colo": "FRA",
    }
    out = net.fetch_sync("https://app.example/", client="Paris", headers=CHROME).json()
    assert out["bm"]["score"] == 95 and out["cat"] == ""


def test_threshold_matches_cloudflares_reading() -> None:
    assert LIKELY_BOT_BELOW == 30
