"""The demo's output with ``rich``: what is being compared, a table per city, what it means."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from edgert.demo.scenario import SESSION, Result
from edgert.demo.summary import Row, city_rows, total_row
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
    table.add_column("requests of the kind", no_wrap=True)
    table.add_column("n", justify="right")
    table.add_column("direct p50 / p95 ms", justify="right", style="cyan")
    table.add_column("edge p50 / p95 ms", justify="right", style="green")
    table.add_column("faster (p50)", justify="right")
    table.add_column("answered at the edge", justify="right")
    table.add_column("worker CPU p50 ms", justify="right")
    table.add_column("cold starts", justify="right")
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
        parts.append(f"{row.cache_hits} cache hits")
    return f"{row.edge_only}/{row.requests}" + (f" ({', '.join(parts)})" if parts else "")


def _summary(result: Result, cities: list[str]) -> Table:
    table = Table(title="[bold]All cities[/]", title_justify="left")
    table.add_column("city")
    table.add_column("PoP")
    table.add_column("direct p50 ms", justify="right", style="cyan")
    table.add_column("edge p50 ms", justify="right", style="green")
    table.add_column("bad token: 401 after (direct -> edge, p50)", justify="right")
    table.add_column("answered at the edge", justify="right")
    for city in cities:
        row = total_row(result, city)
        refused = [
            o for o in result.outcomes if o.city == city and o.kind in ("expired", "no-token")
        ]
        if refused:
            d = sorted(o.direct.total_ms for o in refused)[len(refused) // 2]
            e = sorted(o.edge.total_ms for o in refused)[len(refused) // 2]
            bad = f"{_ms(d)} -> {_ms(e)} ms"
        else:
            bad = "-"
        table.add_row(
            city,
            row.pops[0] if row.pops else "?",
            _ms(row.direct_p50),
            _ms(row.edge_p50),
            bad,
            f"{100.0 * row.edge_only / max(row.requests, 1):.0f}%",
        )
    return table


def _takeaways(result: Result, cities: list[str]) -> Panel:
    far = max(cities, key=lambda c: total_row(result, c).direct_p50)
    far_rows = {r.label: r for r in city_rows(result, far)}
    everything = total_row(result)
    signed = far_rows.get("signed-in page, valid token")
    lines = [
        "[bold]How to read the tables[/]: p50 is the median request, p95 the slow tail (1 in 20 "
        "is slower). 'Answered at the edge' counts requests the PoP finished without contacting "
        "the origin: 401s for missing or expired tokens, and catalogue hits in the PoP's cache. "
        "A cold start is a request that had to start a new isolate for the worker (the first at "
        "each PoP, and when requests overlap).",
        "",
        f"[bold]What it shows[/]: {everything.edge_only:,} of {everything.requests:,} requests "
        f"({100.0 * everything.edge_only / max(everything.requests, 1):.0f}%) never left the "
        "user's continent. "
        f"For users in {far}, the farthest from Virginia, the median request took "
        f"{_ms(far_rows['all requests'].direct_p50)} ms direct and "
        f"{_ms(far_rows['all requests'].edge_p50)} ms through the edge.",
    ]
    if signed is not None:
        lines.append(
            f"Signed-in pages still need the origin: from {far} they take "
            f"{_ms(signed.edge_p50)} ms through the edge against {_ms(signed.direct_p50)} ms "
            "direct. The edge saves the handshakes (the user's connection ends at a nearby PoP; "
            "the PoP keeps warm connections to the origin) but not the ocean crossing: moving "
            "the data itself to the edge (KV, cache, Durable Objects) is what removes that."
        )
    lines.append(
        f"The worker's CPU per request stays small (p50 {everything.worker_cpu_p50:.2f} ms, "
        f"max {everything.worker_cpu_max:.1f} ms, ES256 signature checks included)."
    )
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
