"""WebSockets in virtual time: simulated clients on other continents in one Durable Object
room (the Hibernation API), the fan-out latency each of them sees, and an object evicted
while its sockets stay open, re-created for the next message."""

from __future__ import annotations

from edgert import Network, Origin, Response, Worker

ROOM = """
import { DurableObject } from "cloudflare:workers";
let constructed = 0;
export class Room extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    constructed += 1;
    ctx.setWebSocketAutoResponse(new WebSocketRequestResponsePair("ping", "pong"));
  }
  async fetch(request) {
    const name = new URL(request.url).searchParams.get("name");
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server, [name, "everyone"]);
    server.serializeAttachment({ name });
    return new Response(null, { status: 101, webSocket: client });
  }
  webSocketMessage(ws, message) {
    const { name } = ws.deserializeAttachment();
    if (message === "stats") {
      const auto = this.ctx.getWebSocketAutoResponseTimestamp(ws);
      ws.send(JSON.stringify({ constructed, sockets: this.ctx.getWebSockets().length,
        tagged: this.ctx.getWebSockets(name).length, auto: auto === null ? null : auto.getTime() }));
      return;
    }
    for (const other of this.ctx.getWebSockets("everyone")) other.send(`${name}: ${message}`);
  }
  webSocketClose(ws, code, reason, wasClean) {
    const { name } = ws.deserializeAttachment();
    for (const other of this.ctx.getWebSockets()) if (other !== ws) other.send(`${name} left (${code})`);
  }
}
export default {
  fetch(request, env) {
    const room = env.ROOMS.get(env.ROOMS.idFromName("lobby"), { locationHint: "enam" });
    return room.fetch(request);
  },
};
"""


def network() -> Network:
    worker = Worker(ROOM, name="room.js", durable_objects={"ROOMS": "Room"}, seed=7)
    return Network(
        pops=["NRT", "FRA", "IAD", "SYD"],
        origin=Origin(handler=lambda r: Response("origin"), region="IAD"),
        workers={"app": worker},
        seed=3,
    )


def test_fan_out_latency_to_other_continents() -> None:
    net = network()
    tokyo = net.websocket("https://app.example/?name=tokyo", client="Tokyo")
    frankfurt = net.websocket("https://app.example/?name=frankfurt", client="Frankfurt")
    ashburn = net.websocket("https://app.example/?name=ashburn", client="Washington")
    net.run()
    for sock, pop in ((tokyo, "NRT"), (frankfurt, "FRA"), (ashburn, "IAD")):
        assert sock.open and sock.pop == pop
        assert sock.socket_pop == "IAD", "the room lives where its locationHint says"
    # The upgrade itself went through the object: its trace has the call.
    assert tokyo.trace is not None and tokyo.trace.object_calls[0].home_pop == "IAD"

    tokyo.send("hello")
    net.run()
    for sock in (tokyo, frankfurt, ashburn):
        (got,) = sock.received
        assert got.data == "tokyo: hello"
        # One way from the room to the client: what the client's own latency says.
        assert abs(got.latency_ms - sock.latency_s * 1000.0) < 1e-3
    assert ashburn.latency_s < frankfurt.latency_s < tokyo.latency_s
    assert tokyo.received[0].latency_ms > 60.0, "Ashburn to Tokyo is across the Pacific"


def test_object_evicted_with_open_sockets_is_recreated() -> None:
    net = network()
    a = net.websocket("https://app.example/?name=a", client="Frankfurt")
    b = net.websocket("https://app.example/?name=b", client="Tokyo")
    net.run()
    a.send("stats")
    net.run()
    first = a.received[-1].data
    assert '"constructed":1' in first and '"sockets":2' in first and '"tagged":1' in first
    # Two idle minutes: the object is evicted (70 s), its sockets stay open.
    net.at(net.now() + 120.0, lambda: a.send("still here"))
    net.run()
    assert b.received[-1].data == "a: still here"
    a.send("stats")
    net.run()
    assert '"constructed":2' in a.received[-1].data, "re-created for the message"
    assert '"sockets":2' in a.received[-1].data, "getWebSockets() survives the eviction"


def test_auto_response_and_close() -> None:
    net = network()
    a = net.websocket("https://app.example/?name=a", client="Frankfurt")
    b = net.websocket("https://app.example/?name=b", client="Frankfurt")
    net.run()
    a.send("ping")
    net.run()
    assert a.received[-1].data == "pong"
    a.send("stats")
    net.run()
    assert '"auto":null' not in a.received[-1].data
    a.close(4001, "bye")
    net.run()
    assert a.close_event is not None and a.close_event[0] == 4001
    assert b.received[-1].data == "a left (4001)"


def test_upgrade_refused_by_the_worker() -> None:
    worker = Worker("export default { fetch() { return new Response('no', { status: 403 }); } }")
    net = Network(
        pops=["FRA"], origin=Origin(handler=lambda r: Response("o")), workers={"app": worker}
    )
    sock = net.websocket("https://app.example/", client="Frankfurt")
    net.run()
    assert not sock.open and sock.close_event is not None and "403" in sock.close_event[1]
