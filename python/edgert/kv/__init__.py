"""Workers KV: the central store, its replication to PoPs over the latency model, Python
handles to seed and inspect namespaces, and read records for traces.

The read path itself (each PoP's replica) is in the Rust core (``edgert._core.KvReplica``)."""

from edgert.kv.namespace import KvNamespace, ReplicaEntry
from edgert.kv.record import KvRead, KvRecord
from edgert.kv.service import KvService
from edgert.kv.store import KvStore

__all__ = ["KvNamespace", "KvRead", "KvRecord", "KvService", "KvStore", "ReplicaEntry"]
