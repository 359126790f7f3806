"""Resolving an import specifier to a file, as wrangler (esbuild) does for a Worker.

- ``cloudflare:workers``, ``node:buffer`` and ``buffer`` are built into the core (returned as
  :class:`Builtin`); any other ``cloudflare:``/``node:`` module is not supported.
- Relative and absolute paths: the file itself, else with ``.ts``, ``.mts``, ``.js``, ``.mjs``
  added, else the folder's ``index`` file; an import written ``./x.js`` also finds ``./x.ts`` (the
  TypeScript convention esbuild follows).
- Bare specifiers (``pkg``, ``pkg/sub``, ``@scope/pkg/sub``): the nearest ``node_modules/pkg``
  up from the importer. With ``exports`` in its ``package.json``, the subpath goes through it
  (subpath keys and ``*`` patterns; condition objects pick the first key, in the object's own
  order, that is one of ``workerd``, ``worker``, ``browser``, ``import``, ``default``: the
  conditions wrangler gives esbuild, and the ones esbuild adds for an ``import``). Without
  ``exports``: ``module``, then ``main``, then ``index``.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["CONDITIONS", "Builtin", "ResolveError", "resolve"]

#: Active package-export conditions.
CONDITIONS = frozenset({"workerd", "worker", "browser", "import", "default"})
_BUILTINS = {
    "cloudflare:workers": "cloudflare:workers",
    "node:buffer": "node:buffer",
    "buffer": "node:buffer",
}
_EXTENSIONS = (".ts", ".mts", ".js", ".mjs")
_TS_FOR_JS = {".js": (".ts",), ".mjs": (".mts",), ".cjs": (".cts",)}


@dataclass(frozen=True, slots=True)
class Builtin:
    """A module the core provides (``name`` as the core knows it)."""

    name: str


class ResolveError(Exception):
    """Why a specifier did not resolve (without the position, which the caller adds)."""


def _file(candidate: Path) -> Path | None:
    if candidate.is_file():
        return candidate
    for ext in _EXTENSIONS:
        with_ext = candidate.with_name(candidate.name + ext)
        if with_ext.is_file():
            return with_ext
    for ts in _TS_FOR_JS.get(candidate.suffix, ()):
        swapped = candidate.with_suffix(ts)
        if swapped.is_file():
            return swapped
    if candidate.is_dir():
        for ext in _EXTENSIONS:
            index = candidate / f"index{ext}"
            if index.is_file():
                return index
    return None


def _target(value: Any) -> str | None:
    """An ``exports`` value under the active conditions: a path, or ``None`` (no match)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        for item in value:
            found = _target(item)
            if found is not None:
                return found
        return None
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in CONDITIONS:
                found = _target(inner)
                if found is not None:
                    return found
    return None


def _exports(exports: Any, subpath: str) -> str | None:
    """The target of ``subpath`` (``.`` or ``./x``) in a package's ``exports``."""
    if isinstance(exports, (str, list)) or (
        isinstance(exports, dict) and not any(k.startswith(".") for k in exports)
    ):
        return _target(exports) if subpath == "." else None
    if not isinstance(exports, dict):
        return None
    if subpath in exports:
        return _target(exports[subpath])
    best: tuple[int, str, str] | None = None
    for key in exports:
        star = key.find("*")
        if star < 0:
            continue
        prefix, suffix = key[:star], key[star + 1 :]
        fits = subpath.startswith(prefix) and subpath.endswith(suffix)
        if fits and len(subpath) >= len(key) - 1 and (best is None or len(prefix) > best[0]):
            best = (len(prefix), key, subpath[len(prefix) : len(subpath) - len(suffix)])
    if best is None:
        return None
    found = _target(exports[best[1]])
    return found.replace("*", best[2]) if found is not None else None


def _package(specifier: str) -> tuple[str, str]:
    parts = specifier.split("/")
    n = 2 if specifier.startswith("@") else 1
    return "/".join(parts[:n]), "/".join([".", *parts[n:]])


def _from_package(pkg_dir: Path, name: str, subpath: str) -> Path:
    meta: dict[str, Any] = {}
    manifest = pkg_dir / "package.json"
    if manifest.is_file():
        try:
            meta = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ResolveError(f"cannot read {manifest}: {exc}") from None
    if "exports" in meta:
        target = _exports(meta["exports"], subpath)
        if target is None:
            raise ResolveError(
                f'"{subpath}" is not exported by package {name} under the conditions '
                f"{', '.join(sorted(CONDITIONS))} ({manifest})"
            )
        found = pkg_dir / target
        if not found.is_file():
            raise ResolveError(f"package {name} exports {target}, which is missing ({found})")
        return found
    if subpath != ".":
        hit = _file(pkg_dir / subpath)
        if hit is None:
            raise ResolveError(f"no file for {name}/{subpath[2:]} in {pkg_dir}")
        return hit
    for field in ("module", "main"):
        entry = meta.get(field)
        if isinstance(entry, str):
            hit = _file(pkg_dir / entry)
            if hit is not None:
                return hit
    hit = _file(pkg_dir / "index")
    if hit is None:
        raise ResolveError(f"package {name} has no module, main or index file ({pkg_dir})")
    return hit


def _absolute(path: Path) -> Path:
    """``path`` made absolute and normalised, symlinks kept (a linked package keeps its
    ``node_modules/...`` name)."""
    return Path(os.path.normpath(path.absolute()))


def resolve(specifier: str, importer: Path) -> Path | Builtin:
    """The file (or built-in module) ``specifier`` names when imported from file ``importer``."""
    if specifier in _BUILTINS:
        return Builtin(_BUILTINS[specifier])
    if specifier.startswith(("cloudflare:", "node:")):
        raise ResolveError(f"the built-in module {specifier} is not supported by edgert")
    if specifier.startswith(("./", "../", "/")) or specifier in (".", ".."):
        candidate = (
            (importer.parent / specifier) if not specifier.startswith("/") else Path(specifier)
        )
        hit = _file(candidate)
        if hit is None:
            raise ResolveError(f"no such file: {candidate}")
        return _absolute(hit)
    name, subpath = _package(specifier)
    for folder in importer.parents:
        pkg_dir = folder / "node_modules" / name
        if pkg_dir.is_dir():
            return _absolute(_from_package(pkg_dir, name, subpath))
    raise ResolveError(
        f"package {name} is not installed (no node_modules/{name} above {importer.parent})"
    )
