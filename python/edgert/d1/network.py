"""Wiring D1 into an :class:`edgert.Network`: each database's options (the network's ``d1``
argument, plus the migrations folder its workers' bindings name), the PoP-to-PoP legs of the
latency model, and the databases created at start (so their migrations run before a request)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from edgert.d1.database import D1Options
from edgert.d1.service import D1Service
from edgert.errors import ConfigError
from edgert.pops import Pop, load_pops

if TYPE_CHECKING:
    from edgert.network import Network

__all__ = ["d1_service"]


def d1_service(
    network: Network,
    options: Mapping[str, Any],
    default_primary: str,
    state_dir: str | os.PathLike[str] | None,
) -> D1Service:
    """The D1 service of ``network``; databases its workers bind are created (and migrated)
    now. Regions are IATA codes: PoPs of the network or any PoP of the catalogue."""
    by_code: dict[str, Pop] = {p.code: p for p in network.pops}

    def pop(code: str) -> Pop:
        found = by_code.get(code)
        if found is None:
            try:
                found = by_code[code] = load_pops([code])[0]
            except (ConfigError, KeyError, ValueError) as exc:
                raise ConfigError(f"D1 region {code!r} is not a known PoP: {exc}") from exc
        return found

    resolved = {k: D1Options.of(v) for k, v in options.items()}
    for worker in network.workers.values():
        for db_id, migrations in getattr(worker, "d1_bindings", {}).values():
            current = resolved.get(db_id) or D1Options(primary=default_primary.upper())
            if migrations is not None and current.migrations_dir is None:
                current = D1Options(
                    current.primary, current.replicas, current.replication_delay_ms, migrations
                )
            resolved[db_id] = current
    for o in resolved.values():
        for code in (o.primary, *o.replicas):
            pop(code)  # unknown regions fail here, at start

    def rtt_ms(a: str, b: str) -> float:
        return network._pop_rtt_ms(pop(a), pop(b))

    service = D1Service(
        clock=network.now,
        rtt_ms=rtt_ms,
        emulate=network.emulate,
        state_dir=state_dir,
        options=resolved,
        default_primary=default_primary,
    )
    for db_id in resolved:
        service.database(db_id)
    return service
