"""``[bots]``: labelled bot and human traffic through a network with bot management, and how
well the score separates them.

Humans are the scenario's population browsing with real browsers (Chrome, Firefox, Safari,
with the headers each sends), a request every few seconds; bots are the kinds asked for, each
a client of the population sending at its own rate. Every request goes through the network
(anycast to its PoP, the PoP's bot model, a probe worker that reads ``request.cf``); a request
is *flagged* when its score is below 30 (Cloudflare's "likely automated"). Reported: precision
and recall of the flag against the labels the study generated, per-kind detection rates, and
the score distribution of humans and bots::

    [bots]
    share = 0.3              # of all requests
    requests = 3000
    duration_s = 60
    kinds = { curl = 1, python = 1, headless = 1, fake-browser = 1, stealth = 1, flood = 1,
              crawler = 1, spoofed-crawler = 1 }
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from edgert.errors import ScenarioError

if TYPE_CHECKING:
    from edgert.sim.scenario import Scenario, _Table

__all__ = ["KINDS", "BotsStudy", "parse", "run"]

_CHROME_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
_FIREFOX_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0"
_SAFARI_UA = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like "
    "Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
_GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"

_BROWSERS: list[list[tuple[str, str]]] = [
    [
        ("sec-ch-ua", '"Chromium";v="120", "Google Chrome";v="120"'),
        ("sec-ch-ua-mobile", "?0"),
        ("sec-ch-ua-platform", '"Windows"'),
        ("user-agent", _CHROME_UA),
        ("accept", "text/html,application/xhtml+xml"),
        ("sec-fetch-site", "same-origin"),
        ("sec-fetch-mode", "navigate"),
        ("sec-fetch-dest", "document"),
        ("accept-encoding", "gzip, deflate, br"),
        ("accept-language", "en-US,en;q=0.9"),
    ],
    [
        ("user-agent", _FIREFOX_UA),
        ("accept", "text/html"),
        ("accept-language", "de,en;q=0.5"),
        ("accept-encoding", "gzip, deflate, br"),
        ("sec-fetch-dest", "document"),
        ("sec-fetch-mode", "navigate"),
        ("sec-fetch-site", "same-origin"),
    ],
    [
        ("accept", "text/html"),
        ("sec-fetch-site", "same-origin"),
        ("sec-fetch-dest", "document"),
        ("accept-language", "ja-JP"),
        ("sec-fetch-mode", "navigate"),
        ("user-agent", _SAFARI_UA),
        ("accept-encoding", "gzip, deflate, br"),
    ],
]

#: Bot kinds: (headers, requests per second per bot, address kind).
KINDS: dict[str, tuple[list[tuple[str, str]], float, str]] = {
    "curl": ([("user-agent", "curl/8.4.0"), ("accept", "*/*")], 1.0, "any"),
    "python": (
        [
            ("user-agent", "python-requests/2.31.0"),
            ("accept", "*/*"),
            ("accept-encoding", "gzip, deflate"),
        ],
        2.0,
        "any",
    ),
    "headless": (
        [(k, v.replace("Chrome/", "HeadlessChrome/")) for k, v in _BROWSERS[0]],
        1.0,
        "any",
    ),
    # A script that copies a browser's User-Agent and nothing else.
    "fake-browser": ([("user-agent", _CHROME_UA), ("accept", "*/*")], 1.0, "any"),
    # Every header of a real Chrome, at 8 requests/s: below the model's hard rate threshold
    # (120 in 10 s), so nothing a PoP sees gives it away.
    "stealth": (list(_BROWSERS[0]), 8.0, "any"),
    # The same at 30 requests/s: the rate at its PoP gives it away.
    "flood": (list(_BROWSERS[0]), 30.0, "any"),
    "crawler": ([("user-agent", _GOOGLEBOT), ("accept", "*/*")], 1.0, "google"),
    "spoofed-crawler": ([("user-agent", _GOOGLEBOT), ("accept", "*/*")], 1.0, "any"),
}

PROBE = """
export default {
  fetch(request) {
    const bm = request.cf.botManagement;
    return new Response(null, { status: 204, headers: { "x-score": String(bm.score),
      "x-verified": String(bm.verifiedBot) } });
  },
};
"""

#: Score buckets of the distribution (Cloudflare's reading: 1 automated, 2-29 likely automated).
BUCKETS = ((1, 1), (2, 29), (30, 49), (50, 79), (80, 99))


@dataclass(frozen=True, slots=True)
class BotsStudy:
    share: float = 0.3
    requests: int = 3000
    duration_s: float = 60.0
    kinds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(KINDS, 1.0))


def parse(t: _Table) -> BotsStudy:
    kinds_raw = t.get("kinds", dict.fromkeys(KINDS, 1))
    if not isinstance(kinds_raw, dict) or not kinds_raw:
        raise ScenarioError(f"{t.key('kinds')}: must be a table of kind = weight")
    kinds: dict[str, float] = {}
    for k, w in kinds_raw.items():
        if k not in KINDS:
            raise ScenarioError(f"{t.key('kinds')}.{k}: unknown kind; known: {', '.join(KINDS)}")
        if isinstance(w, bool) or not isinstance(w, int | float) or w <= 0:
            raise ScenarioError(f"{t.key('kinds')}.{k}: weight must be a positive number")
        kinds[k] = float(w)
    study = BotsStudy(
        share=t.number("share", 0.3, low=0, high=1),
        requests=t.integer("requests", 3000, low=1),
        duration_s=t.number("duration_s", 60.0, low=0, strict_low=True),
        kinds=kinds,
    )
    t.check_unknown()
    return study


def _ip(rng: np.random.Generator, kind: str) -> str:
    if kind == "google":
        return f"66.249.{64 + int(rng.integers(0, 32))}.{int(rng.integers(1, 255))}"
    # Addresses outside every crawler's published range (TEST-NET-3 and 198.18/15).
    return f"198.{18 + int(rng.integers(0, 2))}.{int(rng.integers(0, 256))}.{int(rng.integers(1, 255))}"


def _schedule(
    study: BotsStudy, rng: np.random.Generator, n_clients: int
) -> list[tuple[float, int, str, list[tuple[str, str]]]]:
    """``(time, client index, label, headers)`` for every request, in time order."""
    out: list[tuple[float, int, str, list[tuple[str, str]]]] = []
    n_bot = round(study.requests * study.share)
    total_w = sum(study.kinds.values())
    cum_w = 0.0
    given = 0
    for kind, w in study.kinds.items():
        headers, rate, addr = KINDS[kind]
        cum_w += w
        want = round(n_bot * cum_w / total_w) - given  # cumulative: the kinds sum to n_bot
        given += want
        per_bot = max(1, int(rate * study.duration_s))
        made = 0
        while made < want:
            client = int(rng.integers(0, n_clients))
            ip = _ip(rng, addr)
            n = min(per_bot, want - made)
            start = float(rng.uniform(0.0, max(0.0, study.duration_s - n / rate)))
            for j in range(n):
                out.append((start + j / rate, client, kind, [*headers, ("cf-connecting-ip", ip)]))
            made += n
    n_human = study.requests - n_bot
    made = 0
    while made < n_human:
        client = int(rng.integers(0, n_clients))
        browser = _BROWSERS[int(rng.integers(0, len(_BROWSERS)))]
        ip = _ip(rng, "any")
        n = min(int(rng.integers(3, 12)), n_human - made)
        t = float(rng.uniform(0.0, study.duration_s))
        for _ in range(n):
            out.append((t, client, "human", [*browser, ("cf-connecting-ip", ip)]))
            t += float(rng.exponential(4.0)) + 0.5
        made += n
    out.sort(key=lambda r: (r[0], r[1], r[2]))
    return out


def run(scenario: Scenario, study: BotsStudy) -> dict[str, Any]:
    import edgert
    from edgert.bots import BotManagement
    from edgert.sim.population import Population

    rng = np.random.default_rng(scenario.seed)
    population = Population(scenario.population, scenario.access)
    users = population.draw(rng, 64, scenario.latency_params())
    clients = [population.client(users, i) for i in range(64)]
    schedule = _schedule(study, rng, len(clients))
    start = 1_700_000_000.0
    net = edgert.Network(
        scenario.pops,
        origin=edgert.Origin(handler=lambda r: "origin"),
        workers={"probe": edgert.Worker(PROBE, seed=1)},
        routes=[("shop.example/*", "probe")],
        start=start,
        seed=scenario.seed,
        bots=BotManagement(),
    )
    results: list[tuple[str, int, bool]] = []

    def submit(client: Any, label: str, headers: list[tuple[str, str]]) -> None:
        def done(r: Any) -> None:
            results.append(
                (label, int(r.headers.get("x-score") or 0), r.headers.get("x-verified") == "true")
            )

        net.submit("https://shop.example/", client=client, headers=headers, on_done=done)

    for t, c, label, headers in schedule:
        net.at(start + t, functools.partial(submit, clients[c], label, headers))
    net.run(until=start + study.duration_s + 600.0)
    return summarize(results)


def summarize(results: list[tuple[str, int, bool]]) -> dict[str, Any]:
    """Precision, recall, per-kind detection and score distributions of ``(label, score,
    verified)`` rows (a row is flagged when its score is below 30)."""
    from edgert.bots.model import LIKELY_BOT_BELOW

    tp = sum(1 for lab, s, _ in results if lab != "human" and s < LIKELY_BOT_BELOW)
    fp = sum(1 for lab, s, _ in results if lab == "human" and s < LIKELY_BOT_BELOW)
    fn = sum(1 for lab, s, _ in results if lab != "human" and s >= LIKELY_BOT_BELOW)
    kinds: dict[str, dict[str, Any]] = {}
    for lab, s, verified in results:
        k = kinds.setdefault(lab, {"requests": 0, "flagged": 0, "verified": 0})
        k["requests"] += 1
        k["flagged"] += s < LIKELY_BOT_BELOW
        k["verified"] += verified
    for k in kinds.values():
        k["flagged_share"] = round(k["flagged"] / k["requests"], 4)

    def distribution(rows: list[int]) -> dict[str, int]:
        return {
            (f"{lo}" if lo == hi else f"{lo}-{hi}"): sum(1 for s in rows if lo <= s <= hi)
            for lo, hi in BUCKETS
        }

    return {
        "requests": len(results),
        "threshold": LIKELY_BOT_BELOW,
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "false_positive_share_of_humans": round(
            fp / max(1, sum(1 for lab, _, _ in results if lab == "human")), 4
        ),
        "kinds": dict(sorted(kinds.items())),
        "scores": {
            "humans": distribution([s for lab, s, _ in results if lab == "human"]),
            "bots": distribution([s for lab, s, _ in results if lab != "human"]),
        },
    }
