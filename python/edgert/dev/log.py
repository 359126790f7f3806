"""``edgert dev``'s log: one line per request, then the worker's console output with its level.

``[12:03:04] GET /api/me 200 NRT MISS cpu 0.41 ms 3.2 ms``, then
``           console.warn: slow path``, then the worker's uncaught error with its stack, as
``wrangler dev`` shows it (``           ✘ [ERROR] Error: boom`` and the ``at ...`` lines below).
Fields are read from the server's access record by name (``time``, ``method``, ``path``,
``status``, ``pop``, ``cache_status``, ``cpu_ms``, ``wall_ms``, ``logs``, ``outcome``,
``error``) so that any record with those attributes prints.
"""

from __future__ import annotations

import time
from typing import Any

__all__ = ["format_access", "format_console", "format_error"]

_LEVEL_STYLE = {"error": "red", "warn": "yellow", "info": "cyan", "debug": "dim", "log": ""}


def _get(record: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        value = getattr(record, name, None)
        if value is not None:
            return value
    return default


def _status_style(status: int) -> str:
    if status >= 500:
        return "bold red"
    if status >= 400:
        return "yellow"
    if status >= 300:
        return "cyan"
    return "green"


_last_clock: tuple[int, str] = (-1, "")


def _clock(when: float) -> str:
    """``HH:MM:SS`` of ``when`` (local time), formatted once per second."""
    global _last_clock
    second = int(when)
    last = _last_clock
    if last[0] != second:
        last = _last_clock = (second, time.strftime("%H:%M:%S", time.localtime(second)))
    return last[1]


def _plain_access(record: Any) -> str | None:
    """The plain line of a record with every field of the server's ``AccessRecord`` set (the
    common case, read without the fallbacks), or None."""
    try:
        when = record.time
        method, path, status, pop = record.method, record.path, record.status, record.pop
        cache, cpu, wall = record.cache_status, record.cpu_ms, record.wall_ms
    except AttributeError:
        return None
    if method is None or path is None or pop is None:
        return None
    try:
        clock = _last_clock[1] if int(when) == _last_clock[0] else _clock(when)
        return (
            f"[{clock}] {method} {path} {status:d} {pop} {cache or '-'} "
            f"cpu {cpu:.2f} ms {wall:.1f} ms{_version(record)}"
        )
    except (TypeError, ValueError):  # not numbers: the general path copes
        return None


def format_access(record: Any, *, markup: bool = True) -> str:
    """The request's line (rich markup unless ``markup=False``)."""
    if not markup:
        line = _plain_access(record)
        if line is not None:
            return line
    when = _get(record, "time", "started_at", default=time.time())
    clock = _clock(float(when))
    method = _get(record, "method", default="?")
    path = _get(record, "path", "url", default="?")
    status = int(_get(record, "status", default=0))
    pop = _get(record, "pop", default="-")
    cache = _get(record, "cache_status", "cache", default="-") or "-"
    cpu = float(_get(record, "cpu_ms", "worker_cpu_ms", default=0.0))
    wall = _get(record, "wall_ms", default=None)
    wall_text = f" {float(wall):.1f} ms" if wall is not None else ""
    version = _version(record)
    if not markup:
        return (
            f"[{clock}] {method} {path} {status} {pop} {cache} cpu {cpu:.2f} ms{wall_text}{version}"
        )
    style = _status_style(status)
    return (
        f"[dim]\\[{clock}][/] [bold]{method}[/] {_escape(str(path))} [{style}]{status}[/] "
        f"{pop} {cache} [dim]cpu {cpu:.2f} ms{wall_text}[/]{_escape(version)}"
    )


def _version(record: Any) -> str:
    """`` version TAG`` (or the id's first 8 characters) when the record names a version."""
    vid = getattr(record, "version", None)
    if not vid:
        return ""
    return f" {getattr(record, 'version_tag', None) or str(vid)[:8]}"


def format_console(record: Any, *, markup: bool = True) -> list[str]:
    """The worker's console lines of the request, each with its level."""
    out = []
    logs = getattr(record, "logs", None)
    if not markup and type(logs) is tuple:  # the server's (level, message) pairs
        try:
            return [f"           console.{level}: {message}" for level, message in logs]
        except (TypeError, ValueError):  # not pairs: the general path below
            pass
    for line in _get(record, "logs", "console", default=()) or ():
        level = str(getattr(line, "level", None) or (line[0] if isinstance(line, tuple) else "log"))
        message = str(
            getattr(line, "message", None) or (line[1] if isinstance(line, tuple) else line)
        )
        if markup:
            style = _LEVEL_STYLE.get(level, "")
            label = f"[{style}]console.{level}[/]" if style else f"console.{level}"
            out.append(f"           {label}: {_escape(message)}")
        else:
            out.append(f"           console.{level}: {message}")
    return out


#: What each failed outcome means, before the error's own text (as in Workers' tail events).
_OUTCOME_TEXT = {
    "exception": "uncaught exception",
    "invalidResponse": "the handler did not return a Response",
    "neverSettled": "the script will never generate a response",
    "exceededCpu": "exceeded CPU time limit",
    "exceededMemory": "exceeded memory limit",
    "scriptError": "the script failed to start",
    "canceled": "canceled",
}


def format_error(record: Any, *, markup: bool = True) -> list[str]:
    """The worker's error for the request (its message, then its stack), or nothing."""
    error = getattr(record, "error", None)
    if not error:
        return []
    outcome = getattr(record, "outcome", None)
    what = _OUTCOME_TEXT.get(str(outcome), str(outcome or "error"))
    first, *stack = str(error).splitlines()
    pad = "           "
    if markup:
        out = [f"{pad}[bold red]✘ \\[ERROR][/] {_escape(what)}: {_escape(first)}"]
        out += [f"{pad}  [dim]{_escape(line.strip())}[/]" for line in stack if line.strip()]
        return out
    return [f"{pad}✘ [ERROR] {what}: {first}"] + [
        f"{pad}  {line.strip()}" for line in stack if line.strip()
    ]


def _escape(text: str) -> str:
    return text.replace("[", "\\[")
