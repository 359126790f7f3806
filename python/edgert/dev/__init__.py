"""``edgert dev``'s machinery: reloading a worker when its files change while the network keeps
its data (:mod:`edgert.dev.reloader`), and the one-line-per-request log (:mod:`edgert.dev.log`)."""

from __future__ import annotations

from edgert.dev.log import format_access, format_console
from edgert.dev.reloader import Reloader, ReloadOutcome
from edgert.dev.session import DevSession

__all__ = ["DevSession", "ReloadOutcome", "Reloader", "format_access", "format_console"]
