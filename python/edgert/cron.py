"""Cron expressions as Workers accepts them, and when they fire (UTC).

Workers' syntax (developers.cloudflare.com, "Cron Triggers", "Supported cron expressions"):
five fields, minute (0-59), hour (0-23), day of month (1-31, with ``L`` and ``W``), month
(1-12 or ``JAN``-``DEC``) and weekday (**1-7, 1 = Sunday**, or ``SUN``-``SAT``, with ``L`` and
``#``), each with ``*``, lists, ranges and steps; names in any case. When both the day of
month and the weekday are restricted, either matching fires (classic cron's rule).

Evaluation is cronsim's (a small, tested evaluator of exactly these extensions: ``L`` and
``LW`` in the day of month, ``5L`` and ``MON#2`` in the weekday), after the weekday field is
renumbered from Workers' 1-7 to cron's 0-6; ``L`` alone in the weekday field is Saturday
(Quartz's "last day of the week"). One deviation: a day-of-month ``W`` is accepted as ``LW``
only (cronsim has no "nearest weekday to the 15th", ``15W``); such an expression is a clear
:class:`~edgert.errors.ConfigError`.
"""

from __future__ import annotations

from datetime import UTC, datetime

from cronsim import CronSim, CronSimError

from edgert.errors import ConfigError

__all__ = ["CronSchedule"]

_DAY_NAMES = {name: i for i, name in enumerate(("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"))}


def _weekday(token: str, expression: str) -> str:
    """One weekday value (a number 1-7 or a name) as cron's 0-6."""
    if not token.isdigit():
        named = _DAY_NAMES.get(token.upper())
        if named is None:
            raise ConfigError(
                f"cron {expression!r}: {token!r} is not a weekday (1-7, 1 = Sunday, or SUN-SAT)"
            )
        return str(named)
    day = int(token)
    if not 1 <= day <= 7:
        raise ConfigError(
            f"cron {expression!r}: weekday {day} is out of range: Workers numbers weekdays "
            "1-7, 1 = Sunday (or SUN-SAT)"
        )
    return str(day - 1)


def _weekday_field(field: str, expression: str) -> str:
    """Workers' weekday field in cron's numbering."""
    out = []
    for part in field.split(","):
        if part.upper() == "L":
            out.append("6")  # Quartz: L alone is the week's last day, Saturday
            continue
        step = ""
        if "/" in part:
            part, step = part.split("/", 1)
            step = "/" + step
        if "#" in part:
            day, nth = part.split("#", 1)
            out.append(f"{_weekday(day, expression)}#{nth}{step}")
        elif len(part) > 1 and part.upper().endswith("L"):
            out.append(f"{_weekday(part[:-1], expression)}L{step}")
        elif "-" in part:
            lo, hi = part.split("-", 1)
            out.append(f"{_weekday(lo, expression)}-{_weekday(hi, expression)}{step}")
        else:
            out.append(f"{_weekday(part, expression) if part != '*' else '*'}{step}")
    return ",".join(out)


class CronSchedule:
    """A cron expression as Workers accepts it (see the module docstring); raises
    :class:`~edgert.errors.ConfigError` naming what is wrong."""

    __slots__ = ("_cron", "expression")

    def __init__(self, expression: str) -> None:
        if not isinstance(expression, str):
            raise ConfigError(f"a cron expression is a string, got {type(expression).__name__}")
        self.expression = expression
        fields = expression.split()
        if len(fields) != 5:
            raise ConfigError(
                f"cron {expression!r}: expected 5 fields (minute hour day-of-month month "
                f"weekday), got {len(fields)}"
            )
        if "W" in fields[2].upper() and fields[2].upper() != "LW":
            raise ConfigError(
                f"cron {expression!r}: a nearest-weekday day of month ({fields[2]}) is not "
                "supported by edgert; LW (the month's last weekday) is"
            )
        fields[4] = _weekday_field(fields[4], expression)
        self._cron = " ".join(fields)
        try:
            CronSim(self._cron, datetime(2000, 1, 1, tzinfo=UTC))
        except CronSimError as exc:
            raise ConfigError(f"cron {expression!r}: {exc}") from None

    def next_after(self, t: float) -> float:
        """The first time this schedule fires strictly after ``t`` (seconds since the epoch,
        UTC), on a whole minute."""
        start = datetime.fromtimestamp(t, UTC)
        return next(iter(CronSim(self._cron, start))).timestamp()

    def __repr__(self) -> str:
        return f"CronSchedule({self.expression!r})"
