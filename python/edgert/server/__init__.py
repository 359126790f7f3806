"""The edge server: a :class:`~edgert.Network` on real HTTP/1.1 sockets (uvloop + httptools).

- :class:`EdgeServer`: one listening socket for one PoP or for the whole network;
- :class:`ServerLimits`: header, body and time limits;
- :class:`AccessRecord`: what ``on_request`` receives per response;
- :func:`serve_command`: ``edgert serve`` (several PoPs at once, or a caching reverse proxy).
"""

from __future__ import annotations

from edgert.server.access import AccessRecord
from edgert.server.limits import ServerLimits
from edgert.server.location import ClientLocator, Placement
from edgert.server.serve import build_network, serve_command, serve_network
from edgert.server.server import EdgeServer

__all__ = [
    "AccessRecord",
    "ClientLocator",
    "EdgeServer",
    "Placement",
    "ServerLimits",
    "build_network",
    "serve_command",
    "serve_network",
]
