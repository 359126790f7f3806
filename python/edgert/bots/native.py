"""The bridge to the Rust bot model (``edgert._core.BotModel``, ``rust/src/bots/``): what
crosses once when a network's model is made, and the servers' per-request call.

What crosses: the crawler table (name, token, category, ranges), the corporate proxies, the
rate window, and ua-parser's user-agent matchers (the ``ua-parser-builtins`` rules that
:func:`ua_parser.parse` runs through the same Rust engine, ``ua-parser``).
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from operator import attrgetter

from ua_parser.loaders import load_lazy_builtins

from edgert._core import BotModel
from edgert.bots.crawlers import CrawlerTable

__all__ = ["build_model", "stamp_cf"]

_Rule = tuple[str, str | None, str | None, str | None, str | None, str | None]


def _ua_rules() -> list[_Rule]:
    """ua-parser's user-agent matchers, in order, as its Rust resolver takes them."""
    fields = attrgetter("regex", "family", "major", "minor", "patch", "patch_minor")
    return [fields(m) for m in load_lazy_builtins()[0]]  # as ua_parser.regex.Resolver does


def build_model(crawlers: CrawlerTable, proxies: Sequence[str], window_s: float) -> BotModel:
    """A Rust model with these tables and its own rate counters (``ConfigError`` on a bad
    CIDR or window)."""
    table = [(c.name, c.token, c.category, [str(n) for n in c.networks]) for c in crawlers.crawlers]
    return BotModel(ua_rules=_ua_rules(), crawlers=table, proxies=list(proxies), window_s=window_s)


def stamp_cf(
    model: BotModel,
    cf: str,
    headers: Sequence[tuple[str, str]],
    url: str,
    pop: str,
    key: str | None,
) -> str:
    """``cf`` with the model's ``botManagement`` for a server's request (the asyncio front;
    the native front does this in Rust), counted at ``pop`` now."""
    return model.cf_json(cf, list(headers), url, pop, key or "", time.time())
