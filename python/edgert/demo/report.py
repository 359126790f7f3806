"""The demo's output with ``rich``: what is being compared, a table per city, what it means."""

from __future__ import annotations

from rich import box
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from edgert.demo.scenario import SESSION, Result
from edgert.demo.summary import KINDS, Row, city_rows, percentile, sessions, total_row
from edgert.pops import pop

__all__ = ["intro", "model_error_line", "render"]


def model_error_line() -> str:
    """The latency model's measured error, in one line (from the fit shipped with edgert)."""
    from edgert.backbone import error_line

    return error_line()


def intro(users_per_city: int, cities: list[str], requests: int) -> Panel:
    """What the demo is about to do, for someone who has read nothing else (rich wraps it to
    the terminal's width: no line breaks inside sentences)."""
    ways = Table.grid(padding=(0, 2))
    ways.add_column(no_wrap=True)
    ways.add_column()
    ways.add_row(
        Text("direct", style="cyan"),
        "straight to the origin in Virginia, which checks the token itself;",
    )
    ways.add_row(
        Text("edge", style="green"),
        "through an edge network of 5 PoPs (Tokyo NRT, Sao Paulo GRU, Frankfurt FRA, Ashburn "
        "IAD, Sydney SYD). Each user reaches the nearest PoP, where a JavaScript worker runs in "
        "an edgert isolate: it verifies the token with WebCrypto, answers 401 itself when the "
        "token is bad, serves the catalogue from the PoP's cache, and forwards signed-in "
        "requests to the origin with the user's A/B cohort, country and feature flags added.",
    )
    return Panel(
        Group(
            Text.from_markup(
                "An online shop's API runs in [bold]one place[/]: a server in Ashburn, Virginia "
                f"(IAD). Its users are in {', '.join(cities)}. Each user opens the public "
                "catalogue, then three signed-in pages; most carry a valid login token (a JWT), "
                "some an expired one, some none.\n\nEvery session is sent [bold]twice[/]:"
            ),
            ways,
            Text(""),
            Text(
                "Network latency is modelled in virtual time (paths over the cables between "
                "Internet hubs, TCP + TLS 1.3 handshakes, each user's own access line); the "
                "worker really runs, and its CPU time is measured on this machine and added. "
                f"{users_per_city} users per city, {requests:,} requests each way.",
                style="dim",
            ),
            Text(model_error_line(), style="dim"),
        ),
        title="edgert demo: what does an edge buy users far from the origin?",
    )


def _ms(value: float) -> str:
    return f"{value:,.0f}"


#: Short column heads of the per-city table (the legend under it spells them out).
SHORT: dict[str, str] = {
    KINDS["catalog"]: "catalogue",
    KINDS["signed-in"]: "signed-in",
    KINDS["expired"]: "expired",
    KINDS["no-token"]: "no token",
    "all requests": "all",
}


def _city_table(result: Result, city: str) -> Table:
    """One city: a column per kind of request, a row per figure (fits 80 columns)."""
    rows = city_rows(result, city)
    served_by = rows[-1].pops[0] if rows[-1].pops else "?"
    where = pop(served_by)
    table = Table(
        title=f"[bold]{city}[/]  [dim]nearest PoP: {served_by} ({where.city})[/]",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        expand=False,
    )
    table.add_column("", no_wrap=True)
    for row in rows:
        table.add_column(
            SHORT.get(row.label, row.label),
            justify="right",
            no_wrap=True,
            style="bold" if row.label == "all requests" else None,
        )
    figures: list[tuple[str, str | None, list[str | Text]]] = [
        ("requests", None, [str(r.requests) for r in rows]),
        ("direct ms p50", "cyan", [_ms(r.direct_p50) for r in rows]),
        ("direct ms p95", "cyan", [_ms(r.direct_p95) for r in rows]),
        ("edge ms p50", "green", [_ms(r.edge_p50) for r in rows]),
        ("edge ms p95", "green", [_ms(r.edge_p95) for r in rows]),
        ("faster (p50)", None, [_speedup(r) for r in rows]),
        ("edge alone", None, [f"{r.edge_only}/{r.requests}" for r in rows]),
        ("  of which 401", None, [str(r.edge_401) for r in rows]),
        ("  of which cached", None, [str(r.cache_hits) for r in rows]),
        ("worker CPU ms p50", None, [f"{r.worker_cpu_p50:.2f}" for r in rows]),
        ("cold starts", None, [str(r.cold_starts) for r in rows]),
    ]
    for label, style, cells in figures:
        table.add_row(Text(label, style=style or ""), *cells, end_section=label == "faster (p50)")
    return table


def _speedup(row: Row) -> Text:
    if row.edge_p50 <= 0:
        return Text("-")
    ratio = row.direct_p50 / row.edge_p50
    style = "bold green" if ratio >= 1.5 else ("green" if ratio >= 1.05 else "yellow")
    return Text(f"{ratio:.1f}x", style=style)


def _answered(row: Row) -> str:
    parts = []
    if row.edge_401:
        parts.append(f"{row.edge_401} x 401")
    if row.cache_hits:
        parts.append(f"{row.cache_hits} cached")
    return f"{row.edge_only}/{row.requests}" + (f" ({', '.join(parts)})" if parts else "")


def _summary(result: Result, cities: list[str]) -> Table:
    """Every city in a column, a row per figure (fits 80 columns)."""
    table = Table(
        title="[bold]All cities[/] (p50: the median user or request, ms)",
        title_justify="left",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
    )
    table.add_column("", no_wrap=True)
    columns: list[list[str]] = []
    for city in cities:
        table.add_column(city, justify="right", no_wrap=True)
        rows = {r.label: r for r in city_rows(result, city)}
        total = rows["all requests"]
        direct, edge = sessions(result, city)
        refused = [
            o for o in result.outcomes if o.city == city and o.kind in ("expired", "no-token")
        ]
        first = rows.get(KINDS["catalog"])
        signed = rows.get(KINDS["signed-in"])
        columns.append(
            [
                total.pops[0] if total.pops else "?",
                _ms(percentile(direct, 50)),
                _ms(percentile(edge, 50)),
                _ms(first.direct_p50) if first else "-",
                _ms(first.edge_p50) if first else "-",
                _ms(percentile((o.direct.total_ms for o in refused), 50)) if refused else "-",
                _ms(percentile((o.edge.total_ms for o in refused), 50)) if refused else "-",
                _ms(signed.direct_p50) if signed else "-",
                _ms(signed.edge_p50) if signed else "-",
                f"{100.0 * total.edge_only / max(total.requests, 1):.0f}%",
            ]
        )
    labels = [
        ("PoP", None),
        ("session, direct", "cyan"),
        ("session, edge", "green"),
        ("1st request, direct", "cyan"),
        ("1st request, edge", "green"),
        ("bad token, direct", "cyan"),
        ("bad token, edge", "green"),
        ("signed-in, direct", "cyan"),
        ("signed-in, edge", "green"),
        ("edge alone", None),
    ]
    for i, (label, style) in enumerate(labels):
        table.add_row(Text(label, style=style or ""), *(c[i] for c in columns))
    return table


def _takeaways(result: Result, cities: list[str]) -> Panel:
    far = max(cities, key=lambda c: total_row(result, c).direct_p50)
    rows = {r.label: r for r in city_rows(result, far)}
    everything = total_row(result)
    direct, edge = sessions(result, far)
    lines = [
        "[bold]How to read the tables[/]: p50 is the median, p95 the slow tail (1 request in 20 "
        "is slower). 'Answered by the edge alone': the PoP finished the request without "
        "contacting the origin (a 401 for a missing or expired token, or the catalogue from the "
        "PoP's cache). A cold start is a request that had to start a new isolate for the worker "
        "(the first at each PoP, and when requests overlap).",
        "",
        f"[bold]What it shows[/], for users in {far} (the farthest from Virginia): a whole "
        f"session took {_ms(percentile(direct, 50))} ms direct and {_ms(percentile(edge, 50))} "
        "ms through the edge (median user).",
    ]
    first = rows.get(KINDS["catalog"])
    if first is not None:
        lines.append(
            f"- The first request opens a connection (TCP + TLS): to Virginia that costs "
            f"round trips across the ocean, to the nearby PoP a few ms; and the catalogue then "
            f"comes from the PoP's cache: {_ms(first.direct_p50)} -> {_ms(first.edge_p50)} ms."
        )
    bad = [o for o in result.outcomes if o.city == far and o.kind in ("expired", "no-token")]
    if bad:
        lines.append(
            f"- A bad token is refused at the PoP: "
            f"{_ms(percentile((o.direct.total_ms for o in bad), 50))} -> "
            f"{_ms(percentile((o.edge.total_ms for o in bad), 50))} ms, and the origin never "
            "sees the request."
        )
    signed = rows.get(KINDS["signed-in"])
    if signed is not None:
        lines.append(
            f"- Signed-in pages still need the origin ({_ms(signed.direct_p50)} -> "
            f"{_ms(signed.edge_p50)} ms): once a connection is open, the ocean crossing is the "
            "cost, and only moving the data to the edge (KV, cache, Durable Objects) removes it."
        )
    lines += [
        "",
        f"Over all cities {everything.edge_only:,} of {everything.requests:,} requests "
        f"({100.0 * everything.edge_only / max(everything.requests, 1):.0f}%) never reached "
        f"the origin. The worker's CPU per request stays small (p50 "
        f"{everything.worker_cpu_p50:.2f} ms, max {everything.worker_cpu_max:.1f} ms, ES256 "
        "signature checks with WebCrypto included).",
    ]
    flags = "KV (replicated from IAD)" if result.flags_from_kv else "the worker's own defaults"
    lines.append(f"[dim]Feature flags came from {flags}.[/]")
    return Panel(Text.from_markup("\n".join(lines)), title="What the numbers say")


def render(result: Result, console: Console) -> None:
    """Prints a table per city, a summary and the takeaways."""
    cities = list(result.scenario.cities)
    console.print()
    for city in cities:
        console.print(_city_table(result, city))
    console.print(
        Text(
            "Columns: catalogue = the public catalogue (cacheable, the session's first request, "
            "on a new connection); signed-in = a signed-in page with a valid token; expired, no "
            "token = a signed-in page with a bad token; all = every request. 'edge alone': "
            "answered at the PoP without the origin.",
            style="dim",
        )
    )
    console.print()
    console.print(
        Group(
            _summary(result, cities),
            Text(
                f"Each user's session: {', '.join(SESSION)}.",
                style="dim",
            ),
        )
    )
    console.print()
    console.print(_takeaways(result, cities))
