"""The module graph of a multi-file worker: every file reachable from ``main`` by imports, read
and compiled (TypeScript by the core's oxc-based ``transpile``), with each import resolved.

Module names are the files' paths relative to the project folder (``src/index.ts``): they are
what stack traces show. Kinds: ``esm`` (JavaScript, TypeScript compiled), ``text`` and ``data``
(wrangler's Text and Data rules) and ``.json`` files as a module whose default export is the
parsed value (as esbuild loads them). The core compiles each module to bytecode once per worker
version and links them inside each isolate.

Errors are typed and positioned: a file that does not parse, or an import that does not
resolve, raises :class:`edgert.errors.ScriptError` as ``file:line:column: what failed``; a
missing or unreadable ``main`` raises :class:`edgert.errors.ConfigError`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from edgert._core import transpile
from edgert.errors import ConfigError, ScriptError
from edgert.modules.resolve import Builtin, ResolveError, resolve
from edgert.modules.rules import ModuleRule, module_type

__all__ = ["Module", "ModuleGraph", "load_graph"]

_KINDS = {"ESModule": "esm", "Text": "text", "Data": "data"}
_FRAME = re.compile(r"(?P<name>[^\s():]+):(?P<line>\d+)(?::\d+)?")


@dataclass(frozen=True, slots=True)
class Module:
    """One module: its ``name``, ``kind`` (``esm``, ``text``, ``data``), contents, and its
    imports as (specifier, module name)."""

    name: str
    path: Path
    kind: str
    payload: bytes
    imports: tuple[tuple[str, str], ...] = ()
    #: TypeScript only: source line of each line of the compiled code.
    line_map: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class ModuleGraph:
    """The modules of a worker; ``entry`` is the name of ``main``'s module."""

    entry: str
    root: Path
    modules: tuple[Module, ...] = field(default_factory=tuple)

    @property
    def files(self) -> frozenset[Path]:
        """Every file of the graph (what a reload watches)."""
        return frozenset(m.path for m in self.modules)

    @property
    def entry_module(self) -> Module:
        return next(m for m in self.modules if m.name == self.entry)

    @property
    def single_file(self) -> bool:
        """One JavaScript module importing nothing but built-ins: loadable as a plain script
        (which may be a service-worker script)."""
        return len(self.modules) == 1 and not self.modules[0].imports

    def core_modules(self) -> list[tuple[str, str, bytes, list[tuple[str, str]]]]:
        """The modules as the core's ``CoreWorker(modules=...)`` takes them."""
        return [(m.name, m.kind, m.payload, list(m.imports)) for m in self.modules]

    def remap(self, text: str) -> str:
        """``text`` (an error or stack trace) with ``name:line[:column]`` positions in compiled
        TypeScript modules pointed back at their source lines (the column, which is one of the
        compiled code, is dropped)."""
        maps = {m.name: m.line_map for m in self.modules if m.line_map}
        if not maps:
            return text

        def fix(match: re.Match[str]) -> str:
            line_map = maps.get(match["name"])
            line = int(match["line"])
            if line_map is None or not 0 < line <= len(line_map) or line_map[line - 1] == 0:
                return match[0]
            return f"{match['name']}:{line_map[line - 1]}"

        return _FRAME.sub(fix, text)


def _name(path: Path, root: Path) -> str:
    return Path(os.path.relpath(path, root)).as_posix()


def _read(path: Path, name: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ScriptError(f"{name}: cannot read {path}: {exc.strerror or exc}") from None


def load_graph(
    main: str | os.PathLike[str],
    *,
    root: str | os.PathLike[str] | None = None,
    rules: Sequence[ModuleRule] = (),
) -> ModuleGraph:
    """Reads ``main`` and everything it imports. ``root``: the project folder module names are
    relative to (default: ``main``'s folder); ``rules``: wrangler ``[[rules]]`` (before the
    default rules)."""
    main_path = Path(os.path.normpath(Path(main).absolute()))
    if not main_path.is_file():
        raise ConfigError(f"main: no such file: {main_path}")
    root_path = (
        Path(os.path.normpath(Path(root).absolute())) if root is not None else main_path.parent
    )
    entry = _name(main_path, root_path)
    if module_type(entry, rules) != "ESModule":
        raise ConfigError(
            f"main: {entry} must be a JavaScript or TypeScript module (.js, .mjs, .ts, .mts)"
        )
    names: dict[Path, str] = {main_path: entry}
    modules: list[Module] = []
    pending = [main_path]
    while pending:
        path = pending.pop()
        name = names[path]
        kind = module_type(name, rules)
        data = _read(path, name)
        if kind in ("Text", "Data"):
            if kind == "Text":
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError:
                    raise ScriptError(f"{name}: a Text module must be UTF-8") from None
            modules.append(Module(name, path, _KINDS[kind], data))
            continue
        if path.suffix == ".json":
            try:
                value = json.loads(data)
            except ValueError as exc:
                raise ScriptError(f"{name}: invalid JSON: {exc}") from None
            modules.append(
                Module(name, path, "esm", f"export default {json.dumps(value)};\n".encode())
            )
            continue
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ScriptError(f"{name}: not valid UTF-8") from None
        code, imports, line_map = transpile(name, source)
        table: dict[str, str] = {}
        for specifier, line, column, _dynamic in imports:
            where = f"{name}:{line}:{column}"
            try:
                target = resolve(specifier, path)
            except ResolveError as exc:
                raise ScriptError(f'{where}: could not resolve "{specifier}": {exc}') from None
            if isinstance(target, Builtin):
                continue  # the core links built-in modules itself
            target_name = names.get(target) or _name(target, root_path)
            target_type = module_type(target_name, rules)
            if target_type is None and target.suffix == ".json":
                target_type = "JSON"
            if target_type == "CompiledWasm":
                raise ScriptError(
                    f'{where}: "{specifier}" is a CompiledWasm module ({target_name}): WebAssembly '
                    "is not supported (QuickJS has no WebAssembly)"
                )
            if target_type == "CommonJS":
                raise ScriptError(
                    f'{where}: "{specifier}" is a CommonJS module ({target_name}): only ES '
                    "modules are supported (bundle it first, or import its ES module build)"
                )
            if target_type is None:
                raise ScriptError(
                    f'{where}: "{specifier}" ({target_name}) matches no module rule '
                    "(add a [[rules]] entry: Text, Data or ESModule)"
                )
            table[specifier] = target_name
            if target not in names:
                names[target] = target_name
                pending.append(target)
        modules.append(
            Module(name, path, "esm", code.encode(), tuple(table.items()), tuple(line_map))
        )
    modules.sort(key=lambda m: m.name)
    return ModuleGraph(entry, root_path, tuple(modules))
