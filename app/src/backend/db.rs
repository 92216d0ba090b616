//! One data-access handle over SQLite and PostgreSQL. Queries are written once
//! in portable SQL (`$1…$N` placeholders, BIGINT times and flags, TEXT JSON) and
//! run through sqlx's `Any` driver; `kind()` lets the rare backend-specific
//! statement choose its dialect.

use crate::domain::ids::{encode_random, format_uuid_v4, format_uuid_v7, time_ordered_bytes, IdKind};
use crate::domain::AppError;
use chrono::{DateTime, TimeZone, Utc};
use sqlx::any::{AnyPoolOptions, AnyRow};
use sqlx::{AnyPool, Executor};
use std::sync::Arc;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbKind {
    Sqlite,
    Postgres,
}

#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    kind: DbKind,
    /// SQLite allows one writer at a time, and its busy handler makes waiting
    /// writers sleep and retry, which is unfair: under a steady stream of
    /// writes some transactions starve for seconds. Writers of this process
    /// queue here instead, first come, first served. (None on PostgreSQL.)
    write_turn: Option<Arc<tokio::sync::Mutex<()>>>,
    /// This process's short-lived copies of hot configuration (see `read_cache`).
    caches: Arc<super::read_cache::ReadCaches>,
}

/// A write transaction, holding this process's turn to write (SQLite) until
/// it commits or is dropped (rolled back). Derefs to the connection.
pub struct WriteTx {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl WriteTx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for WriteTx {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for WriteTx {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

/// See [`Db::dedicated_writer`].
pub struct DedicatedWriter {
    conn: sqlx::pool::PoolConnection<sqlx::Any>,
    kind: DbKind,
    write_turn: Option<Arc<tokio::sync::Mutex<()>>>,
}

impl DedicatedWriter {
    /// Like [`Db::begin_write`], on this connection.
    pub async fn begin(&mut self) -> Result<DedicatedTx<'_>, sqlx::Error> {
        let turn = match &self.write_turn {
            Some(turn) => Some(turn.clone().lock_owned().await),
            None => None,
        };
        let tx = match self.kind {
            DbKind::Sqlite => sqlx::Connection::begin_with(&mut *self.conn, "BEGIN IMMEDIATE").await?,
            DbKind::Postgres => sqlx::Connection::begin(&mut *self.conn).await?,
        };
        Ok(DedicatedTx { tx, kind: self.kind, _turn: turn })
    }
}

/// A write transaction on a [`DedicatedWriter`]; derefs to the connection.
pub struct DedicatedTx<'c> {
    tx: sqlx::Transaction<'c, sqlx::Any>,
    kind: DbKind,
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
}

impl DedicatedTx<'_> {
    pub fn kind(&self) -> DbKind {
        self.kind
    }

    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl std::ops::Deref for DedicatedTx<'_> {
    type Target = sqlx::AnyConnection;
    fn deref(&self) -> &sqlx::AnyConnection {
        &self.tx
    }
}

impl std::ops::DerefMut for DedicatedTx<'_> {
    fn deref_mut(&mut self) -> &mut sqlx::AnyConnection {
        &mut self.tx
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with sqlite:// or postgres://, got {0:?}")]
    UnsupportedUrl(String),
    #[error("cannot create the database directory {0}: {1}")]
    Directory(String, std::io::Error),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
    #[error(transparent)]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

impl Db {
    /// Connects (creating a SQLite file and its directory if needed) and runs
    /// the migrations. Several PostgreSQL replicas may do this at once: sqlx
    /// serialises migrations with an advisory lock.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let (kind, url) = if url.starts_with("sqlite:") {
            (DbKind::Sqlite, prepare_sqlite_url(url)?)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            (DbKind::Postgres, url.to_string())
        } else {
            return Err(DbError::UnsupportedUrl(url.to_string()));
        };
        let options = AnyPoolOptions::new()
            .max_connections(if kind == DbKind::Sqlite { 8 } else { 16 })
            .acquire_timeout(Duration::from_secs(10))
            // A SQLite connection is an open file: it cannot have gone away
            // while idle, so the ping the pool sends before lending it out
            // (a round trip to the connection's own thread) buys nothing.
            // PostgreSQL keeps the ping: a server restart leaves dead connections.
            .test_before_acquire(kind == DbKind::Postgres);
        let options = if kind == DbKind::Sqlite {
            options.after_connect(|conn, _meta| {
                Box::pin(async move {
                    // WAL lets readers proceed during a write. synchronous=FULL
                    // syncs the WAL on every commit, so an accepted write
                    // survives a power cut, not just a crashed process.
                    // Checkpoints run in the background (`checkpoint_in_background`)
                    // instead of inside whichever commit crosses the threshold,
                    // which would usually be the one hot writer's.
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA busy_timeout = 10000; PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 0;",
                    )
                    .await?;
                    Ok(())
                })
            })
        } else {
            options
        };
        let pool = options.connect(&url).await?;
        MIGRATOR.run(&pool).await?;
        if kind == DbKind::Sqlite {
            tokio::spawn(checkpoint_in_background(pool.clone()));
        }
        let write_turn = (kind == DbKind::Sqlite).then(|| Arc::new(tokio::sync::Mutex::new(())));
        Ok(Db { pool, kind, write_turn, caches: Default::default() })
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn kind(&self) -> DbKind {
        self.kind
    }

    /// This process's copies of hot configuration; writers forget what they change.
    pub fn caches(&self) -> &super::read_cache::ReadCaches {
        &self.caches
    }

    /// Starts a transaction that will write. On SQLite it takes the write
    /// lock at once (`BEGIN IMMEDIATE`): a transaction that read first and
    /// wrote later would fail with SQLITE_BUSY, without waiting, whenever
    /// another connection committed in between.
    /// Must not be called while this task already holds a `WriteTx`.
    pub async fn begin_write(&self) -> Result<WriteTx, sqlx::Error> {
        let turn = match &self.write_turn {
            Some(turn) => Some(turn.clone().lock_owned().await),
            None => None,
        };
        let tx = match self.kind {
            DbKind::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            DbKind::Postgres => self.pool.begin().await?,
        };
        Ok(WriteTx { tx, _turn: turn })
    }

    /// A connection set aside for one long-lived writer (group commit): always
    /// the same one, so its page cache stays warm. (A connection taken from
    /// the pool for each batch would often be one whose cache another
    /// connection's writes had made stale, and would read its pages again.)
    pub async fn dedicated_writer(&self) -> Result<DedicatedWriter, sqlx::Error> {
        Ok(DedicatedWriter { conn: self.pool.acquire().await?, kind: self.kind, write_turn: self.write_turn.clone() })
    }

    /// Runs one write statement in its own transaction, taking its turn with
    /// the other writers (see `write_turn`) rather than SQLite's busy handler.
    pub async fn execute_write<'q>(
        &self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments<'q>>,
    ) -> Result<sqlx::any::AnyQueryResult, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let done = query.execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(done)
    }

    /// Round trip for `/healthz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        sqlx::query("SELECT 1").execute(&self.pool).await.map(|_| ())
    }
}

/// How often the SQLite WAL is copied back into the database file.
const CHECKPOINT_EVERY: Duration = Duration::from_millis(250);

/// Checkpoints the SQLite WAL now and then, on a pool connection of its own.
/// PASSIVE waits for nobody: the writer keeps appending meanwhile, on the
/// other core. (As SQLite's automatic checkpoint would, had it not been
/// turned off in `connect`.)
async fn checkpoint_in_background(pool: AnyPool) {
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    loop {
        tick.tick().await;
        if pool.is_closed() {
            return;
        }
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)").execute(&pool).await {
            tracing::warn!(error = %e, "checkpointing the SQLite WAL failed; trying again shortly");
        }
    }
}

/// `sqlite://data/vox.db` → makes sure `data/` exists and asks sqlx to create the file.
fn prepare_sqlite_url(url: &str) -> Result<String, DbError> {
    let rest = url.trim_start_matches("sqlite:").trim_start_matches("//");
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    if path != ":memory:" && !path.is_empty() {
        if let Some(dir) = std::path::Path::new(path).parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| DbError::Directory(dir.display().to_string(), e))?;
        }
    }
    let query = if query.is_empty() { "mode=rwc".to_string() } else { query.to_string() };
    Ok(format!("sqlite://{path}?{query}"))
}

/// A new id with the kind's prefix: random, or time-ordered for records written in volume (see `ids`).
pub fn new_id(kind: IdKind) -> String {
    let body = match (kind.is_time_ordered(), kind.is_uuid_style()) {
        (true, uuid) => {
            let bytes = time_ordered_bytes(now_ms().max(0) as u64, rand::random());
            if uuid {
                format_uuid_v7(bytes)
            } else {
                encode_random(bytes)
            }
        }
        (false, true) => format_uuid_v4(rand::random()),
        (false, false) => encode_random(rand::random()),
    };
    format!("{}{body}", kind.prefix())
}

pub fn now_ms() -> i64 {
    Utc::now().timestamp_millis()
}

pub fn to_datetime(ms: i64) -> DateTime<Utc> {
    Utc.timestamp_millis_opt(ms).single().unwrap_or_default()
}

/// Turns a failure of ours into an opaque 500, logging the cause (once, here:
/// inside the request's span, so the log line carries its request id).
pub fn internal(err: impl std::fmt::Display) -> AppError {
    tracing::error!(error = %err, "internal error");
    AppError::Internal
}

/// A database failure is never the caller's doing: `?` turns it into a 500
/// (see [`internal`]).
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        internal(err)
    }
}

/// JSON that fails to (de)serialize here is data of ours (a stored column, a
/// value built in code); input from callers is parsed with field-naming
/// problems before it gets this far. `?` turns it into a 500.
impl From<serde_json::Error> for AppError {
    fn from(err: serde_json::Error) -> Self {
        internal(err)
    }
}

/// True when the error is a unique-constraint violation on either backend.
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_unique_violation())
}

/// True when the error is a foreign-key violation on either backend (a row
/// referred to was deleted after it was looked up).
pub fn is_foreign_key_violation(err: &sqlx::Error) -> bool {
    matches!(err, sqlx::Error::Database(db) if db.is_foreign_key_violation())
}

/// Reads a TEXT column that holds a JSON document.
pub fn json_column<T: serde::de::DeserializeOwned>(row: &AnyRow, column: &str) -> Result<T, AppError> {
    use sqlx::Row;
    let text: String = row.try_get(column)?;
    Ok(serde_json::from_str(&text)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_get_create_mode() {
        let dir = std::env::temp_dir().join(format!("vox-db-url-{}", std::process::id()));
        let url = format!("sqlite://{}/x/vox.db", dir.display());
        let prepared = prepare_sqlite_url(&url).unwrap();
        assert!(prepared.ends_with("vox.db?mode=rwc"), "{prepared}");
        assert!(dir.join("x").is_dir());
        assert_eq!(prepare_sqlite_url("sqlite::memory:").unwrap(), "sqlite://:memory:?mode=rwc");
    }
}
