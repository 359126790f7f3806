use super::*;

fn q(sql: &str, params: Vec<SqlValue>) -> Vec<(String, Vec<SqlValue>)> {
    vec![(sql.to_owned(), params)]
}

#[test]
fn batch_is_atomic_and_logged() {
    let mut db = Database::open(None, true).unwrap();
    db.set_keep_log(true);
    db.query(
        &q("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)", vec![]),
        false,
    )
    .unwrap();
    let err = db
        .query(
            &[
                ("INSERT INTO t (v) VALUES (?)".into(), vec![SqlValue::Text("a".into())]),
                ("INSERT INTO t (v) VALUES (?)".into(), vec![SqlValue::Text("a".into())]),
            ],
            false,
        )
        .unwrap_err();
    assert!(
        err.message
            .starts_with("D1_ERROR: UNIQUE constraint failed: t.v: SQLITE_CONSTRAINT"),
        "{}",
        err.message
    );
    let r = db.query(&q("SELECT count(*) AS n FROM t", vec![]), true).unwrap();
    assert_eq!(r[0].rows[0][0], SqlValue::Integer(0));
    assert_eq!(db.seq(), 1);
    assert_eq!(db.take_commits().len(), 1);
}

#[test]
fn replica_applies_log_in_order_and_refuses_writes() {
    let mut p = Database::open(None, true).unwrap();
    p.set_keep_log(true);
    let mut r = Database::open(None, false).unwrap();
    p.query(&q("CREATE TABLE t (x)", vec![]), false).unwrap();
    p.query(&q("INSERT INTO t VALUES (?)", vec![SqlValue::Integer(7)]), false)
        .unwrap();
    let log = p.take_commits();
    assert!(r.apply(&log[1]).is_err());
    r.apply(&log[0]).unwrap();
    r.apply(&log[1]).unwrap();
    assert_eq!(r.seq(), 2);
    let rows = r.query(&q("SELECT x FROM t", vec![]), true).unwrap();
    assert_eq!(rows[0].rows, vec![vec![SqlValue::Integer(7)]]);
    let err = r.query(&q("INSERT INTO t VALUES (1)", vec![]), false).unwrap_err();
    assert!(err.message.contains("SQLITE_READONLY"));
}

#[test]
fn parameter_count_is_checked() {
    let mut db = Database::open(None, true).unwrap();
    let err = db.query(&q("SELECT ?1, ?2", vec![SqlValue::Null]), true).unwrap_err();
    assert_eq!(
        err.message,
        "D1_ERROR: Wrong number of parameter bindings for SQL query."
    );
}

#[test]
fn sql_without_a_statement_is_an_error_not_a_panic() {
    let mut db = Database::open(None, true).unwrap();
    for sql in ["", "   ", "-- a comment"] {
        let err = db.query(&q(sql, vec![]), true).unwrap_err();
        assert_eq!(err.message, "D1_ERROR: No SQL statements detected.");
        assert!(db.first(sql, &[], |_| Ok(())).is_err());
    }
    assert!(!db.readonly("").unwrap_or(false));
}
