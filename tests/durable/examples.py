"""Worker sources of the Durable Object tests: the examples of the Workers documentation
(developers.cloudflare.com/durable-objects), read unmodified from ``../shared/data``, and the
chat room's adaptation."""

from __future__ import annotations

from pathlib import Path

#: The Workers documentation's examples, kept unmodified outside the project (third-party
#: code): ``../shared/data/workers-examples/docs/`` beside the repository (see its README).
DOCS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "workers-examples" / "docs"

# "Durable Objects: Get started" (the counter, RPC form), as the docs write it.
DOCS_COUNTER = (DOCS / "durable_objects_counter.js").read_text()

# "Build a rate limiter" (Durable Objects examples), as the docs write it (JavaScript tab).
DOCS_RATE_LIMITER = (DOCS / "durable_objects_rate_limiter.js").read_text()

# The chat room of the Workers chat demo keeps its message list in storage, keyed by ISO
# timestamps, and reads the last 100 with list({reverse: true, limit: 100}). The demo speaks
# WebSockets, which edgert does not have yet: this room takes messages by POST and serves the
# backlog by GET, with the demo's own storage code (classic Durable Object form).
DOCS_CHAT_ROOM = """
export class ChatRoom {
  constructor(state, env) {
    this.storage = state.storage;
    this.env = env;
    this.lastTimestamp = 0;
  }

  async fetch(request) {
    let url = new URL(request.url);
    if (request.method === "POST") {
      let data = await request.json();
      data = { name: data.name, message: "" + data.message };
      if (data.message.length > 256) {
        return new Response("Message too long.", { status: 400 });
      }
      data.timestamp = Math.max(Date.now(), this.lastTimestamp + 1);
      this.lastTimestamp = data.timestamp;
      let dataStr = JSON.stringify(data);
      let key = new Date(data.timestamp).toISOString();
      await this.storage.put(key, dataStr);
      return new Response(dataStr, { headers: { "content-type": "application/json" } });
    }
    if (url.pathname.endsWith("/messages")) {
      let storage = await this.storage.list({ reverse: true, limit: 100 });
      let backlog = [...storage.values()];
      backlog.reverse();
      return new Response("[" + backlog.join(",") + "]", { headers: { "content-type": "application/json" } });
    }
    return new Response("Not found", { status: 404 });
  }
}

export default {
  async fetch(request, env) {
    let url = new URL(request.url);
    let path = url.pathname.slice(1).split("/");
    if (path[0] !== "room" || !path[1]) return new Response("Not found", { status: 404 });
    let name = path[1];
    let id;
    if (name.match(/^[0-9a-f]{64}$/)) {
      id = env.rooms.idFromString(name);
    } else if (name.length <= 32) {
      id = env.rooms.idFromName(name);
    } else {
      return new Response("Name too long", { status: 404 });
    }
    let roomObject = env.rooms.get(id);
    let newUrl = new URL(request.url);
    newUrl.pathname = "/" + path.slice(2).join("/");
    return roomObject.fetch(newUrl, request);
  },
};
"""
