"""WebSockets on the host side: links between a worker's sockets and the ends the host holds
(server connections, simulated clients, origins), see :mod:`edgert.websocket.hub`."""

from edgert.websocket.hub import SOCKET_FIELD, End, IsolateEnd, WebSocketHub, hub_of

__all__ = ["SOCKET_FIELD", "End", "IsolateEnd", "WebSocketHub", "hub_of"]
