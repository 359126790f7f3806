"""Wiring KV into an :class:`edgert.Network`: the store's location and file, the legs of the
latency model between each PoP and the store, and the replicas' options."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from edgert.errors import ConfigError
from edgert.kv.service import KvService
from edgert.kv.store import KvStore
from edgert.pops import Pop, load_pops

if TYPE_CHECKING:
    from edgert.network import Network

__all__ = ["kv_service"]


def kv_service(
    network: Network,
    kv_home: str,
    state_dir: str | os.PathLike[str] | None,
    replica_options: Mapping[str, Any],
) -> KvService:
    """The KV service of a network: its central store at ``kv_home`` (a PoP of the network, or
    any IATA code of the catalogue), persisted in ``<state_dir>/kv.sqlite3`` when given."""
    home: Pop | None = next((p for p in network.pops if p.code == kv_home.upper()), None)
    if home is None:
        try:
            home = load_pops([kv_home])[0]
        except (ConfigError, KeyError, ValueError) as exc:
            raise ConfigError(f"kv_home {kv_home!r} is not a known PoP: {exc}") from exc
    path = Path(state_dir) / "kv.sqlite3" if state_dir is not None else None
    store = KvStore(path)
    model = network.model
    access = model.params.datacenter_access_ms
    by_code = {p.code: p for p in network.pops}
    where: Pop = home

    def rtt_ms(pop: str) -> float:
        return model.rtt_ms(by_code[pop], where, access_a=access, access_b=access)

    return KvService(
        store,
        clock=network.now,
        rtt_ms=rtt_ms,
        emulate=network.emulate,
        **dict(replica_options),
    )
