"""The Workers documentation's examples, unmodified (read from
``../shared/data/workers-examples/docs/``; each file names its source), run through edgert with
requests that exercise them; each test asserts the behaviour the documentation describes.
docs/compat.md lists the results."""

from __future__ import annotations

import json
import re

import pytest

import edgert
from edgert.errors import ScriptError

from .helpers import html, json_response, load, network


def test_return_json() -> None:
    r = load("return_json.js").fetch("https://example.com/")
    assert r.status == 200
    assert r.json() == {"hello": "world"}
    assert r.headers.get("content-type") == "application/json"


def test_redirect_domain_keeps_path_and_query() -> None:
    r = load("redirect_domain.js").fetch("https://old.example/a/b?c=1")
    assert r.status == 301
    assert r.headers.get("location") == "https://example.com/a/b?c=1"
    assert [line.message for line in r.stats.logs] == ["https://example.com/a/b?c=1"]


def test_bulk_redirects_map_and_pass_through() -> None:
    net, origin = network("bulk_redirects.js", lambda r: edgert.Response("origin page"))
    r = net.fetch_sync("https://shop.example/bulk1")
    assert r.status == 301
    assert r.headers.get("location") == "https://examples.cloudflareworkers.com/redirect2"
    assert net.fetch_sync("https://shop.example/bulk4").headers.get("location") == (
        "https://google.com/"
    )
    other = net.fetch_sync("https://shop.example/other")
    assert other.status == 200 and other.text() == "origin page"
    assert [req.url for req in origin.seen] == ["https://shop.example/other"]


def test_read_post_json_text_form_and_get() -> None:
    w = load("read_post.js")
    post = w.fetch(
        "https://example.com/",
        method="POST",
        headers={"content-type": "application/json"},
        body='{"a": 1, "b": [true]}',
    )
    assert post.text() == 'The request body sent in was {"a":1,"b":[true]}'
    form = w.fetch(
        "https://example.com/",
        method="POST",
        headers={"content-type": "application/x-www-form-urlencoded"},
        body="message=hello+world&n=%E2%9C%93",
    )
    assert form.text() == 'The request body sent in was {"message":"hello world","n":"✓"}'
    boundary = "----WebKitFormBoundary7MA4YWxkTrZu0gW"
    multipart = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="message"\r\n\r\n'
        "hi there\r\n"
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="lang"\r\n\r\n'
        "en\r\n"
        f"--{boundary}--\r\n"
    )
    mp = w.fetch(
        "https://example.com/",
        method="POST",
        headers={"content-type": f"multipart/form-data; boundary={boundary}"},
        body=multipart,
    )
    assert mp.text() == 'The request body sent in was {"message":"hi there","lang":"en"}'
    assert w.fetch("https://example.com/").text() == "The request was a GET"
    text = w.fetch(
        "https://example.com/",
        method="POST",
        headers={"content-type": "text/html"},
        body="<p>x</p>",
    )
    assert text.text() == "The request body sent in was <p>x</p>"
    other = w.fetch(
        "https://example.com/",
        method="POST",
        headers={"content-type": "image/png"},
        body=b"\x89PNG",
    )
    assert other.text() == "The request body sent in was a file"


def test_read_post_form_page_is_a_reference_error_as_documented() -> None:
    # The documented script references `someForm`, which it never defines: on Workers too, a
    # URL containing "form" throws a ReferenceError (a 500).
    r = load("read_post.js").fetch("https://example.com/form")
    assert r.status == 500
    assert r.stats.outcome == "exception"
    assert "someForm" in (r.stats.error or "")


PAGE = """<!DOCTYPE html><html><head><title>t</title></head><body>
<a href="https://developer.mozilla.org/en-US/docs/Web">MDN</a>
<a>no href</a><img src="https://developer.mozilla.org/logo.png" alt="x">
<div id="your_id_to_replace"></div><div id="other"></div>
</body></html>"""


def test_rewrite_links_rewrites_html_and_passes_other_types() -> None:
    def respond(r: edgert.Request) -> edgert.Response:
        if r.url.endswith("/data.json"):
            return json_response({"link": "https://developer.mozilla.org/"})
        return html(PAGE)

    net, _ = network("rewrite_links.js", respond)
    r = net.fetch_sync("https://site.example/")
    body = r.text()
    assert '<a href="https://mynewdomain.com/en-US/docs/Web">MDN</a>' in body
    assert '<img src="https://mynewdomain.com/logo.png" alt="x">' in body
    assert "<a>no href</a>" in body and "developer.mozilla.org" not in body
    assert r.headers.get("content-type") == "text/html; charset=utf-8"
    data = net.fetch_sync("https://site.example/data.json")
    assert data.json() == {"link": "https://developer.mozilla.org/"}


def test_turnstile_html_rewriter_injects_script_and_widget() -> None:
    net, _ = network(
        "turnstile_html_rewriter.js", lambda r: html(PAGE), vars={"SITE_KEY": "0x4AAA"}
    )
    body = net.fetch_sync("https://site.example/login").text()
    assert (
        '<title>t</title><script src="https://challenges.cloudflare.com/turnstile/v0/api.js"'
        " async defer></script></head>"
    ) in body
    assert (
        '<div id="your_id_to_replace"><div class="cf-turnstile" data-sitekey="0x4AAA"></div></div>'
        in body
    )
    assert '<div id="other"></div>' in body


def test_cron_trigger_runs_the_scheduled_handler() -> None:
    result = load("cron_trigger.js").scheduled("0 * * * *")
    assert result.ok and result.outcome == "ok" and not result.no_retry
    assert result.stats is not None
    assert [line.message for line in result.stats.logs] == ["cron processed"]


def test_cron_trigger_worker_has_no_fetch_handler() -> None:
    r = load("cron_trigger.js").fetch("https://example.com/")
    assert r.status == 500
    assert "fetch()" in (r.stats.error or "")


def test_multiple_cron_triggers_switch_on_the_cron() -> None:
    w = load("multiple_cron_triggers.js")
    quiet = w.scheduled("0 0 * * *")
    assert quiet.ok and [line.message for line in quiet.stats.logs] == ["cron processed"]
    # The documented script calls updateAPI(), which it leaves to the reader: a ReferenceError.
    busy = w.scheduled("*/3 * * * *")
    assert busy.outcome == "exception"
    assert "updateAPI" in (busy.error or "")


def test_ab_testing_assigns_and_keeps_groups() -> None:
    net, origin = network("ab_testing.js", lambda r: edgert.Response(f"origin:{r.url}"))
    fresh = net.fetch_sync("https://shop.example/page")
    cookie = fresh.headers.get("set-cookie") or ""
    group = re.fullmatch(r"myExampleWorkersABTest=(test|control); path=/", cookie)
    assert group is not None
    assert fresh.text() == f"origin:https://shop.example/{group[1]}/page"
    kept = net.fetch_sync(
        "https://shop.example/page", headers={"cookie": "myExampleWorkersABTest=control"}
    )
    assert kept.text() == "origin:https://shop.example/control/page"
    assert kept.headers.get("set-cookie") is None
    direct = net.fetch_sync("https://shop.example/test/x")
    assert direct.text() == "origin:https://shop.example/test/x"
    assert len(origin.seen) == 3


def test_alter_headers_adds_deletes_and_changes() -> None:
    def respond(r: edgert.Request) -> edgert.Response:
        return edgert.Response(
            "page",
            headers={
                "x-header-to-delete": "1",
                "x-header2-to-delete": "2",
                "x-header-to-change": "old",
                "x-kept": "yes",
            },
        )

    net, origin = network("alter_headers.js", respond)
    r = net.fetch_sync("https://shop.example/")
    assert r.text() == "page"
    assert r.headers.get("x-workers-hello") == "Hello from Cloudflare Workers"
    assert r.headers.get("x-header-to-delete") is None
    assert r.headers.get("x-header2-to-delete") is None
    assert r.headers.get("x-header-to-change") == "NewValue"
    assert r.headers.get("x-kept") == "yes"
    assert origin.seen[0].url == "https://example.com/"


def test_cors_header_proxy_preflight_proxy_and_demo_page() -> None:
    net, origin = network("cors_header_proxy.js", lambda r: json_response({"ok": True}))
    pre = net.fetch_sync(
        "https://proxy.example/corsproxy/",
        method="OPTIONS",
        headers={
            "origin": "https://app.example",
            "access-control-request-method": "POST",
            "access-control-request-headers": "content-type",
        },
    )
    assert pre.status == 200
    assert pre.headers.get("access-control-allow-origin") == "*"
    assert pre.headers.get("access-control-allow-methods") == "GET,HEAD,POST,OPTIONS"
    assert pre.headers.get("access-control-max-age") == "86400"
    assert pre.headers.get("access-control-allow-headers") == "content-type"
    plain = net.fetch_sync("https://proxy.example/corsproxy/", method="OPTIONS")
    assert plain.headers.get("allow") == "GET, HEAD, POST, OPTIONS"
    r = net.fetch_sync(
        "https://proxy.example/corsproxy/?apiurl=https://api.example/v1/items",
        method="POST",
        headers={"content-type": "application/json"},
        body='{"msg":"Hello world!"}',
    )
    assert r.json() == {"ok": True}
    assert r.headers.get("access-control-allow-origin") == "https://proxy.example"
    assert r.headers.get("vary") == "Origin"
    sent = origin.seen[-1]
    assert sent.url == "https://api.example/v1/items" and sent.method == "POST"
    assert sent.headers.get("origin") == "https://api.example"
    assert sent.body == b'{"msg":"Hello world!"}'
    put = net.fetch_sync("https://proxy.example/corsproxy/", method="PUT", body="x")
    assert put.status == 405 and put.status_text == "Method Not Allowed"
    page = net.fetch_sync("https://proxy.example/")
    assert page.headers.get("content-type") == "text/html;charset=UTF-8"
    assert "API GET with CORS Proxy" in page.text()


def test_country_code_redirect_by_request_cf_country() -> None:
    net, origin = network("country_code_redirect.js", lambda r: edgert.Response("home"))
    us = net.fetch_sync("https://shop.example/", client="New York")
    assert us.status == 302 and us.headers.get("location") == "https://example.com/us"
    jp = net.fetch_sync("https://shop.example/", client="Tokyo")
    assert jp.status == 200 and jp.text() == "home"
    assert [r.url for r in origin.seen] == ["https://example.com/"]


def test_hot_link_protection_redirects_foreign_referers_of_images() -> None:
    def respond(r: edgert.Request) -> edgert.Response:
        kind = "image/png" if r.url.endswith(".png") else "text/html"
        return edgert.Response(
            b"\x89PNG" if kind == "image/png" else "page", headers={"content-type": kind}
        )

    net, _ = network("hot_link_protection.js", respond)
    foreign = net.fetch_sync(
        "https://img.example/cat.png", headers={"referer": "https://thief.example/"}
    )
    assert foreign.status == 302
    assert foreign.headers.get("location") == "https://tutorial.cloudflareworkers.com/"
    own = net.fetch_sync(
        "https://img.example/cat.png", headers={"referer": "https://img.example/x"}
    )
    assert own.status == 200 and own.body == b"\x89PNG"
    page = net.fetch_sync("https://img.example/", headers={"referer": "https://thief.example/"})
    assert page.status == 200 and page.text() == "page"


def test_aggregate_requests_fetches_both_in_parallel() -> None:
    net, origin = network(
        "aggregate_requests.js", lambda r: json_response({"id": int(r.url.rsplit("/", 1)[1])})
    )
    r = net.fetch_sync("https://agg.example/")
    assert r.json() == [{"id": 1}, {"id": 2}]
    assert r.headers.get("content-type") == "application/json;charset=UTF-8"
    assert sorted(req.url for req in origin.seen) == [
        "https://jsonplaceholder.typicode.com/todos/1",
        "https://jsonplaceholder.typicode.com/todos/2",
    ]


def test_auth_with_headers_pre_shared_key() -> None:
    net, origin = network("auth_with_headers.js", lambda r: edgert.Response("secret"))
    ok = net.fetch_sync("https://api.example/", headers={"X-Custom-PSK": "mypresharedkey"})
    assert ok.status == 200 and ok.text() == "secret"
    bad = net.fetch_sync("https://api.example/", headers={"X-Custom-PSK": "nope"})
    assert bad.status == 403 and bad.text() == "Sorry, you have supplied an invalid key."
    assert len(origin.seen) == 1


def test_block_on_tls_version() -> None:
    w = load("block_on_tls.js")
    old = w.fetch(edgert.Request("https://example.com/", cf={"tlsVersion": "TLSv1.0"}))
    assert old.status == 403 and old.text() == "Please use TLS version 1.2 or higher."
    net, _ = network("block_on_tls.js", lambda r: edgert.Response("fine"))
    assert net.fetch_sync("https://example.com/", client="Paris").text() == "fine"
    # Without `request.cf` (a preview), the documented catch answers 500.
    bare = w.fetch("https://example.com/")
    assert bare.status == 500 and bare.text().startswith("Error in workers script ")


def test_accessing_the_cloudflare_object() -> None:
    net, _ = network("accessing_the_cf_object.js", lambda r: edgert.Response("-"))
    data = net.fetch_sync("https://example.com/", client="Tokyo").json()
    assert data["colo"] == "NRT" and data["country"] == "JP" and data["city"] == "Tokyo"
    assert data["tlsVersion"] in ("TLSv1.2", "TLSv1.3")
    preview = load("accessing_the_cf_object.js").fetch("https://example.com/").json()
    assert preview == {"error": "The `cf` object is not available inside the preview."}


def test_geolocation_hello_world() -> None:
    net, _ = network("geolocation_hello_world.js", lambda r: edgert.Response("-"))
    body = net.fetch_sync("https://example.com/", client="Sao Paulo").text()
    assert "<p> Colo: GRU</p>" in body and "<p> Country: BR</p>" in body
    assert "<h1>Geolocation: Hello World!</h1>" in body


def test_modify_response_status_body_and_headers() -> None:
    net, _ = network("modify_response.js", lambda r: json_response({"a": 1}))
    r = net.fetch_sync("https://example.com/")
    assert r.status == 500 and r.status_text == "some message"
    assert r.json() == {"foo": "bar", "a": 1}
    assert r.headers.get("foo") == "bar" and r.headers.get("last-modified") == "bar"
    assert any('"Last-Modified" was set to "bar"' in line.message for line in r.stats.logs)


def test_conditional_response_rules() -> None:
    net, origin = network("conditional_response.js", lambda r: edgert.Response("origin"))
    assert net.fetch_sync("https://nope.mywebsite.com/").text() == "Blocked Host"
    assert net.fetch_sync("https://ok.example/a.doc").status == 403
    assert (
        net.fetch_sync("https://ok.example/a", method="POST", body="x").text()
        == "Response for POST"
    )
    bot = net.fetch_sync("https://ok.example/", headers={"user-agent": "somebot/1.0"})
    assert bot.status == 403
    mobile = net.fetch_sync("https://ok.example/", headers={"cf-device-type": "mobile"})
    assert mobile.status == 302 and mobile.headers.get("location") == "https://mobile.example.com/"
    passed = net.fetch_sync("https://ok.example/page")
    assert passed.text() == "origin" and [r.url for r in origin.seen] == ["https://ok.example/page"]
    asn = load("conditional_response.js").fetch(
        edgert.Request("https://ok.example/", cf={"asn": 64512})
    )
    assert asn.text() == "Block the ASN 64512 response"


def test_post_json_sends_and_relays() -> None:
    net, origin = network(
        "post_json.js", lambda r: json_response({"got": json.loads(r.body or b"{}")})
    )
    r = net.fetch_sync("https://example.com/")
    assert r.json() == {
        "got": {
            "results": ["default data to send"],
            "errors": None,
            "msg": "I sent this to the fetch",
        }
    }
    assert r.headers.get("content-type") == "application/json;charset=UTF-8"
    sent = origin.seen[0]
    assert (
        sent.method == "POST"
        and sent.url == "https://examples.cloudflareworkers.com/demos/requests/json"
    )


def test_cache_api_miss_then_hit() -> None:
    net, origin = network("cache_api.js", lambda r: edgert.Response("fresh"))
    first = net.fetch_sync("https://example.com/item", client="Paris")
    assert first.text() == "fresh" and first.headers.get("cache-control") == "s-maxage=10"
    assert any("not present in cache" in line.message for line in first.stats.logs)
    second = net.fetch_sync("https://example.com/item", client="Paris")
    assert second.text() == "fresh"
    assert any(
        line.message == "Cache hit for: https://example.com/item." for line in second.stats.logs
    )
    assert len(origin.seen) == 1


def test_security_headers_on_html_only() -> None:
    def respond(r: edgert.Request) -> edgert.Response:
        kind = "text/html" if r.url.endswith("/") else "application/json"
        return edgert.Response("x", headers={"content-type": kind, "x-powered-by": "PHP"})

    net, _ = network("security_headers.js", respond)
    page = net.fetch_sync("https://example.com/", client="Paris")
    assert page.headers.get("x-frame-options") == "DENY"
    assert page.headers.get("x-content-type-options") == "nosniff"
    assert page.headers.get("cross-origin-opener-policy") == 'same-site; report-to="default";'
    assert page.headers.get("x-powered-by") is None
    api = net.fetch_sync("https://example.com/api", client="Paris")
    assert api.headers.get("x-frame-options") is None and api.headers.get("x-powered-by") == "PHP"


def test_basic_auth() -> None:
    # Needs nodejs_compat's `import { Buffer } from "node:buffer"` (edgert always provides it).
    w = load("basic_auth.js")
    assert w.fetch("https://example.com/").text() == "Anyone can access the homepage."
    need = w.fetch("https://example.com/admin")
    assert need.status == 401
    assert need.headers.get("www-authenticate") == 'Basic realm="my scope", charset="UTF-8"'
    ok = w.fetch(
        "https://example.com/admin", headers={"authorization": "Basic YWRtaW46cGFzc3dvcmQ="}
    )
    assert ok.status == 200 and ok.text() == "🎉 You have private access!"
    assert ok.headers.get("cache-control") == "no-store"
    wrong = w.fetch(
        "https://example.com/admin", headers={"authorization": "Basic YWRtaW46bm9wZQ=="}
    )
    assert wrong.status == 401
    assert w.fetch("https://example.com/admin", headers={"authorization": "Bearer x"}).status == 400
    assert w.fetch("https://example.com/logout").status == 401


def test_signing_requests_generate_then_verify() -> None:
    net, origin = network("signing_requests.js", lambda r: edgert.Response(f"origin:{r.url}"))
    signed = net.fetch_sync("https://example.com/generate/docs/page").text()
    assert re.fullmatch(r"/docs/page\?verify=\d+-[A-Za-z0-9%+/=]+", signed)
    ok = net.fetch_sync("https://example.com" + signed)
    assert ok.text() == "origin:https://example.com/docs/page"
    tampered = net.fetch_sync("https://example.com" + signed.replace("/docs/page", "/docs/other"))
    assert tampered.status == 403 and tampered.text() == "Invalid MAC"
    assert net.fetch_sync("https://example.com/docs/page").status == 403
    assert len(origin.seen) == 1


def test_extract_cookie_value_needs_a_bundler() -> None:
    # The example imports the npm package "cookie": wrangler bundles it; edgert runs one file
    # and has no bundler, so loading fails with a clear error.
    with pytest.raises(ScriptError, match="cookie"):
        load("extract_cookie_value.js")


def test_scheduled_handler_switch_on_cron() -> None:
    # From the scheduled() handler reference: one handler, three crons, work in ctx.waitUntil.
    w = load("scheduled_handler_switch.js", kv={"MY_KV": "my-kv"})
    kv = w.kv("my-kv")
    kv.seed({"keep": "1"})
    kv.put("later", "2", expiration_ttl=3600)
    daily = w.scheduled("0 0 * * *")
    assert daily.ok
    assert kv.keys() == ["keep", "later"]
    # The monthly report calls generateMonthlyReport(), which the page leaves to the reader: the
    # first waitUntil to fail is the event's status, as the page says.
    monthly = w.scheduled("0 0 1 * *")
    assert monthly.outcome == "exception" and "generateMonthlyReport" in (monthly.error or "")
    # A cron the handler does not know: nothing to do.
    assert w.scheduled("*/7 * * * *").ok
