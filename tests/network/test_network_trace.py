"""A request's ``Trace``: its written-out ``__init__`` keeps the dataclass's contract."""

from __future__ import annotations

import dataclasses

from edgert.trace import Trace


def test_a_trace_is_built_by_position_or_keyword_with_the_fields_defaults() -> None:
    names = [f.name for f in dataclasses.fields(Trace)]
    assert names[:11] == [
        "url", "pop", "clock", "worker", "route", "client_city", "connection",
        "dns_ms", "connect_ms", "tls_ms", "request_ms",
    ]  # fmt: skip
    by_position = Trace("u", "NRT", "virtual", "w", "*/*", "Tokyo", "reused", 1.0, 2.0, 3.0, 4.0)
    by_keyword = Trace(
        url="u", pop="NRT", clock="virtual", worker="w", route="*/*", client_city="Tokyo",
        connection="reused", dns_ms=1.0, connect_ms=2.0, tls_ms=3.0, request_ms=4.0,
    )  # fmt: skip
    assert by_position == by_keyword
    bare = Trace("u", "NRT", "real")
    for f in dataclasses.fields(Trace):
        value = getattr(bare, f.name)
        if f.default_factory is not dataclasses.MISSING:
            assert value == f.default_factory()
        elif f.default is not dataclasses.MISSING:
            assert value == f.default, f.name
    assert (bare.connection, bare.outcome, bare.status, bare.version) == ("new", "", 0, None)
    assert bare.total_ms == 0.0 and bare.edge_only


def test_each_trace_has_its_own_lists() -> None:
    a, b = Trace("u", "NRT", "virtual"), Trace("u", "NRT", "virtual")
    a.origin_legs.append("leg")  # type: ignore[arg-type]
    a.object_calls.append("call")
    assert b.origin_legs == [] and b.object_calls == [] and b.kv_reads == []
    c = dataclasses.replace(a, status=200)
    assert c.origin_legs == ["leg"] and c.status == 200 and a.status == 0
    given: list[object] = []
    assert Trace("u", "NRT", "virtual", object_calls=given).object_calls is given
