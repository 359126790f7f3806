"""A client's request rate at one PoP, as a PoP can count it: requests in the last 10 s,
estimated from two fixed windows (the previous window's count weighted by how much of it still
overlaps the sliding window, as the rate-limiting counters do)."""

from __future__ import annotations

from collections.abc import Hashable

__all__ = ["RateTracker"]

WINDOW_S = 10.0
_MAX_KEYS = 200_000


class RateTracker:
    """Per ``(pop, client key)``: the estimated number of requests in the last 10 s, this one
    included."""

    def __init__(self, window_s: float = WINDOW_S) -> None:
        self.window_s = window_s
        self._counts: dict[tuple[str, Hashable], list[float]] = {}

    def hit(self, pop: str, key: Hashable, now: float) -> float:
        index = float(int(now // self.window_s))
        k = (pop, key)
        c = self._counts.get(k)
        if c is None:
            if len(self._counts) >= _MAX_KEYS:
                self._counts.clear()
            c = self._counts[k] = [index, 0.0, 0.0]
        if c[0] != index:
            c[2] = c[1] if index == c[0] + 1 else 0.0
            c[1] = 0.0
            c[0] = index
        c[1] += 1.0
        elapsed = (now - index * self.window_s) / self.window_s
        return c[2] * (1.0 - elapsed) + c[1]
