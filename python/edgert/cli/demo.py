"""``edgert demo``: what an edge buys users far from the origin, in one command."""

from __future__ import annotations

import time

import click

__all__ = ["command"]


@click.command(short_help="Show what an edge buys users far from the origin (no arguments).")
@click.option("--users", default=24, show_default=True, help="Users per city.")
@click.option("--seed", default=7, show_default=True, help="Seed of the users and the network.")
@click.option("--plain", is_flag=True, help="No colours or progress bar (for logs).")
def demo(users: int, seed: int, plain: bool) -> None:
    """Users in Tokyo, Sao Paulo, Frankfurt, Sydney and Virginia call an API hosted in Virginia,
    straight to the origin and through an edge network running a JavaScript middleware worker.
    Prints a table per city: latency both ways, what the edge answered alone, worker CPU and cold
    starts. No arguments needed; takes a few seconds."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from edgert.demo.report import intro, render
    from edgert.demo.scenario import Scenario, run_scenario

    if users < 1:
        raise click.BadParameter("at least one user per city", param_hint="--users")
    # The terminal's width (COLUMNS, or 80 when piped): every table fits 80 columns.
    console = Console(no_color=plain, force_terminal=False if plain else None)
    scenario = Scenario(users_per_city=users, seed=seed)
    console.print(intro(users, list(scenario.cities), scenario.requests))
    began = time.perf_counter()
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        disable=plain,
        transient=True,
    ) as progress:
        task = progress.add_task(
            "sending requests (direct, then through the edge)", total=2 * scenario.requests
        )
        result = run_scenario(scenario, on_done=lambda: progress.advance(task))
    render(result, console)
    console.print(
        f"[dim]{2 * scenario.requests:,} requests simulated in "
        f"{time.perf_counter() - began:.1f} s of real time.[/]"
    )


command = demo
