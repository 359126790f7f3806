"""The demo's output with ``rich``: what is being compared, a table per city, what it means."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from edgert.demo.scenario import SESSION, Result
from edgert.demo.summary import KINDS, Row, city_rows, percentile, sessions, total_row
from edgert.pops import pop

__all__ = ["intro", "render"]


def intro(users_per_city: int, cities: list[str], requests: int) -> Panel:
    """What the demo is about to do, for someone who has read nothing else."""
    text = Text.from_markup(
        "An online shop's API runs in [bold]one place[/]: a server in Ashburn, Virginia (IAD).\n"
        f"Its users are in {', '.join(cities)}. Each user opens the public catalogue, then three\n"
        "signed-in pages; most carry a valid login token (a JWT), some an expired one, some none.\n\n"
        "Every session is sent [bold]twice[/]:\n"
        "  [cyan]direct[/]  straight to the origin in Virginia, which checks the token itself;\n"
        "  [green]edge[/]    through an edge network of 5 PoPs (Tokyo NRT, Sao Paulo GRU, Frankfurt "
        "FRA,\n          Ashburn IAD, Sydney SYD). Each user reaches the nearest PoP, where a "
        "JavaScript\n          worker runs in an edgert isolate: it verifies the token with "
        "WebCrypto, answers\n          401 itself when the token is bad, serves the catalogue "
        "from the PoP's cache, and\n          forwards signed-in requests to the origin with the "
        "user's A/B cohort, country\n          and feature flags added.\n\n"
        "[dim]Network latency is modelled in virtual time (speed of light in fibre, detours of "
        "real paths,\nTCP + TLS 1.3 handshakes, each user's own access line); the worker really "
        "runs, and its\nCPU time is measured on this machine and added. "
        f"{users_per_city} users per city, {requests:,} requests each way.[/]"
    )
    return Panel(text, title="edgert demo: what does an edge buy users far from the origin?")


def _ms(value: float) -> str:
    return f"{value:,.0f}"


def _city_table(result: Result, city: str) -> Table:
    rows = city_rows(result, city)
    served_by = rows[-1].pops[0] if rows[-1].pops else "?"
    where = pop(served_by)
    table = Table(
        title=f"[bold]{city}[/]  [dim]nearest PoP: {served_by} ({where.city})[/]",
        title_justify="left",
        show_lines=False,
        expand=False,
    )
    table.add_column("request", no_wrap=True)
    table.add_column("n", justify="right")
    table.add_column("direct ms\np50 / p95", justify="right", style="cyan", no_wrap=True)
    table.add_column("edge ms\np50 / p95", justify="right", style="green", no_wrap=True)
    table.add_column("faster\n(p50)", justify="right")
    table.add_column("answered by\nthe edge alone", justify="right", no_wrap=True)
    table.add_column("worker CPU\np50 ms", justify="right")
    table.add_column("cold\nstarts", justify="right")
    for i, row in enumerate(rows):
        last = i == len(rows) - 1
        table.add_row(
            Text(row.label, style="bold" if last else ""),
            str(row.requests),
            f"{_ms(row.direct_p50)} / {_ms(row.direct_p95)}",
            f"{_ms(row.edge_p50)} / {_ms(row.edge_p95)}",
            _speedup(row),
            _answered(row),
            f"{row.worker_cpu_p50:.2f}",
            str(row.cold_starts),
            end_section=i == len(rows) - 2,
        )
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
    table = Table(
        title="[bold]All cities[/] (p50: the median user or request)", title_justify="left"
    )
    table.add_column("city")
    table.add_column("PoP")
    table.add_column("whole session ms\ndirect -> edge", justify="right", no_wrap=True)
    table.add_column("first request ms\n(new connection)", justify="right", no_wrap=True)
    table.add_column("bad token: 401 ms\ndirect -> edge", justify="right", no_wrap=True)
    table.add_column("signed-in page ms\ndirect -> edge", justify="right", no_wrap=True)
    table.add_column("answered by\nthe edge alone", justify="right")
    for city in cities:
        rows = {r.label: r for r in city_rows(result, city)}
        total = rows["all requests"]
        direct, edge = sessions(result, city)
        refused = [
            o for o in result.outcomes if o.city == city and o.kind in ("expired", "no-token")
        ]
        bad = (
            f"{_ms(percentile((o.direct.total_ms for o in refused), 50))} -> "
            f"{_ms(percentile((o.edge.total_ms for o in refused), 50))}"
            if refused
            else "-"
        )
        first = rows.get(KINDS["catalog"])
        signed = rows.get(KINDS["signed-in"])
        table.add_row(
            city,
            total.pops[0] if total.pops else "?",
            f"{_ms(percentile(direct, 50))} -> {_ms(percentile(edge, 50))}",
            f"{_ms(first.direct_p50)} -> {_ms(first.edge_p50)}" if first else "-",
            bad,
            f"{_ms(signed.direct_p50)} -> {_ms(signed.edge_p50)}" if signed else "-",
            f"{100.0 * total.edge_only / max(total.requests, 1):.0f}%",
        )
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
