"""``[[d1_databases]]`` in wrangler.toml with ``[edgert.d1.<name>]``: bindings, migrations at
start, persistence under the state folder, and a real-time network serving from a replica."""

from __future__ import annotations

from pathlib import Path

import pytest

from edgert.config import build_network, load_config
from edgert.errors import ConfigError

WORKER = """
export default {
  async fetch(request, env) {
    const s = env.DB.withSession();
    const r = await s.prepare('SELECT title FROM posts ORDER BY id').all();
    const primary = await env.DB.prepare('SELECT count(*) AS n FROM posts').run();
    return Response.json({ titles: r.results.map((x) => x.title), at: r.meta.served_by_region,
                           primary: primary.meta.served_by_primary });
  },
};
"""


def project(tmp_path: Path, extra: str = "") -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "index.js").write_text(WORKER)
    migrations = tmp_path / "migrations"
    migrations.mkdir()
    (migrations / "0001_posts.sql").write_text(
        "CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT);\n"
        "INSERT INTO posts (title) VALUES ('hello'), ('world');\n"
    )
    (tmp_path / "wrangler.toml").write_text(
        'name = "blog"\nmain = "src/index.js"\ncompatibility_date = "2025-01-01"\n'
        '[[d1_databases]]\nbinding = "DB"\ndatabase_name = "blog-db"\n'
        'database_id = "0b1c2d3e"\n'
        '[edgert]\npops = ["FRA", "IAD"]\n'
        '[edgert.d1.blog-db]\nprimary = "IAD"\nreplicas = ["FRA"]\n' + extra
    )
    return tmp_path


def test_wrangler_d1_bindings_migrations_and_replicas(tmp_path: Path) -> None:
    config = load_config(project(tmp_path))
    (binding,) = config.d1_databases
    assert (binding.binding, binding.database_name, binding.database_id) == (
        "DB",
        "blog-db",
        "0b1c2d3e",
    )
    assert binding.migrations_dir == (tmp_path / "migrations").resolve()
    state = tmp_path / "state"
    network = build_network(config, state_dir=state)
    try:
        db = network.d1("0b1c2d3e")
        assert db.migrations == ["0001_posts.sql"] and set(db.replicas) == {"FRA"}
        answer = network.fetch_sync("http://127.0.0.1:8787/", client="Paris", pop="FRA")
        assert answer.status == 200, answer.text()
        assert answer.json() == {"titles": ["hello", "world"], "at": "FRA", "primary": True}
    finally:
        network.close()
    assert (state / "d1" / "0b1c2d3e.sqlite3").is_file()
    again = build_network(load_config(tmp_path), state_dir=state)
    try:
        assert again.d1("0b1c2d3e").migrations == []  # recorded in d1_migrations
    finally:
        again.close()


def test_unknown_database_names_and_keys_are_errors(tmp_path: Path) -> None:
    folder = project(tmp_path, '[edgert.d1.other]\nprimary = "FRA"\n')
    with pytest.raises(ConfigError, match=r"edgert\.d1\.other"):
        build_network(load_config(folder))
    (tmp_path / "wrangler.toml").write_text(
        (tmp_path / "wrangler.toml")
        .read_text()
        .replace("[edgert.d1.other]", "[edgert.d1.x]\nbad = 1\n#")
    )
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(folder)
