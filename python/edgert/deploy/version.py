"""Worker versions: immutable (script, bindings, compatibility settings) with an id, a tag, a
message and the time they were uploaded, and the ``version_metadata`` binding that shows them
to the worker (``env.CF_VERSION_METADATA`` = ``{id, tag, timestamp}``, as on Workers)."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from edgert.worker import Worker

__all__ = ["Version", "iso_timestamp", "make_version", "version_id"]


def iso_timestamp(when: float) -> str:
    """``when`` (seconds since the epoch) as Workers writes a version's timestamp: ISO 8601 in
    UTC with milliseconds (``2026-12-05T08:41:19.000Z``)."""
    stamp = datetime.fromtimestamp(when, UTC).isoformat(timespec="milliseconds")
    return stamp.replace("+00:00", "Z")


def version_id(seed: int | None, worker: str, number: int) -> str:
    """A version id: a UUID (as Workers' ids are). With a seed it is a function of the seed, the
    worker and the version's number (reproducible runs); without one it is random."""
    if seed is None:
        return str(uuid.uuid4())
    digest = hashlib.blake2b(f"{seed}/{worker}/{number}".encode(), digest_size=16).digest()
    return str(uuid.UUID(bytes=digest, version=4))


@dataclass(frozen=True, slots=True)
class Version:
    """One immutable version of a worker. ``number`` counts the worker's versions from 1 (the
    version the network started with); ``timestamp`` is when it was uploaded (seconds since the
    epoch, on the network's clock); ``worker`` is what its cores run (with the version metadata
    binding filled in, when the worker declares one)."""

    id: str
    name: str
    number: int
    tag: str
    message: str
    timestamp: float
    worker: Worker = field(repr=False, compare=False)

    def metadata(self) -> dict[str, str]:
        """The value of the ``version_metadata`` binding: ``{id, tag, timestamp}``."""
        return {"id": self.id, "tag": self.tag, "timestamp": iso_timestamp(self.timestamp)}

    @property
    def label(self) -> str:
        """The tag when it has one, else the id's first 8 characters (for logs and reports)."""
        return self.tag or self.id[:8]

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "worker": self.name,
            "number": self.number,
            "tag": self.tag,
            "message": self.message,
            "timestamp": iso_timestamp(self.timestamp),
        }


def make_version(
    name: str,
    worker: Worker,
    *,
    number: int,
    seed: int | None,
    now: float,
    tag: str = "",
    message: str = "",
) -> Version:
    """Version ``number`` of worker ``name``: its id, and the worker its cores run (a copy with
    the metadata binding set when ``worker.version_metadata`` names one)."""
    vid = version_id(seed, name, number)
    runs = worker
    binding = worker.version_metadata
    if binding is not None:
        meta = {"id": vid, "tag": tag, "timestamp": iso_timestamp(now)}
        runs = worker.with_env({binding: meta})
    return Version(
        id=vid, name=name, number=number, tag=tag, message=message, timestamp=now, worker=runs
    )
