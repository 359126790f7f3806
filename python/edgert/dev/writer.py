"""``edgert dev``'s log writer: request records are queued on the event loop and rendered and
written a batch at a time by a thread, so that logging never holds up request handling.

Theory of operation
-------------------
The event loop only appends: :meth:`LogWriter.add` puts the server's access record (or a line
of text, e.g. a reload message) on a ``deque`` (an atomic append, no formatting) and, when no
batch is pending, wakes the writer thread. The writer waits ``interval_s`` (50 ms) for more to
gather, then renders everything queued and writes it with one call. A slow terminal or a full
pipe blocks the writer thread, never the loop; records keep queueing meanwhile (at most
``max_queued``: past that new records are counted as dropped and a note says how many, so that
memory stays bounded when the output cannot keep up).

    loop:    add() -> queue.append; if not armed: armed = True; wake.set()
    writer:  wake.wait() -> sleep interval_s -> wake.clear(); armed = False -> drain, render,
             write once -> wait again

Clearing ``wake`` before ``armed`` is reset means a record added in between is either drained
by this pass or re-arms the next one: none is left without a wake-up.

Rendering: rich markup (colours) when the console is a terminal; plain text otherwise (no markup
parsing cost, nothing for a log file or a pipe to strip). :meth:`close` writes what is left.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.text import Text

from edgert.dev.log import format_access, format_console, format_error

__all__ = ["LogWriter"]


class _Markup(str):
    """A line of rich markup (as opposed to a request record)."""

    __slots__ = ()


class _Plain(str):
    """A line of plain text (an error message whose brackets are not markup)."""

    __slots__ = ()


class LogWriter:
    """Writes request records and lines to ``console`` from a thread (see the module's
    docstring). ``markup``: colours (default: when the console is a terminal)."""

    def __init__(
        self,
        console: Console,
        *,
        interval_s: float = 0.05,
        markup: bool | None = None,
        max_queued: int = 100_000,
    ) -> None:
        self.console = console
        self.markup = console.is_terminal if markup is None else markup
        self.interval_s = interval_s
        self.max_queued = max_queued
        self.dropped = 0
        self._queue: deque[Any] = deque()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._armed = False
        self._thread = threading.Thread(target=self._run, name="edgert-dev-log", daemon=True)
        self._thread.start()

    def add(self, record: Any) -> None:
        """Queues a request's record (the server's ``on_request``): no formatting here."""
        queue = self._queue
        if len(queue) >= self.max_queued:
            self.dropped += 1
            return
        queue.append(record)
        if not self._armed:
            self._armed = True
            self._wake.set()

    def line(self, text: str, *, markup: bool = True) -> None:
        """Queues a line of rich markup (or plain text with ``markup=False``): reloads, notes,
        in order with the records."""
        self._queue.append(_Markup(text) if markup else _Plain(text))
        if not self._armed:
            self._armed = True
            self._wake.set()

    def close(self, timeout_s: float = 5.0) -> None:
        """Writes what is queued and stops the writer."""
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout_s)

    def _run(self) -> None:
        while True:
            self._wake.wait()
            if not self._stop.is_set():
                self._stop.wait(self.interval_s)  # gather a batch (returns at once on close)
            self._wake.clear()
            self._armed = False
            self._write_batch()
            if self._stop.is_set() and not self._queue:
                return

    def _write_batch(self) -> None:
        queue = self._queue
        items = []
        while queue:
            items.append(queue.popleft())
        if self.dropped:
            items.append(_Markup(f"[yellow]{self.dropped} log lines dropped (output too slow)[/]"))
            self.dropped = 0
        if not items:
            return
        try:
            if self.markup:
                self._write_rich(items)
            else:
                self._write_plain(items)
        except (OSError, ValueError):  # the stream went away (closed pipe): nothing to do
            pass

    def _write_plain(self, items: list[Any]) -> None:
        lines: list[str] = []
        for item in items:
            kind = type(item)
            if kind is _Markup:
                lines.append(Text.from_markup(item).plain)
            elif kind is _Plain:
                lines.append(item)
            else:
                lines.append(format_access(item, markup=False))
                if getattr(item, "logs", None):
                    lines.extend(format_console(item, markup=False))
                if getattr(item, "error", None):
                    lines.extend(format_error(item, markup=False))
        stream = self.console.file
        stream.write("\n".join(lines) + "\n")
        stream.flush()

    def _write_rich(self, items: list[Any]) -> None:
        lines: list[str] = []
        for item in items:
            kind = type(item)
            if kind is _Markup:
                lines.append(item)
            elif kind is _Plain:
                lines.append(escape(item))
            else:
                lines.append(format_access(item))
                if getattr(item, "logs", None):
                    lines.extend(format_console(item))
                if getattr(item, "error", None):
                    lines.extend(format_error(item))
        self.console.print("\n".join(lines), highlight=False, soft_wrap=True)
