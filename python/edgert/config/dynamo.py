"""``[edgert.dynamo]``: global tables a project's worker reaches at
``https://dynamodb.<region>.amazonaws.com/`` (served locally, ``docs/global-tables.md``)::

    [edgert.dynamo]
    credentials = { AKIDEXAMPLE = "secret" }   # key id -> secret; default: the worker's
                                               # AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
    lag_ms = 1000                              # optional: fixed replication lag
    [edgert.dynamo.tables.users]
    regions = ["us-east-1", "eu-west-1"]
    hash_key = "pk"                            # hash_type = "S" (S, N or B)
    range_key = "sk"                           # optional; range_type = "S"

Tables live in memory for the life of the network (they are not persisted under
``state_dir``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from edgert.config.errors import ConfigValueError, MissingKey
from edgert.config.fields import Table
from edgert.errors import ConfigError

if TYPE_CHECKING:
    from edgert.dynamo import GlobalTables

__all__ = ["DynamoConfig", "TableConfig", "parse_dynamo"]


@dataclass(frozen=True, slots=True)
class TableConfig:
    name: str
    regions: tuple[str, ...]
    hash_key: str
    hash_type: str = "S"
    range_key: str | None = None
    range_type: str = "S"


@dataclass(frozen=True, slots=True)
class DynamoConfig:
    tables: tuple[TableConfig, ...] = ()
    credentials: Mapping[str, str] = field(default_factory=dict)
    lag_ms: float | None = None

    def build(self, secrets: Mapping[str, Any]) -> GlobalTables:
        """The tables, with the configured credentials or else the worker's
        ``AWS_ACCESS_KEY_ID`` / ``AWS_SECRET_ACCESS_KEY`` (vars or ``.dev.vars``)."""
        from edgert.dynamo import GlobalTables

        creds = dict(self.credentials)
        key_id, secret = secrets.get("AWS_ACCESS_KEY_ID"), secrets.get("AWS_SECRET_ACCESS_KEY")
        if not creds and isinstance(key_id, str) and isinstance(secret, str):
            creds[key_id] = secret
        tables = GlobalTables(creds, lag_ms=self.lag_ms)
        for t in self.tables:
            tables.create(
                t.name,
                regions=t.regions,
                hash_key=t.hash_key,
                hash_type=t.hash_type,
                range_key=t.range_key,
                range_type=t.range_type,
            )
        return tables


def parse_dynamo(t: Table) -> DynamoConfig:
    known = {"credentials", "lag_ms", "tables"}
    for key in t.data:
        if key not in known:
            t.fail(key, f"unknown key (expected one of {', '.join(sorted(known))})")
    creds: dict[str, str] = {}
    ct = t.table("credentials")
    if ct is not None:
        for key_id in ct.data:
            secret = ct.text(key_id)
            assert secret is not None
            creds[key_id] = secret
    lag = t.number("lag_ms")
    if lag is not None and lag < 0:
        t.fail("lag_ms", f"expected a number >= 0, got {lag}")
    tables: list[TableConfig] = []
    tt = t.table("tables")
    for name in tt.data if tt is not None else {}:
        assert tt is not None
        one = tt.table(name)
        if one is None:
            tt.fail(name, "expected a table")
        regions = one.strings("regions")
        if not regions:
            raise MissingKey(one.file, one.key("regions"), 'required, e.g. ["us-east-1"]')
        hash_key = one.text("hash_key", required=True)
        assert hash_key is not None
        tables.append(
            TableConfig(
                name,
                regions,
                hash_key,
                one.text("hash_type", "S") or "S",
                one.text("range_key"),
                one.text("range_type", "S") or "S",
            )
        )
    config = DynamoConfig(tuple(tables), creds, lag)
    try:  # regions and key types are checked where they are defined
        config.build({})
    except ConfigError as exc:
        raise ConfigValueError(t.file, t.path or None, str(exc)) from None
    return config
