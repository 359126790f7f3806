"""Finding and parsing a configuration file: ``wrangler.json``, ``wrangler.jsonc`` or
``wrangler.toml`` (looked for in that order, as wrangler does), into a plain ``dict``.

TOML is read by the standard library (``tomllib``); JSON and JSONC by the ``json5`` package, a
superset of JSONC (comments, trailing commas) that keeps ``//`` inside strings intact.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

import json5

from edgert.config.errors import ConfigNotFound, ConfigSyntaxError

__all__ = ["CONFIG_NAMES", "find_config", "parse_file", "parse_text"]

#: File names looked for in a folder, in order of preference.
CONFIG_NAMES = ("wrangler.json", "wrangler.jsonc", "wrangler.toml")


def find_config(where: str | Path) -> Path:
    """The configuration file ``where`` names, or the one in folder ``where``."""
    path = Path(where)
    if path.is_file():
        return path
    if not path.exists():
        raise ConfigNotFound(path, None, "no such file or folder")
    for name in CONFIG_NAMES:
        candidate = path / name
        if candidate.is_file():
            return candidate
    raise ConfigNotFound(path, None, f"no {', '.join(CONFIG_NAMES)} in this folder")


def parse_text(text: str, kind: str, file: Path) -> dict[str, Any]:
    """Parses ``text`` as ``"toml"``, ``"json"`` or ``"jsonc"``; the top level must be a table."""
    try:
        if kind == "toml":
            data: Any = tomllib.loads(text)
        elif kind == "json":
            data = json.loads(text)
        else:
            data = json5.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigSyntaxError(file, None, f"invalid TOML: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigSyntaxError(
            file, None, f"invalid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}"
        ) from None
    except ValueError as exc:
        message = str(exc).removeprefix("<string>:")
        raise ConfigSyntaxError(file, None, f"invalid JSONC: line {message}") from None
    if not isinstance(data, dict):
        raise ConfigSyntaxError(file, None, "expected a table/object at the top level")
    return data


def parse_file(path: Path) -> dict[str, Any]:
    """Reads and parses a configuration file, by its extension."""
    suffix = path.suffix.lower()
    kind = {".toml": "toml", ".json": "json", ".jsonc": "jsonc"}.get(suffix)
    if kind is None:
        raise ConfigSyntaxError(path, None, "expected a .toml, .json or .jsonc file")
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigNotFound(path, None, f"cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise ConfigSyntaxError(path, None, "not UTF-8 text") from None
    return parse_text(text, kind, path)
