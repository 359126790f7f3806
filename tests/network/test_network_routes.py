"""Route patterns as wrangler's routes: wildcards, specificity, schemes, queries."""

from __future__ import annotations

import pytest

from edgert import ConfigError, Route
from edgert.routes import RouteTable, split_url


def table(*routes: tuple[str, str | None]) -> RouteTable:
    workers = sorted({w for _, w in routes if w is not None})
    return RouteTable(routes, workers)


def worker(t: RouteTable, url: str) -> str | None:
    r = t.match(url)
    return None if r is None else (r.worker or f"bypass:{r.pattern}")


def test_host_and_path_wildcards() -> None:
    t = table(("example.com/api/*", "api"), ("*.example.com/*", "sub"), ("*shop.test/*", "shop"))
    assert worker(t, "https://example.com/api/users?id=1") == "api"
    assert worker(t, "https://example.com/api/") == "api"
    assert worker(t, "https://example.com/apix") is None
    assert worker(t, "https://example.com/") is None  # *.example.com needs a subdomain
    assert worker(t, "https://www.example.com/anything") == "sub"
    assert worker(t, "https://a.b.example.com/") == "sub"
    assert worker(t, "https://shop.test/") == "shop"  # '*' matches zero characters too
    assert worker(t, "https://www.shop.test/x") == "shop"
    assert worker(t, "https://EXAMPLE.com:8443/api/x") == "api"  # host case and port ignored


def test_exact_paths_and_queries() -> None:
    t = table(("example.com/login", "login"), ("example.com/search*", "search"))
    assert worker(t, "https://example.com/login") == "login"
    assert worker(t, "https://example.com/login?next=/") is None  # the query is part of the URL
    assert worker(t, "https://example.com/search?q=x") == "search"
    assert worker(t, "https://example.com/login#frag") == "login"


def test_most_specific_wins() -> None:
    t = table(
        ("*.example.com/*", "wild"),
        ("www.example.com/*", "www"),
        ("www.example.com/img/*", "img"),
        ("www.example.com/img/logo.png", "logo"),
        ("*/*", "all"),
    )
    assert worker(t, "https://www.example.com/") == "www"
    assert worker(t, "https://www.example.com/img/a.png") == "img"
    assert worker(t, "https://www.example.com/img/logo.png") == "logo"
    assert worker(t, "https://cdn.example.com/img/a.png") == "wild"
    assert worker(t, "https://elsewhere.test/") == "all"


def test_schemes_and_routes_without_a_worker() -> None:
    t = table(
        ("https://secure.test/*", "tls"), ("secure.test/*", "any"), ("secure.test/raw/*", None)
    )
    assert worker(t, "https://secure.test/a") == "tls"
    assert worker(t, "http://secure.test/a") == "any"
    assert worker(t, "https://secure.test/raw/file") == "bypass:secure.test/raw/*"


@pytest.mark.parametrize(
    "pattern",
    [
        "example.com",
        "example.com/*.jpg",
        "ex*ample.com/*",
        "example.com/?q=*",
        "ftp://a.test/*",
        "/x",
    ],
)
def test_invalid_patterns(pattern: str) -> None:
    with pytest.raises(ConfigError):
        Route(pattern, "w")


def test_table_checks_workers_and_duplicates() -> None:
    with pytest.raises(ConfigError, match="unknown worker"):
        RouteTable([("a.test/*", "nope")], ["w"])
    with pytest.raises(ConfigError, match="duplicate"):
        RouteTable([("a.test/*", "w"), ("a.test/*", "w")], ["w"])
    t = RouteTable([{"pattern": "a.test/*", "script": "w"}, Route("b.test/*", None)], ["w"])
    assert [r.pattern for r in t.routes] == ["a.test/*", "b.test/*"]


def test_split_url() -> None:
    assert split_url("HTTPS://User@Example.COM:443/a/b?c=d#e") == (
        "https",
        "example.com",
        "/a/b?c=d",
    )
    assert split_url("http://[::1]:8080?x") == ("http", "[::1]", "/?x")
    with pytest.raises(ConfigError):
        split_url("/relative")
