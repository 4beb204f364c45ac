//! SQLite reads without a thread hand-off: a small pool of `rusqlite`
//! connections to the same database file, used on the thread that asks.
//!
//! sqlx runs each SQLite connection on a worker thread of its own; every
//! statement is a message to that thread and every row a message back, so a
//! read of a few microseconds in SQLite cost two thread wake-ups and the
//! kernel's scheduling around them (bench/README.md, "Where a read's time
//! goes"). The reads every request takes — authentication with the account's
//! access, who am I, the caller's accounts, the seats — and the pages of
//! members (with their teams and search), activity, instances, API keys and
//! invitations run here instead, inline on the async worker: each is a few
//! index lookups or a page of rows, bounded and served from the page cache.
//! (In WAL mode a reader waits for nobody: the busy timeout only matters
//! while another connection recovers the log after a crash.) Writes and
//! everything inside a write transaction run on the writer (`store::writer`),
//! everything on PostgreSQL on sqlx; a read
//! here sees every transaction committed before it starts, so a role change,
//! a sign-out or a removal holds from the next request on.
//!
//! The statement text and its binds are the same [`Statement`] sqlx runs on
//! PostgreSQL, and rows are decoded through [`Columns`] by the same functions
//! whichever path read them (`Store::read_all` and its siblings).

use super::sql::{Bind, Columns, Statement};
use crate::error::{ApiError, ApiResult};
use rusqlite::types::ValueRef;
use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

/// The target of the statements the readers log (at debug, as sqlx logs its
/// own under `sqlx::query`), with the statement in `db.statement`.
pub const STATEMENT_LOG: &str = "orgspace::sql";

/// Connections kept open between reads; more are opened when more threads
/// read at once, and closed after.
const IDLE: usize = 8;
/// Prepared statements kept per connection (rusqlite's cache holds 16).
const STATEMENTS: usize = 128;

/// The read connections to one SQLite file.
#[derive(Debug)]
pub struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
}

impl Readers {
    /// Readers for the database at `path`; `None` for an in-memory database,
    /// which a second connection would not see.
    pub fn new(path: &str, url: &str) -> Option<Readers> {
        let in_memory = path.is_empty() || path == ":memory:" || url.contains("mode=memory");
        (!in_memory).then(|| Readers {
            path: PathBuf::from(path),
            idle: Mutex::new(Vec::new()),
        })
    }

    fn open(&self) -> ApiResult<Connection> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(Duration::from_secs(10))?;
        conn.set_prepared_statement_cache_capacity(STATEMENTS);
        // Reads only; the same page cache as sqlx's connections (pool.rs).
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA cache_size = -1024;")?;
        Ok(conn)
    }

    fn idle(&self) -> std::sync::MutexGuard<'_, Vec<Connection>> {
        self.idle
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Runs `statement` and decodes at most `limit` of its rows with `decode`.
    pub fn read<T>(
        &self,
        statement: &Statement,
        limit: usize,
        mut decode: impl FnMut(&dyn Columns) -> ApiResult<T>,
    ) -> ApiResult<Vec<T>> {
        let taken = self.idle().pop();
        let conn = match taken {
            Some(conn) => conn,
            None => self.open()?,
        };
        let result = run(&conn, statement, limit, &mut decode);
        // A connection that failed is closed rather than handed out again.
        if result.is_ok() {
            let mut idle = self.idle();
            if idle.len() < IDLE {
                idle.push(conn);
            }
        }
        result
    }
}

fn run<T>(
    conn: &Connection,
    statement: &Statement,
    limit: usize,
    decode: &mut impl FnMut(&dyn Columns) -> ApiResult<T>,
) -> ApiResult<Vec<T>> {
    let mut prepared = prepare(conn, statement)?;
    let names = column_names(&prepared)?;
    let mut rows = prepared.raw_query();
    let mut decoded = Vec::new();
    while decoded.len() < limit {
        let Some(row) = rows.next()? else { break };
        decoded.push(decode(&Named { row, names: &names })?);
    }
    Ok(decoded)
}

/// `statement` prepared (from the connection's cache) with its values bound,
/// logged under [`STATEMENT_LOG`].
pub(super) fn prepare<'c>(
    conn: &'c Connection,
    statement: &Statement,
) -> ApiResult<rusqlite::CachedStatement<'c>> {
    tracing::debug!(target: STATEMENT_LOG, { db.statement = &*statement.sql }, "statement");
    let mut prepared = conn.prepare_cached(&statement.sql)?;
    let mut bound = 0;
    for (i, value) in statement.binds.iter().enumerate() {
        // `$n` is a named parameter to SQLite, numbered by first appearance. A
        // value the text does not use is left out, as sqlx does (a statement
        // may bind `$1` for PostgreSQL's sake and use only `$2`).
        let Some(index) = prepared.parameter_index(&format!("${}", i + 1))? else {
            continue;
        };
        match value {
            Bind::Text(text) => prepared.raw_bind_parameter(index, text)?,
            Bind::Int(n) => prepared.raw_bind_parameter(index, n)?,
            Bind::Null | Bind::NullInt => {
                prepared.raw_bind_parameter(index, rusqlite::types::Null)?
            }
        }
        bound += 1;
    }
    if bound != prepared.parameter_count() {
        return Err(ApiError::Internal(format!(
            "{} of the {} parameters bound: {}",
            bound,
            prepared.parameter_count(),
            statement.sql
        )));
    }
    Ok(prepared)
}

/// The statement's column names, read once per run: rusqlite finds a column
/// by name by asking SQLite for each column's name in turn (an FFI call,
/// `strlen` and a UTF-8 check each) — most of a 30-column row's decoding.
pub(super) fn column_names(prepared: &rusqlite::Statement<'_>) -> ApiResult<Vec<String>> {
    Ok((0..prepared.column_count())
        .map(|i| prepared.column_name(i).map(str::to_owned))
        .collect::<Result<_, _>>()?)
}

/// A row and its statement's column names.
struct Named<'a> {
    row: &'a rusqlite::Row<'a>,
    names: &'a [String],
}

impl Named<'_> {
    fn value(&self, column: &str) -> ApiResult<ValueRef<'_>> {
        let index = self
            .names
            .iter()
            .position(|name| name == column)
            .ok_or_else(|| ApiError::Internal(format!("no column {column} in the row")))?;
        Ok(self.row.get_ref(index)?)
    }
}

impl Columns for Named<'_> {
    fn text_opt(&self, column: &str) -> ApiResult<Option<String>> {
        match self.value(column)? {
            ValueRef::Null => Ok(None),
            ValueRef::Text(bytes) => Ok(Some(
                std::str::from_utf8(bytes)
                    .map_err(|_| {
                        ApiError::Internal(format!("column {column} holds text that is not UTF-8"))
                    })?
                    .to_owned(),
            )),
            other => Err(unexpected(column, "text", other.data_type())),
        }
    }

    fn int_opt(&self, column: &str) -> ApiResult<Option<i64>> {
        match self.value(column)? {
            ValueRef::Null => Ok(None),
            ValueRef::Integer(n) => Ok(Some(n)),
            other => Err(unexpected(column, "an integer", other.data_type())),
        }
    }
}

fn unexpected(column: &str, wanted: &str, found: rusqlite::types::Type) -> ApiError {
    ApiError::Internal(format!("column {column} holds {found}, not {wanted}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::sql::FromColumn;

    /// Readers of a new database of three rows in a folder of its own.
    fn readers() -> Readers {
        let dir = std::env::temp_dir().join(format!("orgspace-readers-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("r.db");
        let conn = Connection::open(&path).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             CREATE TABLE t (id INTEGER, name TEXT, note TEXT);
             INSERT INTO t VALUES (1, 'ada', NULL), (2, 'bo', 'x'), (3, 'cy', 'y');",
        )
        .unwrap();
        Readers::new(path.to_str().unwrap(), "sqlite://r.db").unwrap()
    }

    fn name_and_note(row: &dyn Columns) -> ApiResult<(String, Option<String>)> {
        Ok((String::read(row, "name")?, row.get("note")?))
    }

    #[test]
    fn binds_by_number_wherever_a_placeholder_appears() {
        let readers = readers();
        let mut statement = Statement::new(
            "SELECT name, note FROM t WHERE id >= $2 AND id <= $1 OR name = $3 ORDER BY id",
        );
        statement.binds = vec![Bind::Int(2), Bind::Int(1), Bind::Null];
        assert_eq!(
            readers.read(&statement, usize::MAX, name_and_note).unwrap(),
            [
                ("ada".to_owned(), None),
                ("bo".to_owned(), Some("x".to_owned()))
            ]
        );
        // The same text again: the cached statement starts without old binds.
        statement.binds = vec![Bind::Int(3), Bind::Int(3), Bind::Text("ada".into())];
        assert_eq!(readers.read(&statement, 1, name_and_note).unwrap().len(), 1);
        assert_eq!(readers.read(&statement, 9, name_and_note).unwrap().len(), 2);
    }

    #[test]
    fn a_wrong_type_a_null_where_a_value_belongs_and_a_missing_bind_are_errors() {
        let readers = readers();
        let all = Statement::new("SELECT id, name, note FROM t ORDER BY id");
        let error = readers
            .read(&all, 9, |row| i64::read(row, "name"))
            .unwrap_err();
        assert!(error.to_string().contains("column name holds"), "{error}");
        let error = readers
            .read(&all, 9, |row| String::read(row, "note"))
            .unwrap_err();
        assert!(error.to_string().contains("note is NULL"), "{error}");
        let mut missing = Statement::new("SELECT id FROM t WHERE id = $1 OR id = $3");
        missing.binds = vec![Bind::Int(1), Bind::Int(2)];
        let error = readers
            .read(&missing, 9, |row| i64::read(row, "id"))
            .unwrap_err();
        assert!(
            error.to_string().contains("1 of the 2 parameters"),
            "{error}"
        );
        // The reader that failed was dropped; the next read opens another.
        assert_eq!(
            readers.read(&all, 9, |row| i64::read(row, "id")).unwrap(),
            [1, 2, 3]
        );
    }

    #[test]
    fn a_value_the_text_does_not_use_is_left_out() {
        let readers = readers();
        let mut statement = Statement::new("SELECT id FROM t WHERE id = $2");
        statement.binds = vec![Bind::Text("unused".into()), Bind::Int(3)];
        assert_eq!(
            readers
                .read(&statement, 9, |row| i64::read(row, "id"))
                .unwrap(),
            [3]
        );
    }

    #[test]
    fn a_reader_never_writes() {
        let readers = readers();
        let write = Statement::new("DELETE FROM t RETURNING id");
        assert!(readers.read(&write, 9, |row| i64::read(row, "id")).is_err());
        let all = Statement::new("SELECT id FROM t");
        assert_eq!(
            readers
                .read(&all, 9, |row| i64::read(row, "id"))
                .unwrap()
                .len(),
            3
        );
    }

    #[test]
    fn an_in_memory_database_has_no_readers() {
        assert!(Readers::new(":memory:", "sqlite::memory:").is_none());
        assert!(Readers::new("x", "sqlite://x?mode=memory").is_none());
    }
}
