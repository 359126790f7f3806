"""Wrangler's module rules: which module type a file is, by glob.

A rule has a ``type`` (``ESModule``, ``CommonJS``, ``Text``, ``Data``, ``CompiledWasm``), its
``globs`` and ``fallthrough``. User rules come first, then the defaults (``**/*.txt``,
``**/*.html``, ``**/*.sql`` as Text, ``**/*.bin`` as Data, ``**/*.wasm`` as CompiledWasm). As in
wrangler, once a rule of a type without ``fallthrough = true`` is met, later rules of the same
type are ignored, so a user's ``Text`` rule replaces the default ``Text`` globs. JavaScript and
TypeScript files (``.js``, ``.mjs``, ``.ts``, ``.mts``) that no rule claims are ES modules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from edgert.errors import ConfigError

__all__ = ["DEFAULT_RULES", "MODULE_TYPES", "ModuleRule", "module_type", "parse_rules"]

MODULE_TYPES = ("ESModule", "CommonJS", "Text", "Data", "CompiledWasm")


@dataclass(frozen=True, slots=True)
class ModuleRule:
    """One ``[[rules]]`` entry."""

    type: str
    globs: tuple[str, ...]
    fallthrough: bool = False


DEFAULT_RULES = (
    ModuleRule("Text", ("**/*.txt", "**/*.html", "**/*.sql")),
    ModuleRule("Data", ("**/*.bin",)),
    ModuleRule("CompiledWasm", ("**/*.wasm", "**/*.wasm?module")),
)

_SCRIPT_SUFFIXES = (".js", ".mjs", ".ts", ".mts", ".cjs", ".cts")


@lru_cache(maxsize=256)
def _glob_regex(glob: str) -> re.Pattern[str]:
    """A glob as a regular expression over ``/``-separated paths: ``**/`` any folders (or
    none), ``**`` anything, ``*`` anything but ``/``, ``?`` one character but ``/``."""
    out = []
    i = 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif glob.startswith("**", i):
            out.append(".*")
            i += 2
        elif glob[i] == "*":
            out.append("[^/]*")
            i += 1
        elif glob[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(glob[i]))
            i += 1
    return re.compile("(?:^|.*/)" + "".join(out) + "$")


def parse_rules(value: Any, where: str = "rules") -> tuple[ModuleRule, ...]:
    """``rules`` from a configuration (a list of ``{type, globs, fallthrough}`` tables)."""
    if value is None:
        return ()
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise ConfigError(f"{where}: expected a list of {{type, globs}} tables")
    rules = []
    for i, item in enumerate(value):
        at = f"{where}[{i}]"
        if not isinstance(item, Mapping):
            raise ConfigError(f"{at}: expected a table with type and globs")
        kind = item.get("type")
        if kind not in MODULE_TYPES:
            raise ConfigError(f"{at}.type: expected one of {', '.join(MODULE_TYPES)}, got {kind!r}")
        globs = item.get("globs")
        if not isinstance(globs, Sequence) or isinstance(globs, str) or not globs:
            raise ConfigError(f"{at}.globs: expected a non-empty list of glob strings")
        if not all(isinstance(g, str) for g in globs):
            raise ConfigError(f"{at}.globs: expected a non-empty list of glob strings")
        fall = item.get("fallthrough", False)
        if not isinstance(fall, bool):
            raise ConfigError(f"{at}.fallthrough: expected true or false")
        rules.append(ModuleRule(kind, tuple(globs), fall))
    return tuple(rules)


def module_type(path: str, rules: Sequence[ModuleRule] = ()) -> str | None:
    """The module type of ``path`` (``/``-separated, relative to the project) under ``rules``
    then the defaults; ``None`` when no rule claims it and it is not a script."""
    closed: set[str] = set()
    for rule in (*rules, *DEFAULT_RULES):
        if rule.type in closed:
            continue
        if any(_glob_regex(g).match(path) for g in rule.globs):
            return rule.type
        if not rule.fallthrough:
            closed.add(rule.type)
    if path.endswith(_SCRIPT_SUFFIXES):
        return "CommonJS" if path.endswith((".cjs", ".cts")) else "ESModule"
    return None
