"""The DynamoDB JSON API (``X-Amz-Target: DynamoDB_20120810.<Operation>``, JSON 1.0 bodies)
over global tables: the subset workers use (``docs/global-tables.md`` lists it exactly).

``DynamoService.handle(region, method, target, headers, body, now)`` answers one HTTP request
to ``https://dynamodb.<region>.amazonaws.com/``: it verifies the SigV4 signature against the
configured credentials, runs the operation at that region's replica, and returns ``(status,
headers, body)`` with DynamoDB's error shapes.
"""

from __future__ import annotations

import binascii
import itertools
import json
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from edgert.dynamo import expressions as ex
from edgert.dynamo import values as av
from edgert.dynamo.errors import (
    ConditionalCheckFailed,
    DynamoError,
    InvalidSignature,
    ResourceNotFound,
    SerializationError,
    UnknownOperation,
    ValidationError,
)
from edgert.dynamo.sigv4 import Credentials, verify
from edgert.dynamo.table import GlobalTable, ItemKey, sort_key

__all__ = ["OPERATIONS", "DynamoService"]

CONTENT_TYPE = "application/x-amz-json-1.0"
TARGET_PREFIX = "DynamoDB_20120810."
MAX_ITEM_BYTES = 400 * 1024
#: Query's page size cap (DynamoDB stops at 1 MB of data; edgert counts items, see docs).
MAX_QUERY_ITEMS = 1000

Item = dict[str, Any]
Answer = tuple[int, list[tuple[str, str]], bytes]


def _unsupported(params: Mapping[str, Any], *names: str) -> None:
    for n in names:
        if n in params:
            raise ValidationError(
                f"{n} is not supported by edgert's DynamoDB emulation; use expressions"
            )


def _return_values(params: Mapping[str, Any], allowed: tuple[str, ...]) -> str:
    rv = params.get("ReturnValues", "NONE")
    if rv not in allowed:
        raise ValidationError(
            f"1 validation error detected: Value '{rv}' at 'returnValues' failed to satisfy "
            f"constraint: Member must satisfy enum value set: [{', '.join(allowed)}]"
        )
    return str(rv)


def _check_size(item: Item) -> None:
    total = sum(len(k.encode()) + av.size(v) for k, v in item.items())
    if total > MAX_ITEM_BYTES:
        raise ValidationError("Item size has exceeded the maximum allowed size")


def _project(item: Item, paths: list[ex.Path] | None) -> Item:
    """The attributes ``paths`` name, nested maps holding only the named keys and lists only
    the named elements (in index order), as ``ProjectionExpression`` returns them."""
    if paths is None:
        return item
    out: Item = {}
    for p in sorted(paths, key=lambda q: [(isinstance(e, int), e) for e in q]):
        v = ex.read(item, p)
        if v is None:
            continue
        head = p[0]
        assert isinstance(head, str)
        if len(p) == 1:
            out[head] = v
            continue
        container = out.setdefault(head, {"L": []} if isinstance(p[1], int) else {"M": {}})
        for el, nxt in itertools.pairwise(p[1:]):
            fresh: dict[str, Any] = {"L": []} if isinstance(nxt, int) else {"M": {}}
            if isinstance(el, int):
                container["L"].append(fresh)
                container = fresh
            else:
                container = container["M"].setdefault(el, fresh)
        last = p[-1]
        if isinstance(last, int):
            container["L"].append(v)
        else:
            container["M"][last] = v
    return out


class DynamoService:
    """Global tables by name, the credentials that may sign, and the operations on them."""

    def __init__(
        self,
        tables: Mapping[str, GlobalTable],
        credentials: Mapping[str, Credentials] | None = None,
        *,
        check_signatures: bool = True,
    ) -> None:
        self.tables = dict(tables)
        self.credentials = dict(credentials or {})
        self.check_signatures = check_signatures
        self.requests = 0
        self._ops: dict[str, Callable[[str, Mapping[str, Any], float], dict[str, Any]]] = {
            "GetItem": self.get_item,
            "PutItem": self.put_item,
            "UpdateItem": self.update_item,
            "DeleteItem": self.delete_item,
            "Query": self.query,
            "DescribeTable": self.describe_table,
            "ListTables": self.list_tables,
        }

    def regions(self) -> set[str]:
        return {r for t in self.tables.values() for r in t.regions}

    # -- HTTP -------------------------------------------------------------------------------------

    def handle(
        self,
        region: str,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        now: float,
    ) -> Answer:
        """One HTTP exchange with the endpoint of ``region``."""
        self.requests += 1
        request_id = str(uuid.UUID(int=self.requests, version=4)).upper().replace("-", "")[:32]
        try:
            if method != "POST":
                raise UnknownOperation(f"{method} is not supported; DynamoDB takes POST")
            if self.check_signatures:
                signed = verify(method, target, headers, body, self.credentials, now)
                if signed.region != region or signed.service != "dynamodb":
                    raise InvalidSignature(
                        f"Credential should be scoped to a valid region ('{region}') and service "
                        f"('dynamodb'), not '{signed.region}'/'{signed.service}'."
                    )
            amz_target = next((v for k, v in headers if k.lower() == "x-amz-target"), "")
            if not amz_target.startswith(TARGET_PREFIX):
                raise UnknownOperation("")
            op = self._ops.get(amz_target[len(TARGET_PREFIX) :])
            if op is None:
                raise UnknownOperation("")
            try:
                params = json.loads(body or b"{}")
            except ValueError:
                raise SerializationError(
                    "Start of structure or map found where not expected"
                ) from None
            if not isinstance(params, dict):
                raise ValidationError("The request body must be a JSON object")
            out = op(region, params, now)
            status, payload = 200, json.dumps(out, separators=(",", ":")).encode()
        except DynamoError as err:
            status, payload = err.status, json.dumps(err.body(), separators=(",", ":")).encode()
        crc = binascii.crc32(payload) & 0xFFFFFFFF
        return (
            status,
            [
                ("content-type", CONTENT_TYPE),
                ("x-amzn-requestid", request_id),
                ("x-amz-crc32", str(crc)),
            ],
            payload,
        )

    # -- operations -------------------------------------------------------------------------------

    def _table(self, params: Mapping[str, Any], region: str) -> GlobalTable:
        name = params.get("TableName")
        if not isinstance(name, str) or not name:
            raise ValidationError(
                "1 validation error detected: Value null at 'tableName' failed to satisfy "
                "constraint: Member must not be null"
            )
        t = self.tables.get(name)
        if t is None or region not in t.regions:
            raise ResourceNotFound()
        return t

    @staticmethod
    def _exprs(params: Mapping[str, Any]) -> ex.Expressions:
        return ex.Expressions(
            params.get("ExpressionAttributeNames"), params.get("ExpressionAttributeValues")
        )

    def _condition(self, exprs: ex.Expressions, params: Mapping[str, Any]) -> Any:
        text = params.get("ConditionExpression")
        return None if text is None else exprs.condition(text)

    @staticmethod
    def _projection(exprs: ex.Expressions, params: Mapping[str, Any]) -> list[ex.Path] | None:
        text = params.get("ProjectionExpression")
        return None if text is None else exprs.projection(text)

    def get_item(self, region: str, params: Mapping[str, Any], now: float) -> dict[str, Any]:
        _unsupported(params, "AttributesToGet")
        t = self._table(params, region)
        exprs = self._exprs(params)
        proj = self._projection(exprs, params)
        exprs.check_all_used()
        key = t.schema.key_of(av.check_item(params.get("Key"), "Key"), exact=True)
        item = t.current(region, key, now)
        return {} if item is None else {"Item": _project(item, proj)}

    def put_item(self, region: str, params: Mapping[str, Any], now: float) -> dict[str, Any]:
        _unsupported(params, "Expected", "ConditionalOperator")
        t = self._table(params, region)
        rv = _return_values(params, ("NONE", "ALL_OLD"))
        item = av.check_item(params.get("Item"), "Item")
        key = t.schema.key_of(item)
        _check_size(item)
        return self._replace(t, region, key, item, params, rv, now)

    def _replace(
        self,
        t: GlobalTable,
        region: str,
        key: ItemKey,
        item: Item | None,
        params: Mapping[str, Any],
        rv: str,
        now: float,
    ) -> dict[str, Any]:
        """PutItem's and DeleteItem's write of ``item`` (None: delete) at ``key``, at the
        receiving region, if the request's ConditionExpression holds for the item there."""
        exprs = self._exprs(params)
        cond = self._condition(exprs, params)
        exprs.check_all_used()
        old = t.current(region, key, now)
        if cond is not None and not ex.evaluate(old, cond):
            raise ConditionalCheckFailed()
        t.write(region, key, item, now)
        return {"Attributes": old} if rv == "ALL_OLD" and old is not None else {}

    def delete_item(self, region: str, params: Mapping[str, Any], now: float) -> dict[str, Any]:
        _unsupported(params, "Expected", "ConditionalOperator")
        t = self._table(params, region)
        rv = _return_values(params, ("NONE", "ALL_OLD"))
        key = t.schema.key_of(av.check_item(params.get("Key"), "Key"), exact=True)
        return self._replace(t, region, key, None, params, rv, now)

    def update_item(self, region: str, params: Mapping[str, Any], now: float) -> dict[str, Any]:
        _unsupported(params, "AttributeUpdates", "Expected", "ConditionalOperator")
        t = self._table(params, region)
        rv = _return_values(params, ("NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"))
        key_item = av.check_item(params.get("Key"), "Key")
        key = t.schema.key_of(key_item, exact=True)
        exprs = self._exprs(params)
        actions = (
            exprs.update(params.get("UpdateExpression")) if "UpdateExpression" in params else []
        )
        cond = self._condition(exprs, params)
        exprs.check_all_used()
        old = t.current(region, key, now)
        if cond is not None and not ex.evaluate(old, cond):
            raise ConditionalCheckFailed()
        base = old if old is not None else dict(key_item)
        new = ex.apply_update(base, actions, t.schema.names)
        _check_size(new)
        t.write(region, key, new, now)
        if rv == "NONE":
            return {}
        if rv == "ALL_OLD":
            return {"Attributes": old} if old is not None else {}
        if rv == "ALL_NEW":
            return {"Attributes": new}
        # Top-level attributes the update named (REMOVE's arg is a path, the others' a pair).
        touched = {str((arg if clause == "REMOVE" else arg[0])[1][0]) for clause, arg in actions}
        src = (old or {}) if rv == "UPDATED_OLD" else new
        attrs = {k: v for k, v in src.items() if k in touched}
        return {"Attributes": attrs} if attrs else {}

    def query(self, region: str, params: Mapping[str, Any], now: float) -> dict[str, Any]:
        _unsupported(params, "KeyConditions", "QueryFilter", "AttributesToGet", "IndexName")
        t = self._table(params, region)
        exprs = self._exprs(params)
        if "KeyConditionExpression" not in params:
            raise ValidationError(
                "Either the KeyConditions or KeyConditionExpression parameter must be specified in the request."
            )
        kc = ex.KeyCondition(
            exprs.condition(params["KeyConditionExpression"], "KeyConditionExpression"),
            t.schema.hash_key,
            t.schema.range_key,
        )
        filt = (
            exprs.condition(params["FilterExpression"], "FilterExpression")
            if "FilterExpression" in params
            else None
        )
        proj = self._projection(exprs, params)
        exprs.check_all_used()
        select = params.get("Select", "ALL_ATTRIBUTES")
        if select not in ("ALL_ATTRIBUTES", "COUNT", "SPECIFIC_ATTRIBUTES"):
            raise ValidationError(f"Select {select!r} is not supported")
        limit = params.get("Limit")
        if limit is not None and (not isinstance(limit, int) or limit < 1):
            raise ValidationError("Limit must be an integer of at least 1")
        page = min(limit or MAX_QUERY_ITEMS, MAX_QUERY_ITEMS)
        hash_value = kc.hash_value
        assert hash_value is not None
        if t.schema.hash_type not in hash_value:
            raise ValidationError(
                "One or more parameter values were invalid: Condition parameter type does not "
                "match schema type"
            )
        hash_sort = sort_key(hash_value)
        rows = [
            (k, item)
            for k, item in t.items(region, now)
            if k[0] == hash_sort and kc.matches_range(item)
        ]
        if params.get("ScanIndexForward", True) is False:
            rows.reverse()
        start = params.get("ExclusiveStartKey")
        if start is not None:
            sk = t.schema.key_of(av.check_item(start, "ExclusiveStartKey"), exact=True)
            forward = params.get("ScanIndexForward", True) is not False
            rows = [(k, i) for k, i in rows if (k > sk if forward else k < sk)]
        scanned = rows[:page]
        more = len(rows) > page
        items = [i for _, i in scanned if filt is None or ex.evaluate(i, filt)]
        out: dict[str, Any] = {"Count": len(items), "ScannedCount": len(scanned)}
        if select != "COUNT":
            out["Items"] = [_project(i, proj) for i in items]
        if more and scanned:
            out["LastEvaluatedKey"] = t.schema.key_item(scanned[-1][1])
        return out

    def describe_table(self, region: str, params: Mapping[str, Any], now: float) -> dict[str, Any]:
        t = self._table(params, region)
        s = t.schema
        schema = [{"AttributeName": s.hash_key, "KeyType": "HASH"}]
        attrs = [{"AttributeName": s.hash_key, "AttributeType": s.hash_type}]
        if s.range_key is not None:
            schema.append({"AttributeName": s.range_key, "KeyType": "RANGE"})
            attrs.append({"AttributeName": s.range_key, "AttributeType": s.range_type})
        return {
            "Table": {
                "TableName": t.name,
                "TableStatus": "ACTIVE",
                "KeySchema": schema,
                "AttributeDefinitions": attrs,
                "ItemCount": sum(1 for _ in t.items(region, now)),
                "Replicas": [{"RegionName": r, "ReplicaStatus": "ACTIVE"} for r in t.regions],
                "GlobalTableVersion": "2019.11.21",
            }
        }

    def list_tables(self, region: str, params: Mapping[str, Any], now: float) -> dict[str, Any]:
        return {"TableNames": sorted(n for n, t in self.tables.items() if region in t.regions)}


OPERATIONS = (
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "DescribeTable",
    "ListTables",
)
