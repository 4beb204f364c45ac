//! SQLite writes without a thread hand-off: one `rusqlite` connection per
//! process runs every write transaction, inline on the async worker that
//! serves the request.
//!
//! sqlx runs a SQLite connection on a worker thread of its own, and every
//! statement of a transaction was a message there and back (two thread
//! wake-ups); a write is several statements, one transaction at a time, so
//! the hand-offs were most of its time (bench/README.md, "Where issue 18
//! stands"). SQLite serializes writers anyway: the connection is this
//! process's write gate, taken for the whole transaction (a `tokio` mutex, so
//! waiting for it is asynchronous). A transaction starts with
//! `BEGIN IMMEDIATE`, which takes the file's write lock at once; when another
//! process holds it the writer waits asynchronously and tries again, never
//! inside SQLite's busy handler on the worker thread. Its statements stay
//! prepared, and its page cache stays valid across its own commits.
//!
//! Commits are durable as sqlx's were (WAL, `synchronous = NORMAL`: a commit
//! survives the process's crash, which `tests/crash.rs` checks).

use super::readers::{column_names, prepare};
use super::rows::{OwnedRow, Row, Value};
use super::sql::Statement;
use crate::error::{ApiError, ApiResult};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, ErrorCode, OpenFlags};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// How long a transaction waits for another process's write lock.
const LOCK_WAIT: Duration = Duration::from_secs(10);
/// Prepared statements kept (the store has about 150 writing ones).
const STATEMENTS: usize = 256;

/// The process's write connection to one SQLite file, opened on first use.
#[derive(Debug)]
pub struct Writer {
    path: PathBuf,
    conn: Option<Connection>,
}

impl Writer {
    pub fn new(path: &str) -> Writer {
        Writer {
            path: PathBuf::from(path),
            conn: None,
        }
    }

    fn connection(&mut self) -> ApiResult<&Connection> {
        if self.conn.is_none() {
            let conn = Connection::open_with_flags(
                &self.path,
                OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
            )?;
            conn.set_prepared_statement_cache_capacity(STATEMENTS);
            // As sqlx's connections (pool.rs); a larger page cache, since
            // it is the one connection every write goes through.
            conn.execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = NORMAL;
                 PRAGMA foreign_keys = ON;
                 PRAGMA cache_size = -4096;",
            )?;
            self.conn = Some(conn);
        }
        self.conn
            .as_ref()
            .ok_or_else(|| ApiError::Internal("the SQLite writer is not open".into()))
    }
}

/// A write transaction on the [`Writer`]; dropped without [`SqliteTx::commit`],
/// it rolls back.
#[derive(Debug)]
pub struct SqliteTx {
    writer: OwnedMutexGuard<Writer>,
    open: bool,
}

fn is_busy(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(e, _)
        if matches!(e.code, ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked))
}

/// A unique index or primary key already holds the value (what sqlx calls
/// `ErrorKind::UniqueViolation` on SQLite).
fn is_unique_violation(error: &rusqlite::Error) -> bool {
    matches!(error, rusqlite::Error::SqliteFailure(e, _)
        if e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
            || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY)
}

impl SqliteTx {
    /// Takes this process's writer, then the file's write lock.
    pub async fn begin(writer: Arc<Mutex<Writer>>) -> ApiResult<SqliteTx> {
        let mut writer = writer.lock_owned().await;
        let deadline = Instant::now() + LOCK_WAIT;
        let mut pause = Duration::from_millis(1);
        loop {
            let conn = writer.connection()?;
            // Fail at once when another process writes; wait below, not in
            // SQLite's busy handler (it would block the worker thread).
            conn.busy_timeout(Duration::ZERO)?;
            match run_cached(conn, "BEGIN IMMEDIATE") {
                Ok(()) => {
                    // Inside the transaction only a log recovery can be busy.
                    conn.busy_timeout(Duration::from_secs(1))?;
                    return Ok(SqliteTx { writer, open: true });
                }
                Err(error) if is_busy(&error) && Instant::now() < deadline => {
                    tokio::time::sleep(pause).await;
                    pause = (pause * 2).min(Duration::from_millis(50));
                }
                Err(error) => return Err(error.into()),
            }
        }
    }

    fn conn(&mut self) -> ApiResult<&Connection> {
        self.writer.connection()
    }

    /// Runs `statement`: its rows, and the rows it changed; `None` when it
    /// broke a unique index and `duplicate` allows that.
    pub fn run(
        &mut self,
        statement: &Statement,
        duplicate: bool,
    ) -> ApiResult<Option<(Vec<Row>, u64)>> {
        let conn = self.conn()?;
        let mut prepared = prepare(conn, statement)?;
        let names: Arc<[String]> = column_names(&prepared)?.into();
        let width = names.len();
        let mut rows = Vec::new();
        let mut raw = prepared.raw_query();
        loop {
            let row = match raw.next() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(error) if duplicate && is_unique_violation(&error) => return Ok(None),
                Err(error) => return Err(error.into()),
            };
            let values = (0..width)
                .map(|i| value(row.get_ref(i)?))
                .collect::<ApiResult<Vec<_>>>()?;
            rows.push(Row::Owned(OwnedRow {
                names: names.clone(),
                values,
            }));
        }
        drop(raw);
        drop(prepared);
        Ok(Some((rows, conn.changes())))
    }

    /// Runs `sql`, one or more statements without values (the seed's bulk
    /// inserts).
    pub fn execute_batch(&mut self, sql: &str) -> ApiResult<()> {
        self.conn()?.execute_batch(sql)?;
        Ok(())
    }

    pub fn commit(mut self) -> ApiResult<()> {
        run_cached(self.conn()?, "COMMIT")?;
        self.open = false;
        Ok(())
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        if self.open {
            if let Some(conn) = &self.writer.conn {
                if let Err(error) = run_cached(conn, "ROLLBACK") {
                    // The connection's state is unknown: the next
                    // transaction opens a new one.
                    tracing::warn!(%error, "rolling back a SQLite write transaction failed");
                    self.writer.conn = None;
                }
            }
        }
    }
}

/// A statement without values or rows, prepared once per connection.
fn run_cached(conn: &Connection, sql: &str) -> rusqlite::Result<()> {
    conn.prepare_cached(sql)?.raw_execute()?;
    Ok(())
}

fn value(value: ValueRef<'_>) -> ApiResult<Value> {
    Ok(match value {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Int(n),
        ValueRef::Text(bytes) => Value::Text(
            std::str::from_utf8(bytes)
                .map_err(|_| ApiError::Internal("a column holds text that is not UTF-8".into()))?
                .to_owned(),
        ),
        ValueRef::Real(_) => Value::Other("a real"),
        ValueRef::Blob(_) => Value::Other("a blob"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::tx::{query, query_scalar, WriteTx};

    /// A writer of a new database with one table `t (id TEXT PRIMARY KEY, n INTEGER)`.
    fn database() -> (PathBuf, Arc<Mutex<Writer>>) {
        let dir = std::env::temp_dir().join(format!("orgspace-writer-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("w.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER);",
        )
        .unwrap();
        let writer = Writer::new(path.to_str().unwrap());
        (path, Arc::new(Mutex::new(writer)))
    }

    async fn begin(writer: &Arc<Mutex<Writer>>) -> WriteTx {
        WriteTx::sqlite(SqliteTx::begin(writer.clone()).await.unwrap())
    }

    fn count(path: &PathBuf) -> i64 {
        let conn = Connection::open(path).unwrap();
        conn.query_row("SELECT COUNT(*) FROM t", [], |row| row.get(0))
            .unwrap()
    }

    #[tokio::test]
    async fn a_commit_is_seen_by_other_connections_and_a_dropped_transaction_rolls_back() {
        let (path, writer) = database();
        let mut tx = begin(&writer).await;
        let done = query("INSERT INTO t (id, n) VALUES ($1, $2), ($3, $2)")
            .bind("a")
            .bind(1)
            .bind("b")
            .execute(&mut tx)
            .await
            .unwrap();
        assert_eq!(done.rows_affected(), 2);
        // Read inside the transaction, through the same statements.
        let n: i64 = query_scalar("SELECT COUNT(*) FROM t")
            .fetch_one(&mut tx)
            .await
            .unwrap();
        assert_eq!(n, 2);
        assert_eq!(count(&path), 0, "not visible before the commit");
        tx.commit_without_activity().await.unwrap();
        assert_eq!(count(&path), 2);

        let mut tx = begin(&writer).await;
        query("DELETE FROM t").execute(&mut tx).await.unwrap();
        drop(tx);
        assert_eq!(count(&path), 2, "dropped without a commit: rolled back");
        // The writer is free and usable again.
        let mut tx = begin(&writer).await;
        let row = query("SELECT id, n FROM t ORDER BY id")
            .fetch_one(&mut tx)
            .await
            .unwrap();
        assert_eq!(row.try_get::<String>("id").unwrap(), "a");
        assert_eq!(row.try_get::<Option<i64>>("n").unwrap(), Some(1));
    }

    #[tokio::test]
    async fn a_taken_value_is_none_only_where_the_caller_allows_it() {
        let (_path, writer) = database();
        let mut tx = begin(&writer).await;
        let insert = || {
            query("INSERT INTO t (id, n) VALUES ($1, $2)")
                .bind("a")
                .bind(None::<i64>)
        };
        assert!(insert()
            .execute_unless_taken(&mut tx)
            .await
            .unwrap()
            .is_some());
        assert!(insert()
            .execute_unless_taken(&mut tx)
            .await
            .unwrap()
            .is_none());
        let error = insert().execute(&mut tx).await.unwrap_err();
        assert!(error.to_string().contains("UNIQUE"), "{error}");
        // Other failures are errors either way.
        let error = query("INSERT INTO nowhere VALUES ($1)")
            .bind(1)
            .execute_unless_taken(&mut tx)
            .await
            .unwrap_err();
        assert!(error.to_string().contains("nowhere"), "{error}");
    }

    /// Another process's write lock is waited for without blocking the
    /// thread: on a single-threaded runtime, other tasks run meanwhile.
    #[tokio::test(flavor = "current_thread")]
    async fn another_connection_s_write_lock_is_waited_for_asynchronously() {
        let (path, writer) = database();
        let other = Connection::open(&path).unwrap();
        other
            .execute_batch("BEGIN IMMEDIATE; INSERT INTO t (id, n) VALUES ('x', 1);")
            .unwrap();
        let waiting = tokio::spawn({
            let writer = writer.clone();
            async move {
                let mut tx = begin(&writer).await;
                let n: i64 = query_scalar("SELECT COUNT(*) FROM t")
                    .fetch_one(&mut tx)
                    .await
                    .unwrap();
                n
            }
        });
        // This task runs while the other waits: the thread is not blocked.
        for _ in 0..20 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(!waiting.is_finished(), "the lock is still held");
        other.execute_batch("COMMIT").unwrap();
        assert_eq!(waiting.await.unwrap(), 1, "began after the other's commit");
    }
}
