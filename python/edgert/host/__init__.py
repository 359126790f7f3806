"""Hosts drive the sans-I/O core: they perform its operations and give it time.

- :class:`RealTimeHost` runs on asyncio (uvloop when installed) with real sockets and clocks;
- :class:`VirtualTimeHost` runs a deterministic event loop in virtual time (tests, simulator).
"""

from edgert.host.base import Host
from edgert.host.realtime import RealTimeHost
from edgert.host.virtual import VirtualTimeHost

__all__ = ["Host", "RealTimeHost", "VirtualTimeHost"]
