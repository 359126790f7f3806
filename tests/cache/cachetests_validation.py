"""The HTTP caching test suite, translated: Vary, conditional requests, stored header fields,
updates from 304, invalidation and partial content (see ``cachetests_cases.py``)."""

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
)

_setup = setup_only

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
for _id, _stored, _ims, _etype, _more in (
    (
        "conditional-lm-fresh",
        fresh(response_headers=[["Last-Modified", -3000]]),
        -3000,
        "cached",
        {},
    ),
    (
        "conditional-lm-fresh-earlier",
        fresh(response_headers=[["Last-Modified", -3000]]),
        -2000,
        "cached",
        {},
    ),
    (
        "conditional-lm-stale",
        become_stale(response_headers=[["Last-Modified", -3000]]),
        -3000,
        "lm_validated",
        {},
    ),
    ("conditional-lm-fresh-no-lm", fresh(), -3000, "cached", {"setup_tests": ["expected_type"]}),
    (
        "conditional-lm-fresh-rfc850",
        fresh(response_headers=[["Last-Modified", -3000]]),
        -3000,
        "cached",
        {"rfc850date": ["if-modified-since"], "setup_tests": ["expected_type"]},
    ),
):
    case(
        *L,
        _id,
        _stored,
        {
            "request_headers": [["If-Modified-Since", _ims]],
            "magic_ims": True,
            "expected_type": _etype,
            "expected_status": 304,
            **_more,
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
