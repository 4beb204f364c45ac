//! Write transactions, and the statements run in them, built as sqlx's are
//! (`query(sql).bind(value)….execute(tx)`), so a store function reads the same
//! whichever connection runs it: on a SQLite file the process's writer, a
//! `rusqlite` connection used inline on the async worker (`store::writer`); on
//! PostgreSQL and an in-memory SQLite sqlx's transaction.
//!
//! Rows come back as [`Row`]s and are decoded through `Columns` by the same
//! functions as the reads outside transactions.

use super::rows::Row;
use super::sql::{bound, Bind, FromColumn, Statement};
use super::writer::SqliteTx;
use crate::error::{ApiError, ApiResult};
use sqlx::{Any, Transaction};
use std::borrow::Cow;
use std::marker::PhantomData;
use tokio::sync::OwnedMutexGuard;

/// A write transaction; dropping it without committing rolls it back.
///
/// A transaction that changes an account commits with [`WriteTx::commit`]
/// (`store::activity`), which takes the change's activity entry and writes it
/// in the same transaction: there is no way to commit such a change without it.
pub struct WriteTx {
    inner: Inner,
}

enum Inner {
    /// PostgreSQL, and an in-memory SQLite (behind the write gate).
    Sqlx {
        tx: Transaction<'static, Any>,
        gate: Option<OwnedMutexGuard<()>>,
    },
    /// A SQLite file, on the process's writer connection.
    Sqlite(SqliteTx),
}

impl WriteTx {
    /// A transaction on sqlx's connection, holding the write gate if any.
    pub(super) fn sqlx(tx: Transaction<'static, Any>, gate: Option<OwnedMutexGuard<()>>) -> Self {
        WriteTx {
            inner: Inner::Sqlx { tx, gate },
        }
    }

    /// A transaction on the SQLite writer.
    pub(super) fn sqlite(tx: SqliteTx) -> Self {
        WriteTx {
            inner: Inner::Sqlite(tx),
        }
    }

    /// Whether no other write transaction can run beside this one: on SQLite,
    /// where a process's write transactions take turns (on its writer, or an
    /// in-memory database's gate) and the file admits one writer at a time
    /// (`BEGIN IMMEDIATE`). A row lock is then implied and skipped
    /// (`store::accounts::lock_account`); on PostgreSQL it is taken.
    pub fn runs_alone(&self) -> bool {
        match &self.inner {
            Inner::Sqlx { gate, .. } => gate.is_some(),
            Inner::Sqlite(_) => true,
        }
    }

    /// Runs `query`; `None` when it broke a unique index and `duplicate`
    /// allows that (on PostgreSQL the transaction is then aborted: the caller
    /// ends it).
    pub(super) async fn execute(
        &mut self,
        query: Query,
        duplicate: bool,
    ) -> ApiResult<Option<Done>> {
        let rows_affected = match &mut self.inner {
            Inner::Sqlx { tx, .. } => {
                let Query {
                    statement,
                    persistent,
                } = query;
                let done = bound(
                    sqlx::query(&statement.sql).persistent(persistent),
                    statement.binds,
                )
                .execute(&mut **tx)
                .await;
                match done {
                    Ok(done) => done.rows_affected(),
                    Err(sqlx::Error::Database(e))
                        if duplicate && e.kind() == sqlx::error::ErrorKind::UniqueViolation =>
                    {
                        return Ok(None)
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            Inner::Sqlite(tx) => match tx.run(&query.statement, duplicate)? {
                Some((_, changed)) => changed,
                None => return Ok(None),
            },
        };
        Ok(Some(Done { rows_affected }))
    }

    /// Every row of `query`.
    pub(super) async fn fetch(&mut self, query: Query) -> ApiResult<Vec<Row>> {
        Ok(match &mut self.inner {
            Inner::Sqlx { tx, .. } => {
                let Query {
                    statement,
                    persistent,
                } = query;
                bound(
                    sqlx::query(&statement.sql).persistent(persistent),
                    statement.binds,
                )
                .fetch_all(&mut **tx)
                .await?
                .into_iter()
                .map(Row::Any)
                .collect()
            }
            Inner::Sqlite(tx) => tx
                .run(&query.statement, false)?
                .map(|(rows, _)| rows)
                .unwrap_or_default(),
        })
    }

    /// Runs `sql`, statements without values (the seed's bulk inserts).
    pub(crate) async fn execute_batch(&mut self, sql: &str) -> ApiResult<()> {
        match &mut self.inner {
            Inner::Sqlx { tx, .. } => {
                sqlx::raw_sql(sql).execute(&mut **tx).await?;
            }
            Inner::Sqlite(tx) => tx.execute_batch(sql)?,
        }
        Ok(())
    }

    /// Commits writes that change no account and so have no activity entry:
    /// bookkeeping (a key's `last_used_at`), and the bulk rows of `seed`.
    /// Request handlers never call it (`tests/architecture.rs` checks).
    pub(crate) async fn commit_without_activity(self) -> ApiResult<()> {
        match self.inner {
            Inner::Sqlx { tx, .. } => tx.commit().await?,
            Inner::Sqlite(tx) => tx.commit()?,
        }
        Ok(())
    }
}

/// A statement and its values, to run in a write transaction.
#[derive(Debug)]
#[must_use = "a query does nothing until it is executed or fetched"]
pub struct Query {
    pub(super) statement: Statement,
    /// Whether sqlx keeps the statement prepared (`Query::persistent`); the
    /// SQLite writer keeps every statement.
    pub(super) persistent: bool,
}

/// `sql`, its values bound in order with [`Query::bind`].
pub fn query(sql: impl Into<Cow<'static, str>>) -> Query {
    Query {
        statement: Statement::new(sql),
        persistent: true,
    }
}

/// What a statement that returns no rows did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Done {
    pub(super) rows_affected: u64,
}

impl Done {
    /// The rows the statement inserted, changed or deleted.
    pub fn rows_affected(&self) -> u64 {
        self.rows_affected
    }
}

impl Query {
    /// Binds the next placeholder (`$1` first).
    pub fn bind(mut self, value: impl Into<Bind>) -> Self {
        self.statement.binds.push(value.into());
        self
    }

    /// Whether the statement keeps its plan (PostgreSQL's prepared statement);
    /// see `Store::keep_plan_for`.
    pub fn persistent(mut self, keep: bool) -> Self {
        self.persistent = keep;
        self
    }

    pub async fn execute(self, tx: &mut WriteTx) -> ApiResult<Done> {
        let sql = self.statement.sql.clone();
        tx.execute(self, false)
            .await?
            .ok_or_else(|| ApiError::Internal(format!("no result from {sql}")))
    }

    /// [`Query::execute`], or `None` when the statement would break a unique
    /// index (the value is taken). On PostgreSQL that ends the transaction:
    /// the caller rolls back.
    pub async fn execute_unless_taken(self, tx: &mut WriteTx) -> ApiResult<Option<Done>> {
        tx.execute(self, true).await
    }

    pub async fn fetch_all(self, tx: &mut WriteTx) -> ApiResult<Vec<Row>> {
        tx.fetch(self).await
    }

    pub async fn fetch_optional(self, tx: &mut WriteTx) -> ApiResult<Option<Row>> {
        Ok(tx.fetch(self).await?.into_iter().next())
    }

    /// The first row, which must be there.
    pub async fn fetch_one(self, tx: &mut WriteTx) -> ApiResult<Row> {
        let sql = self.statement.sql.clone();
        self.fetch_optional(tx)
            .await?
            .ok_or_else(|| ApiError::Internal(format!("no row from {sql}")))
    }
}

/// A statement whose rows are read as their first column's value.
#[derive(Debug)]
#[must_use = "a query does nothing until it is fetched"]
pub struct Scalar<T> {
    query: Query,
    value: PhantomData<fn() -> T>,
}

/// `sql`, each row read as its first column's `T`.
pub fn query_scalar<T: FromColumn>(sql: impl Into<Cow<'static, str>>) -> Scalar<T> {
    Scalar {
        query: query(sql),
        value: PhantomData,
    }
}

impl<T: FromColumn> Scalar<T> {
    pub fn bind(mut self, value: impl Into<Bind>) -> Self {
        self.query = self.query.bind(value);
        self
    }

    pub async fn fetch_all(self, tx: &mut WriteTx) -> ApiResult<Vec<T>> {
        let rows = self.query.fetch_all(tx).await?;
        rows.iter().map(Row::first).collect()
    }

    pub async fn fetch_optional(self, tx: &mut WriteTx) -> ApiResult<Option<T>> {
        self.query
            .fetch_optional(tx)
            .await?
            .as_ref()
            .map(Row::first)
            .transpose()
    }

    pub async fn fetch_one(self, tx: &mut WriteTx) -> ApiResult<T> {
        self.query.fetch_one(tx).await?.first()
    }
}
