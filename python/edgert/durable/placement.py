"""Where a Durable Object lives: the PoP nearest its first caller, or the PoP of the network
nearest the region a ``locationHint`` names. Once placed, an object never moves."""

from __future__ import annotations

from collections.abc import Sequence

from edgert.errors import ConfigError
from edgert.pops import Pop

__all__ = ["REGION_ANCHORS", "hinted_pop"]

#: Workers' location hints, each anchored at a city of its region (latitude, longitude).
REGION_ANCHORS: dict[str, tuple[float, float]] = {
    "wnam": (37.62, -122.38),  # Western North America: San Francisco
    "enam": (38.95, -77.45),  # Eastern North America: Ashburn
    "sam": (-23.43, -46.47),  # South America: Sao Paulo
    "weur": (51.47, -0.45),  # Western Europe: London
    "eeur": (52.17, 20.97),  # Eastern Europe: Warsaw
    "apac": (1.36, 103.99),  # Asia-Pacific: Singapore
    "oc": (-33.95, 151.18),  # Oceania: Sydney
    "afr": (-26.14, 28.25),  # Africa: Johannesburg
    "me": (25.25, 55.36),  # Middle East: Dubai
}


def hinted_pop(hint: str, pops: Sequence[Pop]) -> Pop:
    """The PoP of ``pops`` nearest the region ``hint`` names."""
    anchor = REGION_ANCHORS.get(hint)
    if anchor is None:
        raise ConfigError(f"unknown locationHint {hint!r}: one of {', '.join(REGION_ANCHORS)}")
    if not pops:
        raise ConfigError("no PoP to place a Durable Object in")
    return min(pops, key=lambda p: p.distance_km(*anchor))
