"""Errors in configuration files: each names the file, the key (a dotted path) and what was
expected. All are :class:`edgert.errors.ConfigError` (so also ``ValueError``)."""

from __future__ import annotations

from pathlib import Path

from edgert.errors import ConfigError

__all__ = [
    "ConfigFileError",
    "ConfigNotFound",
    "ConfigSyntaxError",
    "ConfigValueError",
    "MissingKey",
    "UnknownEnvironment",
]


class ConfigFileError(ConfigError):
    """A problem in a configuration file. ``file``: its path; ``key``: the dotted path of the key
    (``env.staging.kv_namespaces[0].id``), or ``None`` for the file as a whole."""

    def __init__(self, file: Path | str, key: str | None, message: str) -> None:
        self.file = Path(file)
        self.key = key
        self.detail = message
        where = f"{self.file}: {key}: " if key else f"{self.file}: "
        super().__init__(where + message)


class ConfigNotFound(ConfigFileError):
    """No ``wrangler.toml``, ``wrangler.json`` or ``wrangler.jsonc`` where one was looked for."""


class ConfigSyntaxError(ConfigFileError):
    """The file is not valid TOML / JSON / JSONC (the message carries the line)."""


class ConfigValueError(ConfigFileError):
    """A key has a value of the wrong type or out of range."""


class MissingKey(ConfigFileError):
    """A required key is absent."""


class UnknownEnvironment(ConfigFileError):
    """``--env NAME`` names no ``[env.NAME]`` section."""
