"""Configuration people already have: ``wrangler.toml``, ``wrangler.json`` and ``wrangler.jsonc``
(with ``[env.NAME]`` overlays and ``.dev.vars`` secrets), plus edgert's own ``[edgert]`` section.

``load_config(folder_or_file, env=None)`` returns a :class:`WorkerConfig`;
``build_network(config)`` turns it into a :class:`~edgert.network.Network` in real time, and
``build_worker(config)`` into the :class:`~edgert.worker.Worker` alone. See ``docs/config.md``.
"""

from __future__ import annotations

from edgert.config.build import ServerOptions, build_network, build_verifier, build_worker
from edgert.config.errors import (
    ConfigFileError,
    ConfigNotFound,
    ConfigSyntaxError,
    ConfigValueError,
    MissingKey,
    UnknownEnvironment,
)
from edgert.config.load import load_config, read_dev_vars
from edgert.config.model import (
    AuthConfig,
    DurableObjectBinding,
    EdgertSection,
    KvNamespace,
    OriginConfig,
    RouteConfig,
    WorkerConfig,
)
from edgert.config.parse import CONFIG_NAMES, find_config

__all__ = [
    "CONFIG_NAMES",
    "AuthConfig",
    "ConfigFileError",
    "ConfigNotFound",
    "ConfigSyntaxError",
    "ConfigValueError",
    "DurableObjectBinding",
    "EdgertSection",
    "KvNamespace",
    "MissingKey",
    "OriginConfig",
    "RouteConfig",
    "ServerOptions",
    "UnknownEnvironment",
    "WorkerConfig",
    "build_network",
    "build_verifier",
    "build_worker",
    "find_config",
    "load_config",
    "read_dev_vars",
]
