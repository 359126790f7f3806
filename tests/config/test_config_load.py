"""Loading wrangler.toml / .json / .jsonc: the model, env overlays, dev vars, warnings."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgert.config import (
    ConfigNotFound,
    KvNamespace,
    RouteConfig,
    find_config,
    load_config,
)

WORKER = "export default { fetch() { return new Response('ok') } }\n"


def project(tmp_path: Path, name: str, text: str, **files: str) -> Path:
    (tmp_path / "src").mkdir(exist_ok=True)
    (tmp_path / "src" / "index.js").write_text(WORKER)
    (tmp_path / name).write_text(text)
    for file, content in files.items():
        (tmp_path / file.replace("__", ".")).write_text(content)
    return tmp_path


FULL_TOML = """
name = "shop"
main = "src/index.js"
compatibility_date = "2025-01-01"
compatibility_flags = ["nodejs_compat", "url_standard", "durable_object_alarms", "nodejs_als"]
route = { pattern = "shop.example.com/*", zone_name = "example.com" }

[vars]
GREETING = "hi"
LIMITS = { max = 3 }

[[kv_namespaces]]
binding = "FLAGS"
id = "flags-prod"
preview_id = "flags-preview"

[durable_objects]
bindings = [{ name = "COUNTER", class_name = "Counter" }]

[[migrations]]
tag = "v1"
new_classes = ["Counter"]

[limits]
cpu_ms = 25

[edgert]
pops = ["NRT", "FRA"]
origin = { url = "http://127.0.0.1:9000", region = "FRA" }
memory_mb = 64
state_dir = "state"

[env.staging]
routes = ["staging.example.com/*", { pattern = "api.example.com", custom_domain = true }]
vars = { GREETING = "staging" }
kv_namespaces = [{ binding = "FLAGS", id = "flags-staging" }]

[env.bare]
main = "src/index.js"
"""


def test_toml_top_level_is_read_into_the_model(tmp_path: Path) -> None:
    config = load_config(project(tmp_path, "wrangler.toml", FULL_TOML))
    assert config.name == "shop" and config.env is None
    assert config.main == (tmp_path / "src" / "index.js").resolve()
    assert config.compatibility_date == "2025-01-01"
    assert config.vars == {"GREETING": "hi", "LIMITS": {"max": 3}}
    assert config.kv_namespaces == (KvNamespace("FLAGS", "flags-prod", "flags-preview"),)
    assert [(d.name, d.class_name) for d in config.durable_objects] == [("COUNTER", "Counter")]
    assert config.migrations[0]["tag"] == "v1"
    assert config.routes == (RouteConfig("shop.example.com/*", zone_name="example.com"),)
    assert config.cpu_ms == 25.0
    assert config.edgert.pops == ("NRT", "FRA")
    assert config.edgert.origin.url == "http://127.0.0.1:9000"
    assert config.edgert.origin.region == "FRA"
    assert config.edgert.memory_mb == 64.0
    assert config.state_dir == (tmp_path / "state").resolve()
    # url_standard is what edgert does anyway; what nodejs_compat (node:buffer) and
    # durable_object_alarms enable works: accepted silently. nodejs_als (node:async_hooks) is
    # not there: a warning.
    assert config.compatibility_flags[:3] == (
        "nodejs_compat",
        "url_standard",
        "durable_object_alarms",
    )
    assert [w for w in config.warnings if "compatibility flag" in w] == [
        "compatibility flag 'nodejs_als' is not supported by edgert; ignored"
    ]


def test_env_overlay_inherits_inheritable_keys_and_not_bindings(tmp_path: Path) -> None:
    config = load_config(project(tmp_path, "wrangler.toml", FULL_TOML), env="staging")
    assert config.env == "staging"
    assert config.name == "shop-staging"  # wrangler's <name>-<env>
    assert config.main.name == "index.js" and config.compatibility_date == "2025-01-01"
    assert config.cpu_ms == 25.0 and config.edgert.pops == ("NRT", "FRA")  # inherited
    assert config.vars == {"GREETING": "staging"}  # replaced, not merged
    assert config.kv_namespaces == (KvNamespace("FLAGS", "flags-staging"),)
    assert config.durable_objects == ()  # not inherited: the env defines none
    assert any(
        "'durable_objects' exists at the top level, but not on env.staging" in w
        for w in config.warnings
    )
    # route and routes are one key: the env's routes replace the top-level route.
    assert [r.network_pattern for r in config.routes] == [
        "staging.example.com/*",
        "api.example.com/*",
    ]
    assert config.migrations[0]["tag"] == "v1"  # top-level only, applies to every env


def test_env_without_bindings_has_none_and_says_so(tmp_path: Path) -> None:
    config = load_config(project(tmp_path, "wrangler.toml", FULL_TOML), env="bare")
    assert config.vars == {} and config.kv_namespaces == ()
    assert config.routes[0].pattern == "shop.example.com/*"  # inherited
    warned = " ".join(config.warnings)
    assert "'vars' exists at the top level" in warned
    assert "'kv_namespaces' exists at the top level" in warned


def test_top_level_only_key_inside_an_env_is_ignored_with_a_warning(tmp_path: Path) -> None:
    text = FULL_TOML + '\n[[env.bare.migrations]]\ntag = "v2"\n'
    config = load_config(project(tmp_path, "wrangler.toml", text), env="bare")
    assert config.migrations[0]["tag"] == "v1"
    assert any("env.bare.migrations" in w and "top level" in w for w in config.warnings)


def test_edgert_section_merges_key_by_key_in_an_env(tmp_path: Path) -> None:
    text = FULL_TOML + "\n[env.bare.edgert]\nmemory_mb = 32\n"
    config = load_config(project(tmp_path, "wrangler.toml", text), env="bare")
    assert config.edgert.memory_mb == 32.0 and config.edgert.pops == ("NRT", "FRA")


JSONC = """// wrangler.jsonc with comments, trailing commas and // inside strings
{
  "name": "api", /* block comment */
  "main": "src/index.js",
  "compatibility_date": "2025-02-02",
  "vars": { "UPSTREAM": "https://api.example.com//v1", "NOTE": "/* not a comment */", },
  "routes": [ "api.example.com/*", ],
  "env": { "prod": { "vars": { "UPSTREAM": "https://prod//x" } } },
}
"""


def test_jsonc_with_comments_trailing_commas_and_slashes_in_strings(tmp_path: Path) -> None:
    config = load_config(project(tmp_path, "wrangler.jsonc", JSONC))
    assert config.vars == {
        "UPSTREAM": "https://api.example.com//v1",
        "NOTE": "/* not a comment */",
    }
    assert config.routes == (RouteConfig("api.example.com/*"),)
    assert load_config(tmp_path, env="prod").vars == {"UPSTREAM": "https://prod//x"}


def test_json_file_and_preference_order(tmp_path: Path) -> None:
    project(tmp_path, "wrangler.toml", 'name = "from-toml"\nmain = "src/index.js"\n')
    (tmp_path / "wrangler.json").write_text('{"name": "from-json", "main": "src/index.js"}')
    assert find_config(tmp_path).name == "wrangler.json"
    assert load_config(tmp_path).name == "from-json"
    assert load_config(tmp_path / "wrangler.toml").name == "from-toml"


def test_dev_vars_are_secrets_and_env_specific_ones_win(tmp_path: Path) -> None:
    root = project(
        tmp_path,
        "wrangler.toml",
        FULL_TOML,
        __dev__vars='API_KEY="dev"\nOTHER=1\n',
        __dev__vars__staging="API_KEY=staging\n",
        __env="API_KEY=from-dotenv\n",
    )
    assert load_config(root).secrets == {"API_KEY": "dev", "OTHER": "1"}
    staging = load_config(root, env="staging")
    assert staging.secrets == {"API_KEY": "staging"}
    assert staging.secrets_file is not None and staging.secrets_file.name == ".dev.vars.staging"


def test_dotenv_is_read_only_without_dev_vars(tmp_path: Path) -> None:
    root = project(tmp_path, "wrangler.toml", FULL_TOML, __env="API_KEY=from-dotenv\n")
    config = load_config(root)
    assert config.secrets == {"API_KEY": "from-dotenv"}
    assert config.secrets_file is not None and config.secrets_file.name == ".env"
    assert load_config(root, secrets=False).secrets == {}


def test_unknown_and_unsupported_fields_warn(tmp_path: Path) -> None:
    text = 'name = "w"\nmain = "src/index.js"\nr2_buckets = []\nbogus = 1\n'
    config = load_config(project(tmp_path, "wrangler.toml", text))
    warned = " | ".join(config.warnings)
    assert "r2_buckets: not supported by edgert" in warned
    assert "bogus: unexpected field" in warned
    assert "compatibility_date: not set" in warned


def test_missing_folder_and_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigNotFound, match=r"no wrangler\.json, wrangler\.jsonc, wrangler\.toml"):
        load_config(tmp_path)
    with pytest.raises(ConfigNotFound, match="no such file or folder"):
        load_config(tmp_path / "nope")
