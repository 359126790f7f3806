"""The D1 Workers API in a standalone worker (a database at distance zero): statements,
result objects and meta, batches (atomic), exec, types and errors as D1 documents them."""

from __future__ import annotations

import pytest
from d1_workers import run, script

from edgert import Worker
from edgert.errors import ConfigError

TABLE = (
    "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL, score REAL, "
    "active INTEGER, avatar BLOB);"
    "INSERT INTO users (name, score, active) VALUES ('ada', 1.5, 1), ('bob', NULL, 0);"
)


def test_first_all_raw_and_run() -> None:
    body = """
      const s = env.DB.prepare('SELECT id, name, score FROM users WHERE name = ?');
      return {
        first: await s.bind('ada').first(),
        col: await s.bind('ada').first('name'),
        none: await s.bind('zed').first(),
        noneCol: await s.bind('zed').first('name'),
        all: await env.DB.prepare('SELECT name FROM users ORDER BY id').all(),
        raw: await env.DB.prepare('SELECT id, name FROM users ORDER BY id').raw(),
        rawCols: await env.DB.prepare('SELECT id, name FROM users ORDER BY id').raw({ columnNames: true }),
        run: await env.DB.prepare('UPDATE users SET score = ?1 WHERE name = ?2').bind(2.5, 'bob').run(),
      };
    """
    out = run(body, TABLE)["out"]
    assert out["first"] == {"id": 1, "name": "ada", "score": 1.5}
    assert out["col"] == "ada"
    assert out["none"] is None and out["noneCol"] is None
    assert out["all"]["success"] is True
    assert out["all"]["results"] == [{"name": "ada"}, {"name": "bob"}]
    meta = out["all"]["meta"]
    assert set(meta) >= {
        "duration",
        "changes",
        "last_row_id",
        "changed_db",
        "size_after",
        "rows_read",
        "rows_written",
        "served_by_region",
        "served_by_primary",
        "timings",
    }
    assert meta["changed_db"] is False and meta["rows_written"] == 0 and meta["rows_read"] >= 2
    assert meta["served_by_primary"] is True and meta["size_after"] > 0
    assert out["raw"] == [[1, "ada"], [2, "bob"]]
    assert out["rawCols"] == [["id", "name"], [1, "ada"], [2, "bob"]]
    run_meta = out["run"]["meta"]
    assert run_meta["changes"] == 1 and run_meta["changed_db"] is True
    assert run_meta["rows_written"] == 1
    assert out["run"]["results"] == []


def test_insert_meta_last_row_id() -> None:
    body = """
      const r = await env.DB.prepare('INSERT INTO users (name) VALUES (?)').bind('cy').run();
      return r.meta;
    """
    meta = run(body, TABLE)["out"]
    assert meta["last_row_id"] == 3 and meta["changes"] == 1 and meta["changed_db"] is True


def test_type_mapping() -> None:
    body = """
      await env.DB.prepare('CREATE TABLE t (a, b, c, d, e, f)').run();
      const bytes = new Uint8Array([0, 1, 255]);
      await env.DB.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)')
        .bind(42, 1.25, 'text', null, true, bytes.buffer).run();
      await env.DB.prepare('INSERT INTO t VALUES (?, ?, ?, ?, ?, ?)')
        .bind(-7, 1e300, '', null, false, new Uint8Array([9])).run();
      const rows = await env.DB.prepare('SELECT a, b, c, d, e, f, typeof(a) ta, typeof(b) tb, typeof(e) te, typeof(f) tf FROM t').all();
      return rows.results;
    """
    rows = run(body)["out"]
    assert rows[0] == {
        "a": 42,
        "b": 1.25,
        "c": "text",
        "d": None,
        "e": 1,
        "f": [0, 1, 255],
        "ta": "integer",
        "tb": "real",
        "te": "integer",
        "tf": "blob",
    }
    assert rows[1]["e"] == 0 and rows[1]["f"] == [9] and rows[1]["b"] == 1e300


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("undefined", "Error: D1_TYPE_ERROR: Type 'undefined' not supported for value 'undefined'"),
        ("10n", "Error: D1_TYPE_ERROR: Type 'bigint' not supported for value '10'"),
        ("{a: 1}", "Error: D1_TYPE_ERROR: Type 'object' not supported for value '[object Object]'"),
    ],
)
def test_bind_rejects_what_d1_rejects(value: str, message: str) -> None:
    body = f"return await env.DB.prepare('SELECT ?').bind({value}).first();"
    assert run(body)["error"] == message


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("SELECT * FROM nope", "Error: D1_ERROR: no such table: nope: SQLITE_ERROR"),
        (
            "INSERT INTO users (name) VALUES ('ada')",
            "Error: D1_ERROR: UNIQUE constraint failed: users.name: SQLITE_CONSTRAINT",
        ),
        ("SELEC 1", 'Error: D1_ERROR: near "SELEC": syntax error at offset 0: SQLITE_ERROR'),
        ("SELECT ?1, ?2", "Error: D1_ERROR: Wrong number of parameter bindings for SQL query."),
    ],
)
def test_sql_errors_carry_d1_messages(statement: str, message: str) -> None:
    body = f"return await env.DB.prepare({statement!r}).bind().run();"
    assert run(body, TABLE)["error"] == message


def test_first_of_a_missing_column() -> None:
    body = "return await env.DB.prepare('SELECT name FROM users').first('nope');"
    assert run(body, TABLE)["error"] == "Error: D1_COLUMN_NOTFOUND: Column not found (nope)"


def test_batch_is_one_transaction() -> None:
    body = """
      const ins = env.DB.prepare('INSERT INTO users (name) VALUES (?)');
      const ok = await env.DB.batch([ins.bind('x'), ins.bind('y'), env.DB.prepare('SELECT count(*) AS n FROM users')]);
      let failed = null;
      try { await env.DB.batch([ins.bind('z'), ins.bind('ada')]); } catch (e) { failed = e.message; }
      const n = await env.DB.prepare('SELECT count(*) AS n FROM users').first('n');
      const z = await env.DB.prepare("SELECT count(*) AS n FROM users WHERE name = 'z'").first('n');
      return { ok: ok.map((r) => r.results), failed, n, z };
    """
    out = run(body, TABLE)["out"]
    assert out["ok"] == [[], [], [{"n": 4}]]
    assert out["failed"].startswith("D1_ERROR: UNIQUE constraint failed")
    assert out["n"] == 4 and out["z"] == 0  # 'z' rolled back with the failing statement


def test_exec_runs_lines_and_reports_the_failing_one() -> None:
    body = """
      const ok = await env.DB.exec('CREATE TABLE a (x);\\nINSERT INTO a VALUES (1);\\nINSERT INTO a VALUES (2)');
      let failed = null;
      try { await env.DB.exec('INSERT INTO a VALUES (3)\\nINSERTZ INTO a VALUES (4)'); } catch (e) { failed = e.message; }
      const n = await env.DB.prepare('SELECT count(*) AS n FROM a').first('n');
      return { count: ok.count, duration: typeof ok.duration, failed, n };
    """
    out = run(body)["out"]
    assert out["count"] == 3 and out["duration"] == "number"
    assert out["failed"] == (
        'D1_EXEC_ERROR: Error in line 2: INSERTZ INTO a VALUES (4): near "INSERTZ": syntax error at offset 0: SQLITE_ERROR'
    )
    assert out["n"] == 3  # line 1 of the failing exec stays committed, as on D1


def test_session_in_place_and_bookmarks() -> None:
    body = """
      const s = env.DB.withSession('first-primary');
      const before = s.getBookmark();
      await s.prepare("INSERT INTO users (name) VALUES ('s')").run();
      const b1 = s.getBookmark();
      const row = await s.prepare("SELECT name FROM users WHERE name = 's'").first();
      const again = env.DB.withSession(b1).getBookmark();
      let bad = null;
      try { env.DB.withSession('not-a-bookmark'); } catch (e) { bad = e.message; }
      return { before, b1, row, again, bad };
    """
    out = run(body, TABLE)["out"]
    assert out["before"] is None
    assert isinstance(out["b1"], str) and len(out["b1"]) == 16
    assert out["row"] == {"name": "s"} and out["again"] == out["b1"]
    assert out["bad"] == "D1_ERROR: Invalid bookmark: not-a-bookmark"


def test_migrations_are_applied_once_in_order(tmp_path) -> None:  # type: ignore[no-untyped-def]
    folder = tmp_path / "migrations"
    folder.mkdir()
    (folder / "0002_seed.sql").write_text("INSERT INTO t (v) VALUES ('seeded');\n")
    (folder / "0001_init.sql").write_text("-- the schema\nCREATE TABLE t (v TEXT);\n")
    body = (
        "return (await env.DB.prepare('SELECT name FROM d1_migrations ORDER BY id').raw()).flat();"
    )
    worker = Worker(
        "export default { async fetch(r, env) { return Response.json("
        "{ m: (await env.DB.prepare('SELECT name FROM d1_migrations ORDER BY id').raw()).flat(),"
        "  v: await env.DB.prepare('SELECT v FROM t').first('v') }); } };",
        d1={"DB": {"database_id": "db", "migrations_dir": str(folder)}},
    )
    try:
        assert worker.fetch("https://x/").json() == {
            "m": ["0001_init.sql", "0002_seed.sql"],
            "v": "seeded",
        }
    finally:
        worker.close()
    assert body  # the same query, run from the worker above
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "0001_bad.sql").write_text("CREATE TABLE (;")
    with pytest.raises(ConfigError, match=r"0001_bad\.sql"):
        Worker("export default {}", d1={"DB": {"database_id": "db", "migrations_dir": str(bad)}})


def test_binding_shapes_are_checked() -> None:
    with pytest.raises(ConfigError, match="d1 bindings"):
        Worker("export default {}", d1={"DB": 3})  # type: ignore[dict-item]


def test_a_runaway_query_stops_at_the_cpu_limit() -> None:
    endless = (
        "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c"
    )
    worker = Worker(
        script(f"return await env.DB.prepare({endless!r}).first();"), d1={"DB": "db"}, cpu_ms=20
    )
    try:
        response = worker.fetch("https://example.com/")
        assert response.status == 503 and response.stats is not None
        assert response.stats.outcome == "exceededCpu"
        again = worker.fetch("https://example.com/")  # a new isolate, the same endless query
        assert again.status == 503
    finally:
        worker.close()


@pytest.mark.parametrize("sql", ["", "   ", "-- only a comment"])
def test_sql_without_a_statement_is_an_error(sql: str) -> None:
    body = f"return await env.DB.prepare({sql!r}).all();"
    assert run(body)["error"] == "Error: D1_ERROR: No SQL statements detected."
    first = f"return await env.DB.prepare({sql!r}).first();"
    assert run(first)["error"] == "Error: D1_ERROR: No SQL statements detected."
