"""The KV examples of the Workers documentation (read from ``../shared/data``), unmodified but
for the binding name, and the small applications the issue names (a counter, a rate limiter
keyed by client IP, a chat room's message list), run in virtual time across PoPs."""

from __future__ import annotations

from pathlib import Path

from kv_workers import at

from edgert import Network, Origin, Worker

#: The KV API examples of the Workers documentation, unmodified but for the binding name, kept
#: outside the project (third-party code): ``../shared/data/workers-examples/docs/``.
DOCS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "workers-examples" / "docs"

# developers.cloudflare.com/kv/api/write-key-value-pairs/
WRITE = (DOCS / "kv_write_key_value_pairs.js").read_text()

# developers.cloudflare.com/kv/api/read-key-value-pairs/
READ = (DOCS / "kv_read_key_value_pairs.js").read_text()

READ_METADATA = """
export default {
  async fetch(request, env, ctx) {
    try {
      const { value, metadata } = await env.NAMESPACE.getWithMetadata("first-key");

      if (value === null) {
        return new Response("Value not found", { status: 404 });
      }
      return new Response(JSON.stringify({ value, metadata }));
    } catch (e) {
      return new Response(e.message, { status: 500 });
    }
  },
};
"""

# developers.cloudflare.com/kv/api/list-keys/
LIST = (DOCS / "kv_list_keys.js").read_text()

# developers.cloudflare.com/kv/api/delete-key-value-pairs/
DELETE = (DOCS / "kv_delete_key_value_pairs.js").read_text()

COUNTER = """
export default {
  async fetch(request, env) {
    const count = Number(await env.NAMESPACE.get("count")) + 1;
    await env.NAMESPACE.put("count", String(count));
    return new Response(`count: ${count}`);
  },
};
"""

RATE_LIMITER = """
const LIMIT = 3;
export default {
  async fetch(request, env) {
    const ip = request.headers.get("CF-Connecting-IP") || "unknown";
    const key = `rate:${ip}:${Math.floor(Date.now() / 60000)}`;
    const used = Number((await env.NAMESPACE.get(key)) || 0);
    if (used >= LIMIT) return new Response("Too Many Requests", { status: 429 });
    await env.NAMESPACE.put(key, String(used + 1), { expirationTtl: 120 });
    return new Response(`ok ${used + 1}`);
  },
};
"""

CHAT = """
export default {
  async fetch(request, env) {
    const room = new URL(request.url).searchParams.get("room") || "lobby";
    if (request.method === "POST") {
      const messages = (await env.NAMESPACE.get(`room:${room}`, { type: "json" })) || [];
      messages.push({ text: await request.text(), at: Date.now() });
      await env.NAMESPACE.put(`room:${room}`, JSON.stringify(messages.slice(-50)));
      return new Response("posted", { status: 201 });
    }
    const messages = (await env.NAMESPACE.get(`room:${room}`, "json")) || [];
    return Response.json(messages.map((m) => m.text));
  },
};
"""


def net(source: str) -> Network:
    return Network(
        "demo",
        origin=Origin(handler=lambda r: "origin", region="IAD"),
        workers={"app": Worker(source, kv={"NAMESPACE": "docs"})},
        seed=3,
    )


def test_write_read_list_delete_examples() -> None:
    network = net(WRITE)
    r = at(network, "NRT", "/")
    assert (r.status, r.text()) == (201, "Successful write")
    assert network.kv("docs").get("first-key") == "This is the value for the key"

    reader = net(READ)
    assert at(reader, "NRT", "/").status == 404
    reader.kv("docs").put("first-key", "This is the value for the key")
    assert at(reader, "GRU", "/").text() == "This is the value for the key"

    meta = net(READ_METADATA)
    meta.kv("docs").put("first-key", "v", metadata={"someMetadataKey": "someMetadataValue"})
    assert at(meta, "FRA", "/").json() == {
        "value": "v",
        "metadata": {"someMetadataKey": "someMetadataValue"},
    }

    lister = net(LIST)
    lister.kv("docs").seed({"b": "2", "a": "1"})
    assert at(lister, "SYD", "/").json() == [{"name": "a"}, {"name": "b"}]

    deleter = net(DELETE)
    deleter.kv("docs").seed({"first-key": "x"})
    assert at(deleter, "IAD", "/").text() == "Successful delete"
    assert deleter.kv("docs").get("first-key") is None


def test_counter_is_eventually_consistent_across_pops() -> None:
    network = net(COUNTER)
    assert at(network, "NRT", "/").text() == "count: 1"
    network.run(until=network.now() + 2)
    assert at(network, "NRT", "/").text() == "count: 2"  # the writer sees its own write
    network.run(until=network.now() + 2)
    # GRU never read "count": it misses and gets the store's latest.
    assert at(network, "GRU", "/").text() == "count: 3"
    network.run(until=network.now() + 2)
    # NRT still holds its own write (count 2) for up to 60 s: the lost update KV warns about.
    assert at(network, "NRT", "/").text() == "count: 3"


def test_rate_limiter_keyed_by_client_ip() -> None:
    network = net(RATE_LIMITER)
    statuses = []
    for _ in range(4):
        r = network.fetch_sync(
            "https://app.example/",
            client="Tokyo",
            pop="NRT",
            headers={"CF-Connecting-IP": "1.2.3.4"},
        )
        statuses.append(r.status)
        network.run(until=network.now() + 1.5)
    assert statuses == [200, 200, 200, 429]
    other = network.fetch_sync(
        "https://app.example/", client="Tokyo", pop="NRT", headers={"CF-Connecting-IP": "5.6.7.8"}
    )
    assert other.text() == "ok 1"


def test_chat_room_message_list() -> None:
    network = net(CHAT)
    for text in ("hello", "world"):
        r = network.fetch_sync(
            "https://app.example/?room=r1", client="Tokyo", pop="NRT", method="POST", body=text
        )
        assert r.status == 201
        network.run(until=network.now() + 1.5)
    assert at(network, "NRT", "/?room=r1").json() == ["hello", "world"]
    assert at(network, "GRU", "/?room=r1").json() == ["hello", "world"]
    assert at(network, "GRU", "/?room=empty").json() == []
