"""Known crawlers: the User-Agent token that names each, its ``verifiedBotCategory``, and the
address ranges its operator publishes. A request that names a crawler is a *verified bot* only
when its client address is in that crawler's ranges; otherwise it is a crawler impersonation.

The default ranges are a small, illustrative excerpt of what the operators publish (each
operator's list changes; a deployment configures its own with :meth:`CrawlerTable.from_mapping`
and ``BotManagement(crawlers=...)``)."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from edgert.errors import ConfigError

__all__ = ["CATEGORIES", "Crawler", "CrawlerTable", "default_crawlers"]

#: ``verifiedBotCategory`` values Workers documents that the default table uses.
CATEGORIES = (
    "Search Engine Crawler",
    "Search Engine Optimization",
    "Monitoring & Analytics",
    "Advertising & Marketing",
    "Social Media Marketing",
    "Page Preview",
    "Academic Research",
    "Security",
    "Accessibility",
    "Webhooks",
    "Feed Fetcher",
    "AI Crawler",
    "Aggregator",
    "AI Assistant",
    "AI Search",
    "Archiver",
    "Other",
)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@dataclass(frozen=True, slots=True)
class Crawler:
    """One crawler: ``token`` (case-insensitive, found anywhere in the User-Agent), its
    category, and the networks its operator publishes."""

    name: str
    token: str
    category: str
    networks: tuple[Network, ...]


class CrawlerTable:
    """The crawlers a PoP knows, in order: the model matches a User-Agent against their
    tokens, first match wins (``rust/src/bots/model.rs``)."""

    def __init__(self, crawlers: Iterable[Crawler]) -> None:
        self.crawlers = tuple(crawlers)

    @classmethod
    def from_mapping(cls, table: Mapping[str, Mapping[str, Any]]) -> CrawlerTable:
        """``{name: {"token": ..., "category": ..., "ranges": ["cidr", ...]}}``."""
        out = []
        for name, spec in table.items():
            if not isinstance(spec, Mapping):
                raise ConfigError(f"crawler {name!r}: expected a table, got {spec!r}")
            category = str(spec.get("category", "Other"))
            if category not in CATEGORIES:
                raise ConfigError(f"crawler {name!r}: unknown category {category!r}")
            try:
                nets = tuple(ipaddress.ip_network(r, strict=False) for r in spec.get("ranges", ()))
            except ValueError as exc:
                raise ConfigError(f"crawler {name!r}: {exc}") from None
            out.append(Crawler(name, str(spec.get("token", name)), category, nets))
        return cls(out)


_DEFAULT: dict[str, dict[str, Any]] = {
    "Googlebot": {
        "token": "Googlebot",
        "category": "Search Engine Crawler",
        "ranges": ["66.249.64.0/19", "2001:4860:4801::/48"],
    },
    "Bingbot": {
        "token": "bingbot",
        "category": "Search Engine Crawler",
        "ranges": ["157.55.39.0/24", "40.77.167.0/24", "207.46.13.0/24"],
    },
    "Applebot": {
        "token": "Applebot",
        "category": "Search Engine Crawler",
        "ranges": ["17.0.0.0/8"],
    },
    "DuckDuckBot": {
        "token": "DuckDuckBot",
        "category": "Search Engine Crawler",
        "ranges": ["20.191.45.212/32", "40.88.21.235/32"],
    },
    "GPTBot": {"token": "GPTBot", "category": "AI Crawler", "ranges": ["20.15.240.64/28"]},
    "UptimeRobot": {
        "token": "UptimeRobot",
        "category": "Monitoring & Analytics",
        "ranges": ["69.162.124.224/28", "63.143.42.240/28"],
    },
    "Slackbot": {"token": "Slackbot", "category": "Page Preview", "ranges": ["54.209.0.0/16"]},
}


def default_crawlers() -> CrawlerTable:
    """The built-in table (illustrative ranges; see the module docstring)."""
    return CrawlerTable.from_mapping(_DEFAULT)
