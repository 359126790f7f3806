"""Loading a worker's configuration: find the file, parse it, apply ``--env``, read the dev
secrets, and check every key into :class:`~edgert.config.model.WorkerConfig`."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from dotenv import dotenv_values

from edgert.config.dynamo import parse_dynamo
from edgert.config.environments import (
    INHERITABLE,
    NON_INHERITABLE,
    TOP_LEVEL_ONLY,
    apply_environment,
)
from edgert.config.errors import ConfigValueError, MissingKey, UnknownEnvironment
from edgert.config.fields import Table, describe
from edgert.config.model import (
    AuthConfig,
    D1DatabaseBinding,
    DurableObjectBinding,
    EdgertSection,
    KvNamespace,
    OriginConfig,
    RouteConfig,
    WorkerConfig,
)
from edgert.config.parse import find_config, parse_file
from edgert.config.ratelimits import parse_ratelimits
from edgert.cron import CronSchedule
from edgert.errors import ConfigError
from edgert.modules.rules import parse_rules
from edgert.worker import MAX_SUBREQUESTS

__all__ = ["SUPPORTED_FLAGS", "load_config", "read_dev_vars"]

#: Compatibility flags whose behaviour edgert has; others are accepted with a warning.
#: ``nodejs_compat``: the Node.js modules edgert provides (``node:buffer``/``buffer``) are there
#: with or without it, and importing another one is a clear load error naming the module, so
#: the flag changes nothing (``nodejs_compat_v2``'s ``process`` global and the rest are not
#: there: it warns); ``durable_object_alarms``: alarms always work (the flag predates their
#: general availability).
SUPPORTED_FLAGS = frozenset(
    {
        "url_standard",
        "global_navigator",
        "no_nodejs_compat",
        "nodejs_compat",
        "durable_object_alarms",
    }
)

#: Keys edgert reads; other known wrangler keys are accepted (with a warning when they would
#: change behaviour); unknown keys get a warning like wrangler's "Unexpected fields".
_READ = frozenset(
    {
        "name",
        "main",
        "compatibility_date",
        "compatibility_flags",
        "vars",
        "kv_namespaces",
        "d1_databases",
        "durable_objects",
        "migrations",
        "route",
        "routes",
        "limits",
        "edgert",
        "env",
        "rules",
        "base_dir",
        "no_bundle",
        "ratelimits",
        "unsafe",
        "triggers",
        "version_metadata",
    }
)
_HARMLESS = frozenset(
    {
        "$schema",
        "account_id",
        "workers_dev",
        "preview_urls",
        "observability",
        "logpush",
        "upload_source_maps",
        "placement",
        "keep_vars",
        "send_metrics",
        "dev",
        "minify",
        "keep_names",
        "tsconfig",
        "usage_model",
        "find_additional_modules",
        "preserve_file_names",
    }
)
_EDGERT_KEYS = frozenset(
    {
        "pops",
        "pop",
        "origin",
        "memory_mb",
        "auth",
        "state_dir",
        "kv_home",
        "kv_seed",
        "dynamo",
        "d1",
        "bots",
    }
)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_BINDING = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def read_dev_vars(root: Path, env: str | None) -> tuple[dict[str, str], Path | None]:
    """Local secrets as ``wrangler dev`` reads them: ``.dev.vars.<env>`` or ``.dev.vars``; when
    neither exists, ``.env.<env>`` or ``.env``. Dotenv syntax. Returns the values and the file."""
    for stem in (".dev.vars", ".env"):
        names = ([f"{stem}.{env}"] if env else []) + [stem]
        for name in names:
            path = root / name
            if path.is_file():
                values = dotenv_values(path)
                return {k: v or "" for k, v in values.items()}, path
    return {}, None


def _subrequests(limits: Table) -> int | None:
    """``[limits] subrequests``: a whole number from 1 to ``MAX_SUBREQUESTS``."""
    value = limits.number("subrequests", positive=True)
    if value is not None and (value != int(value) or value > MAX_SUBREQUESTS):
        limits.fail(
            "subrequests", f"expected a whole number up to {MAX_SUBREQUESTS:,}, got {value:g}"
        )
    return None if value is None else int(value)


def load_config(
    where: str | Path = ".", *, env: str | None = None, secrets: bool = True
) -> WorkerConfig:
    """Loads the configuration file ``where`` names (a file, or a folder holding
    ``wrangler.json``, ``wrangler.jsonc`` or ``wrangler.toml``) for environment ``env``."""
    file = find_config(where).resolve()
    raw = parse_file(file)
    warnings: list[str] = []
    origin: dict[str, str] = {key: "" for key in raw}
    data = raw
    envs = raw.get("env")
    if envs is not None and not isinstance(envs, dict):
        raise ConfigValueError(
            file, "env", f"expected a table of environments, got {describe(envs)}"
        )
    if env is not None:
        if not envs or env not in envs:
            known = ", ".join(sorted(envs or {})) or "none"
            raise UnknownEnvironment(file, f"env.{env}", f"no such environment (defined: {known})")
        overlay = envs[env]
        if not isinstance(overlay, dict):
            raise ConfigValueError(file, f"env.{env}", f"expected a table, got {describe(overlay)}")
        data, origin, more = apply_environment(raw, env, overlay)
        warnings += more
    for key in data:
        if key in _READ or key in _HARMLESS:
            continue
        where_key = origin.get(key, "") + key
        if key in NON_INHERITABLE or key in INHERITABLE or key in TOP_LEVEL_ONLY:
            warnings.append(f"{where_key}: not supported by edgert; ignored")
        else:
            warnings.append(f"{where_key}: unexpected field; ignored")

    def table(key: str) -> Table:
        prefix = origin.get(key, "")
        return (
            Table({key: data.get(key)}, file, prefix.rstrip(".")) if prefix else Table(data, file)
        )

    top = Table(data, file)
    name = table("name").text("name")
    if name is None:
        raise MissingKey(file, "name", "required, expected the worker's name (a string)")
    main_text = table("main").text("main")
    if main_text is None:
        raise MissingKey(file, "main", "required, expected the path of the worker's script")
    main = (file.parent / main_text).resolve()
    if not main.is_file():
        raise ConfigValueError(
            file, origin.get("main", "") + "main", f"expected an existing file, {main} is missing"
        )

    try:
        rules = parse_rules(data.get("rules"), origin.get("rules", "") + "rules")
    except ConfigError as exc:
        raise ConfigValueError(file, origin.get("rules", "") + "rules", str(exc)) from None
    base_text = table("base_dir").text("base_dir")
    base_dir = (file.parent / base_text).resolve() if base_text is not None else None
    if base_dir is not None and not base_dir.is_dir():
        raise ConfigValueError(
            file,
            origin.get("base_dir", "") + "base_dir",
            f"expected a folder, {base_dir} is not one",
        )
    no_bundle = table("no_bundle").flag("no_bundle")

    date = table("compatibility_date").text("compatibility_date")
    if date is None:
        warnings.append('compatibility_date: not set; wrangler requires one (e.g. "2025-01-01")')
    elif not _DATE.match(date):
        raise ConfigValueError(
            file,
            origin.get("compatibility_date", "") + "compatibility_date",
            f'expected a date like "2025-01-01", got {date!r}',
        )
    flags = table("compatibility_flags").strings("compatibility_flags")
    for flag in flags:
        if flag not in SUPPORTED_FLAGS:
            warnings.append(f"compatibility flag {flag!r} is not supported by edgert; ignored")

    vars_ = _vars(table("vars"))
    kv_tables = table("kv_namespaces").tables("kv_namespaces")
    kv = tuple(_kv(t) for t in kv_tables)
    durable = _durable(table("durable_objects"), warnings)
    ratelimits = parse_ratelimits(table("ratelimits"), table("unsafe"))
    d1_tables = table("d1_databases").tables("d1_databases")
    d1 = tuple(_d1(t, file.parent) for t in d1_tables)
    meta_table = table("version_metadata").table("version_metadata")
    version_metadata = _binding_name(meta_table, "binding") if meta_table is not None else None
    _unique(
        file,
        [(n, table("vars").key("vars") + "." + n) for n in vars_]
        + (
            [(version_metadata, table("version_metadata").key("version_metadata") + ".binding")]
            if version_metadata is not None
            else []
        )
        + [(k.binding, t.key("binding")) for k, t in zip(kv, kv_tables, strict=True)]
        + [(d.binding, t.key("binding")) for d, t in zip(d1, d1_tables, strict=True)]
        + [(d.name, table("durable_objects").key("durable_objects") + ".bindings") for d in durable]
        + [(r.name, "ratelimits") for r in ratelimits],
    )
    migrations = tuple(t.data for t in top.tables("migrations")) if "migrations" in raw else ()
    routes = _routes(table("route"), table("routes"), data)
    limits = table("limits").table("limits")
    cpu_ms = limits.number("cpu_ms", positive=True) if limits is not None else None
    subrequests = _subrequests(limits) if limits is not None else None
    crons = _crons(table("triggers").table("triggers"))
    section = _edgert(table("edgert").table("edgert"), file.parent)
    for binding in section.kv_seed:
        if binding not in {k.binding for k in kv}:
            raise ConfigValueError(
                file,
                origin.get("edgert", "") + f"edgert.kv_seed.{binding}",
                "expected the binding of one of kv_namespaces",
            )

    dev_vars: dict[str, str] = {}
    secrets_file = None
    if secrets:
        dev_vars, secrets_file = read_dev_vars(file.parent, env)
    return WorkerConfig(
        file=file,
        env=env,
        name=name,
        main=main,
        compatibility_date=date,
        compatibility_flags=flags,
        vars=vars_,
        secrets=dev_vars,
        secrets_file=secrets_file,
        kv_namespaces=kv,
        d1_databases=d1,
        durable_objects=durable,
        ratelimits=ratelimits,
        migrations=migrations,
        routes=routes,
        cpu_ms=cpu_ms,
        subrequests=subrequests,
        crons=crons,
        edgert=section,
        warnings=tuple(warnings),
        rules=rules,
        base_dir=base_dir,
        no_bundle=no_bundle,
        version_metadata=version_metadata,
    )


def _unique(file: Path, names: list[tuple[str, str]]) -> None:
    seen: set[str] = set()
    for name, key in names:
        if name in seen:
            raise ConfigValueError(file, key, f"expected a new binding name, {name!r} is taken")
        seen.add(name)


def _binding_name(t: Table, key: str) -> str:
    value = t.text(key, required=True)
    assert value is not None
    if not _BINDING.match(value):
        t.fail(key, f"expected a JavaScript identifier, got {value!r}")
    return value


def _vars(t: Table) -> dict[str, Any]:
    vars_table = t.table("vars")
    if vars_table is None:
        return {}
    for key in vars_table.data:
        if not _BINDING.match(key):
            vars_table.fail(key, "expected a JavaScript identifier as the variable's name")
    return dict(vars_table.data)


def _kv(t: Table) -> KvNamespace:
    binding = _binding_name(t, "binding")
    ns_id = t.text("id")
    preview = t.text("preview_id")
    if ns_id is None and preview is None:
        raise MissingKey(t.file, t.key("id"), "required, expected the namespace id (a string)")
    return KvNamespace(binding, ns_id or preview or "", preview)


def _d1(t: Table, root: Path) -> D1DatabaseBinding:
    binding = _binding_name(t, "binding")
    name = t.text("database_name")
    db_id = t.text("database_id")
    if name is None and db_id is None:
        raise MissingKey(
            t.file, t.key("database_name"), "required, expected the database name (a string)"
        )
    migrations = t.text("migrations_dir", "migrations") or "migrations"
    return D1DatabaseBinding(
        binding=binding,
        database_name=name or db_id or "",
        database_id=db_id or name or "",
        migrations_dir=(root / migrations).resolve(),
    )


def _durable(t: Table, warnings: list[str]) -> tuple[DurableObjectBinding, ...]:
    section = t.table("durable_objects")
    if section is None:
        return ()
    out = []
    for b in section.tables("bindings"):
        name = _binding_name(b, "name")
        class_name = b.text("class_name", required=True)
        assert class_name is not None
        script = b.text("script_name")
        if script is not None:
            warnings.append(
                f"{b.key('script_name')}: classes of other workers are not supported; "
                f"{name} binds to this worker's {class_name}"
            )
        out.append(DurableObjectBinding(name, class_name, script))
    return tuple(out)


def _route(value: Any, t: Table, key: str) -> RouteConfig:
    if isinstance(value, str):
        if not value:
            t.fail(key, "expected a route pattern, got an empty string")
        return RouteConfig(value)
    if not isinstance(value, dict):
        raise ConfigValueError(
            t.file, t.key(key), f"expected a pattern or a table with pattern, got {describe(value)}"
        )
    r = Table(value, t.file, t.key(key))
    pattern = r.text("pattern", required=True)
    assert pattern is not None
    return RouteConfig(
        pattern,
        zone_name=r.text("zone_name"),
        zone_id=r.text("zone_id"),
        custom_domain=r.flag("custom_domain"),
    )


def _routes(route: Table, routes: Table, data: dict[str, Any]) -> tuple[RouteConfig, ...]:
    out: list[RouteConfig] = []
    if data.get("route") is not None:
        out.append(_route(data["route"], route, "route"))
    value = data.get("routes")
    if value is not None:
        if not isinstance(value, list):
            routes.fail("routes", f"expected an array of routes, got {describe(value)}")
        out += [_route(v, routes, f"routes[{i}]") for i, v in enumerate(value)]
    from edgert.routes import Route

    for i, r in enumerate(out):
        try:
            Route(r.network_pattern, None)
        except ValueError as exc:
            key = "route" if data.get("route") is not None and i == 0 else "routes"
            t = route if key == "route" else routes
            t.fail(key, f"invalid pattern {r.pattern!r}: {exc}")
    return tuple(out)


def _edgert(t: Table | None, root: Path) -> EdgertSection:
    if t is None:
        return EdgertSection()
    for key in t.data:
        if key not in _EDGERT_KEYS:
            t.fail(key, f"unknown key (expected one of {', '.join(sorted(_EDGERT_KEYS))})")
    pops_value = t.raw("pops")
    pops: str | tuple[str, ...] = "demo"
    if isinstance(pops_value, str):
        pops = pops_value
    elif pops_value is not None:
        pops = t.strings("pops")
        if not pops:
            t.fail("pops", "expected a preset name or a non-empty array of IATA codes")
    origin = OriginConfig()
    origin_value = t.raw("origin")
    if isinstance(origin_value, str):
        origin = OriginConfig(url=origin_value)
    elif origin_value is not None:
        o = t.table("origin")
        assert o is not None
        origin = OriginConfig(url=o.text("url"), region=o.text("region", "IAD") or "IAD")
    if origin.url is not None and not origin.url.startswith(("http://", "https://")):
        t.fail("origin", f"expected an http:// or https:// URL, got {origin.url!r}")
    state = t.text("state_dir")
    auth_table = t.table("auth")
    seeds: dict[str, Path] = {}
    seed_table = t.table("kv_seed")
    if seed_table is not None:
        for binding in seed_table.data:
            name = seed_table.text(binding)
            assert name is not None
            path = (root / name).resolve()
            if not path.is_file():
                seed_table.fail(binding, f"expected an existing JSON file, {path} is missing")
            seeds[binding] = path
    d1: dict[str, dict[str, Any]] = {}
    d1_table = t.table("d1")
    if d1_table is not None:
        for db_name in d1_table.data:
            entry = d1_table.table(db_name)
            if entry is None:
                d1_table.fail(db_name, "expected a table (primary, replicas, replication_delay_ms)")
            assert entry is not None
            for key in entry.data:
                if key not in ("primary", "replicas", "replication_delay_ms"):
                    entry.fail(
                        key, "unknown key (expected primary, replicas, replication_delay_ms)"
                    )
            d1[db_name] = {
                "primary": entry.text("primary", "IAD") or "IAD",
                "replicas": list(entry.strings("replicas")),
                "replication_delay_ms": entry.number("replication_delay_ms", 0.0) or 0.0,
            }
    return EdgertSection(
        pops=pops,
        pop=t.text("pop"),
        origin=origin,
        memory_mb=t.number("memory_mb", 128.0, positive=True) or 128.0,
        auth=_auth(auth_table, root) if auth_table is not None else None,
        state_dir=(root / state).resolve() if state else None,
        kv_home=t.text("kv_home", "IAD") or "IAD",
        kv_seed=seeds,
        dynamo=parse_dynamo(dynamo_table) if (dynamo_table := t.table("dynamo")) else None,
        d1=d1,
        bots=t.flag("bots"),
    )


def _auth(t: Table, root: Path) -> AuthConfig:
    algorithms = t.strings("algorithms")
    if not algorithms:
        raise MissingKey(t.file, t.key("algorithms"), 'required, expected e.g. ["ES256"]')
    sources = [k for k in ("jwks_file", "jwks_url", "secret", "secret_binding") if k in t]
    if len(sources) != 1:
        t.fail(
            None,
            "expected exactly one of jwks_file, jwks_url, secret, secret_binding"
            + (f" (got {', '.join(sources)})" if sources else ""),
        )
    jwks_file = t.text("jwks_file")
    path = (root / jwks_file).resolve() if jwks_file else None
    if path is not None and not path.is_file():
        t.fail("jwks_file", f"expected an existing file, {path} is missing")
    forward = t.table("forward_claims")
    claims: dict[str, str] = {}
    if forward is not None:
        for claim in forward.data:
            header = forward.text(claim)
            assert header is not None
            claims[claim] = header
    return AuthConfig(
        algorithms=algorithms,
        issuer=t.strings("issuer"),
        audience=t.strings("audience"),
        jwks_file=path,
        jwks_url=t.text("jwks_url"),
        secret=t.text("secret"),
        secret_binding=t.text("secret_binding"),
        leeway_s=t.number("leeway_s", 0.0) or 0.0,
        forward_claims=claims,
    )


def _crons(triggers: Table | None) -> tuple[str, ...]:
    """``[triggers] crons``: each expression checked as Workers accepts it."""
    if triggers is None:
        return ()
    crons = triggers.strings("crons")
    for i, expression in enumerate(crons):
        try:
            CronSchedule(expression)
        except ConfigError as exc:
            triggers.fail(f"crons[{i}]", str(exc))
    return crons
