"""Multi-region tables with DynamoDB Global Tables semantics, served over the DynamoDB JSON
API at per-region endpoints that a network routes to locally (``docs/global-tables.md``).

```python
tables = GlobalTables(credentials={"AKIDEXAMPLE": "secret"})
tables.create("users", regions=["us-east-1", "eu-west-1"], hash_key="pk", range_key="sk")
net = Network("demo", origin=..., workers=..., dynamo=tables)
# a worker's fetch("https://dynamodb.eu-west-1.amazonaws.com/", signed) is answered locally
tables.table("users").lost_writes
```
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from edgert.dynamo.api import OPERATIONS, DynamoService
from edgert.dynamo.errors import DynamoError
from edgert.dynamo.regions import REGIONS, endpoint_region, location_of
from edgert.dynamo.sigv4 import Credentials
from edgert.dynamo.table import GlobalTable, KeySchema
from edgert.errors import ConfigError
from edgert.latency import LatencyModel
from edgert.pops import Pop, load_pops

__all__ = [
    "OPERATIONS",
    "REGIONS",
    "Credentials",
    "DynamoError",
    "DynamoService",
    "GlobalTable",
    "GlobalTables",
    "KeySchema",
    "endpoint_region",
]

#: Replication's own delay on top of the network between regions (AWS: "typically within a
#: second"; a few hundred ms is what is usually measured between nearby regions).
DEFAULT_REPLICATION_MS = 250.0
#: The service's own time per request at the endpoint (single-digit ms).
DEFAULT_SERVICE_MS = 4.0


class GlobalTables:
    """The global tables of a network (or of a test), the credentials that may sign requests to
    them, and the replication-lag model.

    ``lag_ms``: a fixed replication lag between any two regions; ``None`` (the default): the
    modelled one-way network delay between the regions plus ``replication_ms``.
    ``check_signatures=False`` accepts unsigned requests (never the default).
    """

    def __init__(
        self,
        credentials: Mapping[str, str | Credentials] | None = None,
        *,
        lag_ms: float | None = None,
        replication_ms: float = DEFAULT_REPLICATION_MS,
        service_ms: float = DEFAULT_SERVICE_MS,
        check_signatures: bool = True,
        model: LatencyModel | None = None,
    ) -> None:
        if lag_ms is not None and not lag_ms >= 0:
            raise ConfigError(f"lag_ms must be >= 0: {lag_ms}")
        if not replication_ms >= 0 or not service_ms >= 0:
            raise ConfigError("replication_ms and service_ms must be >= 0")
        creds: dict[str, Credentials] = {}
        for key_id, secret in (credentials or {}).items():
            creds[key_id] = (
                secret if isinstance(secret, Credentials) else Credentials(key_id, secret)
            )
        self.lag_ms = lag_ms
        self.replication_ms = replication_ms
        self.service_ms = service_ms
        self._model = model or LatencyModel()
        self._tables: dict[str, GlobalTable] = {}
        self._places: dict[str, Pop] = {}
        self._lags: dict[tuple[str, str], float] = {}
        self.service = DynamoService(self._tables, creds, check_signatures=check_signatures)

    @property
    def model(self) -> LatencyModel:
        """The latency model of legs and lags (a network sets its own when given the tables)."""
        return self._model

    @model.setter
    def model(self, model: LatencyModel) -> None:
        self._model = model
        self._lags.clear()

    def create(
        self,
        name: str,
        *,
        regions: Iterable[str],
        hash_key: str,
        hash_type: str = "S",
        range_key: str | None = None,
        range_type: str = "S",
    ) -> GlobalTable:
        """Declares a table replicated to ``regions`` (AWS region codes)."""
        if name in self._tables:
            raise ConfigError(f"table {name!r} exists already")
        regs = tuple(regions)
        for r in regs:
            location_of(r)
        table = GlobalTable(
            name, KeySchema(hash_key, hash_type, range_key, range_type), regs, self.lag_s
        )
        self._tables[name] = table
        self.service.tables[name] = table
        return table

    def table(self, name: str) -> GlobalTable:
        try:
            return self._tables[name]
        except KeyError:
            raise ConfigError(f"no table {name!r}") from None

    def tables(self) -> list[GlobalTable]:
        return list(self._tables.values())

    def place(self, region: str) -> Pop:
        """Where a region is, for the latency model."""
        p = self._places.get(region)
        if p is None:
            p = self._places[region] = load_pops([location_of(region)])[0]
        return p

    def rtt_ms(self, a: Any, region: str) -> float:
        """Base RTT from a place (a PoP) to a region's endpoint over the backbone."""
        dc = self.model.params.datacenter_access_ms
        return self.model.rtt_ms(a, self.place(region), path="backbone", access_a=dc, access_b=dc)

    def lag_s(self, a: str, b: str) -> float:
        """Replication delay from region ``a`` to region ``b``, in seconds."""
        if self.lag_ms is not None:
            return self.lag_ms / 1000.0
        lag = self._lags.get((a, b))
        if lag is None:
            one_way = self.rtt_ms(self.place(a), b) / 2.0
            lag = self._lags[(a, b)] = (one_way + self.replication_ms) / 1000.0
        return lag

    def serves(self, host: str) -> str | None:
        """The region whose endpoint ``host`` is, when it is one of the known AWS regions."""
        region = endpoint_region(host)
        return region if region in REGIONS else None

    def handle(
        self,
        region: str,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
        body: bytes,
        now: float,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        return self.service.handle(region, method, target, headers, body, now)

    def metrics(self) -> dict[str, dict[str, Any]]:
        return {name: t.metrics() for name, t in self._tables.items()}
