"""The Durable Objects of a standalone :class:`~edgert.Worker` (no network): one local PoP,
no distance, storage in memory."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from edgert._core import CoreWorker, DurableStore
from edgert.durable.objects import DurableObjects
from edgert.pops import Pop

if TYPE_CHECKING:
    from edgert.worker import Worker

__all__ = ["LOCAL_POP", "standalone_objects"]

#: The one PoP of a standalone worker.
LOCAL_POP = Pop(
    code="LOCAL",
    city="local",
    country="",
    latitude=0.0,
    longitude=0.0,
    tier=1,
    continent="",
    region="",
)


def standalone_objects(worker: Worker) -> DurableObjects:
    """The object registry of a worker that runs on its own."""

    def new_host(name: str, pop: Pop, store: DurableStore) -> CoreWorker:
        kv = worker._kv.replica("local") if worker._kv is not None else None
        return worker.new_object_host(now=time.time(), store=store, seed=worker.seed, kv=kv)

    objects = DurableObjects(pops=[LOCAL_POP], rtt_ms=lambda a, b: 0.0, new_object_host=new_host)
    objects.add_worker(worker.name, worker.durable_bindings)
    objects.register_caller(worker.core, worker.name, LOCAL_POP)
    return objects
