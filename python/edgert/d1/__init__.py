"""D1: SQL databases with D1's Workers API, on SQLite, with a primary, read replicas fed by a
replication log with a modelled lag, and the Sessions API (see ``docs/d1.md``)."""

from edgert.d1.database import D1Database, D1Options
from edgert.d1.migrations import apply_migrations, list_migrations
from edgert.d1.records import D1Query
from edgert.d1.service import D1Service

__all__ = [
    "D1Database",
    "D1Options",
    "D1Query",
    "D1Service",
    "apply_migrations",
    "list_migrations",
]
