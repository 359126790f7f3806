"""The HTTP caching test suite's cases (https://cache-tests.fyi, repository http-tests/cache-tests,
folder ``tests/``), hand-translated into Python data for edgert's own runner.

Each case keeps the suite's test id (``id``), its suite (``suite``: the file's suite id),
the file it comes from (``src``), its ``kind`` (``required`` unless the suite says ``optimal`` or
``check``) and its flags (``browser_skip``: not for private caches; ``cdn_only``). Requests use
the suite's own member names (``response_headers``, ``expected_type``, ``setup``, ...) with the
suite's meanings, so the runner can apply the suite's rules to them. Tests marked
``browser_only`` (private-cache behaviour: ``immutable`` on reload, ``private`` reuse, private
``s-maxage`` handling) are not translated: edgert is a shared cache.

Integer values of the date fields (``Date``, ``Expires``, ``Last-Modified``,
``If-Modified-Since``) are seconds relative to the origin's clock when it answers, as in the
suite. Bodies default to the test's unique token; ``content(key)`` makes a stable distinct
string where the suite uses a generated one (the exact letters do not matter).
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


def _setup(*headers: Any, **more: Any) -> Req:
    return {"response_headers": rh(*headers), "setup": True, **more}


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
    _setup(("Cache-Control", "max-age=3600"), ("Age", "1800")),
    _req_cc("max-age=600", expected_type="not_cached"),
    kind="check",
)
case(
    *Q,
    "ccreq-max-stale",
    setup_pause(("Cache-Control", "max-age=1")),
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
    _setup(("Cache-Control", "max-age=3600"), ("ETag", content("abc"))),
    _req_cc("no-cache", expected_type="etag_validated"),
    kind="check",
)
case(
    *Q,
    "ccreq-no-store",
    _setup(("Cache-Control", "max-age=3600")),
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
    _setup(("Cache-Control", "max-age=3600")),
    {"request_headers": [["Pragma", "no-cache"]], "expected_type": "cached"},
    kind="check",
)
case(
    *G,
    "pragma-request-extension",
    _setup(("Cache-Control", "max-age=3600")),
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

# -- vary.mjs ----------------------------------------------------------------------------------
V = ("vary", "vary.mjs")
_VARY_BASE = [("Cache-Control", "max-age=5000"), ("Last-Modified", -3000), ("Date", 0)]


def _vary_setup(request: list[tuple[str, str]], vary: tuple[Any, ...], **more: Any) -> Req:
    return {
        "request_headers": [list(h) for h in request],
        "response_headers": rh(*_VARY_BASE, vary),
        "setup": True,
        **more,
    }


def _vary1(**more: Any) -> Req:
    return _vary_setup([("Foo", "1")], ("Vary", "Foo"), **more)


def _vary2() -> Req:
    return _vary_setup([("Foo", "1"), ("Bar", "abc")], ("Vary", "Foo, Bar", False))


def _vary3() -> Req:
    return _vary_setup(
        [("Foo", "1"), ("Bar", "abc"), ("Baz", "789")], ("Vary", "Foo, Bar, Baz", False)
    )


def _with(expected: str, *headers: tuple[str, str], **more: Any) -> Req:
    return {"request_headers": [list(h) for h in headers], "expected_type": expected, **more}


case(*V, "vary-match", _vary1(), _with("cached", ("Foo", "1")), kind="optimal")
case(*V, "vary-no-match", _vary1(), _with("not_cached", ("Foo", "2")))
case(
    *V,
    "vary-omit-stored",
    {"response_headers": rh(*_VARY_BASE, ("Vary", "Foo")), "setup": True},
    _with("not_cached", ("Foo", "1")),
)
case(*V, "vary-omit", _vary1(), NOT_CACHED)
case(
    *V,
    "vary-invalidate",
    _vary1(response_body=content("foo_1")),
    {
        "request_headers": [["Foo", "2"]],
        "response_headers": rh(*_VARY_BASE, ("Vary", "Foo")),
        "expected_type": "not_cached",
        "response_body": content("foo_2"),
        "setup": True,
    },
    _with("cached", ("Foo", "1"), response_body=content("foo_1")),
    kind="optimal",
)
case(
    *V,
    "vary-cache-key",
    _vary_setup([("Foo", "1"), ("Other", "2")], ("Vary", "Foo")),
    _with("cached", ("Foo", "1"), ("Other", "3")),
    kind="optimal",
)
case(*V, "vary-2-match", _vary2(), _with("cached", ("Foo", "1"), ("Bar", "abc")), kind="optimal")
case(*V, "vary-2-no-match", _vary2(), _with("not_cached", ("Foo", "2"), ("Bar", "abc")))
case(*V, "vary-2-match-omit", _vary2(), NOT_CACHED)
case(
    *V,
    "vary-3-match",
    _vary3(),
    _with("cached", ("Foo", "1"), ("Bar", "abc"), ("Baz", "789")),
    kind="optimal",
)
case(
    *V,
    "vary-3-no-match",
    _vary3(),
    _with("not_cached", ("Foo", "2"), ("Bar", "abc"), ("Baz", "789")),
)
case(
    *V,
    "vary-3-order",
    _vary3(),
    _with("not_cached", ("Foo", "1"), ("Baz", "789"), ("Bar", "abcde")),
)
case(
    *V,
    "vary-3-omit",
    {
        "request_headers": [["Foo", "1"], ["Baz", "789"]],
        "response_headers": rh(
            ("Cache-Control", "max-age=5000"),
            ("Date", 0),
            ("Last-Modified", -3000),
            ("Vary", "Foo, Bar, Baz", False),
        ),
        "setup": True,
    },
    _with("cached", ("Foo", "1"), ("Baz", "789")),
    kind="optimal",
)
case(
    *V,
    "vary-star",
    _vary_setup([("Foo", "1"), ("Baz", "789")], ("Vary", "*")),
    _with("not_cached", ("Foo", "1"), ("Baz", "789")),
)
case(
    *V,
    "vary-normalise-combine",
    _vary_setup([("Foo", "1, 2")], ("Vary", "Foo")),
    _with("cached", ("Foo", "1"), ("Foo", "2")),
    kind="optimal",
)
for _id, _second, _extra in (
    ("vary-normalise-lang-order", "de, en", ()),
    ("vary-normalise-lang-case", "eN, De", ()),
    ("vary-normalise-lang-space", " en ,   de", ()),
    ("vary-normalise-lang-select", "fr;q=0.5, de;q=1.0", (("Content-Language", "de"),)),
):
    case(
        *V,
        _id,
        {
            "request_headers": [["Accept-Language", "en, de"]],
            "response_headers": rh(*_VARY_BASE, ("Vary", "Accept-Language"), *_extra),
            "setup": True,
        },
        _with("cached", ("Accept-Language", _second)),
        kind="optimal",
    )
case(
    *V,
    "vary-normalise-space",
    _vary_setup([("Foo", "1,2")], ("Vary", "Foo")),
    _with("cached", ("Foo", " 1, 2 ")),
    kind="optimal",
)

# -- vary-parse.mjs ----------------------------------------------------------------------------
VP = ("vary-parse", "vary-parse.mjs")
for _id, _varies in (
    ("vary-syntax-star", ["*"]),
    ("vary-syntax-star-star", ["*, *"]),
    ("vary-syntax-star-star-lines", ["*", "*"]),
    ("vary-syntax-empty-star", [", *"]),
    ("vary-syntax-empty-star-lines", ["", "*"]),
    ("vary-syntax-star-foo", ["*, Foo"]),
    ("vary-syntax-foo-star", ["Foo, *"]),
):
    case(
        *VP,
        _id,
        {
            "request_headers": [["Foo", "1"], ["Baz", "789"]],
            "response_headers": rh(*_VARY_BASE, *[("Vary", v, False) for v in _varies]),
            "setup": True,
        },
        _with("not_cached", ("Foo", "1"), ("Baz", "789")),
    )

# -- conditional-etag.mjs ----------------------------------------------------------------------
C = ("conditional-inm", "conditional-etag.mjs")


def _inm(etag: str, inm: str, cid: str, kind: str, **more: Any) -> None:
    case(
        *C,
        cid,
        fresh(response_headers=[["ETag", etag]]),
        {
            "request_headers": [["If-None-Match", inm]],
            "expected_type": "cached",
            "expected_status": 304,
            **more,
        },
        kind=kind,
        browser_skip=True,
    )


_inm('"abcdef"', '"abcdef"', "conditional-etag-strong-respond", "optimal")
_inm(
    '"abcdef"',
    '"abcdef"',
    "conditional-304-etag",
    "required",
    expected_response_headers=[["ETag", '"abcdef"']],
)
case(
    *C,
    "conditional-etag-precedence",
    fresh(response_headers=[["Last-Modified", -5000], ["ETag", '"abcdef"']]),
    {
        "request_headers": [["If-None-Match", '"abcdef"'], ["If-Modified-Since", -1]],
        "magic_ims": True,
        "expected_type": "cached",
        "expected_status": 304,
    },
    browser_skip=True,
)
_inm(
    '"abcdefü"',
    '"abcdefü"',
    "conditional-etag-strong-respond-obs-text",
    "check",
    expected_response_headers=[["ETag", '"abcdefü"']],
)
_inm('"abcdef"', "abcdef", "conditional-etag-quoted-respond-unquoted", "check")
_inm("abcdef", "abcdef", "conditional-etag-unquoted-respond-unquoted", "check")
_inm("abcdef", '"abcdef"', "conditional-etag-unquoted-respond-quoted", "check")
_inm('W/"abcdef"', 'W/"abcdef"', "conditional-etag-weak-respond", "optimal")
_inm('w/"abcdef"', 'w/"abcdef"', "conditional-etag-weak-respond-lowercase", "check")
_inm('W\\"abcdef"', 'W\\"abcdef"', "conditional-etag-weak-respond-backslash", "check")
_inm('W"abcdef"', 'W"abcdef"', "conditional-etag-weak-respond-omit-slash", "check")
_inm(
    '"abcdef"',
    '"abcdef", "1234", "5678"',
    "conditional-etag-strong-respond-multiple-first",
    "optimal",
)
_inm(
    '"abcdef"',
    '"1234", "abcdef", "5678"',
    "conditional-etag-strong-respond-multiple-second",
    "optimal",
)
_inm(
    '"abcdef"',
    '"1234", "5678", "abcdef"',
    "conditional-etag-strong-respond-multiple-last",
    "optimal",
)
case(
    *C,
    "conditional-etag-vary-headers",
    {
        "request_headers": [["Abc", "123"]],
        "response_headers": rh(("Expires", 1), ("ETag", '"abcdef"'), ("Date", 0), ("Vary", "Abc")),
        "setup": True,
        "pause_after": True,
    },
    {
        "request_headers": [["Abc", "123"]],
        "expected_type": "etag_validated",
        "expected_request_headers": [["Abc", "123"]],
        "setup_tests": ["expected_type"],
    },
)
case(
    *C,
    "conditional-etag-vary-headers-mismatch",
    {
        "request_headers": [["Abc", "123"]],
        "response_headers": rh(
            ("Expires", 10000), ("ETag", '"abcdef"'), ("Date", 0), ("Vary", "Abc")
        ),
        "setup": True,
        "pause_after": True,
    },
    {
        "request_headers": [["Abc", "456"]],
        "expected_request_headers": [["If-None-Match", '"abcdef"']],
    },
    kind="check",
)
for _id, _etag, _sent, _kind in (
    ("conditional-etag-strong-generate", '"abcdef"', '"abcdef"', "optimal"),
    ("conditional-etag-weak-generate-weak", 'W/"abcdef"', 'W/"abcdef"', "optimal"),
    ("conditional-etag-strong-generate-unquoted", "abcdef", '"abcdef"', "check"),
):
    case(
        *C,
        _id,
        become_stale(response_headers=[["ETag", _etag]]),
        {"expected_request_headers": [["If-None-Match", _sent]], "expected_type": "etag_validated"},
        kind=_kind,
    )
case(
    *C,
    "conditional-etag-forward",
    {
        "request_headers": [["If-None-Match", '"abcdef"']],
        "expected_request_headers": [["If-None-Match", '"abcdef"']],
    },
    kind="check",
)
case(
    *C,
    "conditional-etag-forward-unquoted",
    {
        "request_headers": [["If-None-Match", "abcdef"]],
        "expected_request_headers": [["If-None-Match", '"abcdef"']],
    },
    kind="check",
)

# -- conditional-lm.mjs ------------------------------------------------------------------------
L = ("conditional-lm", "conditional-lm.mjs")
for _id, _max_age, _ims, _etype in (
    ("conditional-lm-fresh", "max-age=100000", -3000, "cached"),
    ("conditional-lm-fresh-earlier", "max-age=100000", -2000, "cached"),
    ("conditional-lm-stale", "max-age=2", -3000, "lm_validated"),
):
    case(
        *L,
        _id,
        setup_pause(("Cache-Control", _max_age), ("Last-Modified", -3000), ("Date", 0)),
        {
            "request_headers": [["If-Modified-Since", _ims]],
            "magic_ims": True,
            "expected_type": _etype,
            "expected_status": 304,
        },
        kind="optimal",
        browser_skip=True,
    )

# -- headers.mjs and update304.mjs (with lib/header-list.mjs) ----------------------------------
HEADER_LIST: list[dict[str, Any]] = [
    {"name": "Test-Header", "reqUpdate": True},
    {"name": "X-Test-Header", "reqUpdate": True},
    {"name": "Content-Foo", "reqUpdate": True},
    {"name": "X-Content-Foo", "reqUpdate": True},
    {"name": "Cache-Control", "valA": "max-age=1", "valB": "max-age=3600", "reqUpdate": True},
    {"name": "Connection", "noStore": True},
    {"name": "Content-Encoding"},
    {"name": "Content-Length", "valA": "5", "valB": "10", "noUpdate": True, "checkBody": False},
    {"name": "Content-Location", "valA": "/foo", "valB": "/bar"},
    {"name": "Content-MD5", "valA": "rL0Y20zC+Fzt72VPzMSk2A==", "valB": "N7UdGUp1E+RbVvZSTy1R8g=="},
    {"name": "Content-Range"},
    {
        "name": "Content-Security-Policy",
        "valA": "default-src 'self'",
        "valB": "default-src 'self' cdn.example.com",
    },
    {"name": "Content-Type", "valA": "text/plain", "valB": "text/plain;charset=utf-8"},
    {"name": "Clear-Site-Data", "valA": "cache", "valB": "cookies"},
    {"name": "ETag", "valA": '"abcdef"', "valB": '"ghijkl"'},
    {
        "name": "Expires",
        "valA": "Fri, 01 Jan 2038 01:01:01 GMT",
        "valB": "Mon, 11 Jan 2038 11:11:11 GMT",
    },
    {"name": "Keep-Alive", "noStore": True},
    {"name": "Proxy-Authenticate", "noStore": True},
    {"name": "Proxy-Authentication-Info", "noStore": True},
    {"name": "Proxy-Authorization", "noStore": True},
    {"name": "Proxy-Connection", "noStore": True},
    {"name": "Public-Key-Pins"},
    {"name": "Set-Cookie", "valA": "a=b", "valB": "a=c"},
    {"name": "Set-Cookie2", "valA": "a=b", "valB": "a=c"},
    {"name": "TE", "noStore": True},
    {"name": "Transfer-Encoding", "noStore": True},
    {"name": "Upgrade", "noStore": True},
    {"name": "X-Frame-Options", "valA": "deny", "valB": "sameorigin"},
    {"name": "X-XSS-Protection", "valA": "1", "valB": "1; mode=block"},
]

HD = ("headers", "headers.mjs")
case(
    *HD,
    "headers-omit-headers-listed-in-Connection",
    fresh(
        response_headers=[
            ["Connection", "a, b", False],
            ["a", "1", False],
            ["b", "2", False],
            ["c", "3", False],
        ]
    ),
    {
        "expected_type": "cached",
        "expected_response_headers": [["c", "3"]],
        "expected_response_headers_missing": ["a", "b"],
        "setup_tests": ["expected_type", "expected_response_headers"],
    },
)
for _h in HEADER_LIST:
    _name = _h["name"]
    _value = _h.get("valB", content(f"{_name}-store-value"))
    _store = not _h.get("noStore", False)
    _resp: list[list[Any]] = [["Date", 0], [_name, _value, _store]]
    if _name != "Cache-Control":
        _resp.append(["Cache-Control", "max-age=3600"])
    _check_body = _h.get("checkBody", True)
    case(
        *HD,
        f"headers-store-{_name}",
        {"response_headers": _resp, "setup": True, "pause_after": True, "check_body": _check_body},
        {
            "expected_type": "cached",
            "expected_response_headers": [[_name, _value]] if _store else [],
            "expected_response_headers_missing": [] if _store else [[_name, _value]],
            "setup_tests": ["expected_type"],
            "check_body": _check_body,
        },
    )

U = ("update304", "update304.mjs")
_LM1 = "Wed, 01 Jan 2020 00:00:00 GMT"
_VALUE_A = content("Test-Header-value-A")
case(
    *U,
    "304-lm-use-stored-Test-Header",
    setup_pause(
        ("Cache-Control", "max-age=2"),
        ("Last-Modified", _LM1),
        ("Date", 0),
        ("Test-Header", _VALUE_A),
    ),
    {
        "response_headers": rh(("Last-Modified", _LM1), ("Date", 0)),
        "expected_type": "lm_validated",
        "expected_response_headers": [["Test-Header", _VALUE_A]],
        "setup_tests": ["expected_type"],
    },
)


def _update_response(
    h: dict[str, Any], value: str, validator: tuple[str, str] | None
) -> list[list[Any]]:
    headers: list[list[Any]] = [["Date", 0], [h["name"], value, not h.get("noUpdate", False)]]
    if h["name"] != "Cache-Control":
        headers.append(["Cache-Control", "max-age=2"])
    if validator is not None and validator[0] != h["name"]:
        headers.append(list(validator))
    return headers


for _h in HEADER_LIST:
    if _h.get("noStore"):
        continue
    _name = _h["name"]
    _a = _h.get("valA") or content(f"{_name}-value-A")
    _b = _h.get("valB") or content(f"{_name}-value-B")
    if _h.get("noUpdate"):
        _expected, _kind = _a, "required"
    elif _h.get("reqUpdate"):
        _expected, _kind = _b, "required"
    else:
        _expected, _kind = _b, "check"
    _etag = ("ETag", '"' + content(f"{_name}-etag-1") + '"')
    _cb = _h.get("checkBody", True)
    case(
        *U,
        f"304-etag-update-response-{_name}",
        {
            "response_headers": _update_response(_h, _a, _etag),
            "setup": True,
            "pause_after": True,
            "check_body": _cb,
        },
        {
            "response_headers": _update_response(_h, _b, _etag),
            "expected_type": "etag_validated",
            "setup_tests": ["expected_type"],
            "expected_response_headers": [[_name, _expected]],
            "check_body": _cb,
        },
        {
            "response_headers": _update_response(_h, _expected, None),
            "expected_type": "cached",
            "setup_tests": ["expected_type"],
            "expected_response_headers": [[_name, _expected]],
            "check_body": _cb,
        },
        kind=_kind,
    )

# -- invalidation.mjs --------------------------------------------------------------------------
INV = ("invalidation", "invalidation.mjs")
_TARGET_HEADERS = [["Cache-Control", "max-age=100000"], ["Last-Modified", 0], ["Date", 0]]


def _target(filename: str, **more: Any) -> Req:
    return {"filename": filename, "response_headers": [list(h) for h in _TARGET_HEADERS], **more}


def _lcl(method: str) -> Req:
    return {
        "response_headers": [
            ["Location", "location_target"],
            ["Content-Location", "content_location_target"],
        ],
        "magic_locations": True,
        "request_method": method,
        "request_body": "abc",
        "setup": True,
    }


_METHODS = ("POST", "PUT", "DELETE", "M-SEARCH")
for _m in _METHODS:
    case(
        *INV,
        f"invalidate-{_m}",
        fresh(),
        {"request_method": _m, "request_body": "abc", "setup": True},
        NOT_CACHED,
    )
    case(
        *INV,
        f"invalidate-{_m}-failed",
        fresh(),
        {
            "request_method": _m,
            "request_body": "abc",
            "response_status": [500, "Internal Server Error"],
            "setup": True,
        },
        CACHED,
        kind="optimal",
    )
for _m in _METHODS:
    case(
        *INV,
        f"invalidate-{_m}-location",
        _target("location_target", setup=True),
        _lcl(_m),
        _target("location_target", expected_type="not_cached"),
        kind="check",
    )
for _m in _METHODS:
    case(
        *INV,
        f"invalidate-{_m}-cl",
        _target("content_location_target", setup=True),
        _lcl(_m),
        _target("content_location_target", expected_type="not_cached"),
        kind="check",
    )

# -- partial.mjs -------------------------------------------------------------------------------
PA = ("partial", "partial.mjs")


def _partial_setup(content_range: str = "bytes 4-9/10", **more: Any) -> Req:
    return {
        "request_headers": [["Range", "bytes=-5"]],
        "response_status": [206, "Partial Content"],
        "response_headers": [["Cache-Control", "max-age=3600"], ["Content-Range", content_range]],
        "response_body": "01234",
        "setup": True,
        **more,
    }


def _range(spec: str, text: str, **more: Any) -> Req:
    return {
        "request_headers": [["Range", spec]],
        "expected_type": "cached",
        "expected_status": 206,
        "expected_response_text": text,
        **more,
    }


def _complete(body: str, *extra: tuple[str, str]) -> Req:
    return {
        "response_headers": [["Cache-Control", "max-age=3600"], *[list(h) for h in extra]],
        "response_body": body,
        "setup": True,
    }


case(
    *PA,
    "partial-store-partial-reuse-partial",
    _partial_setup(expected_request_headers=[["Range", "bytes=-5"]]),
    _range("bytes=-5", "01234"),
    kind="optimal",
)
case(
    *PA,
    "partial-store-complete-reuse-partial",
    _complete("01234567890"),
    _range("bytes=0-1", "01"),
    kind="optimal",
)
case(
    *PA,
    "partial-store-complete-reuse-partial-no-last",
    _complete("01234567890"),
    _range("bytes=1-", "1234567890"),
    kind="optimal",
)
case(
    *PA,
    "partial-store-complete-reuse-partial-suffix",
    _complete("0123456789A"),
    _range("bytes=-1", "A"),
    kind="optimal",
)
case(
    *PA,
    "partial-store-partial-reuse-partial-byterange",
    _partial_setup(),
    _range("bytes=6-8", "234"),
    kind="optimal",
)
case(
    *PA,
    "partial-store-partial-reuse-partial-absent",
    _partial_setup(),
    _range("bytes=6-", "234"),
    kind="optimal",
)
case(
    *PA,
    "partial-store-partial-reuse-partial-suffix",
    _partial_setup(),
    _range("bytes=-1", "4"),
    kind="optimal",
)
case(
    *PA,
    "partial-store-partial-complete",
    _partial_setup("bytes 0-4/10"),
    {"expected_request_headers": [["range", "bytes=5-"]]},
    kind="optimal",
)
_PARTIAL_SETUP_TESTS = ["expected_type", "expected_status", "expected_response_text"]
case(
    *PA,
    "partial-use-headers",
    _complete("01234567890", ("A", "1")),
    _range("bytes=0-1", "01", setup_tests=_PARTIAL_SETUP_TESTS, response_headers=[["A", "2"]]),
)
case(
    *PA,
    "partial-use-stored-headers",
    _complete("01234567890", ("A", "1")),
    _range(
        "bytes=0-1", "01", setup_tests=_PARTIAL_SETUP_TESTS, expected_response_headers=[["A", "1"]]
    ),
)

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

assert len({c["id"] for c in CASES}) == len(CASES), "duplicate case ids"
