"""The HTTP caching test suite, translated: freshness, parsing, response and request directives,
status codes, heuristics and Pragma (see ``cachetests_cases.py``)."""

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

# -- cc-freshness.mjs --------------------------------------------------------------------------
F = ("cc-freshness", "cc-freshness.mjs")
case(*F, "freshness-none", {"setup": True, "pause_after": True}, NOT_CACHED, kind="check")
case(
    *F, "freshness-max-age", setup_pause(("Cache-Control", "max-age=3600")), CACHED, kind="optimal"
)
case(*F, "freshness-max-age-stale", become_stale(), NOT_CACHED)
case(*F, "freshness-max-age-0", setup_pause(("Cache-Control", "max-age=0")), NOT_CACHED)
for _v, _id in (
    ("2147483647", "freshness-max-age-max-minus-1"),
    ("2147483648", "freshness-max-age-max"),
    ("2147483649", "freshness-max-age-max-plus-1"),
    ("99999999999", "freshness-max-age-max-plus"),
):
    case(*F, _id, setup_pause(("Cache-Control", f"max-age={_v}")), CACHED, kind="optimal")
case(
    *F,
    "freshness-max-age-age",
    setup_pause(("Date", 0), ("Cache-Control", "max-age=3600"), ("Age", "7200")),
    NOT_CACHED,
)
case(
    *F,
    "freshness-max-age-date",
    setup_pause(("Date", -7200), ("Cache-Control", "max-age=3600")),
    NOT_CACHED,
    kind="check",
)
case(
    *F,
    "freshness-max-age-expires",
    setup_pause(("Cache-Control", "max-age=3600"), ("Expires", -7200), ("Date", 0)),
    CACHED,
    kind="optimal",
)
case(
    *F,
    "freshness-max-age-expires-invalid",
    setup_pause(("Cache-Control", "max-age=3600"), ("Expires", "0", False), ("Date", 0)),
    CACHED,
    kind="optimal",
)
case(
    *F,
    "freshness-max-age-0-expires",
    setup_pause(("Expires", 3600), ("Cache-Control", "max-age=0"), ("Date", 0)),
    NOT_CACHED,
)
case(
    *F,
    "freshness-max-age-extension",
    setup_pause(("Cache-Control", "foobar, max-age=3600")),
    CACHED,
    kind="optimal",
)
case(
    *F,
    "freshness-max-age-case-insenstive",
    setup_pause(("Cache-Control", "MaX-aGe=3600")),
    CACHED,
    kind="optimal",
)
case(*F, "freshness-max-age-negative", setup_pause(("Cache-Control", "max-age=-3600")), NOT_CACHED)
case(
    *F,
    "freshness-s-maxage-shared",
    setup_pause(("Cache-Control", "s-maxage=3600")),
    CACHED,
    browser_skip=True,
)
for _id, _headers in (
    ("freshness-max-age-s-maxage-shared-longer", [("Cache-Control", "max-age=3600, s-maxage=1")]),
    (
        "freshness-max-age-s-maxage-shared-longer-reversed",
        [("Cache-Control", "s-maxage=1, max-age=3600")],
    ),
    (
        "freshness-max-age-s-maxage-shared-longer-multiple",
        [("Cache-Control", "max-age=3600"), ("Cache-Control", "s-maxage=1")],
    ),
):
    case(*F, _id, setup_pause(*_headers), NOT_CACHED, browser_skip=True)
case(
    *F,
    "freshness-max-age-s-maxage-shared-shorter",
    setup_pause(("Cache-Control", "max-age=1, s-maxage=3600")),
    CACHED,
    kind="optimal",
    browser_skip=True,
)
case(
    *F,
    "freshness-max-age-s-maxage-shared-shorter-expires",
    setup_pause(("Expires", -10), ("Cache-Control", "max-age=0, s-maxage=3600")),
    CACHED,
    kind="optimal",
    browser_skip=True,
)

# -- cc-parse.mjs ------------------------------------------------------------------------------
P = ("cc-parse", "cc-parse.mjs")
for _id, _headers, _expect, _kind in (
    ("freshness-max-age-two-fresh-stale-sameline", ["max-age=1800, max-age=1"], CACHED, "check"),
    ("freshness-max-age-two-fresh-stale-sepline", ["max-age=1800", "max-age=1"], CACHED, "check"),
    ("freshness-max-age-two-stale-fresh-sameline", ["max-age=1, max-age=1800"], CACHED, "check"),
    ("freshness-max-age-two-stale-fresh-sepline", ["max-age=1", "max-age=1800"], CACHED, "check"),
    ("freshness-max-age-quoted", ['max-age="3600"'], CACHED, "check"),
    (
        "freshness-max-age-ignore-quoted",
        ['extension="max-age=3600", max-age=1'],
        NOT_CACHED,
        "required",
    ),
    (
        "freshness-max-age-ignore-quoted-rev",
        ['max-age=1, extension="max-age=3600"'],
        NOT_CACHED,
        "required",
    ),
    ("freshness-max-age-space-before-equals", ["max-age =3600"], NOT_CACHED, "check"),
    ("freshness-max-age-space-after-equals", ["max-age= 3600"], NOT_CACHED, "check"),
    ("freshness-max-age-leading-zero", ["max-age=003600"], CACHED, "required"),
    ("freshness-max-age-single-quoted", ["max-age='3600'"], NOT_CACHED, "required"),
    ("freshness-max-age-decimal-zero", ["max-age=3600.0"], CACHED, "check"),
    ("freshness-max-age-decimal-five", ["max-age=3600.5"], CACHED, "check"),
    ("freshness-max-age-a100", ["max-age=a3600"], CACHED, "check"),
    ("freshness-max-age-100a", ["max-age=3600a"], CACHED, "check"),
):
    case(
        *P, _id, setup_pause(*[("Cache-Control", v, False) for v in _headers]), _expect, kind=_kind
    )

# -- age-parse.mjs -----------------------------------------------------------------------------
A = ("age-parse", "age-parse.mjs")
for _id, _ages, _expect, _kind in (
    ("age-parse-nonnumeric", ["abc"], CACHED, "required"),
    ("age-parse-negative", ["-7200"], CACHED, "required"),
    ("age-parse-float", ["7200.0"], CACHED, "required"),
    ("age-parse-large-minus-one", ["2147483647"], NOT_CACHED, "required"),
    ("age-parse-large", ["2147483648"], NOT_CACHED, "required"),
    ("age-parse-larger", ["2147483649"], NOT_CACHED, "required"),
    ("age-parse-suffix", ["7200, 0"], NOT_CACHED, "required"),
    ("age-parse-prefix", ["0, 7200"], CACHED, "required"),
    ("age-parse-suffix-twoline", ["7200", "0"], NOT_CACHED, "required"),
    ("age-parse-prefix-twoline", ["0", "7200"], CACHED, "required"),
    ("age-parse-dup-0", ["0, 0"], CACHED, "required"),
    ("age-parse-dup-0-twoline", ["0", "0"], CACHED, "required"),
    ("age-parse-dup-old", ["3600", "3600"], CACHED, "required"),
    ("age-parse-parameter", ["7200;foo=bar"], NOT_CACHED, "check"),
    ("age-parse-numeric-parameter", ["7200;foo=111"], NOT_CACHED, "check"),
):
    _max_age = "max-age=10000" if _id == "age-parse-dup-old" else "max-age=3600"
    case(
        *A,
        _id,
        setup_pause(("Date", 0), ("Cache-Control", _max_age), *[("Age", a, False) for a in _ages]),
        _expect,
        kind=_kind,
    )

# -- expires-freshness.mjs ---------------------------------------------------------------------
E = ("expires", "expires-freshness.mjs")
case(
    *E,
    "freshness-expires-future",
    setup_pause(("Expires", 30 * 24 * 3600), ("Date", 0)),
    CACHED,
    kind="optimal",
)
case(
    *E, "freshness-expires-past", setup_pause(("Expires", -30 * 24 * 3600), ("Date", 0)), NOT_CACHED
)
case(
    *E,
    "freshness-expires-present",
    {"response_headers": rh(("Expires", 0), ("Date", 0)), "setup": True},
    NOT_CACHED,
)
case(*E, "freshness-expires-old-date", setup_pause(("Expires", 300), ("Date", 400)), NOT_CACHED)
case(*E, "freshness-expires-invalid", setup_pause(("Expires", "0", False), ("Date", 0)), NOT_CACHED)
case(
    *E,
    "freshness-expires-invalid-date",
    {"response_headers": rh(("Date", "foo", False), ("Expires", 10)), "setup": True},
    CACHED,
    kind="optimal",
)
case(
    *E,
    "freshness-expires-age-slow-date",
    {"response_headers": rh(("Date", -10), ("Expires", 10), ("Age", "25")), "setup": True},
    NOT_CACHED,
)
case(
    *E,
    "freshness-expires-age-fast-date",
    {"response_headers": rh(("Date", 10), ("Expires", 20), ("Age", "15")), "setup": True},
    NOT_CACHED,
)

# -- expires-parse.mjs -------------------------------------------------------------------------
X = ("expires-parse", "expires-parse.mjs")
for _id, _values, _expect, _pause in (
    ("freshness-expires-32bit", ["Tue, 19 Jan 2038 14:14:08 GMT"], CACHED, True),
    ("freshness-expires-far-future", ["Sun, 21 Nov 2286 04:46:39 GMT"], CACHED, True),
    ("freshness-expires-rfc850", ["Thursday, 18-Aug-50 02:01:18 GMT"], CACHED, True),
    ("freshness-expires-ansi-c", ["Thu Aug  8 02:01:18 2050"], CACHED, True),
    ("freshness-expires-wrong-case-weekday", ["THU, 18 Aug 2050 02:01:18 GMT"], CACHED, True),
    ("freshness-expires-wrong-case-month", ["Thu, 18 AUG 2050 02:01:18 GMT"], CACHED, True),
    ("freshness-expires-wrong-case-tz", ["Thu, 18 Aug 2050 02:01:18 gMT"], CACHED, True),
    ("freshness-expires-invalid-utc", ["Thu, 18 Aug 2050 02:01:18 UTC"], NOT_CACHED, True),
    ("freshness-expires-invalid-aest", ["Thu, 18 Aug 2050 02:01:18 AEST"], NOT_CACHED, True),
    ("freshness-expires-invalid-2-digit-year", ["Thu, 18 Aug 50 02:01:18 GMT"], NOT_CACHED, True),
    ("freshness-expires-invalid-no-comma", ["Thu 18 Aug 2050 02:01:18 GMT"], NOT_CACHED, True),
    (
        "freshness-expires-invalid-multiple-spaces",
        ["Thu, 18  Aug  2050 02:01:18 GMT"],
        NOT_CACHED,
        False,
    ),
    ("freshness-expires-invalid-date-dashes", ["Thu, 18-Aug-2050 02:01:18 GMT"], NOT_CACHED, False),
    (
        "freshness-expires-invalid-time-periods",
        ["Thu, 18 Aug 2050 02.01.18 GMT"],
        NOT_CACHED,
        False,
    ),
    ("freshness-expires-invalid-1-digit-hour", ["Thu, 18 Aug 2050 2:01:18 GMT"], NOT_CACHED, False),
    (
        "freshness-expires-invalid-multiple-lines",
        ["Thu, 18 Aug 2050 2:01:18 GMT", "Thu, 18 Aug 2050 2:01:19 GMT"],
        NOT_CACHED,
        False,
    ),
):
    _first: Req = {
        "response_headers": rh(*[("Expires", v, False) for v in _values], ("Date", 0)),
        "setup": True,
    }
    if _pause:
        _first["pause_after"] = True
    case(*X, _id, _first, _expect, kind="optimal" if _expect is CACHED else "required")

# -- cc-response.mjs ---------------------------------------------------------------------------
R = ("cc-response", "cc-response.mjs")


case(
    *R,
    "cc-resp-private-shared",
    _setup(("Cache-Control", "private, max-age=3600")),
    NOT_CACHED,
    browser_skip=True,
)
case(*R, "cc-resp-no-store", _setup(("Cache-Control", "no-store")), NOT_CACHED)
case(*R, "cc-resp-no-store-case-insensitive", _setup(("Cache-Control", "No-StOrE")), NOT_CACHED)
case(
    *R,
    "cc-resp-no-store-fresh",
    _setup(("Cache-Control", "max-age=10000, no-store"), ("Expires", 10000), ("Date", 0)),
    NOT_CACHED,
)
for _id, _cc in (
    ("cc-resp-no-store-old-new", "no-store"),
    ("cc-resp-no-store-old-max-age", "no-store, max-age=0"),
):
    case(
        *R,
        _id,
        setup_pause(
            ("Cache-Control", "max-age=10000"), ("Expires", 10000), ("Date", 0), ("A", "1")
        ),
        setup_pause(("Cache-Control", _cc), ("Date", 0), ("A", "2")),
        {"expected_type": "cached", "expected_response_headers": [["a", "1"]]},
    )
case(
    *R,
    "cc-resp-no-cache",
    _setup(("Cache-Control", "max-age=10000, no-cache"), ("Expires", 10000), ("Date", 0)),
    NOT_CACHED,
)
case(
    *R,
    "cc-resp-no-cache-case-insensitive",
    _setup(("Cache-Control", "max-age=10000, No-CaChE"), ("Expires", 10000), ("Date", 0)),
    NOT_CACHED,
)
case(
    *R,
    "cc-resp-no-cache-revalidate",
    _setup(("Cache-Control", "no-cache"), ("ETag", '"abcd"')),
    {"expected_type": "etag_validated"},
    kind="optimal",
)
case(
    *R,
    "cc-resp-no-cache-revalidate-fresh",
    _setup(
        ("Cache-Control", "max-age=10000, no-cache"),
        ("Expires", 10000),
        ("Date", 0),
        ("ETag", '"abcd"'),
    ),
    {"expected_type": "etag_validated"},
    kind="optimal",
)
case(
    *R,
    "headers-omit-headers-listed-in-Cache-Control-no-cache-single",
    setup_pause(
        ("Cache-Control", 'no-cache="a"'),
        ("a", "1"),
        ("b", "2"),
        ("Cache-Control", "max-age=3600"),
        ("Date", 0),
    ),
    {
        "expected_type": "cached",
        "expected_response_headers": [["b", "2"]],
        "expected_response_headers_missing": ["a"],
        "setup_tests": ["expected_type"],
    },
    kind="check",
)
case(
    *R,
    "headers-omit-headers-listed-in-Cache-Control-no-cache",
    setup_pause(
        ("Cache-Control", 'no-cache="a, b"'),
        ("a", "1"),
        ("b", "2"),
        ("c", "3"),
        ("Cache-Control", "max-age=3600"),
        ("Date", 0),
    ),
    {
        "expected_type": "cached",
        "expected_response_headers": [["c", "3"]],
        "expected_response_headers_missing": ["a", "b"],
        "setup_tests": ["expected_type"],
    },
    kind="check",
)
case(
    *R,
    "cc-resp-must-revalidate-fresh",
    _setup(("Cache-Control", "max-age=10000, must-revalidate"), ("ETag", '"abcd"')),
    CACHED,
    kind="optimal",
)
case(
    *R,
    "cc-resp-must-revalidate-stale",
    _setup(("Cache-Control", "max-age=2, must-revalidate"), ("ETag", '"abcd"')),
    {
        "expected_type": "cached",
        "setup": True,
        "pause_after": True,
        "response_headers": rh(("Cache-Control", "max-age=2, must-revalidate"), ("ETag", '"abcd"')),
    },
    {"expected_type": "etag_validated"},
)

# -- heuristic-freshness.mjs -------------------------------------------------------------------
H = ("heuristic", "heuristic-freshness.mjs")
for _ok, _code, _phrase, *_rest in (
    (True, 200, "OK"),
    (False, 201, "Created"),
    (False, 202, "Accepted"),
    (True, 203, "Non-Authoritative Information"),
    (True, 204, "No Content", None),
    (False, 403, "Forbidden"),
    (True, 404, "Not Found"),
    (True, 405, "Method Not Allowed"),
    (True, 410, "Gone"),
    (True, 414, "URI Too Long"),
    (True, 501, "Not Implemented"),
    (False, 502, "Bad Gateway"),
    (False, 503, "Service Unavailable"),
    (False, 504, "Gateway Timeout"),
    (False, 599, "Unknown"),
    (True, 599, "Unknown", "public"),
):
    _body = None if _rest and _rest[0] is None else content(str(_code))
    _headers = [("Last-Modified", -24 * 3600), ("Date", 0)]
    if _rest and _rest[0] == "public":
        _headers.append(("Cache-Control", "public"))
    _etype = "cached" if _ok else "not_cached"
    case(
        *H,
        f"heuristic-{_code}-{_etype}",
        {
            "response_status": [_code, _phrase],
            "response_headers": rh(*_headers),
            "response_body": _body,
            "setup": True,
        },
        {"expected_type": _etype, "response_status": [_code, _phrase], "response_body": _body},
        kind="optimal" if _ok else "required",
    )
for _delta in (5, 10, 30, 60, 300, 600, 1200, 1800, 3600, 3600 * 12, 3600 * 24):
    case(
        *H,
        f"heuristic-delta-{_delta}",
        setup_pause(("Last-Modified", -_delta), ("Date", 0)),
        CACHED,
        kind="check",
    )

# -- status.mjs --------------------------------------------------------------------------------
S = ("status", "status.mjs")
for _code, _phrase, *_rest in (
    (200, "OK"),
    (203, "Non-Authoritative Information"),
    (204, "No Content", None),
    (299, "Whatever"),
    (301, "Moved Permanently"),
    (302, "Found"),
    (303, "See Other"),
    (307, "Temporary Redirect"),
    (308, "Permanent Redirect"),
    (400, "Bad Request"),
    (404, "Not Found"),
    (410, "Gone"),
    (499, "Whatever"),
    (500, "Internal Server Error"),
    (502, "Bad Gateway"),
    (503, "Service Unavailable"),
    (504, "Gateway Timeout"),
    (599, "Whatever"),
):
    _body = None if _rest else content(str(_code))
    _is3xx = 299 < _code < 400
    case(
        *S,
        f"status-{_code}-fresh",
        fresh(response_status=[_code, _phrase], response_body=_body, redirect="manual"),
        {
            "expected_type": "cached",
            "response_status": [_code, _phrase],
            "redirect": "manual",
            "response_body": _body,
        },
        kind="optimal",
        browser_skip=_is3xx,
    )
    case(
        *S,
        f"status-{_code}-stale",
        stale(response_status=[_code, _phrase], response_body=_body, redirect="manual", setup=True),
        {"expected_type": "not_cached", "redirect": "manual", "response_body": _body},
        browser_skip=_is3xx,
    )
case(
    *S,
    "status-599-must-understand",
    {
        "response_status": [599, "Whatever"],
        "response_headers": rh(("Cache-Control", "max-age=3600, no-store, must-understand")),
        "setup": True,
    },
    NOT_CACHED,
)
case(
    *S,
    "status-200-must-understand",
    {
        "response_status": [200, "OK"],
        "response_headers": rh(("Cache-Control", "max-age=3600, no-store, must-understand")),
        "setup": True,
    },
    CACHED,
    kind="optimal",
)

# -- cc-request.mjs ----------------------------------------------------------------------------
Q = ("cc-request", "cc-request.mjs")


def _req_cc(value: str, **more: Any) -> Req:
    return {"request_headers": [["Cache-Control", value]], **more}


case(*Q, "ccreq-ma0", fresh(), _req_cc("max-age=0", expected_type="not_cached"), kind="check")
case(*Q, "ccreq-ma1", fresh(), _req_cc("max-age=1", expected_type="not_cached"), kind="check")
case(
    *Q,
    "ccreq-magreaterage",
    fresh(response_headers=[["Age", "1800"]]),
    _req_cc("max-age=600", expected_type="not_cached"),
    kind="check",
)
case(
    *Q,
    "ccreq-max-stale",
    become_stale(),
    _req_cc("max-stale=1000", expected_type="cached"),
    kind="check",
)
case(
    *Q,
    "ccreq-max-stale-age",
    _setup(("Cache-Control", "max-age=1500"), ("Age", "2000")),
    _req_cc("max-stale=1000", expected_type="cached"),
    kind="check",
)
case(
    *Q,
    "ccreq-min-fresh",
    _setup(("Cache-Control", "max-age=1500")),
    _req_cc("min-fresh=2000", expected_type="not_cached"),
    kind="check",
)
case(
    *Q,
    "ccreq-min-fresh-age",
    _setup(("Cache-Control", "max-age=1500"), ("Age", "1000")),
    _req_cc("min-fresh=1000", expected_type="not_cached"),
    kind="check",
)
case(
    *Q,
    "ccreq-no-cache",
    _setup(("Cache-Control", "max-age=3600")),
    _req_cc("no-cache", expected_type="not_cached"),
    kind="check",
)
case(
    *Q,
    "ccreq-no-cache-lm",
    _setup(("Cache-Control", "max-age=3600"), ("Last-Modified", -10000), ("Date", 0)),
    _req_cc("no-cache", expected_type="lm_validated"),
    kind="check",
)
case(
    *Q,
    "ccreq-no-cache-etag",
    _setup(("Cache-Control", "max-age=3600"), ("ETag", '"' + content("abc") + '"')),
    _req_cc("no-cache", expected_type="etag_validated"),
    kind="check",
)
case(
    *Q,
    "ccreq-no-store",
    fresh(),
    _req_cc("no-store", expected_type="not_cached"),
    kind="check",
)
case(
    *Q,
    "ccreq-oic",
    _req_cc("only-if-cached", expected_status=504, expected_response_text=None),
    kind="check",
)

# -- pragma.mjs --------------------------------------------------------------------------------
G = ("pragma", "pragma.mjs")
case(
    *G,
    "pragma-request-no-cache",
    fresh(),
    {"request_headers": [["Pragma", "no-cache"]], "expected_type": "cached"},
    kind="check",
)
case(
    *G,
    "pragma-request-extension",
    fresh(),
    {"request_headers": [["Pragma", "unrecognised-extension"]], "expected_type": "cached"},
    kind="check",
)
case(
    *G,
    "pragma-response-no-cache",
    _setup(("Cache-Control", "max-age=3600"), ("Pragma", "no-cache")),
    CACHED,
    kind="check",
)
case(
    *G,
    "pragma-response-no-cache-heuristic",
    _setup(("Date", 0), ("Last-Modified", -10000), ("Pragma", "no-cache")),
    CACHED,
    kind="check",
)
case(
    *G,
    "pragma-response-extension",
    _setup(("Cache-Control", "max-age=3600"), ("Pragma", "unrecognised-extension")),
    CACHED,
    kind="check",
)
