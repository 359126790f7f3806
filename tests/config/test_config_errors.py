"""Every error path of the loader names the file, the key (dotted) and what was expected."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgert.config import (
    ConfigFileError,
    ConfigNotFound,
    ConfigSyntaxError,
    ConfigValueError,
    MissingKey,
    UnknownEnvironment,
    load_config,
)
from edgert.errors import ConfigError

HEAD = 'name = "w"\nmain = "index.js"\n'

CASES = [
    # (toml body, error class, key, fragment of the message)
    ('main = "index.js"\n', MissingKey, "name", "required"),
    ('name = "w"\n', MissingKey, "main", "required, expected the path"),
    (
        'name = 3\nmain = "index.js"\n',
        ConfigValueError,
        "name",
        "expected a string, got the number 3",
    ),
    ('name = "w"\nmain = "nope.js"\n', ConfigValueError, "main", "expected an existing file"),
    (
        HEAD + 'compatibility_date = "01/02/2025"\n',
        ConfigValueError,
        "compatibility_date",
        'expected a date like "2025-01-01"',
    ),
    (
        HEAD + "compatibility_flags = 1\n",
        ConfigValueError,
        "compatibility_flags",
        "expected an array of strings",
    ),
    (
        HEAD + 'compatibility_flags = ["a", 2]\n',
        ConfigValueError,
        "compatibility_flags[1]",
        "expected a string, got the number 2",
    ),
    (HEAD + 'vars = "x"\n', ConfigValueError, "vars", "expected a table, got the string 'x'"),
    (
        HEAD + '[vars]\n"my-var" = "x"\n',
        ConfigValueError,
        "vars.my-var",
        "expected a JavaScript identifier",
    ),
    (
        HEAD + "kv_namespaces = {}\n",
        ConfigValueError,
        "kv_namespaces",
        "expected an array of tables",
    ),
    (
        HEAD + 'kv_namespaces = ["FLAGS"]\n',
        ConfigValueError,
        "kv_namespaces[0]",
        "expected a table",
    ),
    (HEAD + '[[kv_namespaces]]\nid = "x"\n', MissingKey, "kv_namespaces[0].binding", "required"),
    (
        HEAD + '[[kv_namespaces]]\nbinding = "FLAGS"\n',
        MissingKey,
        "kv_namespaces[0].id",
        "required",
    ),
    (
        HEAD + '[[kv_namespaces]]\nbinding = "my-flags"\nid = "x"\n',
        ConfigValueError,
        "kv_namespaces[0].binding",
        "expected a JavaScript identifier",
    ),
    (
        HEAD + '[[kv_namespaces]]\nbinding = "A"\nid = "x"\n[[kv_namespaces]]\nbinding = "A"\n'
        'id = "y"\n',
        ConfigValueError,
        "kv_namespaces[1].binding",
        "'A' is taken",
    ),
    (
        HEAD + '[vars]\nA = "1"\n[[kv_namespaces]]\nbinding = "A"\nid = "y"\n',
        ConfigValueError,
        "kv_namespaces[0].binding",
        "'A' is taken",
    ),
    (
        HEAD + '[durable_objects]\nbindings = [{ name = "C" }]\n',
        MissingKey,
        "durable_objects.bindings[0].class_name",
        "required",
    ),
    (HEAD + 'routes = "a.com/*"\n', ConfigValueError, "routes", "expected an array of routes"),
    (HEAD + "routes = [3]\n", ConfigValueError, "routes[0]", "expected a pattern or a table"),
    (HEAD + 'route = { zone_name = "a.com" }\n', MissingKey, "route.pattern", "required"),
    (HEAD + 'routes = ["a.com/x?y=1"]\n', ConfigValueError, "routes", "invalid pattern"),
    (
        HEAD + "[limits]\ncpu_ms = 0\n",
        ConfigValueError,
        "limits.cpu_ms",
        "expected a number greater than 0",
    ),
    (HEAD + '[limits]\ncpu_ms = "50"\n', ConfigValueError, "limits.cpu_ms", "expected a number"),
    (
        HEAD + "[limits]\nsubrequests = 0\n",
        ConfigValueError,
        "limits.subrequests",
        "expected a number greater than 0",
    ),
    (
        HEAD + "[limits]\nsubrequests = 2.5\n",
        ConfigValueError,
        "limits.subrequests",
        "expected a whole number up to 10,000,000",
    ),
    (HEAD + "[edgert]\nbogus = 1\n", ConfigValueError, "edgert.bogus", "unknown key"),
    (HEAD + "[edgert]\npops = []\n", ConfigValueError, "edgert.pops", "non-empty array"),
    (
        HEAD + '[edgert]\norigin = "ftp://x"\n',
        ConfigValueError,
        "edgert.origin",
        "expected an http:// or https:// URL",
    ),
    (
        HEAD + '[edgert]\nmemory_mb = "lots"\n',
        ConfigValueError,
        "edgert.memory_mb",
        "expected a number",
    ),
    (HEAD + "[edgert.auth]\nalgorithms = []\n", MissingKey, "edgert.auth.algorithms", "required"),
    (
        HEAD + '[edgert.auth]\nalgorithms = ["HS256"]\n',
        ConfigValueError,
        "edgert.auth",
        "expected exactly one of jwks_file, jwks_url, secret, secret_binding",
    ),
    (
        HEAD + '[edgert.auth]\nalgorithms = ["HS256"]\nsecret = "s"\njwks_url = "http://x"\n',
        ConfigValueError,
        "edgert.auth",
        "(got jwks_url, secret)",
    ),
    (
        HEAD + '[edgert.auth]\nalgorithms = ["ES256"]\njwks_file = "keys.json"\n',
        ConfigValueError,
        "edgert.auth.jwks_file",
        "expected an existing file",
    ),
    (HEAD + 'env = "prod"\n', ConfigValueError, "env", "expected a table of environments"),
]


@pytest.mark.parametrize(("body", "error", "key", "fragment"), CASES)
def test_error_names_file_key_and_expectation(
    tmp_path: Path, body: str, error: type[ConfigFileError], key: str, fragment: str
) -> None:
    (tmp_path / "index.js").write_text("export default {}")
    file = tmp_path / "wrangler.toml"
    file.write_text(body)
    with pytest.raises(error) as info:
        load_config(tmp_path)
    exc = info.value
    assert exc.file == file.resolve() and exc.key == key
    assert fragment in str(exc)
    assert str(exc).startswith(f"{file.resolve()}: {key}: ")
    assert isinstance(exc, ConfigError) and isinstance(exc, ValueError)


def test_errors_inside_an_environment_name_the_env_path(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text("export default {}")
    (tmp_path / "wrangler.toml").write_text(
        HEAD + '[env.staging]\nvars = { "bad-name" = 1 }\n[env.prod.limits]\ncpu_ms = -1\n'
    )
    with pytest.raises(ConfigValueError) as info:
        load_config(tmp_path, env="staging")
    assert info.value.key == "env.staging.vars.bad-name"
    with pytest.raises(ConfigValueError) as info:
        load_config(tmp_path, env="prod")
    assert info.value.key == "env.prod.limits.cpu_ms"
    load_config(tmp_path)  # the top level itself is fine


def test_unknown_environment_lists_the_known_ones(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text("export default {}")
    (tmp_path / "wrangler.toml").write_text(HEAD + "[env.staging]\n[env.prod]\n")
    with pytest.raises(
        UnknownEnvironment, match=r"env\.qa: no such environment \(defined: prod, staging\)"
    ):
        load_config(tmp_path, env="qa")
    (tmp_path / "wrangler.toml").write_text(HEAD + 'env = { qa = "x" }\n')
    with pytest.raises(ConfigValueError, match=r"env\.qa: expected a table"):
        load_config(tmp_path, env="qa")


@pytest.mark.parametrize(
    ("name", "text", "fragment"),
    [
        ("wrangler.toml", 'name = "w"\nmain = \n', "invalid TOML"),
        ("wrangler.json", '{"name": "w",}', "invalid JSON: Expecting property name"),
        ("wrangler.jsonc", '{\n  "name": "w"\n  "main": "x"\n}', "invalid JSONC: line 3"),
        ("wrangler.json", "[1, 2]", "expected a table/object at the top level"),
    ],
)
def test_syntax_errors_say_where(tmp_path: Path, name: str, text: str, fragment: str) -> None:
    (tmp_path / name).write_text(text)
    with pytest.raises(ConfigSyntaxError, match="^" + str(tmp_path.resolve()) + ".*: ") as info:
        load_config(tmp_path)
    assert fragment in str(info.value) and info.value.key is None


def test_json_syntax_error_has_line_and_column(tmp_path: Path) -> None:
    (tmp_path / "wrangler.json").write_text('{\n  "name": "w",\n  "main": x\n}')
    with pytest.raises(ConfigSyntaxError, match="line 3 column 11"):
        load_config(tmp_path)


def test_a_file_of_another_kind_or_encoding(tmp_path: Path) -> None:
    other = tmp_path / "config.yaml"
    other.write_text("name: w")
    with pytest.raises(ConfigSyntaxError, match=r"expected a \.toml, \.json or \.jsonc file"):
        load_config(other)
    binary = tmp_path / "wrangler.toml"
    binary.write_bytes(b'name = "\xff\xfe"')
    with pytest.raises(ConfigSyntaxError, match="not UTF-8 text"):
        load_config(binary)


def test_not_found(tmp_path: Path) -> None:
    with pytest.raises(ConfigNotFound) as info:
        load_config(tmp_path)
    assert info.value.file == tmp_path and info.value.key is None


def test_kv_seed_names_a_kv_binding_and_an_existing_file(tmp_path: Path) -> None:
    (tmp_path / "index.js").write_text("export default {}")
    (tmp_path / "seed.json").write_text("{}")
    kv = '[[kv_namespaces]]\nbinding = "K"\nid = "k"\n'
    (tmp_path / "wrangler.toml").write_text(HEAD + kv + '[edgert]\nkv_seed = { X = "seed.json" }\n')
    with pytest.raises(ConfigValueError) as info:
        load_config(tmp_path)
    assert info.value.key == "edgert.kv_seed.X" and "one of kv_namespaces" in str(info.value)
    (tmp_path / "wrangler.toml").write_text(HEAD + kv + '[edgert]\nkv_seed = { K = "nope.json" }\n')
    with pytest.raises(ConfigValueError) as info:
        load_config(tmp_path)
    assert info.value.key == "edgert.kv_seed.K" and "existing JSON file" in str(info.value)
    (tmp_path / "wrangler.toml").write_text(HEAD + kv + '[edgert]\nkv_seed = { K = "seed.json" }\n')
    assert load_config(tmp_path).edgert.kv_seed == {"K": (tmp_path / "seed.json").resolve()}
