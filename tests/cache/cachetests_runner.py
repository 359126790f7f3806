"""Runs the HTTP caching test suite's cases (``cachetests_cases.py``) against edgert as a shared
cache (a CDN): every request goes from a client through a :class:`edgert.Network` PoP that has no
worker on the route, so it takes the PoP's pass-through path and the PoP's HTTP cache
(:mod:`edgert.pop_cache`), to a scripted origin.

The origin and the checks follow the suite's own engine (``test-engine/server/handle-test.mjs``
and ``test-engine/client/test.mjs`` in http-tests/cache-tests), re-implemented here: the origin
answers the request whose ``Req-Num`` header names it, stamps ``Server-Request-Count`` (how many
requests it has seen for the test), ``Client-Request-Count`` and ``Server-Now``, turns integer date
fields into dates relative to its clock, answers ``304`` to a conditional request for an
``*_validated`` step (``999`` when the request should have been conditional and was not), and
records what it received. The client checks each response (from cache or not, status, headers,
body), then the requests the origin saw (validators, forwarded headers, method, the origin's
headers reaching the client). A failed check of a member the test marks as ``setup`` makes the
result ``setup`` (the suite's "setup failure": a precondition, not the tested behaviour).

Time is the network's virtual clock: ``pause_after`` moves it 3 s on, ``response_pause`` is the
origin's service time. No sleeps: the whole suite runs in about a second.

Run ``python tests/cache/cachetests_runner.py`` for the results by suite.
"""

from __future__ import annotations

import copy
import math
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from cachetests_cases import CASES, Case

from edgert import Client, Network, Origin, Response

NO_BODY_STATUS = {204, 304}
DATE_HEADERS = {"date", "expires", "last-modified", "if-modified-since", "if-unmodified-since"}
LOCATION_HEADERS = {"location", "content-location"}
#: Fields the suite does not compare between the origin's response and the client's.
SKIP_RESPONSE_HEADERS = {"date"}
HOST = "https://cache-tests.test"
PAUSE_S = 3.0
#: A client beside the PoP, given in full so that no city lookup is needed.
CLIENT = Client(
    city="Ashburn",
    country="US",
    continent="NA",
    timezone="America/New_York",
    latitude=39.04,
    longitude=-77.49,
)


#: A worker that passes every request on with ``fetch``: its subrequests go through the PoP's
#: cache (``caches.default``) inside the isolate.
PROXY_WORKER = "export default { fetch(request) { return fetch(request); } };"


class Failure(Exception):
    def __init__(self, setup: bool, message: str) -> None:
        super().__init__(message)
        self.setup = setup


def check(setup: bool, ok: bool, message: str) -> None:
    if not ok:
        raise Failure(setup, message)


def is_setup(req: dict[str, Any], member: str) -> bool:
    return req.get("setup") is True or member in req.get("setup_tests", ())


def http_date(now_ms: int, delta_s: float, rfc850: bool = False) -> str:
    secs = math.floor((now_ms + delta_s * 1000) / 1000)
    if rfc850:  # the obsolete form: Sunday, 06-Nov-94 08:49:37 GMT
        t = time.gmtime(secs)
        return time.strftime("%A, %d-%b-%y %H:%M:%S GMT", t)
    return formatdate(secs, usegmt=True)


def fixup(header: list[Any], resp: dict[str, str], req: dict[str, Any]) -> list[Any]:
    """The suite's header magic: integer dates relative to ``Server-Now``, magic locations."""
    name, value = header[0].lower(), header[1]
    out = list(header)
    if name in DATE_HEADERS and isinstance(value, int) and not isinstance(value, bool):
        out[1] = http_date(int(resp["server-now"]), value, name in req.get("rfc850date", ()))
    if name in LOCATION_HEADERS and req.get("magic_locations"):
        base = resp["server-base-url"]
        out[1] = f"{base}/{value}" if value else base
    return out


def header_value(headers: Any, name: str) -> str | None:
    values = headers.get_all(name)
    return ", ".join(values) if values else None


@dataclass
class ServerState:
    requests: list[dict[str, Any]]
    uuid: str
    seen: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Result:
    id: str
    suite: str
    kind: str
    outcome: str  # "pass" | "fail" | "setup"
    message: str = ""


class Suite:
    """One network, one PoP, one scripted origin; each case gets its own URL space."""

    def __init__(self, *, cache: bool = True, worker: bool = False) -> None:
        self.states: dict[str, ServerState] = {}
        self.network = Network(
            ["IAD"],
            origin=Origin(handler=self.origin, region="IAD"),
            workers={"proxy": PROXY_WORKER} if worker else None,
            clock="virtual",
            seed=7,
            cache=cache,
        )

    # -- the origin (handle-test.mjs) ------------------------------------------------------------
    def origin(self, request: Any) -> tuple[Response, float]:
        path = request.url.split("://", 1)[1].split("/", 1)[1]
        target = "/" + path
        uuid = path.split("/")[1].split("?")[0]
        state = self.states[uuid]
        srv_num = len(state.seen) + 1
        headers = {k.lower(): v for k, v in request.headers.items()}
        joined: dict[str, str] = {}
        for k, v in request.headers.items():
            k = k.lower()
            joined[k] = f"{joined[k]}, {v}" if k in joined else v
        cli_num = int(headers.get("req-num", "0") or 0)
        num = cli_num or srv_num
        conf = state.requests[num - 1]
        previous = state.requests[num - 2] if num >= 2 else {}
        now_ms = int(self.network.now() * 1000)

        status, phrase = conf.get("response_status", [200, "OK"])
        if conf.get("expected_type", "").endswith("validated"):
            status = 999
            prev_headers = {h[0].lower(): h[1] for h in previous.get("response_headers", [])}
            lm, etag = prev_headers.get("last-modified"), prev_headers.get("etag")
            if lm is not None and joined.get("if-modified-since") == lm:
                status = 304
            if etag is not None and joined.get("if-none-match") == etag:
                status = 304

        out: list[tuple[str, str]] = [
            ("Server-Base-Url", target),
            ("Server-Request-Count", str(srv_num)),
            ("Client-Request-Count", str(cli_num)),
            ("Server-Now", str(now_ms)),
        ]
        ctx = {"server-now": str(now_ms), "server-base-url": target}
        saved: dict[str, list[str]] = {}
        order: list[str] = []
        for i, header in enumerate(conf.get("response_headers", [])):
            # The suite's server rewrites its copy of the configuration in place, so a later
            # step compares validators with the dates it actually sent.
            fixed = conf["response_headers"][i] = fixup(header, ctx, conf)
            name, value = fixed[0], str(fixed[1])
            out.append((name, value))
            if len(fixed) < 3 or fixed[2] is True:
                key = name.lower()
                if key not in saved:
                    order.append(key)
                    saved[key] = []
                saved[key].append(value)
        if not any(k.lower() == "content-type" for k, _ in out):
            out.append(("Content-Type", "text/plain"))
        state.seen.append(
            {
                "request_num": cli_num,
                "request_method": request.method,
                "request_headers": joined,
                "response_headers": [(k, ", ".join(saved[k])) for k in order],
            }
        )
        out.append(("Request-Numbers", " ".join(str(s["request_num"]) for s in state.seen)))
        if conf.get("disconnect"):
            raise ConnectionError("the origin closed the connection")
        body = (
            b"" if status in NO_BODY_STATUS else (conf.get("response_body") or state.uuid).encode()
        )
        pause = float(conf.get("response_pause", 0))
        return Response(body, status=status, headers=out, status_text=phrase), pause

    # -- the client (test.mjs) -------------------------------------------------------------------
    def run(self, case: Case, uuid: str) -> Result:
        requests: list[dict[str, Any]] = copy.deepcopy(case["requests"])
        state = self.states[uuid] = ServerState(requests, uuid)
        responses: list[Any] = []
        try:
            for idx, conf in enumerate(requests):
                prev = responses[-1] if responses else None
                response = self.send(case, uuid, idx, conf, prev)
                responses.append(response)
                self.check_response(uuid, idx, conf, response)
                if conf.get("pause_after"):
                    self.pause(PAUSE_S)
            self.check_server(requests, responses, state.seen)
        except Failure as failure:
            return Result(
                case["id"],
                case["suite"],
                case["kind"],
                "setup" if failure.setup else "fail",
                str(failure),
            )
        finally:
            self.pause(60.0)  # let background revalidations finish before the next case
        return Result(case["id"], case["suite"], case["kind"], "pass")

    def pause(self, seconds: float) -> None:
        self.network.at(self.network.now() + seconds, lambda: None)
        self.network.run()

    def request_headers(
        self, case: Case, idx: int, conf: dict[str, Any], prev: Any
    ) -> list[tuple[str, str]]:
        """The suite client's request fields (``fetching.mjs``): its two cache-busting fields,
        the case's fields (``If-Modified-Since`` made from the previous response when
        ``magic_ims``), and the test's name, id and request number."""
        headers: list[tuple[str, str]] = [
            ("Pragma", "foo"),
            ("Cache-Control", "nothing-to-see-here"),
        ]
        prev_headers = {k.lower(): v for k, v in prev.headers.items()} if prev is not None else {}
        for header in conf.get("request_headers", []):
            if conf.get("magic_ims") and header[0].lower() == "if-modified-since":
                header = fixup(header, prev_headers, conf)
            headers.append((header[0], str(header[1])))
        headers += [("Test-Name", case["id"]), ("Test-ID", case["id"]), ("Req-Num", str(idx + 1))]
        return headers

    def send(self, case: Case, uuid: str, idx: int, conf: dict[str, Any], prev: Any) -> Any:
        url = f"{HOST}/test/{uuid}"
        if "filename" in conf:
            url += "/" + conf["filename"]
        if "query_arg" in conf:
            url += "?" + conf["query_arg"]
        return self.network.fetch_sync(
            url,
            client=CLIENT,
            pop="IAD",
            method=conf.get("request_method", "GET"),
            headers=self.request_headers(case, idx, conf, prev),
            body=conf.get("request_body"),
        )

    def check_response(self, uuid: str, idx: int, conf: dict[str, Any], response: Any) -> None:
        num = idx + 1
        h = response.headers
        count = header_value(h, "server-request-count")
        res_num = int(count) if count is not None and count.isdigit() else None
        numbers = header_value(h, "request-numbers")
        if numbers:
            seen = numbers.split(" ")
            check(True, len(seen) == len(set(seen)), "retry")
        etype = conf.get("expected_type")
        if etype is not None:
            setup = is_setup(conf, "expected_type")
            if etype == "cached" and not (response.status == 304 and res_num is None):
                check(
                    setup,
                    res_num is not None and res_num < num,
                    f"Response {num} does not come from cache",
                )
            if etype == "not_cached":
                check(setup, res_num == num, f"Response {num} comes from cache")
        if "expected_status" in conf:
            if conf["expected_status"] is not None:
                check(
                    is_setup(conf, "expected_status"),
                    response.status == conf["expected_status"],
                    f"Response {num} status is {response.status}, not {conf['expected_status']}",
                )
        elif "response_status" in conf:
            want = conf["response_status"][0]
            check(
                True,
                response.status == want,
                f"Response {num} status is {response.status}, not {want}",
            )
        elif response.status == 999:
            check(
                is_setup(conf, "expected_type"),
                False,
                f"Request {num} should have been conditional",
            )
        else:
            check(
                True, response.status == 200, f"Response {num} status is {response.status}, not 200"
            )
        setup = is_setup(conf, "expected_response_headers")
        lowered = {k.lower(): v for k, v in h.items()}
        for header in conf.get("expected_response_headers", []):
            if isinstance(header, str):
                check(
                    setup,
                    header_value(h, header) is not None,
                    f"Response {num} {header} header not present",
                )
            elif len(header) > 2:
                value = header_value(h, header[0])
                check(setup, value is not None, f"Response {num} {header[0]} header not present")
                assert header[1] == ">"
                ok = (
                    value is not None
                    and value.strip().lstrip("-").isdigit()
                    and int(value) > header[2]
                )
                check(
                    setup,
                    ok,
                    f"Response {num} header {header[0]} is {value}, should be > {header[2]}",
                )
            else:
                want = fixup(header, lowered, conf)[1]
                got = header_value(h, header[0])
                check(
                    setup,
                    got == want,
                    f"Response {num} header {header[0]} is {got!r}, not {want!r}",
                )
        setup = is_setup(conf, "expected_response_headers_missing")
        for header in conf.get("expected_response_headers_missing", []):
            if isinstance(header, str):
                got = header_value(h, header)
                check(
                    setup,
                    got is None,
                    f"Response {num} includes unexpected header {header}: {got!r}",
                )
            else:
                got = header_value(h, header[0])
                check(
                    setup,
                    got is None or header[1] not in got,
                    f"Response {num} header {header[0]} is {got!r}",
                )
        body = response.body.decode(errors="replace")
        if conf.get("check_body") is False:
            return
        if "expected_response_text" in conf:
            if conf["expected_response_text"] is not None:
                want = conf["expected_response_text"]
                check(
                    is_setup(conf, "expected_response_text"),
                    body == want,
                    f"Response body is {body!r}, not {want!r}",
                )
        elif conf.get("response_body") is not None:
            check(
                True,
                body == conf["response_body"],
                f"Response body is {body!r}, not {conf['response_body']!r}",
            )
        elif response.status not in NO_BODY_STATUS and conf.get("request_method") != "HEAD":
            check(True, body == uuid, f"Response body is {body!r}, not the test's token")

    def check_server(
        self, requests: list[dict[str, Any]], responses: list[Any], seen: list[dict[str, Any]]
    ) -> None:
        test_idx = 0
        for i, conf in enumerate(requests):
            num = i + 1
            response = responses[i]
            server = seen[test_idx] if test_idx < len(seen) else None
            setup = is_setup(conf, "expected_type")
            validators: list[str] = []
            etype = conf.get("expected_type")
            if etype == "cached":
                continue
            if etype == "not_cached":
                check(
                    setup,
                    server is not None and server["request_num"] == num,
                    f"Response {num} comes from cache ({server and server['request_num']} on server)",
                )
            if etype == "etag_validated":
                validators.append("if-none-match")
            if etype == "lm_validated":
                validators.append("if-modified-since")
            test_idx += 1
            for v in validators:
                check(setup, server is not None, f"request {num} wasn't sent to server")
                assert server is not None
                check(
                    setup, v in server["request_headers"], f"request {num} doesn't have {v} header"
                )
            if "expected_request_headers" in conf:
                rsetup = is_setup(conf, "expected_request_headers")
                for header in conf["expected_request_headers"]:
                    got = (
                        None if server is None else server["request_headers"].get(header[0].lower())
                    )
                    check(
                        rsetup,
                        got == header[1],
                        f"Request {num} header {header[0]} is {got!r}, not {header[1]!r}",
                    )
            if server is not None:
                for name, value in server["response_headers"]:
                    if name in SKIP_RESPONSE_HEADERS:
                        continue
                    got = header_value(response.headers, name)
                    check(
                        True,
                        got == value,
                        f"Response {num} header {name} is {got!r}, not {value!r}",
                    )
            if "expected_method" in conf:
                got = None if server is None else server["request_method"]
                check(
                    is_setup(conf, "expected_method"),
                    got == conf["expected_method"],
                    f"Request {num} had method {got}, not {conf['expected_method']}",
                )


def applicable(case: Case) -> bool:
    """Every translated case applies to a shared cache (browser-only ones are not translated)."""
    return True


def run_all(*, worker: bool = False) -> list[Result]:
    suite = Suite(worker=worker)
    return [
        suite.run(case, f"{n:04d}-{case['id'].replace('/', '_')}")
        for n, case in enumerate(CASES)
        if applicable(case)
    ]


def summary(results: list[Result]) -> str:
    by: dict[str, Counter[str]] = {}
    for r in results:
        by.setdefault(r.suite, Counter())[f"{r.kind}:{r.outcome}"] += 1
    lines = [
        f"{'suite':<20} {'required':>12} {'optimal':>12} {'check':>12}   (pass/total, setup failures)"
    ]
    totals: Counter[str] = Counter()
    for name, c in by.items():
        cells = []
        for kind in ("required", "optimal", "check"):
            total = sum(v for k, v in c.items() if k.startswith(kind + ":"))
            cells.append(
                f"{c[kind + ':pass']}/{total}"
                + (f" s{c[kind + ':setup']}" if c[kind + ":setup"] else "")
            )
        totals.update(c)
        lines.append(f"{name:<20} " + " ".join(f"{cell:>12}" for cell in cells))
    cells = []
    for kind in ("required", "optimal", "check"):
        total = sum(v for k, v in totals.items() if k.startswith(kind + ":"))
        cells.append(
            f"{totals[kind + ':pass']}/{total}"
            + (f" s{totals[kind + ':setup']}" if totals[kind + ":setup"] else "")
        )
    lines.append(f"{'TOTAL':<20} " + " ".join(f"{cell:>12}" for cell in cells))
    return "\n".join(lines)


if __name__ == "__main__":
    results = run_all(worker="--worker" in sys.argv)
    print(summary(results))
    if "-v" in sys.argv:
        for r in results:
            if r.outcome != "pass":
                print(f"{r.outcome:5} {r.kind:8} {r.id}: {r.message}")
