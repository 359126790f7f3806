"""A network's bot model: its configuration (crawler table, corporate proxies, rate window),
the verdict type, and the detection ids' meanings. The rules themselves run in Rust
(``rust/src/bots/``, ``edgert._core.BotModel``; ``docs/bots.md`` describes them): one
implementation for the servers' requests, stamped on the wall clock, and the simulator's,
stamped on its virtual clock.

Theory of operation. :class:`BotManagement` builds its Rust model on first use (from
:mod:`.native`) and keeps it: the model holds the per-PoP request-rate counters, so every
request of the network, whichever path it takes, is counted in one place. A request's rate
is counted by its ``cf-connecting-ip`` when it has one, else by the caller's ``client``: a
string is its own key; any other hashable client (a :class:`~edgert.geo.Client`, a number)
gets a key of its own, equal clients the same one, as a dictionary would key them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from edgert._core import BotModel
from edgert.bots.crawlers import CrawlerTable, default_crawlers
from edgert.bots.native import build_model
from edgert.errors import ConfigError

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

#: Non-string clients given a rate key before the table starts again (as the Rust model's
#: rate table does, at the same size).
_MAX_KEYS = 200_000


@dataclass(frozen=True, slots=True)
class BotVerdict:
    """The model's answer for one request."""

    score: int
    verified_bot: bool = False
    category: str = ""
    static_resource: bool = False
    corporate_proxy: bool = False
    detection_ids: tuple[int, ...] = ()

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


def _pairs(headers: Iterable[tuple[str, str]] | Mapping[str, str] | None) -> list[tuple[str, str]]:
    if headers is None:
        return []
    if isinstance(headers, Mapping):
        return list(headers.items())
    return [(str(k), str(v)) for k, v in headers]


@dataclass(slots=True)
class BotManagement:
    """The bot model of a network: its crawler table, the corporate proxies it knows (CIDRs),
    the rate window, and (made on first use) the Rust model with the per-PoP rate counters."""

    crawlers: CrawlerTable = field(default_factory=default_crawlers)
    corporate_proxies: tuple[str, ...] = ()
    window_s: float = 10.0
    _native: BotModel | None = field(default=None, init=False, repr=False, compare=False)
    _keys: dict[Hashable, str] = field(default_factory=dict, init=False, repr=False, compare=False)
    _made: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for cidr in self.corporate_proxies:  # checked here; the Rust model is made on first use
            try:
                ipaddress.ip_network(cidr, strict=False)
            except ValueError as exc:
                raise ConfigError(f"corporate proxy {cidr!r}: {exc}") from None

    @property
    def native(self) -> BotModel:
        """The Rust model (made once: one set of rate counters per network)."""
        model = self._native
        if model is None:
            model = self._native = build_model(self.crawlers, self.corporate_proxies, self.window_s)
        return model

    def key(self, client: Hashable) -> str:
        """The rate key of ``client`` when no ``cf-connecting-ip`` names the address."""
        if isinstance(client, str) and not client.startswith("\0"):
            return client  # header values hold no NUL: no address nor made key looks like it
        made = self._keys.get(client)
        if made is None:
            if len(self._keys) >= _MAX_KEYS:
                self._keys.clear()
            made = self._keys[client] = f"\0{self._made}"
            self._made += 1
        return made

    def score(
        self,
        headers: Iterable[tuple[str, str]] | Mapping[str, str] | None,
        *,
        path: str = "/",
        pop: str = "",
        client: Hashable = None,
        now: float = 0.0,
    ) -> BotVerdict:
        """The verdict for one request with ``headers`` (in the order they came) for ``path``,
        arriving at PoP ``pop`` at ``now`` from ``client`` (the rate's key when no
        ``cf-connecting-ip`` header names the address); the request is counted."""
        score, verified, category, static, proxy, ids = self.native.score(
            _pairs(headers), path, pop, self.key(client), now
        )
        return BotVerdict(score, verified, category, static, proxy, tuple(ids))

    def cf_json(
        self,
        cf: str,
        url: str,
        headers: Iterable[tuple[str, str]] | Mapping[str, str] | None,
        *,
        pop: str,
        client: Hashable,
        now: float,
    ) -> str:
        """``cf`` (``request.cf`` as a JSON object) with the verdict's fields for a request to
        ``url`` (:meth:`score`'s arguments otherwise); one call into Rust."""
        return self.native.cf_json(cf, _pairs(headers), url, pop, self.key(client), now)
