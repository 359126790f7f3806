"""Global tables: last-writer-wins per item, asynchronous replication with a modelled lag,
conditional writes evaluated at the receiving region, and the count of lost writes."""

from __future__ import annotations

import pytest

from edgert.dynamo import GlobalTables
from edgert.errors import ConfigError

US, EU, AP = "us-east-1", "eu-west-1", "ap-northeast-1"


def tables(lag_ms: float | None = 1000.0) -> GlobalTables:
    t = GlobalTables(lag_ms=lag_ms, check_signatures=False)
    t.create("t", regions=[US, EU, AP], hash_key="pk")
    return t


def put(t: GlobalTables, region: str, value: str, now: float, cond: str | None = None) -> int:
    params = {"TableName": "t", "Item": {"pk": {"S": "k"}, "v": {"S": value}}}
    if cond is not None:
        params["ConditionExpression"] = cond
    return call(t, region, "PutItem", params, now)[0]


def call(t: GlobalTables, region: str, op: str, params: dict, now: float) -> tuple[int, dict]:
    import json

    status, _, body = t.handle(
        region,
        "POST",
        "/",
        [("x-amz-target", f"DynamoDB_20120810.{op}")],
        json.dumps(params).encode(),
        now,
    )
    return status, json.loads(body)


def get(t: GlobalTables, region: str, now: float) -> str | None:
    _, out = call(t, region, "GetItem", {"TableName": "t", "Key": {"pk": {"S": "k"}}}, now)
    return out["Item"]["v"]["S"] if "Item" in out else None


def test_write_is_visible_elsewhere_after_the_lag_and_not_before() -> None:
    t = tables(lag_ms=1000.0)
    assert put(t, US, "a", now=100.0) == 200
    assert get(t, US, 100.0) == "a"
    assert get(t, EU, 100.999) is None
    assert get(t, EU, 101.0) == "a"
    assert get(t, AP, 101.0) == "a"


def test_concurrent_writes_converge_to_the_later_one_and_the_loss_is_counted() -> None:
    t = tables(lag_ms=1000.0)
    put(t, US, "from-us", now=100.0)
    put(t, EU, "from-eu", now=100.3)  # within the lag: EU has not seen US's write
    # Before replication each region reads its own write.
    assert (get(t, US, 100.5), get(t, EU, 100.5)) == ("from-us", "from-eu")
    # After it, every region holds the later write; US's was lost.
    assert {get(t, r, 102.0) for r in (US, EU, AP)} == {"from-eu"}
    table = t.table("t")
    assert table.converged() and table.pending() == 0
    assert (table.writes, table.lost_writes) == (2, 1)


def test_a_write_that_saw_the_previous_one_loses_nothing() -> None:
    t = tables(lag_ms=1000.0)
    put(t, US, "v1", now=100.0)
    put(t, EU, "v2", now=101.5)  # after the lag: EU had v1
    assert {get(t, r, 103.0) for r in (US, EU, AP)} == {"v2"}
    assert t.table("t").lost_writes == 0


def test_equal_timestamps_are_broken_by_region_id() -> None:
    t = tables(lag_ms=500.0)
    put(t, US, "from-us", now=100.0)
    put(t, EU, "from-eu", now=100.0)
    # "us-east-1" > "eu-west-1": the US write wins the tie everywhere.
    assert {get(t, r, 101.0) for r in (US, EU, AP)} == {"from-us"}
    assert t.table("t").lost_writes == 1


def test_conditional_writes_pass_at_both_regions_and_one_is_overwritten() -> None:
    t = tables(lag_ms=1000.0)
    cond = "attribute_not_exists(pk)"
    assert put(t, US, "first", now=100.0, cond=cond) == 200
    assert put(t, EU, "second", now=100.2, cond=cond) == 200  # EU has not seen US's item
    assert {get(t, r, 102.0) for r in (US, EU, AP)} == {"second"}
    assert t.table("t").lost_writes == 1
    # Once replicated, the same condition fails everywhere.
    status, out = call(
        t,
        AP,
        "PutItem",
        {"TableName": "t", "Item": {"pk": {"S": "k"}}, "ConditionExpression": cond},
        103.0,
    )
    assert status == 400
    assert out["__type"] == "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"


def test_delete_replicates_as_a_tombstone_and_wins_by_timestamp() -> None:
    t = tables(lag_ms=1000.0)
    put(t, US, "v1", now=100.0)
    call(t, EU, "DeleteItem", {"TableName": "t", "Key": {"pk": {"S": "k"}}}, 102.0)
    put(t, AP, "v2", now=101.9)  # concurrent with the delete, and older
    assert {get(t, r, 105.0) for r in (US, EU, AP)} == {None}
    assert t.table("t").lost_writes == 1


def test_modelled_lag_grows_with_distance() -> None:
    t = GlobalTables(check_signatures=False)
    t.create("t", regions=[US, "us-east-2", AP], hash_key="pk")
    near, far = t.lag_s(US, "us-east-2"), t.lag_s(US, AP)
    assert 0.25 < near < far < 0.5  # replication_ms (250) + one-way propagation


def test_tables_and_regions_are_checked() -> None:
    t = GlobalTables(check_signatures=False)
    with pytest.raises(ConfigError, match="unknown AWS region"):
        t.create("x", regions=["mars-1"], hash_key="pk")
    with pytest.raises(ConfigError, match="S, N or B"):
        t.create("y", regions=[US], hash_key="pk", hash_type="M")
    status, out = call(t, US, "GetItem", {"TableName": "nope", "Key": {"pk": {"S": "k"}}}, 1.0)
    assert status == 400 and out == {
        "__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException",
        "message": "Requested resource not found",
    }


def test_real_time_network_honours_the_lag_on_the_wall_clock() -> None:
    import time

    import edgert

    tables = GlobalTables(lag_ms=60_000.0, check_signatures=False)
    tables.create("t", regions=[US, EU], hash_key="pk")
    worker = edgert.Worker(
        """export default { async fetch(request) {
          const region = new URL(request.url).searchParams.get("region");
          const body = request.method === "POST"
            ? { TableName: "t", Item: { pk: { S: "k" }, v: { S: "x" } } }
            : { TableName: "t", Key: { pk: { S: "k" } } };
          const op = request.method === "POST" ? "PutItem" : "GetItem";
          const r = await fetch(`https://dynamodb.${region}.amazonaws.com/`, { method: "POST",
            headers: { "x-amz-target": `DynamoDB_20120810.${op}` }, body: JSON.stringify(body) });
          return new Response(await r.text(), { status: r.status });
        } };"""
    )
    net = edgert.Network(
        ["IAD"],
        origin=edgert.Origin(handler=lambda r: "o"),
        workers={"app": worker},
        routes=[("app.example/*", "app")],
        dynamo=tables,
        clock="real",
    )
    before = time.time()
    assert (
        net.fetch_sync(
            "https://app.example/?region=us-east-1", method="POST", client="Boston"
        ).status
        == 200
    )
    after = time.time()
    # A minute's lag on the real clock: not at eu-west-1 now, there once the minute has passed.
    assert net.fetch_sync("https://app.example/?region=eu-west-1", client="Boston").text() == "{}"
    key = tables.table("t").schema.key_of({"pk": {"S": "k"}})
    assert tables.table("t").current(EU, key, before + 59.0) is None
    assert tables.table("t").current(EU, key, after + 60.0) == {"pk": {"S": "k"}, "v": {"S": "x"}}
