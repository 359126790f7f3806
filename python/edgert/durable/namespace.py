"""The Python handle on one Durable Object namespace: ids, where each object lives, and what
it stores (``network.durable_objects("COUNTER")``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from edgert._core import DurableStore, durable_id_from_name, durable_id_is_valid
from edgert.durable import wire
from edgert.durable.records import AlarmFiring
from edgert.errors import ConfigError

if TYPE_CHECKING:
    from edgert.durable.objects import DurableObjects

__all__ = ["ObjectNamespace"]


class ObjectNamespace:
    """The objects of one class of one worker (``class_name``; ids are per class).

    Objects are named by id (64 hex digits) or, where a method says so, by the name given to
    ``idFromName``. Values read from storage are decoded from the wire form
    (:mod:`edgert.durable.wire`).
    """

    def __init__(
        self, objects: DurableObjects, worker: str, class_name: str, store: DurableStore
    ) -> None:
        self._objects = objects
        self.worker = worker
        self.class_name = class_name
        self._store = store

    def id_from_name(self, name: str) -> str:
        """The id ``idFromName(name)`` gives."""
        return durable_id_from_name(self.class_name, name)

    def _id(self, object_id: str) -> str:
        if not durable_id_is_valid(self.class_name, object_id):
            raise ConfigError(f"{object_id!r} is not an id of {self.class_name}")
        return object_id.lower()

    def ids(self) -> list[str]:
        """Ids of the objects placed so far or holding data, sorted."""
        placed = self._objects.placed(self.worker, self.class_name)
        return sorted(set(placed) | set(self._store.ids(self.class_name)))

    def home(self, object_id: str) -> str | None:
        """The PoP the object lives in (None if it was never called)."""
        return self._objects.home(self.worker, self.class_name, self._id(object_id))

    def storage(self, object_id: str) -> dict[str, Any]:
        """Every key of the object and its value, in key order."""
        oid = self._id(object_id)
        return {k: wire.decode(v) for k, v in self._store.entries(self.class_name, oid)}

    def get(self, object_id: str, key: str) -> Any:
        """One stored value (None when absent)."""
        text = self._store.get(self.class_name, self._id(object_id), key)
        return None if text is None else wire.decode(text)

    def put(self, object_id: str, key: str, value: Any) -> None:
        """Seeds a value (JSON-like Python values, bytes, sets, datetimes)."""
        self._store.put(self.class_name, self._id(object_id), key, wire.encode(value))

    def alarm(self, object_id: str) -> float | None:
        """The object's alarm time (seconds since the epoch), or None."""
        ms = self._store.alarm(self.class_name, self._id(object_id))
        return None if ms is None else ms / 1000.0

    def alarm_firings(self) -> list[AlarmFiring]:
        """Every run of ``alarm()`` of this namespace's objects so far, in order."""
        return [f for f in self._objects.alarm_firings if f.namespace == self.class_name]

    def __repr__(self) -> str:
        return f"<ObjectNamespace {self.worker}:{self.class_name} {len(self.ids())} objects>"
