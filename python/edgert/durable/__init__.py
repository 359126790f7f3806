"""Durable Objects: one live instance per id in the whole network, at the PoP nearest its first
caller, with strongly consistent storage, alarms and persistence (see docs/durable-objects.md).

The JavaScript side (namespaces, stubs, the object host, storage, the input gate) lives in the
core (``rust/src/isolate/webapi/lazy/durable.js`` and ``rust/src/durable``); this package is the
host's side: placement and routing (:class:`DurableObjects`), the inspection handle
(:class:`ObjectNamespace`) and what is recorded (:class:`ObjectCall`, :class:`AlarmFiring`).
"""

from edgert.durable.namespace import ObjectNamespace
from edgert.durable.objects import DurableObjects
from edgert.durable.placement import REGION_ANCHORS, hinted_pop
from edgert.durable.records import AlarmFiring, ObjectCall

__all__ = [
    "REGION_ANCHORS",
    "AlarmFiring",
    "DurableObjects",
    "ObjectCall",
    "ObjectNamespace",
    "hinted_pop",
]
