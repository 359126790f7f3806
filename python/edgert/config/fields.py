"""Typed reads of a parsed configuration with the dotted path of each key, so that every error
names the file, the key and what was expected."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, NoReturn

from edgert.config.errors import ConfigValueError, MissingKey

__all__ = ["Table"]

_TYPE_NAMES = {
    str: "a string",
    bool: "true or false",
    int: "an integer",
    float: "a number",
    list: "an array",
    dict: "a table",
}


def describe(value: Any) -> str:
    """A value's kind as a configuration author would name it."""
    if isinstance(value, bool):
        return f"{str(value).lower()}"
    if isinstance(value, str):
        return f"the string {value!r}"
    if isinstance(value, int | float):
        return f"the number {value}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


class Table:
    """A table of the configuration at dotted path ``path`` of ``file``."""

    __slots__ = ("data", "file", "path")

    def __init__(self, data: Mapping[str, Any], file: Path, path: str = "") -> None:
        self.data = data
        self.file = file
        self.path = path

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def fail(self, name: str | None, message: str) -> NoReturn:
        raise ConfigValueError(self.file, self.key(name) if name else self.path or None, message)

    def __contains__(self, name: str) -> bool:
        return name in self.data

    def raw(self, name: str) -> Any:
        return self.data.get(name)

    def text(self, name: str, default: str | None = None, *, required: bool = False) -> str | None:
        value = self.data.get(name)
        if value is None:
            if required:
                raise MissingKey(self.file, self.key(name), "required, expected a string")
            return default
        if not isinstance(value, str):
            self.fail(name, f"expected a string, got {describe(value)}")
        return value

    def flag(self, name: str, default: bool = False) -> bool:
        value = self.data.get(name, default)
        if not isinstance(value, bool):
            self.fail(name, f"expected true or false, got {describe(value)}")
        return value

    def number(
        self, name: str, default: float | None = None, *, positive: bool = False
    ) -> float | None:
        value = self.data.get(name)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(name, f"expected a number, got {describe(value)}")
        if positive and not value > 0:
            self.fail(name, f"expected a number greater than 0, got {value}")
        return float(value)

    def strings(self, name: str) -> tuple[str, ...]:
        """An array of strings (a single string is accepted as a one-element array)."""
        value = self.data.get(name)
        if value is None:
            return ()
        if isinstance(value, str):
            return (value,)
        if not isinstance(value, list):
            self.fail(name, f"expected an array of strings, got {describe(value)}")
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise ConfigValueError(
                    self.file, f"{self.key(name)}[{i}]", f"expected a string, got {describe(item)}"
                )
        return tuple(value)

    def table(self, name: str) -> Table | None:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.fail(name, f"expected a table, got {describe(value)}")
        return Table(value, self.file, self.key(name))

    def tables(self, name: str) -> list[Table]:
        """An array of tables (``[[name]]`` in TOML)."""
        value = self.data.get(name)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(name, f"expected an array of tables, got {describe(value)}")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise ConfigValueError(
                    self.file, f"{self.key(name)}[{i}]", f"expected a table, got {describe(item)}"
                )
            out.append(Table(item, self.file, f"{self.key(name)}[{i}]"))
        return out
