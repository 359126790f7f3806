// A chat room under `edgert simulate` (examples/simulate/chat.toml): the shape of the Workers
// chat demo, small. /api/room/NAME/websocket upgrades to a WebSocket held by the room's
// Durable Object (the Hibernation API); a user's first message names it ({"name": ...}),
// every later one ({"message": ...}) is broadcast to everyone in the room, the sender too.
import { DurableObject } from "cloudflare:workers";

export class ChatRoom extends DurableObject {
  async fetch(request) {
    if (request.headers.get("upgrade") !== "websocket") {
      return new Response("expected a WebSocket upgrade", { status: 426 });
    }
    const [client, server] = Object.values(new WebSocketPair());
    this.ctx.acceptWebSocket(server);
    server.serializeAttachment({ name: null });
    return new Response(null, { status: 101, webSocket: client });
  }

  webSocketMessage(ws, raw) {
    let data;
    try {
      data = JSON.parse(raw);
    } catch {
      ws.send(JSON.stringify({ error: "not JSON" }));
      return;
    }
    const session = ws.deserializeAttachment();
    if (!session.name) {
      session.name = String(data.name || "anonymous").slice(0, 32);
      ws.serializeAttachment(session);
      this.broadcast({ joined: session.name });
      ws.send(JSON.stringify({ ready: true }));
      return;
    }
    const message = String(data.message || "").slice(0, 256);
    this.broadcast({ name: session.name, message, timestamp: Date.now() });
  }

  webSocketClose(ws) {
    const { name } = ws.deserializeAttachment();
    if (name) this.broadcast({ quit: name });
  }

  broadcast(event) {
    const text = JSON.stringify(event);
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.send(text);
      } catch {
        // a socket closing meanwhile: its close event follows
      }
    }
  }
}

export default {
  async fetch(request, env) {
    const parts = new URL(request.url).pathname.split("/").filter(Boolean);
    if (parts[0] === "api" && parts[1] === "room" && parts[3] === "websocket") {
      const room = env.ROOMS.get(env.ROOMS.idFromName(parts[2]));
      return room.fetch(request);
    }
    return new Response("chat: open /api/room/NAME/websocket", { status: 200 });
  },
};
