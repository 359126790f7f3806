"""The HTTP caching test suite, translated: serving stale, Age and Date, query strings, cookies,
Authorization, CDN-Cache-Control and HEAD (see ``cachetests_cases.py``)."""

from __future__ import annotations

from typing import Any

from cachetests_templates import (
    CACHED,
    NOT_CACHED,
    Req,
    become_stale,
    case,
    content,
    fresh,
    rh,
    setup_only,
    setup_pause,
    stale,
)

_setup = setup_only

# -- stale.mjs ---------------------------------------------------------------------------------
ST = ("stale", "stale.mjs")
case(
    *ST,
    "stale-close",
    become_stale(),
    {"disconnect": True, "expected_type": "cached"},
    kind="check",
)
case(
    *ST,
    "stale-503",
    become_stale(),
    {
        "response_status": [503, "Service Unavailable"],
        "expected_status": 200,
        "expected_type": "cached",
    },
    kind="check",
)
case(
    *ST,
    "stale-while-revalidate",
    setup_pause(("Cache-Control", "max-age=1, stale-while-revalidate=3600"), ("ETag", '"abc"')),
    CACHED,
    kind="optimal",
)
case(
    *ST,
    "stale-while-revalidate-window",
    setup_pause(("Cache-Control", "max-age=1, stale-while-revalidate=4"), ("ETag", '"abc"')),
    setup_pause(
        ("Cache-Control", "no-cache", False), ("ETag", '"def"', False), expected_type="cached"
    ),
    {"expected_response_headers": [["client-request-count", "3"]]},
)
case(
    *ST,
    "stale-sie-close",
    setup_pause(("Cache-Control", "max-age=2, stale-if-error=60")),
    {"disconnect": True, "expected_type": "cached"},
    kind="check",
)
case(
    *ST,
    "stale-sie-503",
    setup_pause(("Cache-Control", "max-age=2, stale-if-error=60")),
    {"disconnect": True, "expected_type": "cached"},
    kind="check",
)
for _cc, _shared, _value in (
    ("must-revalidate", False, ""),
    ("proxy-revalidate", True, ""),
    ("no-cache", False, ""),
    ("s-maxage", True, "=2"),
):
    case(
        *ST,
        f"stale-close-{_cc}{_value}",
        setup_pause(("Cache-Control", f"max-age=2, {_cc}{_value}")),
        {
            "disconnect": True,
            "expected_status": None,
            "check_body": False,
            "expected_response_headers_missing": ["server-request-count"],
        },
        browser_skip=_shared,
    )
case(
    *ST,
    "stale-warning-stored",
    stale(),
    {
        "disconnect": True,
        "expected_type": "cached",
        "expected_response_headers": ["warning"],
        "setup_tests": ["expected_type"],
    },
    kind="check",
)
case(
    *ST,
    "stale-warning-become",
    become_stale(),
    {
        "disconnect": True,
        "expected_type": "cached",
        "expected_response_headers": ["warning"],
        "setup_tests": ["expected_type"],
    },
    kind="check",
)

# -- other.mjs ---------------------------------------------------------------------------------
OTH = ("other", "other.mjs")
case(
    *OTH,
    "other-age-gen",
    fresh(),
    {"expected_type": "cached", "expected_response_headers": [["Age", ">", 2]]},
)
case(
    *OTH,
    "other-age-delay",
    {
        "response_headers": rh(("Cache-Control", "max-age=3600"), ("Date", 0)),
        "response_pause": 5,
        "expected_response_headers": [["age", ">", 0]],
    },
    kind="check",
)
case(
    *OTH,
    "other-age-update-expires",
    setup_pause(("Expires", 30 * 24 * 3600), ("Date", 0), ("Age", "30")),
    {"expected_type": "cached", "expected_response_headers": [["Age", ">", 32]]},
)
case(
    *OTH,
    "other-age-update-max-age",
    fresh(response_headers=[["Age", "30"]]),
    {"expected_type": "cached", "expected_response_headers": [["Age", ">", 32]]},
)
case(
    *OTH,
    "other-date-update",
    fresh(),
    {"expected_type": "cached", "expected_response_headers": [["Date", 0]]},
)
case(
    *OTH,
    "other-date-update-expires",
    setup_pause(("Expires", 30 * 24 * 3600), ("Date", 0)),
    {"expected_type": "cached", "expected_response_headers": [["Date", 0]]},
)
case(
    *OTH,
    "other-date-update-expires-update",
    setup_pause(("Expires", 30 * 24 * 3600), ("Date", 0)),
    {"expected_type": "cached", "expected_response_headers": [["Expires", 30 * 24 * 3600]]},
    kind="check",
)
case(
    *OTH,
    "query-args-different",
    fresh(query_arg="test=" + content("query-args-different-1")),
    {"query_arg": "test=" + content("query-args-different-2"), "expected_type": "not_cached"},
)
case(
    *OTH,
    "query-args-same",
    fresh(query_arg="test=" + content("query-args-same")),
    {"query_arg": "test=" + content("query-args-same"), "expected_type": "cached"},
    kind="optimal",
)
case(
    *OTH,
    "other-heuristic-content-disposition-attachment",
    _setup(
        ("Last-Modified", -100000),
        ("Date", 0),
        ("Content-Disposition", "attachment; filename=example.txt"),
    ),
    CACHED,
    kind="check",
)
case(
    *OTH,
    "other-fresh-content-disposition-attachment",
    fresh(response_headers=[["Content-Disposition", "attachment; filename=example.txt"]]),
    CACHED,
    kind="check",
)
case(
    *OTH,
    "other-set-cookie",
    fresh(response_headers=[["Set-Cookie", "a=b"]]),
    CACHED,
    kind="optimal",
)
case(
    *OTH,
    "other-cookie",
    fresh(),
    {"request_headers": [["Cookie", "a=b"]], "expected_type": "cached"},
    kind="optimal",
)

# -- authorization.mjs -------------------------------------------------------------------------
AU = ("auth", "authorization.mjs")
case(
    *AU,
    "other-authorization",
    fresh(
        request_headers=[["Authorization", "FOO"]],
        expected_request_headers=[["Authorization", "FOO"]],
    ),
    NOT_CACHED,
    browser_skip=True,
)
for _id, _cc in (
    ("other-authorization-public", "max-age=3600, public"),
    ("other-authorization-must-revalidate", "max-age=3600, must-revalidate"),
    ("other-authorization-smaxage", "s-maxage=3600"),
):
    case(
        *AU,
        _id,
        {
            "request_headers": [["Authorization", "FOO"]],
            "expected_request_headers": [["Authorization", "FOO"]],
            "response_headers": rh(("Cache-Control", _cc), ("Date", 0)),
            "pause_after": True,
            "setup": True,
        },
        CACHED,
        kind="optimal",
        browser_skip=True,
    )

# -- cdn-cache-control.mjs ---------------------------------------------------------------------
CD = ("cdn-cache-control", "cdn-cache-control.mjs")


def _cdn(cid: str, expect: Req, *headers: Any, kind: str = "required", pause: bool = True) -> None:
    first: Req = {"response_headers": rh(*headers), "setup": True}
    if pause:
        first["pause_after"] = True
    case(*CD, cid, first, expect, kind=kind, cdn_only=True)


_cdn("cdn-max-age", CACHED, ("CDN-Cache-Control", "max-age=3600", False), kind="optimal")
_cdn("cdn-max-age-max", CACHED, ("CDN-Cache-Control", "max-age=2147483648", False), kind="optimal")
_cdn(
    "cdn-max-age-max-plus",
    CACHED,
    ("CDN-Cache-Control", "max-age=99999999999", False),
    kind="optimal",
)
_cdn(
    "cdn-max-age-age",
    NOT_CACHED,
    ("Date", 0),
    ("CDN-Cache-Control", "max-age=3600", False),
    ("Age", "7200"),
)
_cdn(
    "cdn-max-age-space-before-equals",
    NOT_CACHED,
    ("Cache-Control", "max-age=1"),
    ("CDN-Cache-Control", "max-age =100", False),
    kind="check",
)
_cdn(
    "cdn-max-age-space-after-equals",
    NOT_CACHED,
    ("Cache-Control", "max-age=1"),
    ("CDN-Cache-Control", "max-age= 100", False),
    kind="check",
)
_cdn("cdn-max-age-0", NOT_CACHED, ("CDN-Cache-Control", "max-age=0", False))
_cdn(
    "cdn-max-age-extension",
    CACHED,
    ("CDN-Cache-Control", "foobar, max-age=3600", False),
    kind="optimal",
)
_cdn(
    "cdn-max-age-case-insensitive",
    CACHED,
    ("CDN-Cache-Control", "MaX-aGe=3600", False),
    kind="check",
)
_cdn(
    "cdn-max-age-expires",
    CACHED,
    ("CDN-Cache-Control", "max-age=3600", False),
    ("Expires", -10000),
    ("Date", 0),
    kind="optimal",
)
_cdn(
    "cdn-max-age-cc-max-age-invalid-expires",
    CACHED,
    ("CDN-Cache-Control", "max-age=3600", False),
    ("Expires", "0", False),
    ("Date", 0),
    kind="optimal",
)
_cdn(
    "cdn-max-age-0-expires",
    NOT_CACHED,
    ("CDN-Cache-Control", "max-age=0", False),
    ("Expires", 10000),
    ("Date", 0),
)
_cdn(
    "cdn-max-age-short-cc-max-age",
    CACHED,
    ("Cache-Control", "max-age=1"),
    ("CDN-Cache-Control", "max-age=3600", False),
    kind="optimal",
)
_cdn(
    "cdn-max-age-long-cc-max-age",
    NOT_CACHED,
    ("Cache-Control", "max-age=3600"),
    ("CDN-Cache-Control", "max-age=1", False),
)
_cdn(
    "cdn-private",
    NOT_CACHED,
    ("CDN-Cache-Control", "private"),
    ("Cache-Control", "max-age=10000"),
    ("Expires", 10000),
    ("Date", 0),
    pause=False,
)
_cdn(
    "cdn-no-cache",
    NOT_CACHED,
    ("CDN-Cache-Control", "no-cache"),
    ("Cache-Control", "max-age=10000"),
    ("Expires", 10000),
    ("Date", 0),
    pause=False,
)
_cdn(
    "cdn-no-store-cc-fresh",
    NOT_CACHED,
    ("Cache-Control", "max-age=10000"),
    ("CDN-Cache-Control", "no-store", False),
    ("Expires", 10000),
    ("Date", 0),
)
_cdn(
    "cdn-fresh-cc-nostore",
    CACHED,
    ("Cache-Control", "no-store"),
    ("CDN-Cache-Control", "max-age=10000", False),
)
_cdn(
    "cdn-cc-invalid-sh-type-unknown",
    NOT_CACHED,
    ("CDN-Cache-Control", "max-age=10000, &&&&&", False),
    ("Cache-Control", "no-store"),
)
_cdn(
    "cdn-cc-invalid-sh-type-wrong",
    NOT_CACHED,
    ("CDN-Cache-Control", 'max-age="10000"', False),
    ("Cache-Control", "no-store"),
)
case(
    *CD,
    "cdn-remove-header",
    {
        "response_headers": rh(
            ("Cache-Control", "max-age=10000"),
            ("CDN-Cache-Control", "foo", False),
            ("Expires", 10000),
            ("Date", 0),
        ),
        "expected_response_headers": [["CDN-Cache-Control", "foo"]],
    },
    kind="check",
    cdn_only=True,
)
for _id, _extra, _expect in (
    ("cdn-remove-age-exceed", (), ["Age"]),
    ("cdn-date-update-exceed", (), [["Date", 0]]),
    ("cdn-expires-update-exceed", (("Expires", 1),), [["Expires", 1]]),
):
    case(
        *CD,
        _id,
        setup_pause(
            ("Cache-Control", "max-age=1"),
            *_extra,
            ("CDN-Cache-Control", "max-age=10000"),
            ("Date", 0),
        ),
        {"expected_response_headers": _expect},
        kind="check",
        cdn_only=True,
    )

# -- update-head.mjs ---------------------------------------------------------------------------
UH = ("update-head", "update-head.mjs")
case(
    *UH,
    "head-writethrough",
    become_stale(),
    {"request_method": "HEAD", "expected_method": "HEAD"},
    kind="check",
)
case(
    *UH,
    "head-200-retain",
    become_stale(),
    {
        "request_method": "HEAD",
        "expected_method": "HEAD",
        "expected_response_headers": [["Template-A", "1"]],
    },
    kind="check",
)
case(
    *UH,
    "head-200-freshness-update",
    become_stale(),
    {
        "request_method": "HEAD",
        "expected_method": "HEAD",
        "response_headers": [["Cache-Control", "max-age=1000"]],
    },
    CACHED,
    kind="check",
)
for _id, _status in (("head-200-update", None), ("head-410-update", [410, "Gone"])):
    _head: Req = {
        "request_method": "HEAD",
        "expected_method": "HEAD",
        "response_headers": [["Template-A", "2"], ["Cache-Control", "max-age=1000"]],
    }
    if _status is not None:
        _head["response_status"] = _status
    case(
        *UH,
        _id,
        become_stale(),
        _head,
        {
            "expected_type": "cached",
            "setup_tests": ["expected_type"],
            "expected_response_headers": [["Template-A", "2"]],
        },
        kind="check",
    )

# -- cc-stale.mjs (RFC 5861; its stale-while-revalidate case shares an id with stale.mjs's) -----
CS = ("cc-stale", "cc-stale.mjs")
case(
    *CS,
    "cc-stale/stale-while-revalidate",
    _setup(("Cache-Control", "max-age=0, stale-while-revalidate=3600"), ("ETag", '"abc"')),
    {
        "pause_after": True,
        "expected_response_headers": [
            ["Cache-Control", "max-age=0, stale-while-revalidate=3600"],
            ["ETag", '"abc"'],
        ],
        "response_headers": [["Cache-Control", "max-age=3600", False], ["ETag", '"def"', False]],
    },
    {
        "expected_type": "cached",
        "expected_response_headers": [["Cache-Control", "max-age=3600"], ["ETag", '"def"']],
    },
    kind="optimal",
)
case(
    *CS,
    "stale-if-error-cc-response",
    _setup(("Cache-Control", "max-age=0, stale-if-error=3600")),
    {"response_status": [500, "Internal Server Error"], "expected_status": 200},
    kind="check",
)
case(
    *CS,
    "stale-if-error-cc-response-expired",
    _setup(("Cache-Control", "max-age=0, stale-if-error=1"), pause_after=True),
    {"response_status": [500, "Internal Server Error"]},
)
case(
    *CS,
    "stale-if-error-cc-request",
    _setup(("Cache-Control", "max-age=0")),
    {
        "request_headers": [["Cache-Control", "stale-if-error=3600"]],
        "response_status": [500, "Internal Server Error"],
        "expected_status": 200,
    },
    kind="check",
)
case(
    *CS,
    "stale-if-error-cc-request-expired",
    _setup(("Cache-Control", "max-age=0"), pause_after=True),
    {
        "request_headers": [["Cache-Control", "stale-if-error=1"]],
        "response_status": [500, "Internal Server Error"],
    },
)
