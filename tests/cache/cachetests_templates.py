"""Templates and helpers for the translated HTTP caching test suite (``cachetests_cases.py``):
the suite's shared request templates (``fresh``, ``stale``, ``become_stale``, merged the way the
suite's ``makeTemplate`` merges: lists concatenated, other members replaced) and the registry
that the suite modules add their cases to.
"""

from __future__ import annotations

import hashlib
from typing import Any

Case = dict[str, Any]
Req = dict[str, Any]

SRC = "http-tests/cache-tests tests/"


def content(key: str, length: int = 15) -> str:
    """A stable string of lowercase letters for ``key`` (the suite's generated values)."""
    digest = hashlib.sha256(key.encode()).digest()
    return "".join(chr(97 + b % 26) for b in digest[:length])


def _merge(template: Req, request: Req) -> Req:
    """The suite's template merge: lists are concatenated, other members replaced."""
    out: Req = {k: (list(v) if isinstance(v, list) else v) for k, v in template.items()}
    for key, value in request.items():
        if isinstance(value, list):
            out[key] = [*out.get(key, []), *value]
        else:
            out[key] = value
    return out


def fresh(**request: Any) -> Req:
    return _merge(
        {
            "response_headers": [["Cache-Control", "max-age=100000"], ["Date", 0]],
            "setup": True,
            "pause_after": True,
        },
        request,
    )


def stale(**request: Any) -> Req:
    return _merge(
        {
            "response_headers": [["Expires", -5000], ["Last-Modified", -100000], ["Date", 0]],
            "setup": True,
            "pause_after": True,
        },
        request,
    )


def become_stale(**request: Any) -> Req:
    return _merge(
        {
            "response_headers": [["Cache-Control", "max-age=2"], ["Date", 0], ["Template-A", "1"]],
            "setup": True,
            "pause_after": True,
        },
        request,
    )


CASES: list[Case] = []


def case(
    suite: str, file: str, id: str, *requests: Req, kind: str = "required", **flags: Any
) -> None:
    CASES.append(
        {
            "id": id,
            "suite": suite,
            "src": SRC + file,
            "kind": kind,
            "requests": list(requests),
            **flags,
        }
    )


def rh(*headers: Any) -> list[list[Any]]:
    return [list(h) for h in headers]


def setup_pause(*headers: Any, **more: Any) -> Req:
    """The suite's most common first request: store a response, then wait 3 s."""
    return {"response_headers": rh(*headers), "setup": True, "pause_after": True, **more}


CACHED: Req = {"expected_type": "cached"}
NOT_CACHED: Req = {"expected_type": "not_cached"}


def setup_only(*headers: Any, **more: Any) -> Req:
    """A first request that stores a response, without waiting."""
    return {"response_headers": rh(*headers), "setup": True, **more}
