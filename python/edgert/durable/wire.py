"""The wire form of Durable Object values, read from Python (for inspection and seeding).

Values cross isolates and reach storage as JSON text in a tagged form (see
``rust/src/isolate/webapi/lazy/durable.js``): plain JSON where it is exact, otherwise
``{"$": tag, "v": ...}``. :func:`decode` maps it to Python (``Map`` -> dict, ``Set`` -> set,
``Date`` -> aware datetime, ``bigint`` -> int, binary -> bytes, ``undefined`` -> None);
:func:`encode` writes JSON-compatible Python values (dict, list, str, numbers, bools, None,
bytes, sets, datetimes).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
from typing import Any

__all__ = ["decode", "encode"]

_BINARY = {
    "ArrayBuffer",
    "Int8Array",
    "Uint8Array",
    "Uint8ClampedArray",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "Float32Array",
    "Float64Array",
    "BigInt64Array",
    "BigUint64Array",
    "DataView",
}


def _dec(w: Any, table: list[Any]) -> Any:
    if w is None or isinstance(w, bool | int | float | str):
        return w
    if isinstance(w, list):
        out: list[Any] = []
        table.append(out)
        out.extend(
            None if isinstance(x, dict) and x.get("$") == "hole" else _dec(x, table) for x in w
        )
        return out
    if "$" not in w:
        obj: dict[str, Any] = {}
        table.append(obj)
        for k, x in w.items():
            obj[k] = _dec(x, table)
        return obj
    tag, v = w["$"], w.get("v")
    if tag == "undefined":
        return None
    if tag == "num":
        return -0.0 if v == "-0" else float(v.replace("Infinity", "inf"))
    if tag == "bigint":
        return int(v)
    if tag == "ref":
        return table[v]
    if tag == "Object":
        plain: dict[str, Any] = {}
        table.append(plain)
        for k, x in v.items():
            plain[k] = _dec(x, table)
        return plain
    if tag == "Date":
        out_date = None if v is None else dt.datetime.fromtimestamp(v / 1000.0, dt.UTC)
        table.append(out_date)
        return out_date
    if tag == "Map":
        m: dict[Any, Any] = {}
        table.append(m)
        for k, x in v:
            key = _dec(k, table)
            m[key if isinstance(key, str | int | float | bool) or key is None else repr(key)] = (
                _dec(x, table)
            )
        return m
    if tag == "Set":
        items: list[Any] = []
        table.append(items)
        items.extend(_dec(x, table) for x in v)
        try:
            return set(items)
        except TypeError:
            return items
    if tag in _BINARY:
        data = base64.b64decode(v)
        table.append(data)
        return data
    if tag == "Error":
        table.append(v)
        return {"name": v.get("name"), "message": v.get("message")}
    if tag in ("Boolean", "String"):
        table.append(v)
        return v
    if tag == "Number":
        return _dec(v, table)
    if tag == "RegExp":
        table.append(v)
        return f"/{v[0]}/{v[1]}"
    raise ValueError(f"unknown tag {tag!r} in a Durable Object value")


def decode(text: str) -> Any:
    """A stored or transferred value (tagged JSON text) as a Python value."""
    return _dec(json.loads(text), [])


def _enc(v: Any) -> Any:
    if v is None or isinstance(v, bool | str):
        return v
    if isinstance(v, int):
        return v if abs(v) <= 2**53 else {"$": "bigint", "v": str(v)}
    if isinstance(v, float):
        if math.isfinite(v) and not (v == 0 and math.copysign(1.0, v) < 0):
            return v
        return {
            "$": "num",
            "v": "-0" if v == 0 else ("NaN" if v != v else ("Infinity" if v > 0 else "-Infinity")),
        }
    if isinstance(v, bytes | bytearray | memoryview):
        return {"$": "Uint8Array", "v": base64.b64encode(bytes(v)).decode()}
    if isinstance(v, dt.datetime):
        return {"$": "Date", "v": v.timestamp() * 1000.0}
    if isinstance(v, set | frozenset):
        return {"$": "Set", "v": [_enc(x) for x in v]}
    if isinstance(v, list | tuple):
        return [_enc(x) for x in v]
    if isinstance(v, dict):
        out = {str(k): _enc(x) for k, x in v.items()}
        return {"$": "Object", "v": out} if "$" in out else out
    raise TypeError(f"cannot store a {type(v).__name__} in a Durable Object")


def encode(value: Any) -> str:
    """A Python value in the wire form (tagged JSON text)."""
    return json.dumps(_enc(value), separators=(",", ":"))
