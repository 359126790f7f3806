"""What each browser engine sends with a page request, so that a request can be checked
against the browser its User-Agent claims: the headers it always sends (from the version that
introduced them) and the relative order of a few headers that differs between engines.

The facts, from the engines' own behaviour on a top-level navigation over HTTP/1.1 and HTTP/2:

- **Chromium** (Chrome, Edge, Opera, Samsung Internet, Brave): User-Agent Client Hints
  (``sec-ch-ua``, ``sec-ch-ua-mobile``, ``sec-ch-ua-platform``) since 89, Fetch Metadata
  (``sec-fetch-*``) since 76; order ``sec-ch-ua`` < ``user-agent`` < ``accept`` <
  ``accept-encoding`` < ``accept-language``.
- **Gecko** (Firefox): no client hints; Fetch Metadata since 90; order ``user-agent`` <
  ``accept`` < ``accept-language`` < ``accept-encoding``.
- **WebKit** (Safari, and every iOS browser, which must use WebKit): no client hints; Fetch
  Metadata since 16.4; order ``accept`` < ``accept-language`` < ``user-agent`` <
  ``accept-encoding``.

Every engine sends ``accept``, ``accept-language`` and an ``accept-encoding`` with ``gzip``.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ENGINES", "Engine", "engine_of"]


@dataclass(frozen=True, slots=True)
class Engine:
    """An engine's header facts (versions are the claimed browser's major version)."""

    name: str
    #: First version sending ``sec-ch-ua`` (``None``: never).
    client_hints_from: int | None
    #: First version sending ``sec-fetch-mode`` / ``sec-fetch-site``.
    fetch_metadata_from: int
    #: Headers (lower case) in the relative order the engine sends them.
    order: tuple[str, ...]


ENGINES = {
    "chromium": Engine(
        "chromium",
        89,
        76,
        ("sec-ch-ua", "user-agent", "accept", "accept-encoding", "accept-language"),
    ),
    "gecko": Engine(
        "gecko", None, 90, ("user-agent", "accept", "accept-language", "accept-encoding")
    ),
    "webkit": Engine(
        "webkit", None, 16, ("accept", "accept-language", "user-agent", "accept-encoding")
    ),
}

#: ua-parser browser families -> engine.
_FAMILIES = {
    "Chrome": "chromium",
    "Chrome Mobile": "chromium",
    "Chrome Mobile WebView": "chromium",
    "Chromium": "chromium",
    "Edge": "chromium",
    "Edge Mobile": "chromium",
    "Opera": "chromium",
    "Samsung Internet": "chromium",
    "Brave": "chromium",
    "Yandex Browser": "chromium",
    "Firefox": "gecko",
    "Firefox Mobile": "gecko",
    "Safari": "webkit",
    "Mobile Safari": "webkit",
    "Mobile Safari UI/WKWebView": "webkit",
    "Chrome Mobile iOS": "webkit",
    "Firefox iOS": "webkit",
    "Edge iOS": "webkit",
}


def engine_of(family: str) -> Engine | None:
    """The engine of a ua-parser browser family, ``None`` when it is not a known browser."""
    name = _FAMILIES.get(family)
    return ENGINES[name] if name is not None else None
