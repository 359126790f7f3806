"""DynamoDB expressions: condition (and filter) expressions, update expressions and key
conditions, parsed once into small trees and evaluated against an item.

Theory of operation. A tokenizer splits the text into names, ``#name`` placeholders,
``:value`` placeholders, numbers (list indexes) and punctuation; a recursive-descent parser
builds tuples: paths are ``("path", (element, ...))`` with each element a name or a list index,
resolved through ``ExpressionAttributeNames`` as they are read; operands are paths,
``("value", av)`` from ``ExpressionAttributeValues`` or ``("size", path)``. Placeholders that
are not defined, and defined ones the expression does not use, are ``ValidationException``s, as
on the service. Conditions evaluate to a bool; an update applies its clauses (SET, REMOVE, ADD,
DELETE) to a copy of the item, each operand read from the item *before* the update.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any

from edgert.dynamo import values as av
from edgert.dynamo.errors import ValidationError

__all__ = ["Expressions", "KeyCondition"]

Value = dict[str, Any]
Item = dict[str, Value]
Path = tuple[str | int, ...]

_TOKEN = re.compile(
    r"\s*(?:(?P<op><>|<=|>=|[=<>(),.\[\]+\-])|(?P<name>#[A-Za-z0-9_]+)|(?P<value>:[A-Za-z0-9_]+)"
    r"|(?P<num>[0-9]+)|(?P<word>[A-Za-z_][A-Za-z0-9_]*))"
)
_KEYWORDS = frozenset({"AND", "OR", "NOT", "BETWEEN", "IN", "SET", "REMOVE", "ADD", "DELETE"})
_FUNCTIONS = frozenset(
    {
        "attribute_exists",
        "attribute_not_exists",
        "attribute_type",
        "begins_with",
        "contains",
        "size",
        "if_not_exists",
        "list_append",
    }
)
_COMPARATORS = frozenset({"=", "<>", "<", "<=", ">", ">="})


def _tokens(text: str, what: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ValidationError(
                f'Invalid {what}: Syntax error; token: "{text[pos:].split()[0][:20]}", near: '
                f'"{text[max(0, pos - 10) : pos + 10]}"'
            )
        kind = m.lastgroup or ""
        tok = m.group(kind)
        if kind == "word" and tok.upper() in _KEYWORDS:
            kind, tok = "kw", tok.upper()
        out.append((kind, tok))
        pos = m.end()
    return out


class Expressions:
    """The placeholders of one request (``ExpressionAttributeNames`` / ``Values``), with a
    record of which were used (unused ones are an error, as on the service)."""

    def __init__(self, names: Any, values: Any) -> None:
        if names is not None and not isinstance(names, dict):
            raise ValidationError("ExpressionAttributeNames must be a map")
        if values is not None and not isinstance(values, dict):
            raise ValidationError("ExpressionAttributeValues must be a map")
        if names == {}:
            raise ValidationError("ExpressionAttributeNames must not be empty")
        if values == {}:
            raise ValidationError("ExpressionAttributeValues must not be empty")
        self.names: Mapping[str, str] = names or {}
        self.values: Mapping[str, Value] = values or {}
        for k, v in self.values.items():
            av.check_value(v, k)
        self.used_names: set[str] = set()
        self.used_values: set[str] = set()

    def check_all_used(self) -> None:
        unused_n = sorted(set(self.names) - self.used_names)
        if unused_n:
            raise ValidationError(
                "Value provided in ExpressionAttributeNames unused in expressions: keys: "
                "{" + ", ".join(unused_n) + "}"
            )
        unused_v = sorted(set(self.values) - self.used_values)
        if unused_v:
            raise ValidationError(
                "Value provided in ExpressionAttributeValues unused in expressions: keys: "
                "{" + ", ".join(unused_v) + "}"
            )

    # -- parsing ----------------------------------------------------------------------------------

    def condition(self, text: Any, what: str = "ConditionExpression") -> Any:
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(f"Invalid {what}: The expression can not be empty;")
        p = _Parser(self, _tokens(text, what), what)
        tree = p.condition()
        p.end()
        return tree

    def update(self, text: Any) -> list[tuple[str, Any]]:
        what = "UpdateExpression"
        if not isinstance(text, str) or not text.strip():
            raise ValidationError(f"Invalid {what}: The expression can not be empty;")
        p = _Parser(self, _tokens(text, what), what)
        actions = p.update()
        p.end()
        return actions

    def projection(self, text: Any) -> list[Path]:
        what = "ProjectionExpression"
        p = _Parser(self, _tokens(str(text), what), what)
        paths = [p.path()[1]]
        while p.accept("op", ","):
            paths.append(p.path()[1])
        p.end()
        return paths


class _Parser:
    def __init__(self, ex: Expressions, toks: list[tuple[str, str]], what: str) -> None:
        self.ex = ex
        self.toks = toks
        self.i = 0
        self.what = what

    def fail(self, message: str | None = None) -> ValidationError:
        if message is None:
            tok = self.toks[self.i][1] if self.i < len(self.toks) else "<EOF>"
            message = f'Syntax error; token: "{tok}"'
        return ValidationError(f"Invalid {self.what}: {message}")

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def accept(self, kind: str, tok: str | None = None) -> str | None:
        t = self.peek()
        if t is not None and t[0] == kind and (tok is None or t[1] == tok):
            self.i += 1
            return t[1]
        return None

    def expect(self, kind: str, tok: str | None = None) -> str:
        got = self.accept(kind, tok)
        if got is None:
            raise self.fail()
        return got

    def end(self) -> None:
        if self.i != len(self.toks):
            raise self.fail()

    # paths and operands

    def _name(self) -> str:
        t = self.peek()
        if t is None:
            raise self.fail()
        if t[0] == "name":
            self.i += 1
            if t[1] not in self.ex.names:
                raise self.fail(
                    f"An expression attribute name used in the document path is not defined; "
                    f"attribute name: {t[1]}"
                )
            self.ex.used_names.add(t[1])
            return self.ex.names[t[1]]
        if t[0] == "word" and t[1] not in _FUNCTIONS:
            self.i += 1
            return t[1]
        if t[0] == "kw":
            raise self.fail(f"Attribute name is a reserved keyword; reserved keyword: {t[1]}")
        raise self.fail()

    def path(self) -> tuple[str, Path]:
        elements: list[str | int] = [self._name()]
        while True:
            if self.accept("op", "."):
                elements.append(self._name())
            elif self.accept("op", "["):
                elements.append(int(self.expect("num")))
                self.expect("op", "]")
            else:
                return ("path", tuple(elements))

    def value(self) -> tuple[str, Value]:
        tok = self.expect("value")
        if tok not in self.ex.values:
            raise self.fail(
                f"An expression attribute value used in expression is not defined; "
                f"attribute value: {tok}"
            )
        self.ex.used_values.add(tok)
        return ("value", self.ex.values[tok])

    def operand(self) -> Any:
        t = self.peek()
        if t is None:
            raise self.fail()
        if t[0] == "value":
            return self.value()
        if t == ("word", "size"):
            self.i += 1
            self.expect("op", "(")
            p = self.path()
            self.expect("op", ")")
            return ("size", p)
        return self.path()

    # conditions

    def condition(self) -> Any:
        left = self.conjunction()
        while self.accept("kw", "OR"):
            left = ("or", left, self.conjunction())
        return left

    def conjunction(self) -> Any:
        left = self.negation()
        while self.accept("kw", "AND"):
            left = ("and", left, self.negation())
        return left

    def negation(self) -> Any:
        if self.accept("kw", "NOT"):
            return ("not", self.negation())
        return self.primary()

    def primary(self) -> Any:
        if self.accept("op", "("):
            inner = self.condition()
            self.expect("op", ")")
            return inner
        t = self.peek()
        if t is not None and t[0] == "word" and t[1] in _FUNCTIONS and t[1] != "size":
            name = t[1]
            if name in ("if_not_exists", "list_append"):
                raise self.fail(
                    f"The function is not allowed to be used this way in an expression; function: {name}"
                )
            self.i += 1
            self.expect("op", "(")
            p = self.path()
            arg = None
            if name in ("begins_with", "contains", "attribute_type"):
                self.expect("op", ",")
                arg = self.operand()
            self.expect("op", ")")
            return ("fn", name, p, arg)
        left = self.operand()
        op = self.peek()
        if op is not None and op[0] == "op" and op[1] in _COMPARATORS:
            self.i += 1
            return ("cmp", op[1], left, self.operand())
        if self.accept("kw", "BETWEEN"):
            low = self.operand()
            self.expect("kw", "AND")
            return ("between", left, low, self.operand())
        if self.accept("kw", "IN"):
            self.expect("op", "(")
            options = [self.operand()]
            while self.accept("op", ","):
                options.append(self.operand())
            self.expect("op", ")")
            return ("in", left, options)
        raise self.fail()

    # updates

    def update(self) -> list[tuple[str, Any]]:
        actions: list[tuple[str, Any]] = []
        seen: set[str] = set()
        while self.peek() is not None:
            clause = self.expect("kw")
            if clause not in ("SET", "REMOVE", "ADD", "DELETE"):
                raise self.fail()
            if clause in seen:
                raise self.fail(
                    f'The "{clause}" section can only be used once in an update expression;'
                )
            seen.add(clause)
            while True:
                if clause == "SET":
                    target = self.path()
                    self.expect("op", "=")
                    actions.append(("SET", (target, self.set_value())))
                elif clause == "REMOVE":
                    actions.append(("REMOVE", self.path()))
                else:
                    target = self.path()
                    actions.append((clause, (target, self.value())))
                if not self.accept("op", ","):
                    break
        if not actions:
            raise self.fail("The expression can not be empty;")
        return actions

    def set_value(self) -> Any:
        left = self.term()
        if self.accept("op", "+"):
            return ("+", left, self.term())
        if self.accept("op", "-"):
            return ("-", left, self.term())
        return left

    def term(self) -> Any:
        t = self.peek()
        if t == ("word", "if_not_exists"):
            self.i += 1
            self.expect("op", "(")
            p = self.path()
            self.expect("op", ",")
            default = self.operand()
            self.expect("op", ")")
            return ("if_not_exists", p, default)
        if t == ("word", "list_append"):
            self.i += 1
            self.expect("op", "(")
            a = self.term()
            self.expect("op", ",")
            b = self.term()
            self.expect("op", ")")
            return ("list_append", a, b)
        return self.operand()


# -- evaluation -----------------------------------------------------------------------------------


def read(item: Item | None, path: Path) -> Value | None:
    """The value at ``path`` in ``item`` (``None``: absent)."""
    if item is None:
        return None
    cur: Any = item.get(path[0]) if isinstance(path[0], str) else None
    for el in path[1:]:
        if cur is None:
            return None
        if isinstance(el, int):
            lst = cur.get("L")
            cur = lst[el] if isinstance(lst, list) and el < len(lst) else None
        else:
            m = cur.get("M")
            cur = m.get(el) if isinstance(m, dict) else None
    return cur  # type: ignore[no-any-return]


def _operand(item: Item | None, node: Any) -> Value | None:
    kind = node[0]
    if kind == "value":
        return node[1]  # type: ignore[no-any-return]
    if kind == "path":
        return read(item, node[1])
    if kind == "size":
        v = read(item, node[1][1])
        if v is None:
            return None
        ((t, x),) = v.items()
        if t in ("S",):
            n = len(x.encode("utf-8"))
        elif t == "B":
            n = len(av._binary(x))
        elif t in ("M", "L", "SS", "NS", "BS"):
            n = len(x)
        else:
            raise ValidationError(
                "Invalid ConditionExpression: Incorrect operand type for operator or function; "
                f"operator or function: size, operand type: {t}"
            )
        return {"N": str(n)}
    raise ValidationError("Invalid expression")


def evaluate(item: Item | None, node: Any) -> bool:
    """Whether condition ``node`` holds for ``item`` (``None``: no such item)."""
    kind = node[0]
    if kind == "and":
        return evaluate(item, node[1]) and evaluate(item, node[2])
    if kind == "or":
        return evaluate(item, node[1]) or evaluate(item, node[2])
    if kind == "not":
        return not evaluate(item, node[1])
    if kind == "fn":
        _, name, path, arg = node
        v = read(item, path[1])
        if name == "attribute_exists":
            return v is not None
        if name == "attribute_not_exists":
            return v is None
        a = _operand(item, arg)
        if v is None or a is None:
            return False
        if name == "attribute_type":
            return "S" in a and a["S"] in v
        if name == "begins_with":
            if "S" in v and "S" in a:
                return bool(v["S"].startswith(a["S"]))
            if "B" in v and "B" in a:
                return av._binary(v["B"]).startswith(av._binary(a["B"]))
            return False
        # contains
        if "S" in v and "S" in a:
            return a["S"] in v["S"]
        for t in ("SS", "NS", "BS"):
            if t in v:
                return any(av.equal({t[0]: e}, a) for e in v[t])
        if "L" in v:
            return any(av.equal(e, a) for e in v["L"])
        return False
    if kind == "cmp":
        _, op, left, right = node
        a, b = _operand(item, left), _operand(item, right)
        if op == "=":
            return av.equal(a, b)
        if op == "<>":
            return a is not None and b is not None and not av.equal(a, b)
        c = av.compare(a, b)
        if c is None:
            return False
        return {"<": c < 0, "<=": c <= 0, ">": c > 0, ">=": c >= 0}[op]
    if kind == "between":
        v, lo, hi = (_operand(item, n) for n in node[1:])
        c1, c2 = av.compare(lo, v), av.compare(v, hi)
        return c1 is not None and c2 is not None and c1 <= 0 and c2 <= 0
    if kind == "in":
        v = _operand(item, node[1])
        return any(av.equal(v, _operand(item, o)) for o in node[2])
    raise ValidationError("Invalid expression")


def _set_value(item: Item, node: Any) -> Value:
    kind = node[0]
    if kind in ("+", "-"):
        a, b = _set_value(item, node[1]), _set_value(item, node[2])
        return av.add(a, b) if kind == "+" else av.subtract(a, b)
    if kind == "if_not_exists":
        v = read(item, node[1][1])
        return v if v is not None else _set_value(item, node[2])
    if kind == "list_append":
        a, b = _set_value(item, node[1]), _set_value(item, node[2])
        if "L" not in a or "L" not in b:
            raise ValidationError(
                "Invalid UpdateExpression: Incorrect operand type for operator or function; "
                "operator or function: list_append"
            )
        return {"L": a["L"] + b["L"]}
    v = _operand(item, node)
    if v is None:
        raise ValidationError(
            "The provided expression refers to an attribute that does not exist in the item"
        )
    return v


def _write(item: Item, path: Path, value: Value | None) -> None:
    """Sets (``value``) or removes (``None``) the attribute at ``path``."""
    if len(path) == 1:
        name = path[0]
        assert isinstance(name, str)
        if value is None:
            item.pop(name, None)
        else:
            item[name] = value
        return
    parent = read(item, path[:-1])
    last = path[-1]
    if parent is None:
        raise ValidationError(
            "The document path provided in the update expression is invalid for update"
        )
    if isinstance(last, int):
        lst = parent.get("L")
        if not isinstance(lst, list):
            raise ValidationError(
                "The document path provided in the update expression is invalid for update"
            )
        if value is None:
            if last < len(lst):
                del lst[last]
        elif last < len(lst):
            lst[last] = value
        else:
            lst.append(value)
    else:
        m = parent.get("M")
        if not isinstance(m, dict):
            raise ValidationError(
                "The document path provided in the update expression is invalid for update"
            )
        if value is None:
            m.pop(last, None)
        else:
            m[last] = value


def apply_update(
    item: Item | None, actions: list[tuple[str, Any]], key_names: tuple[str, ...]
) -> Item:
    """A new item: ``item`` (or the key alone) with the update's actions applied."""
    before = item or {}
    after = copy.deepcopy(before)
    for clause, arg in actions:
        if clause == "REMOVE":
            path = arg[1]
            _check_not_key(path, key_names)
            _write(after, path, None)
            continue
        (_, path), rhs = arg
        _check_not_key(path, key_names)
        if clause == "SET":
            _write(after, path, copy.deepcopy(_set_value(before, rhs)))
            continue
        operand = rhs[1]
        current = read(after, path)
        if clause == "ADD":
            if current is None:
                new = copy.deepcopy(operand)
            elif "N" in current:
                new = av.add(current, operand)
            else:
                new = av.set_union(current, operand)
            _write(after, path, new)
        else:  # DELETE
            if current is not None:
                _write(after, path, av.set_difference(current, operand))
    return after


def _check_not_key(path: Path, key_names: tuple[str, ...]) -> None:
    if len(path) == 1 and path[0] in key_names:
        raise ValidationError(
            "One or more parameter values were invalid: Cannot update attribute "
            f"{path[0]}. This attribute is part of the key"
        )


class KeyCondition:
    """A Query's ``KeyConditionExpression``: equality on the partition key, and optionally one
    condition on the sort key (``=``, ``<``, ``<=``, ``>``, ``>=``, ``BETWEEN``,
    ``begins_with``)."""

    def __init__(self, tree: Any, hash_key: str, range_key: str | None) -> None:
        parts = []
        stack = [tree]
        while stack:
            n = stack.pop()
            if n[0] == "and":
                stack += [n[2], n[1]]
            else:
                parts.append(n)
        self.hash_value: Value | None = None
        self.range_cond: Any = None
        bad = ValidationError("Query key condition not supported")
        for n in parts:
            attr = _key_attr(n)
            if attr == hash_key:
                if (
                    n[0] != "cmp"
                    or n[1] != "="
                    or n[3][0] != "value"
                    or self.hash_value is not None
                ):
                    raise bad
                self.hash_value = n[3][1]
            elif range_key is not None and attr == range_key and self.range_cond is None:
                if n[0] == "cmp" and n[1] == "<>":
                    raise bad
                self.range_cond = n
            else:
                raise bad
        if self.hash_value is None:
            raise ValidationError("Query condition missed key schema element: " + hash_key)

    def matches_range(self, item: Item) -> bool:
        return self.range_cond is None or evaluate(item, self.range_cond)


def _key_attr(n: Any) -> str | None:
    path = None
    if n[0] == "cmp" and n[2][0] == "path":
        path = n[2][1]
    elif n[0] == "between" and n[1][0] == "path":
        path = n[1][1]
    elif n[0] == "fn" and n[1] == "begins_with":
        path = n[2][1]
    if path is None or len(path) != 1:
        return None
    return str(path[0])
