"""``[env.NAME]`` overlays with wrangler's inheritance rules.

Wrangler sorts keys in three kinds (its configuration reference, "Environments"):

- **inheritable**: an environment that does not set the key takes the top level's value (``main``,
  ``compatibility_date``, ``routes``, ``limits``, ...). ``name`` is inheritable with a twist: an
  environment without its own name is named ``<top-level name>-<env>``. ``route`` and ``routes``
  count as one key: an environment that sets either replaces both.
- **non-inheritable**: bindings (``vars``, ``kv_namespaces``, ``durable_objects``, ``define``, ...)
  must be repeated in each environment; wrangler warns when the top level has one and the
  environment does not, and so does edgert.
- **top-level only**: ``migrations``, ``keep_vars``, ``send_metrics``, ``site``, ``dev`` apply to
  every environment and may not appear inside one (a warning; the value inside is ignored).

``[edgert]`` is inheritable as a whole table, with the environment's keys overriding the top
level's one by one.
"""

from __future__ import annotations

from typing import Any

__all__ = ["INHERITABLE", "NON_INHERITABLE", "TOP_LEVEL_ONLY", "apply_environment"]

INHERITABLE = frozenset(
    {
        "name",
        "main",
        "compatibility_date",
        "compatibility_flags",
        "account_id",
        "workers_dev",
        "preview_urls",
        "route",
        "routes",
        "limits",
        "placement",
        "triggers",
        "observability",
        "logpush",
        "upload_source_maps",
        "build",
        "rules",
        "no_bundle",
        "find_additional_modules",
        "preserve_file_names",
        "base_dir",
        "minify",
        "keep_names",
        "tsconfig",
        "jsx_factory",
        "jsx_fragment",
        "usage_model",
        "assets",
        "edgert",
    }
)

NON_INHERITABLE = frozenset(
    {
        "define",
        "vars",
        "durable_objects",
        "kv_namespaces",
        "r2_buckets",
        "d1_databases",
        "services",
        "queues",
        "analytics_engine_datasets",
        "dispatch_namespaces",
        "mtls_certificates",
        "tail_consumers",
        "browser",
        "ai",
        "vectorize",
        "hyperdrive",
        "send_email",
        "version_metadata",
        "workflows",
        "unsafe",
        "ratelimits",
    }
)

TOP_LEVEL_ONLY = frozenset({"migrations", "keep_vars", "send_metrics", "site", "dev"})


def apply_environment(
    raw: dict[str, Any], env: str, overlay: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str], list[str]]:
    """The effective configuration of environment ``env``, where each key came from (the prefix
    of its dotted path in error messages: ``""`` or ``"env.NAME."``), and the warnings."""
    warnings: list[str] = []
    out: dict[str, Any] = {}
    origin: dict[str, str] = {}
    prefix = f"env.{env}."
    for key, value in raw.items():
        if key == "env":
            continue
        if key in NON_INHERITABLE:
            if key not in overlay:
                warnings.append(
                    f"'{key}' exists at the top level, but not on env.{env}: it is not "
                    f"inherited by environments, so env.{env} has none"
                )
            continue
        if key in ("route", "routes") and ("route" in overlay or "routes" in overlay):
            continue
        out[key] = value
        origin[key] = ""
    for key, value in overlay.items():
        if key in TOP_LEVEL_ONLY:
            warnings.append(f"env.{env}.{key}: '{key}' may only appear at the top level; ignored")
            continue
        if key == "edgert" and isinstance(value, dict) and isinstance(out.get("edgert"), dict):
            out["edgert"] = {**out["edgert"], **value}
            origin[key] = prefix
            continue
        out[key] = value
        origin[key] = prefix
    if "name" not in overlay and isinstance(raw.get("name"), str):
        out["name"] = f"{raw['name']}-{env}"
    return out, origin, warnings
