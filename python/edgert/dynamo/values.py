"""DynamoDB's typed AttributeValues (``{"S": "x"}``, ``{"N": "1"}``, ...): validation,
comparison and arithmetic as the service does them.

Numbers travel as strings and compare as numbers (``decimal.Decimal``, 38 digits of
precision); sets (``SS``, ``NS``, ``BS``) must be non-empty and hold no duplicates; binary
values are base64 text in JSON and compare byte by byte.
"""

from __future__ import annotations

import base64
import binascii
import decimal
from typing import Any

from edgert.dynamo.errors import ValidationError

__all__ = ["Value", "add", "check_item", "check_value", "compare", "equal", "number", "subtract"]

Value = dict[str, Any]

_CTX = decimal.Context(prec=38)
_TYPES = frozenset({"S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS"})


def number(text: Any) -> decimal.Decimal:
    """A DynamoDB number from its string form."""
    if not isinstance(text, str):
        raise ValidationError("A value provided cannot be converted into a number")
    try:
        d = _CTX.create_decimal(text)
    except decimal.InvalidOperation:
        raise ValidationError("A value provided cannot be converted into a number") from None
    if not d.is_finite():
        raise ValidationError("A value provided cannot be converted into a number")
    return d


def _num_text(d: decimal.Decimal) -> str:
    d = d.normalize(_CTX)
    text = format(d, "f")
    return "0" if text in ("-0", "0") else text


def _binary(text: Any) -> bytes:
    if not isinstance(text, str):
        raise ValidationError("Invalid binary value: expected base64 text")
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise ValidationError("Invalid binary value: not base64") from None


def check_value(v: Any, where: str = "value") -> Value:
    """Validates one AttributeValue (recursively); returns it."""
    if not isinstance(v, dict) or len(v) != 1:
        raise ValidationError(
            f"Supplied AttributeValue has more than one datatypes set, must contain exactly one of "
            f"the supported datatypes ({where})"
            if isinstance(v, dict) and len(v) > 1
            else f"Supplied AttributeValue is empty, must contain exactly one of the supported "
            f"datatypes ({where})"
        )
    ((t, x),) = v.items()
    if t not in _TYPES:
        raise ValidationError(f"Unknown AttributeValue type {t!r} ({where})")
    if t == "S" and not isinstance(x, str):
        raise ValidationError(f"S must be a string ({where})")
    elif t == "N":
        number(x)
    elif t == "B":
        _binary(x)
    elif t == "BOOL" and not isinstance(x, bool):
        raise ValidationError(f"BOOL must be true or false ({where})")
    elif t == "NULL" and x is not True:
        raise ValidationError(f"Null attribute value types must have the value of true ({where})")
    elif t == "M":
        if not isinstance(x, dict):
            raise ValidationError(f"M must be a map ({where})")
        for k, item in x.items():
            check_value(item, f"{where}.{k}")
    elif t == "L":
        if not isinstance(x, list):
            raise ValidationError(f"L must be a list ({where})")
        for i, item in enumerate(x):
            check_value(item, f"{where}[{i}]")
    elif t in ("SS", "NS", "BS"):
        if not isinstance(x, list) or not x:
            raise ValidationError(
                f"One or more parameter values were invalid: An string set  may not be empty ({where})"
                if t == "SS"
                else f"One or more parameter values were invalid: An number set  may not be empty ({where})"
                if t == "NS"
                else f"One or more parameter values were invalid: A binary set may not be empty ({where})"
            )
        keys = [_set_key(t, e) for e in x]
        if len(set(keys)) != len(keys):
            raise ValidationError(
                f"One or more parameter values were invalid: Input collection {x} contains "
                "duplicates."
            )
    return v


def _set_key(t: str, e: Any) -> Any:
    if t == "SS":
        if not isinstance(e, str):
            raise ValidationError("SS members must be strings")
        return e
    if t == "NS":
        return number(e)
    return _binary(e)


def check_item(item: Any, where: str = "Item") -> dict[str, Value]:
    if not isinstance(item, dict):
        raise ValidationError(f"{where} must be a map of attribute names to values")
    for name, v in item.items():
        if name == "":
            raise ValidationError("Empty attribute name")
        check_value(v, name)
    return item


def _canonical(v: Value) -> Any:
    ((t, x),) = v.items()
    if t == "N":
        return ("N", number(x))
    if t == "B":
        return ("B", _binary(x))
    if t == "M":
        return ("M", tuple(sorted((k, _canonical(i)) for k, i in x.items())))
    if t == "L":
        return ("L", tuple(_canonical(i) for i in x))
    if t in ("SS", "NS", "BS"):
        return (t, frozenset(_set_key(t, e) for e in x))
    return (t, x)


def equal(a: Value | None, b: Value | None) -> bool:
    """DynamoDB equality: same type and same value (numbers numerically, sets unordered)."""
    if a is None or b is None:
        return False
    return bool(_canonical(a) == _canonical(b))


def compare(a: Value | None, b: Value | None) -> int | None:
    """``-1/0/1`` for two values of one scalar type (S, N, B), else ``None`` (incomparable)."""
    if a is None or b is None:
        return None
    ((ta, xa),) = a.items()
    ((tb, xb),) = b.items()
    if ta != tb or ta not in ("S", "N", "B"):
        return None
    if ta == "N":
        na, nb = number(xa), number(xb)
        return (na > nb) - (na < nb)
    ba, bb = (_binary(xa), _binary(xb)) if ta == "B" else (xa.encode("utf-8"), xb.encode("utf-8"))
    return (ba > bb) - (ba < bb)


def add(a: Value, b: Value) -> Value:
    """``a + b`` of two numbers (SET a = a + :n, ADD a :n)."""
    if "N" not in a or "N" not in b:
        raise ValidationError("An operand in the update expression has an incorrect data type")
    return {"N": _num_text(_CTX.add(number(a["N"]), number(b["N"])))}


def subtract(a: Value, b: Value) -> Value:
    if "N" not in a or "N" not in b:
        raise ValidationError("An operand in the update expression has an incorrect data type")
    return {"N": _num_text(_CTX.subtract(number(a["N"]), number(b["N"])))}


def set_union(a: Value, b: Value) -> Value:
    """ADD of a set to a set of the same type."""
    ((ta, xa),) = a.items()
    ((tb, xb),) = b.items()
    if ta != tb:
        raise ValidationError("An operand in the update expression has an incorrect data type")
    seen = {_set_key(ta, e) for e in xa}
    return {ta: list(xa) + [e for e in xb if _set_key(tb, e) not in seen]}


def set_difference(a: Value, b: Value) -> Value | None:
    """DELETE of set members; ``None`` when the set becomes empty (the attribute is removed)."""
    ((ta, xa),) = a.items()
    ((tb, xb),) = b.items()
    if ta != tb:
        raise ValidationError("An operand in the update expression has an incorrect data type")
    gone = {_set_key(tb, e) for e in xb}
    kept = [e for e in xa if _set_key(ta, e) not in gone]
    return {ta: kept} if kept else None


def size(v: Value) -> int:
    """Bytes of an item's attribute as DynamoDB roughly counts it (for the 400 KB limit)."""
    ((t, x),) = v.items()
    if t in ("S",):
        return len(x.encode("utf-8"))
    if t == "N":
        return len(x) // 2 + 1
    if t == "B":
        return len(x) * 3 // 4
    if t in ("BOOL", "NULL"):
        return 1
    if t == "M":
        return 3 + sum(len(k.encode()) + size(i) + 1 for k, i in x.items())
    if t == "L":
        return 3 + sum(size(i) + 1 for i in x)
    return sum(len(str(e)) for e in x)
