"""The configuration as frozen dataclasses: a worker as wrangler describes it, plus edgert's own
``[edgert]`` section. Built by :mod:`edgert.config.load`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from edgert.config.dynamo import DynamoConfig
from edgert.config.ratelimits import RateLimitBinding
from edgert.modules.rules import ModuleRule

__all__ = [
    "AuthConfig",
    "D1DatabaseBinding",
    "DurableObjectBinding",
    "EdgertSection",
    "KvNamespace",
    "OriginConfig",
    "RouteConfig",
    "WorkerConfig",
]


@dataclass(frozen=True, slots=True)
class KvNamespace:
    """``[[kv_namespaces]]``: ``binding`` (the name in ``env``), ``id``, ``preview_id``."""

    binding: str
    id: str
    preview_id: str | None = None


@dataclass(frozen=True, slots=True)
class D1DatabaseBinding:
    """``[[d1_databases]]``: ``binding`` (in ``env``), ``database_name``, ``database_id`` (the
    name when absent), ``migrations_dir`` (resolved; wrangler's default ``migrations``)."""

    binding: str
    database_name: str
    database_id: str
    migrations_dir: Path | None = None


@dataclass(frozen=True, slots=True)
class DurableObjectBinding:
    """``[[durable_objects.bindings]]``: ``name`` (in ``env``), ``class_name`` (exported by the
    worker), ``script_name`` (another worker's class; not supported by edgert yet)."""

    name: str
    class_name: str
    script_name: str | None = None


@dataclass(frozen=True, slots=True)
class RouteConfig:
    """``route`` / ``routes``: a pattern, with ``zone_name`` / ``zone_id`` or ``custom_domain``.
    ``network_pattern`` is the pattern edgert matches (a custom domain covers the whole host)."""

    pattern: str
    zone_name: str | None = None
    zone_id: str | None = None
    custom_domain: bool = False

    @property
    def network_pattern(self) -> str:
        if self.custom_domain and "/" not in self.pattern:
            return self.pattern + "/*"
        return self.pattern


@dataclass(frozen=True, slots=True)
class OriginConfig:
    """``[edgert.origin]``: ``url`` of the origin (real time) and ``region`` (an IATA code)."""

    url: str | None = None
    region: str = "IAD"


@dataclass(frozen=True, slots=True)
class AuthConfig:
    """``[edgert.auth]``: route auth with a JWT verifier in front of the worker.

    Keys from exactly one of ``jwks_file`` (a JWKS or JWK or PEM file), ``jwks_url`` (fetched
    when the network is built), ``secret`` (an HMAC secret, text) or ``secret_binding`` (the name
    of a secret in ``.dev.vars``/``.env``). ``forward_claims``: claim -> request header.
    """

    algorithms: tuple[str, ...]
    issuer: tuple[str, ...] = ()
    audience: tuple[str, ...] = ()
    jwks_file: Path | None = None
    jwks_url: str | None = None
    secret: str | None = None
    secret_binding: str | None = None
    leeway_s: float = 0.0
    forward_claims: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class EdgertSection:
    """``[edgert]``: what wrangler does not describe. ``pops``: a preset (``"demo"``,
    ``"global"``, ...) or IATA codes; ``pop``: the PoP ``edgert dev`` serves as by default;
    ``memory_mb`` per isolate; ``state_dir`` for persisted KV, Durable Objects and cache;
    ``kv_seed``: files of keys to write into KV namespaces at start."""

    pops: str | tuple[str, ...] = "demo"
    pop: str | None = None
    origin: OriginConfig = field(default_factory=OriginConfig)
    memory_mb: float = 128.0
    auth: AuthConfig | None = None
    state_dir: Path | None = None
    kv_home: str = "IAD"
    #: KV binding -> a JSON file (a ``{key: value}`` object or ``wrangler kv bulk`` entries)
    #: written into that namespace when the network is built.
    kv_seed: Mapping[str, Path] = field(default_factory=dict)
    #: ``[edgert.dynamo]``: global tables served at DynamoDB endpoints (``config.dynamo``).
    dynamo: DynamoConfig | None = None
    #: ``[edgert.d1.<database_name>]``: where a D1 database's primary and replicas are
    #: (``primary``, ``replicas``, ``replication_delay_ms``), by database name.
    d1: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: ``bots = true``: bot management, ``request.cf.botManagement`` (``docs/bots.md``).
    bots: bool = False


@dataclass(frozen=True, slots=True)
class WorkerConfig:
    """One worker's configuration, with the selected environment's overlay applied.

    ``file``: the configuration file; ``env``: the environment (``None``: top level); ``main``:
    the worker script, resolved against the file's folder; ``secrets``: from ``.dev.vars``
    (or ``.dev.vars.<env>``, else ``.env``), ``secrets_file`` says which; ``warnings``: what was
    accepted but is not supported, or looks like a mistake (printed by the CLI).
    """

    file: Path
    env: str | None
    name: str
    main: Path
    compatibility_date: str | None = None
    compatibility_flags: tuple[str, ...] = ()
    vars: Mapping[str, Any] = field(default_factory=dict)
    secrets: Mapping[str, str] = field(default_factory=dict)
    secrets_file: Path | None = None
    kv_namespaces: tuple[KvNamespace, ...] = ()
    durable_objects: tuple[DurableObjectBinding, ...] = ()
    #: ``[[ratelimits]]`` (and ``[[unsafe.bindings]] type = "ratelimit"``).
    ratelimits: tuple[RateLimitBinding, ...] = ()
    d1_databases: tuple[D1DatabaseBinding, ...] = ()
    migrations: tuple[Mapping[str, Any], ...] = ()
    routes: tuple[RouteConfig, ...] = ()
    cpu_ms: float | None = None
    #: ``[limits] subrequests``: ``fetch()`` calls per request (None: the default, 10,000).
    subrequests: int | None = None
    #: ``[triggers] crons``: cron expressions (Workers' syntax, UTC) that fire ``scheduled()``.
    crons: tuple[str, ...] = ()
    edgert: EdgertSection = field(default_factory=EdgertSection)
    warnings: tuple[str, ...] = ()
    #: ``[[rules]]``: module rules applied before the defaults (see ``edgert.modules.rules``).
    rules: tuple[ModuleRule, ...] = ()
    #: ``base_dir``: the folder module names and rule globs are relative to (default: the
    #: folder of ``main``).
    base_dir: Path | None = None
    #: ``no_bundle``: files are taken as they are (no TypeScript, no ``node_modules``).
    no_bundle: bool = False
    #: ``[version_metadata] binding``: ``env.NAME`` is the running version's ``{id, tag,
    #: timestamp}`` (see ``edgert.deploy``).
    version_metadata: str | None = None

    @property
    def root(self) -> Path:
        """The folder of the configuration file."""
        return self.file.parent

    @property
    def state_dir(self) -> Path:
        """Where local state persists: ``[edgert] state_dir`` or ``.edgert/state``."""
        return self.edgert.state_dir or (self.root / ".edgert" / "state")
