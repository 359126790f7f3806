"""An object host whose isolate is discarded (CPU limit) loses its objects' in-memory state;
their storage survives, as on Workers. RPC errors reach the caller with their class."""

from __future__ import annotations

import base64
import hashlib
import hmac

from edgert import Worker
from edgert.jwt import Verifier

SOURCE = """
import { DurableObject } from "cloudflare:workers";
export class Obj extends DurableObject {
  constructor(ctx, env) { super(ctx, env); this.memory = 0; }
  async bump() {
    this.memory += 1;
    const stored = ((await this.ctx.storage.get("stored")) || 0) + 1;
    await this.ctx.storage.put("stored", stored);
    return [this.memory, stored];
  }
  async burn() { for (;;) {} }
  async fail() { throw new RangeError("bad range"); }
}
export default {
  async fetch(request, env) {
    const stub = env.OBJ.getByName("x");
    const op = new URL(request.url).pathname.slice(1);
    try {
      return Response.json(await stub[op]());
    } catch (e) {
      return Response.json({ error: e.name, message: e.message });
    }
  },
};
"""


def test_cpu_limit_resets_memory_not_storage() -> None:
    w = Worker(SOURCE, durable_objects={"OBJ": "Obj"}, cpu_ms=20)
    try:
        assert w.fetch("https://w.example/bump").json() == [1, 1]
        assert w.fetch("https://w.example/bump").json() == [2, 2]
        burned = w.fetch("https://w.example/burn").json()
        assert burned["error"] == "Error"
        assert "exceeded CPU time limit" in burned["message"]
        assert w.fetch("https://w.example/bump").json() == [1, 3], "a new instance, same storage"
        failed = w.fetch("https://w.example/fail").json()
        assert failed == {"error": "RangeError", "message": "bad range"}
    finally:
        w.close()


def test_route_auth_guards_the_worker_not_its_objects() -> None:
    secret = b"durable-objects-test-secret-0123"
    header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=")
    payload = base64.urlsafe_b64encode(b'{"sub":"u1"}').rstrip(b"=")
    signature = hmac.new(secret, header + b"." + payload, hashlib.sha256).digest()
    token = b".".join((header, payload, base64.urlsafe_b64encode(signature).rstrip(b"=")))
    w = Worker(
        SOURCE,
        durable_objects={"OBJ": "Obj"},
        auth=Verifier(secret, algorithms=["HS256"]),
    )
    try:
        assert w.fetch("https://w.example/bump").status == 401
        ok = w.fetch(
            "https://w.example/bump", headers={"authorization": f"Bearer {token.decode()}"}
        )
        assert ok.json() == [1, 1], "the object's events are not checked for a token"
    finally:
        w.close()


def test_an_idle_object_is_evicted_after_70_seconds() -> None:
    from do_helpers import fetch_soon, virtual_network

    net = virtual_network(SOURCE, {"OBJ": "Obj"})

    def bump_after(idle_s: float) -> list[int]:
        net.run(until=net.now() + idle_s)
        return list(fetch_soon(net, "https://app.example/bump").json())

    assert bump_after(0) == [1, 1]
    for n in range(2, 6):  # an event every 60 s keeps it in memory
        assert bump_after(60) == [n, n]
    assert bump_after(71) == [1, 6], "evicted: constructed again, storage intact"
