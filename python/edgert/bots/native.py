"""The bot model handed to the native front: :class:`edgert._core.BotModel` built from a
:class:`~edgert.bots.BotManagement`'s own tables, so a server's requests score in Rust as the
Python model scores them (``docs/bots.md``, "Under edgert serve and edgert dev").

What crosses once, at start-up: the crawler table (name, token, category, ranges), the
corporate proxies, the rate window, and ua-parser's user-agent matchers (the
``ua-parser-builtins`` rules that :func:`ua_parser.parse` runs through the same Rust engine,
``ua-parser``). The Rust model keeps its own rate counters: the server's requests are
counted there, whichever front or path they take.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from operator import attrgetter

from ua_parser.loaders import load_lazy_builtins

from edgert._core import BotModel
from edgert.bots.model import BotManagement

__all__ = ["native_model", "stamp_cf"]

_Rule = tuple[str, str | None, str | None, str | None, str | None, str | None]


def _ua_rules() -> list[_Rule]:
    """ua-parser's user-agent matchers, in order, as its Rust resolver takes them."""
    fields = attrgetter("regex", "family", "major", "minor", "patch", "patch_minor")
    return [fields(m) for m in load_lazy_builtins()[0]]  # as ua_parser.regex.Resolver does


def native_model(bots: BotManagement) -> BotModel:
    """The Rust twin of ``bots`` (same rules and tables, its own rate counters), made once per
    model: every server of a network counts a client's rate in one place."""
    if bots._native is None:
        bots._native = _build(bots)
    model: BotModel = bots._native
    return model


def _build(bots: BotManagement) -> BotModel:
    crawlers = [
        (c.name, c.token, c.category, [str(n) for n in c.networks]) for c in bots.crawlers.crawlers
    ]
    return BotModel(
        ua_rules=_ua_rules(),
        crawlers=crawlers,
        proxies=list(bots.corporate_proxies),
        window_s=bots.rates.window_s,
    )


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
