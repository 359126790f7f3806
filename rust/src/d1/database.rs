//! One D1 database instance: the primary or a read replica, on a SQLite connection.
//!
//! Theory of operation. The primary executes every query. A query is a list of statements run
//! in one transaction (a single read-only statement runs without one): all of them commit, or
//! the first error rolls every one back. A committed transaction that wrote anything becomes a
//! `Commit`: the statements with their bound values, numbered by `seq` (1, 2, ...), queued in
//! the outbox the host drains and ships to the replicas. A replica refuses writes and applies
//! commits in `seq` order; its `seq` is how far it has caught up, which is what a session's
//! bookmark is compared against. `seq` lives in the database file (`_cf_edgert_meta`), so a
//! persisted database keeps counting after a restart.
//!
//! Replication replays statements (statement-based, as MySQL's `STATEMENT` format): a write
//! whose result depends on the instance (`random()`, `CURRENT_TIMESTAMP`) can differ on a
//! replica; D1 ships pages, which cannot. docs/d1.md says so.

use super::error::D1Error;
use super::value::SqlValue;
use crate::isolate::cpu::thread_cpu_ns;
use rusqlite::{params_from_iter, Connection, OpenFlags, Row, Statement, StatementStatus};

/// One statement of a committed transaction, as a replica replays it.
#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub sql: String,
    pub params: Vec<SqlValue>,
    /// Run as a script (`exec()`: several statements, no parameters).
    pub script: bool,
}

/// A committed transaction that changed the database.
#[derive(Clone, Debug, PartialEq)]
pub struct Commit {
    pub seq: u64,
    pub entries: Vec<Entry>,
}

/// D1's `meta` of one statement.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Meta {
    /// SQL execution time on the instance (thread CPU time), in ms.
    pub duration_ms: f64,
    pub changes: u64,
    pub last_row_id: i64,
    pub changed_db: bool,
    pub size_after: u64,
    pub rows_read: u64,
    pub rows_written: u64,
}

/// The result of one statement: column names, rows, meta.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct StmtResult {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<SqlValue>>,
    pub meta: Meta,
}

pub struct Database {
    conn: Connection,
    seq: u64,
    primary: bool,
    size_bytes: u64,
    /// Commits not yet taken by the host (kept only while `keep_log`).
    outbox: Vec<Commit>,
    keep_log: bool,
}

const META_TABLE: &str = "CREATE TABLE IF NOT EXISTS _cf_edgert_meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL)";

/// A statement from the connection's cache; SQL with no statement in it (empty, blanks or
/// comments only: SQLite prepares it as a null statement, which rusqlite must not run) is an
/// error here.
fn prepare<'c>(conn: &'c Connection, sql: &str) -> Result<rusqlite::CachedStatement<'c>, D1Error> {
    let stmt = conn.prepare_cached(sql)?;
    // Only a statement without columns or parameters can be the null one; asking SQLite for its
    // text (an allocation) is left to those.
    if stmt.column_count() == 0 && stmt.parameter_count() == 0 && stmt.expanded_sql().is_none() {
        return Err(D1Error::d1("No SQL statements detected."));
    }
    Ok(stmt)
}

fn ms_since(start_ns: u64) -> f64 {
    thread_cpu_ns().saturating_sub(start_ns) as f64 / 1e6
}

impl Database {
    /// Opens an instance: in memory (`path` None) or in a file (WAL, created if absent).
    pub fn open(path: Option<&str>, primary: bool) -> Result<Database, D1Error> {
        let conn = match path {
            None => Connection::open_in_memory()?,
            Some(p) => Connection::open_with_flags(
                p,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?,
        };
        if path.is_some() {
            conn.pragma_update(None, "journal_mode", "WAL")?;
            conn.pragma_update(None, "synchronous", "NORMAL")?;
        }
        // D1 enforces foreign keys (PRAGMA foreign_keys is on and cannot be turned off).
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.set_prepared_statement_cache_capacity(256);
        conn.execute_batch(META_TABLE)?;
        let seq: u64 = conn
            .query_row("SELECT value FROM _cf_edgert_meta WHERE key = 'seq'", [], |r| {
                r.get::<_, i64>(0)
            })
            .map(|v| v.max(0) as u64)
            .unwrap_or(0);
        let mut db = Database {
            conn,
            seq,
            primary,
            size_bytes: 0,
            outbox: Vec::new(),
            keep_log: false,
        };
        db.size_bytes = db.measure_size();
        Ok(db)
    }

    /// How many commits this instance has applied (its bookmark).
    pub fn seq(&self) -> u64 {
        self.seq
    }

    pub fn is_primary(&self) -> bool {
        self.primary
    }

    /// Queue commits for the host (`take_commits`): on for a primary with replicas.
    pub fn set_keep_log(&mut self, keep: bool) {
        self.keep_log = keep;
        if !keep {
            self.outbox.clear();
        }
    }

    pub fn take_commits(&mut self) -> Vec<Commit> {
        std::mem::take(&mut self.outbox)
    }

    pub fn size_bytes(&self) -> u64 {
        self.size_bytes
    }

    fn measure_size(&self) -> u64 {
        let pages: i64 = self.conn.query_row("PRAGMA page_count", [], |r| r.get(0)).unwrap_or(0);
        let size: i64 = self.conn.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap_or(0);
        (pages.max(0) * size.max(0)) as u64
    }

    /// Runs `f` with SQLite's progress handler asking `interrupt` every 1,000 virtual-machine
    /// steps: once it says true, the running statement stops with `SQLITE_INTERRUPT` (how a
    /// query run inside a worker's turn stays under the worker's CPU limit).
    pub fn with_interrupt<R>(
        &mut self,
        interrupt: impl FnMut() -> bool + Send + 'static,
        f: impl FnOnce(&mut Database) -> R,
    ) -> R {
        self.conn.progress_handler(1000, Some(interrupt));
        let out = f(self);
        self.conn.progress_handler(1000, None::<fn() -> bool>);
        out
    }

    /// Replaces this instance's content with a copy of `source` (SQLite's online backup), and
    /// takes its commit count: how a replica starts.
    pub fn copy_from(&mut self, source: &Database) -> Result<(), D1Error> {
        {
            let backup = rusqlite::backup::Backup::new(&source.conn, &mut self.conn)?;
            backup.run_to_completion(1024, std::time::Duration::ZERO, None)?;
        }
        self.seq = source.seq;
        self.size_bytes = self.measure_size();
        Ok(())
    }

    /// Whether every statement of `sql` only reads (what decides primary or replica).
    pub fn readonly(&self, sql: &str) -> Result<bool, D1Error> {
        let stmt = prepare(&self.conn, sql)?;
        Ok(stmt.readonly())
    }

    fn refuse_write(&self, stmt: &Statement<'_>) -> Result<(), D1Error> {
        if !self.primary && !stmt.readonly() {
            return Err(D1Error::d1("attempt to write a readonly database: SQLITE_READONLY"));
        }
        Ok(())
    }

    /// Runs one prepared statement to completion, collecting rows when `rows` is given.
    fn run(
        &self,
        stmt: &mut Statement<'_>,
        params: &[SqlValue],
        mut rows: Option<&mut Vec<Vec<SqlValue>>>,
    ) -> Result<Meta, D1Error> {
        let start = thread_cpu_ns();
        let columns = stmt.column_count();
        let readonly = stmt.readonly();
        stmt.reset_status(StatementStatus::FullscanStep);
        let mut returned = 0u64;
        {
            let mut cursor = stmt.query(params_from_iter(params.iter()))?;
            while let Some(row) = cursor.next()? {
                returned += 1;
                if let Some(out) = rows.as_deref_mut() {
                    out.push(
                        (0..columns)
                            .map(|i| SqlValue::from_ref(row.get_ref_unwrap(i)))
                            .collect(),
                    );
                }
            }
        }
        let scanned = stmt.reset_status(StatementStatus::FullscanStep).max(0) as u64;
        let changes = if readonly { 0 } else { self.conn.changes() };
        Ok(Meta {
            duration_ms: ms_since(start),
            changes,
            last_row_id: self.conn.last_insert_rowid(),
            changed_db: !readonly,
            size_after: 0,
            rows_read: returned + scanned + changes,
            rows_written: changes,
        })
    }

    fn begin(&self) -> Result<(), D1Error> {
        self.conn.execute_batch("BEGIN")?;
        Ok(())
    }

    fn rollback(&self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }

    /// Ends a write transaction: bumps `seq` in the same transaction, commits, queues the log.
    fn commit(&mut self, entries: Vec<Entry>, wrote: bool) -> Result<(), D1Error> {
        if !wrote {
            self.conn.execute_batch("COMMIT")?;
            return Ok(());
        }
        let seq = self.seq + 1;
        self.conn.execute(
            "INSERT INTO _cf_edgert_meta (key, value) VALUES ('seq', ?1) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [seq as i64],
        )?;
        self.conn.execute_batch("COMMIT")?;
        self.seq = seq;
        self.size_bytes = self.measure_size();
        if self.keep_log {
            self.outbox.push(Commit { seq, entries });
        }
        Ok(())
    }

    /// Runs `statements` (SQL and bound values) as one transaction; with `rows`, results carry
    /// rows. The first failing statement rolls them all back.
    pub fn query(&mut self, statements: &[(String, Vec<SqlValue>)], rows: bool) -> Result<Vec<StmtResult>, D1Error> {
        if let [(sql, params)] = statements {
            // One read-only statement needs no transaction.
            let mut stmt = prepare(&self.conn, sql)?;
            if stmt.readonly() {
                let mut out = StmtResult {
                    columns: stmt.column_names().iter().map(|c| c.to_string()).collect(),
                    ..StmtResult::default()
                };
                out.meta = self.run(&mut stmt, params, rows.then_some(&mut out.rows))?;
                out.meta.size_after = self.size_bytes;
                return Ok(vec![out]);
            }
        }
        self.begin()?;
        match self.query_in_transaction(statements, rows) {
            Ok((mut results, wrote)) => {
                let entries = if wrote && self.keep_log {
                    statements
                        .iter()
                        .map(|(sql, params)| Entry {
                            sql: sql.clone(),
                            params: params.clone(),
                            script: false,
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                if let Err(e) = self.commit(entries, wrote) {
                    self.rollback();
                    return Err(e);
                }
                for r in &mut results {
                    r.meta.size_after = self.size_bytes;
                }
                Ok(results)
            }
            Err(e) => {
                self.rollback();
                Err(e)
            }
        }
    }

    fn query_in_transaction(
        &self,
        statements: &[(String, Vec<SqlValue>)],
        rows: bool,
    ) -> Result<(Vec<StmtResult>, bool), D1Error> {
        let mut results = Vec::with_capacity(statements.len());
        let mut wrote = false;
        for (sql, params) in statements {
            let mut stmt = prepare(&self.conn, sql)?;
            self.refuse_write(&stmt)?;
            let mut out = StmtResult {
                columns: stmt.column_names().iter().map(|c| c.to_string()).collect(),
                ..StmtResult::default()
            };
            out.meta = self.run(&mut stmt, params, rows.then_some(&mut out.rows))?;
            wrote |= out.meta.changed_db;
            results.push(out);
        }
        Ok((results, wrote))
    }

    /// The first row of a read-only statement, handed to `build` (`None`: no row). A statement
    /// that writes goes through `query` (so its commit is logged) and `build` is not called:
    /// the caller falls back to the `query` result (`Err(None)` tells it so).
    pub fn first<R>(
        &mut self,
        sql: &str,
        params: &[SqlValue],
        build: impl FnOnce(&Row<'_>) -> rusqlite::Result<R>,
    ) -> Result<Result<Option<R>, StmtResult>, D1Error> {
        {
            let mut stmt = prepare(&self.conn, sql)?;
            if stmt.readonly() {
                let mut cursor = stmt.query(params_from_iter(params.iter()))?;
                return match cursor.next()? {
                    Some(row) => Ok(Ok(Some(build(row)?))),
                    None => Ok(Ok(None)),
                };
            }
        }
        let mut results = self.query(&[(sql.to_owned(), params.to_vec())], true)?;
        Ok(Err(results.pop().unwrap_or_default()))
    }

    /// `exec()`: each line run as its own script (autocommit). Returns the number of lines
    /// run and their total duration, or the failing line's index with its error (the lines
    /// before it stay committed, as on D1).
    pub fn exec(&mut self, lines: &[String]) -> Result<(usize, f64), (usize, D1Error)> {
        let mut total = 0.0;
        for (i, line) in lines.iter().enumerate() {
            let start = thread_cpu_ns();
            let before = self.conn.total_changes();
            let result = self.begin().and_then(|_| {
                if !self.primary {
                    return Err(D1Error::d1("attempt to write a readonly database: SQLITE_READONLY"));
                }
                self.conn.execute_batch(line).map_err(D1Error::from)
            });
            match result {
                Ok(()) => {
                    let wrote = self.conn.total_changes() != before || !line.trim().is_empty();
                    let entries = if self.keep_log {
                        vec![Entry {
                            sql: line.clone(),
                            params: Vec::new(),
                            script: true,
                        }]
                    } else {
                        Vec::new()
                    };
                    self.commit(entries, wrote).map_err(|e| (i, e))?;
                }
                Err(e) => {
                    self.rollback();
                    return Err((i, e));
                }
            }
            total += ms_since(start);
        }
        Ok((lines.len(), total))
    }

    /// Applies the primary's commit `commit.seq` (must be the next one) on a replica.
    pub fn apply(&mut self, commit: &Commit) -> Result<(), D1Error> {
        if commit.seq != self.seq + 1 {
            return Err(D1Error::new(format!(
                "replication log out of order: at {} and given commit {}",
                self.seq, commit.seq
            )));
        }
        self.begin()?;
        let applied = (|| -> Result<(), D1Error> {
            for e in &commit.entries {
                if e.script {
                    self.conn.execute_batch(&e.sql)?;
                } else {
                    let mut stmt = prepare(&self.conn, &e.sql)?;
                    let mut rows = stmt.query(params_from_iter(e.params.iter()))?;
                    while rows.next()?.is_some() {}
                }
            }
            Ok(())
        })();
        if let Err(e) = applied {
            self.rollback();
            return Err(e);
        }
        let keep = self.keep_log;
        self.keep_log = false;
        let result = self.commit(Vec::new(), true);
        self.keep_log = keep;
        result
    }
}

impl std::fmt::Debug for Database {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Database")
            .field("seq", &self.seq)
            .field("primary", &self.primary)
            .finish()
    }
}
