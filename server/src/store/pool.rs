//! The store's connections, on SQLite or PostgreSQL: sqlx's pool, and on a
//! SQLite file the readers (`store::readers`) and the writer
//! (`store::writer`); where write transactions begin (`store::tx`).
//!
//! Write transactions that must not interleave take a row's write lock first
//! (`SELECT … FOR NO KEY UPDATE`) on PostgreSQL. On SQLite,
//! whose writers are serialized by the file anyway, a process's writers take
//! turns on its writer connection (an in-memory database's, which has none, on
//! a process-wide gate), so none fails with `SQLITE_BUSY`, and the row locks
//! are implied (`WriteTx::runs_alone`).

use super::probes::CommonProbes;
use super::readers::Readers;
use super::sql::{bound, Columns, Statement};
pub use super::tx::WriteTx;
use super::tx::{Done, Query};
use super::writer::{SqliteTx, Writer};
use crate::error::{ApiError, ApiResult};
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::AnyPool;
use std::borrow::Cow;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Mutex;

/// The schema both backends share.
static MIGRATOR: Migrator = sqlx::migrate!("./migrations");
/// What only one backend can express (full-text and trigram indexes, triggers).
/// Its versions interleave with the shared ones in the same `_sqlx_migrations`
/// table, so each migrator ignores the other's rows.
static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("./migrations_sqlite");
static POSTGRES_MIGRATOR: Migrator = sqlx::migrate!("./migrations_postgres");

/// Which database is behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A handle to the database; cheap to clone.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    /// An in-memory SQLite only: orders this process's writers (see the
    /// module docs).
    write_gate: Option<Arc<Mutex<()>>>,
    /// A SQLite file: the connection every write transaction runs on
    /// ([`Writer`]), which is the write gate too.
    writer: Option<Arc<Mutex<Writer>>>,
    /// SQLite only (a file): the reads that run without sqlx ([`Readers`]).
    readers: Option<Arc<Readers>>,
    /// The member searches' index probes this process found common.
    common_probes: Arc<CommonProbes>,
}

/// Accounts above this many members have the statements reading pages of their
/// rows planned for each execution on PostgreSQL ([`Store::keep_plan_for`]).
pub const LARGE_ACCOUNT: i64 = 1000;

impl Store {
    /// Connects (creating the SQLite file and its folder if needed) and migrates.
    pub async fn connect(url: &str, pool_size: u32) -> ApiResult<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else {
            return Err(ApiError::Internal(format!(
                "DATABASE_URL must start with sqlite: or postgres:, not {:?}",
                url.split(':').next().unwrap_or_default()
            )));
        };
        let mut readers = None;
        let mut writer = None;
        if backend == Backend::Sqlite {
            let path = url
                .trim_start_matches("sqlite://")
                .trim_start_matches("sqlite:");
            let path = path.split('?').next().unwrap_or_default();
            readers = Readers::new(path, url).map(Arc::new);
            // A second connection sees the file (not an in-memory database)
            // exactly when the readers can.
            writer = readers
                .is_some()
                .then(|| Arc::new(Mutex::new(Writer::new(path))));
            if let Some(dir) = std::path::Path::new(path).parent() {
                if !dir.as_os_str().is_empty() {
                    std::fs::create_dir_all(dir).map_err(|e| {
                        ApiError::Internal(format!("cannot create {}: {e}", dir.display()))
                    })?;
                }
            }
        }
        let options = AnyConnectOptions::from_str(url)?;
        let pool = AnyPoolOptions::new()
            .max_connections(pool_size.max(1))
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = NORMAL",
                            "PRAGMA foreign_keys = ON",
                            "PRAGMA busy_timeout = 10000",
                            // 1 MiB of page cache per pooled connection (2 by
                            // default): the pages they share stay in the OS's
                            // file cache; keeps RSS in the 64 MB budget.
                            "PRAGMA cache_size = -1024",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await?;
        let store = Store {
            pool,
            backend,
            write_gate: (backend == Backend::Sqlite && writer.is_none())
                .then(|| Arc::new(Mutex::new(()))),
            writer,
            readers,
            common_probes: Arc::default(),
        };
        let own = match backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &POSTGRES_MIGRATOR,
        };
        for migrator in [&MIGRATOR, own] {
            Migrator {
                migrations: migrator.migrations.clone(),
                ignore_missing: true,
                ..Migrator::DEFAULT
            }
            .run(&store.pool)
            .await?;
        }
        Ok(store)
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Whether the statements that read a page of the rows of an account of
    /// `members` members may keep their plans across executions
    /// (`Query::persistent`).
    ///
    /// Not on PostgreSQL for an account above [`LARGE_ACCOUNT`]: accounts differ
    /// in size by five orders of magnitude, and after five runs a prepared
    /// statement switches to a generic plan costed for an average account —
    /// one that read all 10,000 team memberships of the largest organization
    /// to find a page's 50 members (55 requests/s instead of hundreds;
    /// bench/README.md). An unnamed statement is planned for its parameters
    /// each time. Small accounts keep prepared statements, whose generic plans
    /// are made for their size: planning every statement each time cost 30 %
    /// of PostgreSQL's time, and unnamed statements a round trip more. SQLite
    /// does not plan by the values; its statements stay prepared.
    pub fn keep_plan_for(&self, members: i64) -> bool {
        self.backend == Backend::Sqlite || members <= LARGE_ACCOUNT
    }

    /// A statement reading a page of an account's rows: `sql` run as a prepared
    /// statement that keeps its plan, or (`keep` false) unprepared, planned for
    /// its parameters. The unprepared text carries a comment: sqlx reuses a
    /// statement it prepared from the same text for a smaller account even
    /// when asked not to prepare (`persistent(false)`), with its generic plan.
    pub fn page_query(sql: &str, keep: bool) -> Cow<'_, str> {
        if keep {
            Cow::Borrowed(sql)
        } else {
            Cow::Owned(format!("{sql} /* planned for its parameters */"))
        }
    }

    /// The member searches' index probes this process found common
    /// (`store::probes`).
    pub fn common_probes(&self) -> &CommonProbes {
        &self.common_probes
    }

    /// Every row of `statement`, a read outside any transaction, each decoded
    /// by `decode`: on SQLite through the [`Readers`] (no thread hand-off), on
    /// PostgreSQL (and an in-memory SQLite) through sqlx's pool.
    pub async fn read_all<T>(
        &self,
        statement: Statement,
        decode: impl FnMut(&dyn Columns) -> ApiResult<T>,
    ) -> ApiResult<Vec<T>> {
        self.read_rows(statement, usize::MAX, true, decode).await
    }

    /// [`Store::read_all`] for a page of an account's rows, planned as
    /// [`Store::keep_plan_for`] says (`keep`).
    pub async fn read_page<T>(
        &self,
        statement: Statement,
        keep: bool,
        decode: impl FnMut(&dyn Columns) -> ApiResult<T>,
    ) -> ApiResult<Vec<T>> {
        self.read_rows(statement, usize::MAX, keep, decode).await
    }

    /// The first row of `statement`, if any, decoded ([`Store::read_all`]).
    pub async fn read_optional<T>(
        &self,
        statement: Statement,
        decode: impl FnMut(&dyn Columns) -> ApiResult<T>,
    ) -> ApiResult<Option<T>> {
        Ok(self.read_rows(statement, 1, true, decode).await?.pop())
    }

    /// The first row of `statement`, which must have one ([`Store::read_all`]).
    pub async fn read_one<T>(
        &self,
        statement: Statement,
        decode: impl FnMut(&dyn Columns) -> ApiResult<T>,
    ) -> ApiResult<T> {
        let sql = statement.sql.clone();
        self.read_optional(statement, decode)
            .await?
            .ok_or_else(|| ApiError::Internal(format!("no row from {sql}")))
    }

    async fn read_rows<T>(
        &self,
        statement: Statement,
        limit: usize,
        keep: bool,
        mut decode: impl FnMut(&dyn Columns) -> ApiResult<T>,
    ) -> ApiResult<Vec<T>> {
        // SQLite plans no statement by its values: they all keep their plans.
        if let Some(readers) = &self.readers {
            return readers.read(&statement, limit, decode);
        }
        let sql = Store::page_query(&statement.sql, keep);
        let query = bound(sqlx::query(&sql).persistent(keep), statement.binds);
        let rows = if limit == 1 {
            query
                .fetch_optional(self.pool())
                .await?
                .into_iter()
                .collect()
        } else {
            query.fetch_all(self.pool()).await?
        };
        rows.iter().take(limit).map(|row| decode(row)).collect()
    }

    /// Runs one writing statement that belongs to no change of an account
    /// (bookkeeping: rate-limit events, purging what expired): on a SQLite
    /// file as a transaction of its own on the writer (`store::writer`), so
    /// it never waits for the file's lock on a sqlx worker thread; elsewhere
    /// on sqlx's pool.
    pub async fn execute(&self, query: Query) -> ApiResult<Done> {
        if self.writer.is_some() {
            let mut tx = self.begin_write().await?;
            let done = query.execute(&mut tx).await?;
            tx.commit_without_activity().await?;
            return Ok(done);
        }
        let statement = query.statement;
        let done = bound(
            sqlx::query(&statement.sql).persistent(query.persistent),
            statement.binds,
        )
        .execute(&self.pool)
        .await?;
        Ok(Done {
            rows_affected: done.rows_affected(),
        })
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> ApiResult<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Starts a write transaction.
    pub async fn begin_write(&self) -> ApiResult<WriteTx> {
        if let Some(writer) = &self.writer {
            let tx = SqliteTx::begin(writer.clone()).await?;
            return Ok(WriteTx::sqlite(tx));
        }
        let gate = match &self.write_gate {
            Some(gate) => Some(gate.clone().lock_owned().await),
            None => None,
        };
        let tx = self.pool.begin().await?;
        Ok(WriteTx::sqlx(tx, gate))
    }
}
