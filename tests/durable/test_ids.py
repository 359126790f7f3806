"""Object ids and namespaces: idFromName is deterministic (and agrees with Python),
newUniqueId draws from the seeded generator, idFromString validates, get() checks the
namespace, and the stub carries the id."""

from __future__ import annotations

import pytest

from edgert import Worker
from edgert._core import durable_id_from_name, durable_id_is_valid
from edgert.errors import ScriptError

SOURCE = """
import { DurableObject } from "cloudflare:workers";
export class A extends DurableObject { async who() { return [this.ctx.id.toString(), this.ctx.id.name ?? null]; } }
export class B extends DurableObject {}
export default {
  async fetch(request, env) {
    const a = env.A.idFromName("alice");
    const u1 = env.A.newUniqueId(), u2 = env.A.newUniqueId();
    const out = {
      named: a.toString(),
      name: a.name,
      same: a.equals(env.A.idFromName("alice")),
      differs: a.equals(env.A.idFromName("bob")),
      otherClass: env.B.idFromName("alice").toString(),
      unique: [u1.toString(), u2.toString()],
      uniqueName: u1.name === undefined,
      roundtrip: env.A.idFromString(u1.toString()).equals(u1),
      upper: env.A.idFromString(a.toString().toUpperCase()).toString(),
      stubId: env.A.get(a).id.toString(),
      stubName: env.A.getByName("carol").name,
      json: JSON.stringify({ id: a }),
      inside: await env.A.getByName("dave").who(),
      fromString: await env.A.get(env.A.idFromString(a.toString())).who(),
    };
    const errors = [];
    for (const f of [
      () => env.A.idFromString("xyz"),
      () => env.A.idFromString(env.B.idFromName("alice").toString()),
      () => env.A.get(env.B.idFromName("alice")),
      () => env.A.get("not an id"),
      () => env.A.get(a, { locationHint: "mars" }),
    ]) {
      try { f(); errors.push("no error"); } catch (e) { errors.push(e.name); }
    }
    out.errors = errors;
    return Response.json(out);
  },
};
"""


def test_ids_and_namespaces() -> None:
    w = Worker(SOURCE, durable_objects={"A": "A", "B": "B"}, seed=5)
    try:
        out = w.fetch("https://w.example/").json()
    finally:
        w.close()
    assert out["named"] == durable_id_from_name("A", "alice")
    assert len(out["named"]) == 64 and int(out["named"], 16) >= 0
    assert out["name"] == "alice" and out["same"] is True and out["differs"] is False
    assert out["otherClass"] != out["named"]
    u1, u2 = out["unique"]
    assert u1 != u2 and durable_id_is_valid("A", u1) and durable_id_is_valid("A", u2)
    assert out["uniqueName"] is True and out["roundtrip"] is True
    assert out["upper"] == out["named"]
    assert out["stubId"] == out["named"] and out["stubName"] == "carol"
    assert out["json"] == f'{{"id":"{out["named"]}"}}'
    assert out["inside"] == [durable_id_from_name("A", "dave"), "dave"]
    assert out["fromString"] == [out["named"], None], "an id from a string carries no name"
    assert out["errors"] == ["TypeError"] * 5


def test_new_unique_id_follows_the_seed() -> None:
    source = """
    export class A {}
    export default { fetch(request, env) { return new Response(env.A.newUniqueId().toString()); } };
    """
    first = Worker(source, durable_objects={"A": "A"}, seed=9).fetch("https://w.example/").text()
    again = Worker(source, durable_objects={"A": "A"}, seed=9).fetch("https://w.example/").text()
    other = Worker(source, durable_objects={"A": "A"}, seed=10).fetch("https://w.example/").text()
    assert first == again != other


def test_worker_entrypoint_default_export() -> None:
    source = """
    import { WorkerEntrypoint, DurableObject, RpcTarget } from "cloudflare:workers";
    export class Obj extends DurableObject { async hi() { return "hi from " + (this instanceof DurableObject); } }
    export default class extends WorkerEntrypoint {
      async fetch(request) {
        const kinds = [typeof RpcTarget, this.env.GREETING, typeof this.ctx.waitUntil];
        return Response.json([await this.env.OBJ.getByName("e").hi(), ...kinds]);
      }
    };
    """
    w = Worker(source, durable_objects={"OBJ": "Obj"}, vars={"GREETING": "hello"})
    try:
        assert w.fetch("https://w.example/").json() == [
            "hi from true",
            "function",
            "hello",
            "function",
        ]
    finally:
        w.close()


def test_other_imports_fail_to_load() -> None:
    with pytest.raises(ScriptError, match="node:fs"):
        Worker(
            "import fs from 'node:fs';\nexport default { fetch() { return new Response('x'); } };"
        )
