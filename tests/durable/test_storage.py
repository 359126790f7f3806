"""The storage API of Durable Objects (Workers' key-value storage API): single keys and
batches, list() ordering and options, deleteAll, transactions, un-awaited writes, values that
structured clone carries, and limits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from edgert import Worker

SOURCE = r"""
import { DurableObject } from "cloudflare:workers";

// A description that tells apart what structured clone must keep apart.
const describe = (v, seen = new Set()) => {
  if (v === null || (typeof v !== "object" && typeof v !== "function")) {
    if (typeof v === "number" && Object.is(v, -0)) return "-0";
    return typeof v + ":" + String(v);
  }
  if (seen.has(v)) return "<cycle>";
  seen.add(v);
  const tag = Object.prototype.toString.call(v);
  if (v instanceof Map) return "Map{" + [...v].map(([k, x]) => describe(k, seen) + "=>" + describe(x, seen)).join(",") + "}";
  if (v instanceof Set) return "Set{" + [...v].map((x) => describe(x, seen)).join(",") + "}";
  if (v instanceof Date) return "Date(" + v.getTime() + ")";
  if (v instanceof ArrayBuffer) return "ArrayBuffer[" + new Uint8Array(v).join(",") + "]";
  if (ArrayBuffer.isView(v)) return tag + "[" + Array.from(v instanceof DataView ? new Uint8Array(v.buffer) : v).join(",") + "]";
  if (v instanceof Error) return v.name + "(" + v.message + ")";
  if (v instanceof RegExp) return "RegExp(" + v + ")";
  if (Array.isArray(v)) return "[" + v.map((x) => describe(x, seen)).join(",") + "]";
  return "{" + Object.keys(v).map((k) => k + ":" + describe(v[k], seen)).join(",") + "}";
};

const sample = () => {
  const shared = { s: 1 };
  const cyclic = { name: "loop" };
  cyclic.self = cyclic;
  return {
    map: new Map([["a", 1], [2, { b: [1, 2] }]]),
    set: new Set(["x", 3n]),
    date: new Date(1700000000123),
    buffer: new Uint8Array([1, 2, 255]).buffer,
    floats: new Float64Array([1.5, -2]),
    bytes: new Uint8Array([9, 8, 7]),
    big: 12345678901234567890n,
    special: [NaN, Infinity, -Infinity, -0, undefined, null],
    nested: { deep: { deeper: ["z", true] } },
    dollar: { $: "not a tag", v: 1 },
    error: new RangeError("out"),
    regexp: /a+b/gi,
    pair: [shared, shared],
    cyclic,
  };
};

export class Store extends DurableObject {
  async put(k, v) { await this.ctx.storage.put(k, v); }
  async get(k) { return this.ctx.storage.get(k); }
  async putEntries(entries) { await this.ctx.storage.put(entries); }
  async getMany(keys) { return [...(await this.ctx.storage.get(keys))]; }
  async del(k) { return this.ctx.storage.delete(k); }
  async keys(options) { return [...(await this.ctx.storage.list(options)).keys()]; }
  async deleteAll() {
    await this.ctx.storage.deleteAll();
    return (await this.ctx.storage.list()).size;
  }
  async rollbackOnThrow() {
    await this.ctx.storage.put("a", 1);
    let message = null;
    try {
      await this.ctx.storage.transaction(async (txn) => {
        await txn.put("a", 2);
        await txn.put({ b: 3, c: 4 });
        await txn.delete("a");
        throw new Error("boom");
      });
    } catch (e) {
      message = e.message;
    }
    return [message, await this.ctx.storage.get("a"), await this.ctx.storage.get(["b", "c"]).then((m) => m.size)];
  }
  async explicitRollback() {
    await this.ctx.storage.put("r", "before");
    const out = await this.ctx.storage.transaction(async (txn) => {
      await txn.put("r", "inside");
      const seen = await txn.get("r");
      txn.rollback();
      return seen;
    });
    return [out, await this.ctx.storage.get("r")];
  }
  async commit() {
    const out = await this.ctx.storage.transaction(async (txn) => {
      await txn.put("t", (await txn.get("t") || 0) + 1);
      return "done";
    });
    return [out, await this.ctx.storage.get("t")];
  }
  async unawaited() {
    this.ctx.storage.put("x", 1);
    this.ctx.storage.put("y", 2);
    this.ctx.storage.delete("x");
    this.ctx.storage.put({ z: 3 });
    return [...(await this.ctx.storage.list())];
  }
  async roundtrip() {
    const v = sample();
    await this.ctx.storage.put("sample", v);
    const back = await this.ctx.storage.get("sample");
    return [describe(v), describe(back), back.pair[0] === back.pair[1], back.cyclic.self === back.cyclic];
  }
  async echo(v) { return v; }
  async errors() {
    const out = [];
    const keys = Array.from({ length: 129 }, (_, i) => "k" + i);
    for (const f of [
      () => this.ctx.storage.get(keys),
      () => this.ctx.storage.put("k".repeat(2049), 1),
      () => this.ctx.storage.put("f", () => 1),
      () => this.ctx.storage.put("s", Symbol("x")),
      () => this.ctx.storage.put("u", undefined),
      () => this.ctx.storage.get(5),
    ]) {
      try { await f(); out.push("no error"); } catch (e) { out.push(e.name); }
    }
    return out;
  }
  async returnsFunction() { return () => 1; }
}

export default {
  async fetch(request, env) {
    const url = new URL(request.url);
    const stub = env.STORE.getByName(url.searchParams.get("object") || "t");
    if (url.pathname === "/rpc-roundtrip") {
      const v = sample();
      const back = await stub.echo(v);
      return Response.json([describe(v), describe(back), back.pair[0] === back.pair[1]]);
    }
    if (url.pathname === "/clone-error") {
      const out = [];
      try { await stub.echo({ f() {} }); } catch (e) { out.push(e.name); }
      try { await stub.returnsFunction(); } catch (e) { out.push(e.name); }
      return Response.json(out);
    }
    const { method, args } = await request.json();
    try {
      const v = await stub[method](...args);
      return Response.json({ ok: v === undefined ? null : v });
    } catch (e) {
      return Response.json({ error: e.name + ": " + e.message });
    }
  },
};
"""


@pytest.fixture()
def worker() -> Iterator[Worker]:
    w = Worker(SOURCE, durable_objects={"STORE": "Store"}, seed=1)
    yield w
    w.close()


def call(worker: Worker, method: str, *args: Any, obj: str = "t") -> Any:
    r = worker.fetch(
        f"https://w.example/?object={obj}",
        method="POST",
        body=json.dumps({"method": method, "args": list(args)}),
    )
    assert r.status == 200, r.text()
    out = r.json()
    if "error" in out:
        raise AssertionError(out["error"])
    return out["ok"]


def test_single_keys_and_batches(worker: Worker) -> None:
    assert call(worker, "get", "missing") is None
    call(worker, "put", "k", {"a": [1, 2]})
    assert call(worker, "get", "k") == {"a": [1, 2]}
    call(worker, "putEntries", {"b": 2, "a": 1, "c": 3})
    assert call(worker, "getMany", ["c", "zz", "a"]) == [["a", 1], ["c", 3]]
    assert call(worker, "del", "a") is True
    assert call(worker, "del", "a") is False
    assert call(worker, "del", ["b", "c", "nope"]) == 2
    assert call(worker, "keys") == ["k"]


def test_list_orders_keys_and_applies_options(worker: Worker) -> None:
    call(worker, "putEntries", {k: 1 for k in ["b", "a", "ab", "abc", "c", "é", "B", "a\u0000"]})
    assert call(worker, "keys") == ["B", "a", "a\u0000", "ab", "abc", "b", "c", "é"]
    assert call(worker, "keys", {"prefix": "ab"}) == ["ab", "abc"]
    assert call(worker, "keys", {"start": "ab", "end": "c"}) == ["ab", "abc", "b"]
    assert call(worker, "keys", {"reverse": True, "limit": 3}) == ["é", "c", "b"]
    assert call(worker, "keys", {"prefix": "a", "reverse": True, "limit": 2}) == ["abc", "ab"]
    assert call(worker, "keys", {"start": "c", "end": "b"}) == []
    assert call(worker, "keys", {"startAfter": "ab", "limit": 2}) == ["abc", "b"]
    assert call(worker, "keys", {"startAfter": "a"}) == ["a\u0000", "ab", "abc", "b", "c", "é"]
    assert call(worker, "deleteAll") == 0
    assert call(worker, "keys") == []


def test_transactions_roll_back_on_throw_and_on_request(worker: Worker) -> None:
    assert call(worker, "rollbackOnThrow") == ["boom", 1, 0]
    assert call(worker, "explicitRollback") == ["inside", "before"]
    assert call(worker, "commit") == ["done", 1]
    assert call(worker, "commit") == ["done", 2]


def test_unawaited_writes_apply_in_order(worker: Worker) -> None:
    assert call(worker, "unawaited") == [["y", 2], ["z", 3]]
    ns = worker.durable_objects("STORE")
    assert ns.storage(ns.id_from_name("t")) == {"y": 2, "z": 3}


def test_structured_values_survive_storage_and_rpc(worker: Worker) -> None:
    before, after, shared, cyclic = call(worker, "roundtrip")
    assert after == before
    assert "Map{string:a=>number:1" in before and "ArrayBuffer[1,2,255]" in before
    assert shared is True and cyclic is True
    r = worker.fetch("https://w.example/rpc-roundtrip").json()
    assert r[1] == r[0] and r[2] is True


def test_values_read_from_python(worker: Worker) -> None:
    call(worker, "roundtrip")
    ns = worker.durable_objects("Store")
    sample = ns.get(ns.id_from_name("t"), "sample")
    assert sample["map"] == {"a": 1, 2: {"b": [1, 2]}}
    assert sample["set"] == {"x", 3}
    assert sample["buffer"] == b"\x01\x02\xff"
    assert sample["big"] == 12345678901234567890
    assert sample["date"].timestamp() == 1700000000.123
    assert sample["dollar"] == {"$": "not a tag", "v": 1}
    ns.put(ns.id_from_name("seeded"), "greeting", {"hello": ["world", 1.5]})
    assert call(worker, "get", "greeting", obj="seeded") == {"hello": ["world", 1.5]}


def test_limits_and_uncloneable_values_throw(worker: Worker) -> None:
    assert call(worker, "errors") == [
        "RangeError",
        "RangeError",
        "DataCloneError",
        "DataCloneError",
        "TypeError",
        "TypeError",
    ]
    assert worker.fetch("https://w.example/clone-error").json() == [
        "DataCloneError",
        "DataCloneError",
    ]
