"""``edgert dev``'s log writer: batches off the event loop, plain text off a terminal, nothing
lost or reordered, and a stuck output never blocks the caller."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass

from rich.console import Console

from edgert.dev.writer import LogWriter


@dataclass(frozen=True)
class Record:
    path: str
    time: float = 0.0
    method: str = "GET"
    status: int = 200
    pop: str = "FRA"
    cache_status: str | None = "MISS"
    cpu_ms: float = 0.5
    wall_ms: float = 1.0
    logs: tuple[tuple[str, str], ...] = ()


class Stream(io.StringIO):
    """A stream that counts its writes and can be held shut (a terminal that does not read)."""

    def __init__(self) -> None:
        super().__init__()
        self.writes = 0
        self.open = threading.Event()
        self.open.set()
        self.entered = threading.Event()

    def write(self, text: str) -> int:
        self.entered.set()
        assert self.open.wait(10), "the test never let the writer through"
        self.writes += 1
        return super().write(text)


def test_plain_text_in_order_with_console_lines_and_notes() -> None:
    stream = Stream()
    writer = LogWriter(Console(file=stream, width=200), interval_s=0.01)
    assert not writer.markup  # not a terminal
    writer.add(Record("/a", logs=(("warn", "careful [x]"),)))
    writer.line("[green]reloaded[/] version 2")
    writer.line("SyntaxError: [bad]", markup=False)
    writer.add(Record("/b", status=404, cache_status=None))
    writer.close()
    lines = stream.getvalue().splitlines()
    assert lines[0].endswith("GET /a 200 FRA MISS cpu 0.50 ms 1.0 ms")
    assert lines[1] == "           console.warn: careful [x]"
    assert lines[2] == "reloaded version 2"
    assert lines[3] == "SyntaxError: [bad]"
    assert lines[4].endswith("GET /b 404 FRA - cpu 0.50 ms 1.0 ms")
    assert "\x1b[" not in stream.getvalue()


def test_records_are_written_a_batch_at_a_time() -> None:
    stream = Stream()
    stream.open.clear()  # hold the first batch until every record is queued
    writer = LogWriter(Console(file=stream, width=200), interval_s=0.01)
    writer.add(Record("/0"))
    assert stream.entered.wait(10)
    for i in range(1, 500):  # queued while the writer is stuck: add() does not wait for it
        writer.add(Record(f"/{i}"))
    stream.open.set()
    writer.close()
    lines = stream.getvalue().splitlines()
    assert [line.split()[2] for line in lines] == [f"/{i}" for i in range(500)]
    assert stream.writes == 2  # the first record alone, then the 499 others in one write


def test_a_queue_that_cannot_drain_is_bounded() -> None:
    stream = Stream()
    stream.open.clear()
    writer = LogWriter(Console(file=stream, width=200), interval_s=0.01, max_queued=10)
    writer.add(Record("/first"))
    assert stream.entered.wait(10)
    for i in range(25):
        writer.add(Record(f"/{i}"))
    stream.open.set()
    writer.close()
    text = stream.getvalue()
    assert "/9 " in text and "/10 " not in text
    assert text.rstrip().endswith("15 log lines dropped (output too slow)")


def test_colours_on_a_terminal() -> None:
    stream = io.StringIO()
    console = Console(file=stream, width=200, force_terminal=True, color_system="standard")
    writer = LogWriter(console, interval_s=0.01)
    assert writer.markup
    writer.add(Record("/a", status=500, logs=(("error", "boom [x]"),)))
    writer.close()
    text = stream.getvalue()
    assert "\x1b[" in text and "/a" in text and "boom [x]" in text
