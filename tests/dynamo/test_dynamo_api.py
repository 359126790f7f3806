"""The DynamoDB JSON API subset: operations, typed AttributeValues, expressions, ReturnValues,
and DynamoDB's error shapes, at one region (signatures are checked in test_sigv4 and the
aws4fetch test)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from edgert.dynamo import GlobalTables

R = "eu-central-1"
VALIDATION = "com.amazon.coral.validate#ValidationException"
CONDITIONAL = "com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException"


@pytest.fixture()
def db() -> GlobalTables:
    t = GlobalTables(check_signatures=False)
    t.create("posts", regions=[R], hash_key="user", range_key="ts", range_type="N")
    return t


def call(t: GlobalTables, op: str, **params: Any) -> tuple[int, dict[str, Any]]:
    status, headers, body = t.handle(
        R,
        "POST",
        "/",
        [("x-amz-target", f"DynamoDB_20120810.{op}")],
        json.dumps(params).encode(),
        1000.0,
    )
    assert ("content-type", "application/x-amz-json-1.0") in headers
    return status, json.loads(body)


def ok(t: GlobalTables, op: str, **params: Any) -> dict[str, Any]:
    status, out = call(t, op, **params)
    assert status == 200, out
    return out


def err(t: GlobalTables, op: str, **params: Any) -> tuple[str, str]:
    status, out = call(t, op, **params)
    assert status == 400, out
    return out["__type"], out["message"]


ITEM = {
    "user": {"S": "ada"},
    "ts": {"N": "10"},
    "title": {"S": "Hello"},
    "likes": {"N": "1.50"},
    "raw": {"B": "AAEC"},
    "draft": {"BOOL": False},
    "note": {"NULL": True},
    "meta": {"M": {"lang": {"S": "en"}, "tags": {"L": [{"S": "a"}, {"N": "2"}]}}},
    "labels": {"SS": ["x", "y"]},
    "scores": {"NS": ["1", "2"]},
}


def test_typed_values_round_trip(db: GlobalTables) -> None:
    assert ok(db, "PutItem", TableName="posts", Item=ITEM) == {}
    got = ok(db, "GetItem", TableName="posts", Key={"user": {"S": "ada"}, "ts": {"N": "10"}})
    assert got == {"Item": ITEM}
    # Numbers are keys by value: "10.0" names the same item.
    got = ok(db, "GetItem", TableName="posts", Key={"user": {"S": "ada"}, "ts": {"N": "10.0"}})
    assert got["Item"]["title"] == {"S": "Hello"}
    assert ok(db, "GetItem", TableName="posts", Key={"user": {"S": "bob"}, "ts": {"N": "10"}}) == {}


def test_put_return_values_and_conditions(db: GlobalTables) -> None:
    ok(db, "PutItem", TableName="posts", Item=ITEM)
    new = {**ITEM, "title": {"S": "Edited"}}
    out = ok(
        db,
        "PutItem",
        TableName="posts",
        Item=new,
        ReturnValues="ALL_OLD",
        ConditionExpression="#t = :old",
        ExpressionAttributeNames={"#t": "title"},
        ExpressionAttributeValues={":old": {"S": "Hello"}},
    )
    assert out == {"Attributes": ITEM}
    assert err(
        db,
        "PutItem",
        TableName="posts",
        Item=new,
        ConditionExpression="attribute_not_exists(#u)",
        ExpressionAttributeNames={"#u": "user"},
    ) == (CONDITIONAL, "The conditional request failed")
    assert (
        ok(
            db,
            "PutItem",
            TableName="posts",
            Item={"user": {"S": "new"}, "ts": {"N": "1"}},
            ConditionExpression="attribute_not_exists(#u)",
            ExpressionAttributeNames={"#u": "user"},
        )
        == {}
    )


def test_update_expressions(db: GlobalTables) -> None:
    key = {"user": {"S": "ada"}, "ts": {"N": "10"}}
    ok(db, "PutItem", TableName="posts", Item=ITEM)
    out = ok(
        db,
        "UpdateItem",
        TableName="posts",
        Key=key,
        UpdateExpression="SET likes = likes + :one, meta.lang = :fr, views = if_not_exists(views, :zero) "
        "REMOVE note, draft ADD labels :z, counter :one DELETE scores :two",
        ExpressionAttributeValues={
            ":one": {"N": "1"},
            ":fr": {"S": "fr"},
            ":zero": {"N": "0"},
            ":z": {"SS": ["z"]},
            ":two": {"NS": ["2"]},
        },
        ReturnValues="ALL_NEW",
    )
    item = out["Attributes"]
    assert item["likes"] == {"N": "2.5"}
    assert item["meta"]["M"]["lang"] == {"S": "fr"}
    assert item["views"] == {"N": "0"}
    assert "note" not in item and "draft" not in item
    assert sorted(item["labels"]["SS"]) == ["x", "y", "z"]
    assert item["counter"] == {"N": "1"}
    assert item["scores"] == {"NS": ["1"]}
    out = ok(
        db,
        "UpdateItem",
        TableName="posts",
        Key=key,
        UpdateExpression="SET likes = likes - :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="UPDATED_OLD",
    )
    assert out == {"Attributes": {"likes": {"N": "2.5"}}}
    # An update of a missing item creates it from the key.
    out = ok(
        db,
        "UpdateItem",
        TableName="posts",
        Key={"user": {"S": "z"}, "ts": {"N": "1"}},
        UpdateExpression="ADD n :one",
        ExpressionAttributeValues={":one": {"N": "1"}},
        ReturnValues="ALL_NEW",
    )
    assert out["Attributes"] == {"user": {"S": "z"}, "ts": {"N": "1"}, "n": {"N": "1"}}
    # The key cannot be updated; a condition on the stored item guards the update.
    assert (
        err(
            db,
            "UpdateItem",
            TableName="posts",
            Key=key,
            UpdateExpression="SET #u = :v",
            ExpressionAttributeNames={"#u": "user"},
            ExpressionAttributeValues={":v": {"S": "x"}},
        )[0]
        == VALIDATION
    )
    assert (
        err(
            db,
            "UpdateItem",
            TableName="posts",
            Key=key,
            UpdateExpression="SET title = :v",
            ConditionExpression="likes > :big",
            ExpressionAttributeValues={":v": {"S": "x"}, ":big": {"N": "100"}},
        )[0]
        == CONDITIONAL
    )


def test_delete_with_condition_and_return_values(db: GlobalTables) -> None:
    key = {"user": {"S": "ada"}, "ts": {"N": "10"}}
    ok(db, "PutItem", TableName="posts", Item=ITEM)
    assert (
        err(
            db,
            "DeleteItem",
            TableName="posts",
            Key=key,
            ConditionExpression="draft = :t",
            ExpressionAttributeValues={":t": {"BOOL": True}},
        )[0]
        == CONDITIONAL
    )
    assert ok(db, "DeleteItem", TableName="posts", Key=key, ReturnValues="ALL_OLD") == {
        "Attributes": ITEM
    }
    assert ok(db, "GetItem", TableName="posts", Key=key) == {}


def test_query_on_the_key(db: GlobalTables) -> None:
    for ts in (5, 10, 20, 30, 100):
        ok(db, "PutItem", TableName="posts", Item={"user": {"S": "ada"}, "ts": {"N": str(ts)}})
    ok(db, "PutItem", TableName="posts", Item={"user": {"S": "bob"}, "ts": {"N": "7"}})

    def ts_of(out: dict[str, Any]) -> list[str]:
        return [i["ts"]["N"] for i in out["Items"]]

    vals = {":u": {"S": "ada"}}
    out = ok(
        db,
        "Query",
        TableName="posts",
        KeyConditionExpression="#u = :u",
        ExpressionAttributeNames={"#u": "user"},
        ExpressionAttributeValues=vals,
    )
    assert ts_of(out) == ["5", "10", "20", "30", "100"]  # numeric order, not text order
    out = ok(
        db,
        "Query",
        TableName="posts",
        KeyConditionExpression="#u = :u AND ts BETWEEN :a AND :b",
        ExpressionAttributeNames={"#u": "user"},
        ExpressionAttributeValues={**vals, ":a": {"N": "10"}, ":b": {"N": "30"}},
        ScanIndexForward=False,
    )
    assert ts_of(out) == ["30", "20", "10"]
    out = ok(
        db,
        "Query",
        TableName="posts",
        KeyConditionExpression="#u = :u AND ts > :a",
        ExpressionAttributeNames={"#u": "user"},
        ExpressionAttributeValues={**vals, ":a": {"N": "10"}},
        Limit=2,
    )
    assert ts_of(out) == ["20", "30"]
    assert out["LastEvaluatedKey"] == {"user": {"S": "ada"}, "ts": {"N": "30"}}
    out = ok(
        db,
        "Query",
        TableName="posts",
        KeyConditionExpression="#u = :u AND ts > :a",
        ExpressionAttributeNames={"#u": "user"},
        ExpressionAttributeValues={**vals, ":a": {"N": "10"}},
        ExclusiveStartKey={"user": {"S": "ada"}, "ts": {"N": "30"}},
    )
    assert ts_of(out) == ["100"] and "LastEvaluatedKey" not in out


def test_query_begins_with_on_a_string_sort_key() -> None:
    t = GlobalTables(check_signatures=False)
    t.create("docs", regions=[R], hash_key="pk", range_key="sk")
    for sk in ("order#1", "order#2", "profile", "order#10"):
        ok(t, "PutItem", TableName="docs", Item={"pk": {"S": "u"}, "sk": {"S": sk}})
    out = ok(
        t,
        "Query",
        TableName="docs",
        KeyConditionExpression="pk = :p AND begins_with(sk, :s)",
        ExpressionAttributeValues={":p": {"S": "u"}, ":s": {"S": "order#"}},
    )
    assert [i["sk"]["S"] for i in out["Items"]] == ["order#1", "order#10", "order#2"]
    assert out["Count"] == 3


@pytest.mark.parametrize(
    "op, params, message",
    [
        ("PutItem", {"Item": {"user": {"S": "a"}}}, "Missing the key ts"),
        ("PutItem", {"Item": {"user": {"N": "1"}, "ts": {"N": "1"}}}, "Type mismatch for key user"),
        (
            "PutItem",
            {"Item": {"user": {"S": "a"}, "ts": {"N": "x"}}},
            "cannot be converted into a number",
        ),
        (
            "PutItem",
            {"Item": {"user": {"S": "a"}, "ts": {"N": "1"}, "s": {"SS": []}}},
            "may not be empty",
        ),
        (
            "PutItem",
            {"Item": {"user": {"S": "a"}, "ts": {"N": "1"}, "s": {"S": "a", "N": "1"}}},
            "more than one datatypes",
        ),
        ("GetItem", {"Key": {"user": {"S": "a"}}}, "does not match the schema"),
        (
            "GetItem",
            {
                "Key": {"user": {"S": "a"}, "ts": {"N": "1"}},
                "ExpressionAttributeNames": {"#x": "x"},
            },
            "unused in expressions",
        ),
        (
            "PutItem",
            {"Item": {"user": {"S": "a"}, "ts": {"N": "1"}}, "ConditionExpression": "a = :missing"},
            "not defined",
        ),
        (
            "PutItem",
            {"Item": {"user": {"S": "a"}, "ts": {"N": "1"}}, "ConditionExpression": "a = = b"},
            "Syntax error",
        ),
        (
            "PutItem",
            {"Item": {"user": {"S": "a"}, "ts": {"N": "1"}}, "ReturnValues": "ALL_NEW"},
            "enum value set",
        ),
        (
            "PutItem",
            {"Item": {"user": {"S": "a"}, "ts": {"N": "1"}}, "Expected": {}},
            "not supported",
        ),
        (
            "Query",
            {"KeyConditionExpression": "ts = :t", "ExpressionAttributeValues": {":t": {"N": "1"}}},
            "missed key schema element",
        ),
    ],
)
def test_validation_errors(db: GlobalTables, op: str, params: dict[str, Any], message: str) -> None:
    kind, text = err(db, op, TableName="posts", **params)
    assert kind == VALIDATION
    assert message in text


def test_unknown_operation_and_target(db: GlobalTables) -> None:
    assert (
        err(db, "Scan", TableName="posts")[0]
        == "com.amazon.coral.service#UnknownOperationException"
    )


def test_projection_expression(db: GlobalTables) -> None:
    ok(db, "PutItem", TableName="posts", Item=ITEM)
    out = ok(
        db,
        "GetItem",
        TableName="posts",
        Key={"user": {"S": "ada"}, "ts": {"N": "10"}},
        ProjectionExpression="title, #m.lang",
        ExpressionAttributeNames={"#m": "meta"},
    )
    assert out == {"Item": {"title": {"S": "Hello"}, "meta": {"M": {"lang": {"S": "en"}}}}}
