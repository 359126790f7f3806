"""The bot score: a transparent, rule-based model of what a PoP can see of one request.

Theory of operation. A request is classified in three steps, each rule named by a detection
id (``DETECTIONS``) that ends up in ``botManagement.detectionIds`` when it fired:

1. **Who it says it is.** The User-Agent is parsed with ``ua-parser``. No User-Agent, an
   automation tool (curl, python-requests, Go's client...), a headless browser, or a crawler
   name are decided here: score 1 (Cloudflare's "automated"). A crawler name from an address in
   that crawler's published ranges is a *verified bot* (``verifiedBot``, its
   ``verifiedBotCategory``); from anywhere else it is an impersonation. Any other agent that
   calls itself a bot, spider or crawler scores 5; an agent that is neither a browser ua-parser
   knows nor a tool starts at 40.
2. **Whether the headers match that browser.** A browser claim starts at 95 and loses points
   for each thing the claimed engine (``edgert.bots.browsers``) would have sent and did not, or
   sent differently: client hints, Fetch Metadata, ``accept``, ``accept-language``, gzip, the
   engine's header order, client hints from a non-Chromium browser.
3. **How fast it comes.** The client's request rate at this PoP over the last 10 s (by
   ``cf-connecting-ip`` when given, else by client): above 30 it loses 20 points, above 120
   the score is capped at 10.

The score is then clamped to 1..99. Scores below 30 are "likely automated", as Cloudflare
reads its own scores. The model reads no clock and draws no random number: the same request at
the same rate gets the same score.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ua_parser import parse as parse_ua

from edgert.bots.browsers import engine_of
from edgert.bots.crawlers import CrawlerTable, default_crawlers
from edgert.bots.rate import RateTracker

__all__ = ["DETECTIONS", "LIKELY_BOT_BELOW", "BotManagement", "BotVerdict"]

#: Detection ids (edgert's own numbering; Cloudflare's ids are opaque) -> what fired.
DETECTIONS: dict[int, str] = {
    10001: "no User-Agent",
    10002: "automation tool User-Agent",
    10003: "headless browser User-Agent",
    10004: "known crawler from its published ranges (verified)",
    10005: "known crawler name from outside its published ranges (impersonation)",
    10006: "self-declared bot, spider or crawler",
    10007: "agent that is neither a known browser nor a known tool",
    10101: "Chromium claim without client hints (sec-ch-ua)",
    10102: "browser claim without Fetch Metadata (sec-fetch-mode/site)",
    10103: "browser claim without accept-language",
    10104: "browser claim without gzip in accept-encoding",
    10105: "header order contradicts the claimed engine",
    10106: "client hints from a browser that never sends them",
    10107: "browser claim without accept",
    10201: "more than 30 requests in 10 s from this client at this PoP",
    10202: "more than 120 requests in 10 s from this client at this PoP",
}

#: Scores below this are "likely automated" (Cloudflare: 1 automated, 2-29 likely automated).
LIKELY_BOT_BELOW = 30

_TOOLS = re.compile(
    r"^(curl|wget|python-requests|python-urllib|python-httpx|aiohttp|go-http-client|okhttp|"
    r"java/|apache-httpclient|libwww-perl|scrapy|axios|node-fetch|undici|httpie|postmanruntime|"
    r"insomnia|guzzlehttp|ruby|php|powershell|dart|rest-client|lwp::simple|winhttp)",
    re.IGNORECASE,
)
_TOOL_FAMILIES = frozenset(
    {
        "curl",
        "Wget",
        "Python Requests",
        "Python-urllib",
        "okhttp",
        "Apache-HttpClient",
        "Go-http-client",
    }
)
_HEADLESS = re.compile(r"headless|phantomjs|puppeteer|playwright|selenium|electron", re.IGNORECASE)
_SELF_DECLARED = re.compile(r"bot\b|bot/|crawler|spider|scraper", re.IGNORECASE)
_STATIC = frozenset(
    [
        "css",
        "js",
        "mjs",
        "map",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "webp",
        "avif",
        "svg",
        "ico",
        "bmp",
        "woff",
        "woff2",
        "ttf",
        "otf",
        "eot",
        "mp4",
        "webm",
        "mp3",
        "ogg",
        "wav",
        "pdf",
        "zip",
        "gz",
        "txt",
        "xml",
        "json",
        "wasm",
    ]
)

_SOFT_RATE = 30.0
_HARD_RATE = 120.0


@dataclass(frozen=True, slots=True)
class BotVerdict:
    """The model's answer for one request."""

    score: int
    verified_bot: bool = False
    category: str = ""
    static_resource: bool = False
    corporate_proxy: bool = False
    detection_ids: tuple[int, ...] = ()
    #: What the User-Agent claims (ua-parser's family, or the crawler's name).
    claim: str = ""

    @property
    def likely_bot(self) -> bool:
        return self.score < LIKELY_BOT_BELOW

    def reasons(self) -> list[str]:
        return [DETECTIONS[d] for d in self.detection_ids]

    def cf(self) -> dict[str, Any]:
        """The fields this adds to ``request.cf``: ``botManagement`` and
        ``verifiedBotCategory``. ``ja3Hash`` and ``ja4`` are ``null``: a PoP of edgert sees no
        TLS ClientHello (``docs/bots.md``)."""
        return {
            "botManagement": {
                "score": self.score,
                "verifiedBot": self.verified_bot,
                "staticResource": self.static_resource,
                "corporateProxy": self.corporate_proxy,
                "detectionIds": list(self.detection_ids),
                "ja3Hash": None,
                "ja4": None,
            },
            "verifiedBotCategory": self.category,
        }


@functools.lru_cache(maxsize=4096)
def _parse(user_agent: str) -> tuple[str, int]:
    """``(family, major version)`` of a User-Agent (cached: parsing costs ~80 us)."""
    r = parse_ua(user_agent)
    ua = r.user_agent if r is not None else None
    if ua is None:
        return "Other", 0
    try:
        major = int(ua.major) if ua.major else 0
    except ValueError:
        major = 0
    return ua.family, major


def _static(path: str) -> bool:
    last = path.split("?", 1)[0].rsplit("/", 1)[-1]
    return "." in last and last.rsplit(".", 1)[-1].lower() in _STATIC


def _in_order(names: list[str], order: tuple[str, ...]) -> bool:
    """Whether the headers of ``order`` that are present come in that relative order."""
    seen = [n for n in names if n in order]
    positions = [order.index(n) for n in dict.fromkeys(seen)]
    return positions == sorted(positions)


@dataclass(slots=True)
class BotManagement:
    """The scoring model of a network: its crawler table, the corporate proxies it knows
    (CIDRs), and the per-PoP request-rate counters it keeps."""

    crawlers: CrawlerTable = field(default_factory=default_crawlers)
    corporate_proxies: tuple[str, ...] = ()
    rates: RateTracker = field(default_factory=RateTracker)
    _proxies: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()
    #: Its Rust twin for servers (``edgert.bots.native.native_model``), made on first use.
    _native: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._proxies = tuple(ipaddress.ip_network(c, strict=False) for c in self.corporate_proxies)

    def score(
        self,
        headers: Iterable[tuple[str, str]] | Mapping[str, str],
        *,
        path: str = "/",
        pop: str = "",
        client: Hashable = None,
        now: float = 0.0,
    ) -> BotVerdict:
        """The verdict for one request with ``headers`` (in the order they came) for ``path``,
        arriving at PoP ``pop`` at ``now`` from ``client`` (used for the rate when no
        ``cf-connecting-ip`` header names the address)."""
        pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers)
        names = [k.lower() for k, _ in pairs]
        values = {k.lower(): v for k, v in pairs}
        ip = values.get("cf-connecting-ip")
        rate = self.rates.hit(pop, ip if ip is not None else client, now)
        static = _static(path)
        proxy = self._is_proxy(ip)
        ids: list[int] = []
        ua = values.get("user-agent", "").strip()
        verdict = self._identity(ua, ip, ids)
        if verdict is not None:
            score, verified, category, claim = verdict
        else:
            family, major = _parse(ua)
            claim = family
            verified, category = False, ""
            score = self._browser(family, major, names, values, ids)
        if rate > _HARD_RATE:
            ids.append(10202)
            score = min(score, 10)
        elif rate > _SOFT_RATE:
            ids.append(10201)
            score -= 20
        return BotVerdict(
            score=max(1, min(99, score)),
            verified_bot=verified,
            category=category,
            static_resource=static,
            corporate_proxy=proxy,
            detection_ids=tuple(ids),
            claim=claim,
        )

    def _is_proxy(self, ip: str | None) -> bool:
        if ip is None or not self._proxies:
            return False
        try:
            addr = ipaddress.ip_address(ip)
        except ValueError:
            return False
        return any(addr in n for n in self._proxies)

    def _identity(
        self, ua: str, ip: str | None, ids: list[int]
    ) -> tuple[int, bool, str, str] | None:
        """Step 1: ``(score, verified, category, claim)`` when the User-Agent decides."""
        if not ua:
            ids.append(10001)
            return 1, False, "", ""
        crawler = self.crawlers.match(ua)
        if crawler is not None:
            if crawler.owns(ip):
                ids.append(10004)
                return 1, True, crawler.category, crawler.name
            ids.append(10005)
            return 1, False, "", crawler.name
        if _HEADLESS.search(ua):
            ids.append(10003)
            return 1, False, "", _parse(ua)[0]
        family = _parse(ua)[0]
        if _TOOLS.match(ua) or family in _TOOL_FAMILIES:
            ids.append(10002)
            return 1, False, "", family
        if _SELF_DECLARED.search(ua):
            ids.append(10006)
            return 5, False, "", family
        return None

    @staticmethod
    def _browser(
        family: str, major: int, names: list[str], values: dict[str, str], ids: list[int]
    ) -> int:
        """Step 2: the score of a browser claim from its headers."""
        engine = engine_of(family)
        if engine is None:
            ids.append(10007)
            return 40
        score = 95
        hints = "sec-ch-ua" in values
        if engine.client_hints_from is not None and major >= engine.client_hints_from and not hints:
            ids.append(10101)
            score -= 35
        if engine.client_hints_from is None and hints:  # a Chromium client lying about itself
            ids.append(10106)
            score -= 50
        if major >= engine.fetch_metadata_from and not (
            "sec-fetch-mode" in values and "sec-fetch-site" in values
        ):
            ids.append(10102)
            score -= 30
        if "accept" not in values:
            ids.append(10107)
            score -= 15
        if "accept-language" not in values:
            ids.append(10103)
            score -= 25
        if "gzip" not in values.get("accept-encoding", "").lower():
            ids.append(10104)
            score -= 15
        if not _in_order(names, engine.order):
            ids.append(10105)
            score -= 30
        return score
