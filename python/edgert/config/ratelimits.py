"""``[[ratelimits]]`` and ``[[unsafe.bindings]] type = "ratelimit"``: rate-limiting bindings.

Wrangler's two forms of the same binding::

    [[ratelimits]]
    name = "LIMITER"
    namespace_id = "1001"
    simple = { limit = 100, period = 60 }

    [[unsafe.bindings]]             # the form from before the binding's GA
    name = "LIMITER"
    type = "ratelimit"
    namespace_id = "1001"
    simple = { limit = 100, period = 60 }

``period`` must be 10 or 60 seconds and ``limit`` a positive integer, as on Workers. Other
``unsafe`` bindings are left to the caller (they are not read here).
"""

from __future__ import annotations

from edgert.config.errors import ConfigValueError, MissingKey
from edgert.config.fields import Table, describe
from edgert.ratelimit import RateLimitBinding, check_simple

__all__ = ["RateLimitBinding", "parse_ratelimits"]


def _one(t: Table, name_key: str) -> RateLimitBinding:
    name = t.text(name_key, required=True)
    assert name is not None
    if not name.isidentifier():
        t.fail(name_key, f"expected a JavaScript identifier, got {name!r}")
    raw_id = t.raw("namespace_id")
    if raw_id is None:
        raise MissingKey(
            t.file, t.key("namespace_id"), "required, expected an integer (as a string)"
        )
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        t.fail("namespace_id", f"expected an integer as a string, got {describe(raw_id)}")
    ns_id = str(raw_id)
    if not ns_id.isdigit():
        t.fail("namespace_id", f"expected an integer (as a string), got {ns_id!r}")
    simple = t.table("simple")
    if simple is None:
        raise MissingKey(t.file, t.key("simple"), "required, expected { limit, period }")
    try:
        limit, period = check_simple(simple.raw("limit"), simple.raw("period"))
    except ValueError as exc:
        field, _, message = str(exc).partition(": ")
        raise ConfigValueError(t.file, t.key(field), message) from None
    return RateLimitBinding(name, ns_id, limit, period)


def parse_ratelimits(ratelimits: Table, unsafe: Table) -> tuple[RateLimitBinding, ...]:
    """The bindings of ``ratelimits`` (a table holding the ``ratelimits`` array) and of
    ``unsafe.bindings`` entries whose ``type`` is ``"ratelimit"``."""
    out = [_one(t, "name") for t in ratelimits.tables("ratelimits")]
    section = unsafe.table("unsafe")
    if section is not None:
        for t in section.tables("bindings"):
            if t.raw("type") == "ratelimit":
                out.append(_one(t, "name"))
    return tuple(out)
