"""Durable Objects and KV in one worker (the merge of the two features)."""

from __future__ import annotations

from edgert import Network, Origin, Response, Worker

SOURCE = """
import { DurableObject } from "cloudflare:workers";
export class Counter extends DurableObject {
  async hit() {
    const n = ((await this.ctx.storage.get("n")) || 0) + 1;
    await this.ctx.storage.put("n", n);
    const greeting = await this.env.KV.get("greeting");
    return `${greeting} ${n}`;
  }
}
export default {
  async fetch(request, env) {
    const stub = env.COUNTER.get(env.COUNTER.idFromName("a"));
    const fromObject = await stub.hit();
    const fromWorker = await env.KV.get("greeting");
    return new Response(`${fromObject} / ${fromWorker}`);
  },
};
"""


def test_standalone_worker_with_objects_and_kv() -> None:
    worker = Worker(SOURCE, durable_objects={"COUNTER": "Counter"}, kv={"KV": "ns"})
    worker.kv("ns").put("greeting", "hello")
    assert worker.fetch("https://example.com/").text() == "hello 1 / hello"
    assert worker.fetch("https://example.com/").text() == "hello 2 / hello"


def test_network_worker_with_objects_and_kv() -> None:
    worker = Worker(SOURCE, name="app.js", durable_objects={"COUNTER": "Counter"}, kv={"KV": "ns"})
    net = Network(
        origin=Origin(handler=lambda r: Response("origin"), region="IAD"),
        workers={"app": worker},
        pops="demo",
        seed=3,
    )
    net.kv("ns").put("greeting", "hi")
    r1 = net.fetch_sync("https://example.com/", client="Tokyo", pop="NRT")
    r2 = net.fetch_sync("https://example.com/", client="Tokyo", pop="NRT")
    assert r1.text() == "hi 1 / hi"
    assert r2.text() == "hi 2 / hi"
