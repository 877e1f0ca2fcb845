//! Database access: one connection type over SQLite and PostgreSQL, a pool,
//! migrations, and the helpers that run queries off the async workers.

pub mod any_of;
pub mod checkpoint;
pub mod memo;
pub mod outbox;
pub mod recent;
pub mod schema;
pub mod sql;
pub mod writer;
mod written;

pub use any_of::{any_of, any_of_text};
pub use written::Written;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::Semaphore;

use actix_web::web;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::prelude::*;
use diesel::sqlite::SqliteConnection;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use crate::error::ApiError;

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
#[cfg(feature = "postgres")]
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// A connection to whichever database the service was started on.
#[cfg(feature = "postgres")]
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// The embedded default.
    Sqlite(SqliteConnection),
    /// The production database.
    Pg(diesel::pg::PgConnection),
}

/// A connection to whichever database the service was started on.
#[cfg(not(feature = "postgres"))]
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    /// The embedded default.
    Sqlite(SqliteConnection),
}

diesel::define_sql_function! {
    /// Unicode lower case. SQLite's own `lower` folds only ASCII letters, so every SQLite
    /// connection has this registered when it opens; PostgreSQL's `LOWER` folds Unicode.
    fn unicode_lower(x: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// Where the database is, parsed from `DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// A SQLite file.
    Sqlite(PathBuf),
    /// A PostgreSQL server (the URL as given).
    Postgres(String),
}

impl DatabaseUrl {
    /// Parses `sqlite://PATH`, `sqlite:PATH` or `postgres://…` / `postgresql://…`.
    pub fn parse(url: &str) -> anyhow::Result<Self> {
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            anyhow::ensure!(
                !path.is_empty(),
                "DATABASE_URL `sqlite://` needs a file path"
            );
            anyhow::ensure!(
                path != ":memory:",
                "an in-memory SQLite database is not shared between pool connections; use a file"
            );
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            if !cfg!(feature = "postgres") {
                anyhow::bail!(
                    "DATABASE_URL is a PostgreSQL URL, but this build has no PostgreSQL support; \
                     build it with `cargo build --release --features postgres` (needs libpq)"
                );
            }
            return Ok(Self::Postgres(url.to_owned()));
        }
        anyhow::bail!("DATABASE_URL must start with sqlite:// or postgres://")
    }

    /// The `DATABASE_URL` that parses back to this (for a command run beside the server).
    /// A PostgreSQL URL may carry a password: never log it.
    pub fn to_env_value(&self) -> String {
        match self {
            Self::Sqlite(path) => format!("sqlite://{}", path.display()),
            Self::Postgres(url) => url.clone(),
        }
    }

    /// A short name of the backend, for logs.
    pub fn backend(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// Opens connections by URL scheme, so the real connection error is not hidden.
#[derive(Debug)]
pub struct ConnectionManager {
    url: DatabaseUrl,
    /// SQLite: checkpoints are left to [`checkpoint`]'s thread, not run by commits.
    background_checkpoints: bool,
}

impl ConnectionManager {
    /// A manager for `url`.
    pub fn new(url: DatabaseUrl) -> Self {
        Self {
            url,
            background_checkpoints: false,
        }
    }

    /// Opens one connection and prepares it.
    pub fn connect(&self) -> Result<DbConn, diesel::ConnectionError> {
        match &self.url {
            DatabaseUrl::Sqlite(path) => {
                let mut conn = SqliteConnection::establish(&path.to_string_lossy())?;
                // busy_timeout first, so that switching to WAL waits for other connections too.
                // A 16 MiB page cache per connection and reads through mmap: a forum page reads
                // dozens of large rows, and the default 2 MiB cache thrashes at scale. The
                // map's pages count in the process's resident memory (up to 730 MiB at scale
                // 100,000) but are the system's file cache, clean and reclaimable; without the
                // map (and a 4 MiB cache), hot reads were 9–17 % slower (bench/README.md).
                // The log file is cut back to 64 MiB whenever it restarts: a bulk load had grown
                // it to 875 MB, otherwise kept on disk for good.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                     PRAGMA foreign_keys = ON; PRAGMA cache_size = -16384; PRAGMA mmap_size = 1073741824; \
                     PRAGMA journal_size_limit = 67108864; PRAGMA temp_store = MEMORY;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                if self.background_checkpoints {
                    conn.batch_execute("PRAGMA wal_autocheckpoint = 0;")
                        .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                }
                // Registered once: registering a function expires every statement the
                // connection has cached.
                unicode_lower_utils::register_impl(&mut conn, |s: String| s.to_lowercase())
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
            #[cfg(feature = "postgres")]
            DatabaseUrl::Postgres(url) => {
                let mut conn = diesel::pg::PgConnection::establish(url)?;
                // Each statement is planned once per connection. A kept statement is a
                // prepared one, and PostgreSQL plans it again at every execution while it
                // judges a plan for its values cheaper than the generic plan; with a
                // parameter for `LIMIT` it always does (the generic plan is costed for a
                // tenth of the rows), so the catalogue page spent ~0.1 ms of the database's
                // CPU planning for 0.03 ms of reading. Our statements are indexed lookups
                // and keyset pages whose plan does not depend on the values (no `LIKE`
                // prefix, no skew-dependent choice); forcing the generic plan made the
                // catalogue ~3× faster, the lists ~1.4×, and no endpoint measurably slower
                // (bench/README.md, "PostgreSQL plans each statement once per connection").
                conn.batch_execute("SET plan_cache_mode = force_generic_plan")
                    .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Pg(conn))
            }
            #[cfg(not(feature = "postgres"))]
            DatabaseUrl::Postgres(_) => Err(diesel::ConnectionError::BadConnection(
                "this build has no PostgreSQL support".to_owned(),
            )),
        }
    }
}

impl r2d2::ManageConnection for ConnectionManager {
    type Connection = DbConn;
    type Error = diesel::ConnectionError;

    fn connect(&self) -> Result<DbConn, Self::Error> {
        ConnectionManager::connect(self)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), Self::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(diesel::ConnectionError::CouldntSetupConfiguration)
    }

    fn has_broken(&self, conn: &mut DbConn) -> bool {
        // A transaction left open or in error (a failed rollback) is not given out again.
        match conn {
            DbConn::Sqlite(c) => diesel::r2d2::R2D2Connection::is_broken(c),
            #[cfg(feature = "postgres")]
            DbConn::Pg(c) => diesel::r2d2::R2D2Connection::is_broken(c),
        }
    }
}

/// The connection pool.
pub type Pool = r2d2::Pool<ConnectionManager>;

/// The database handle every handler uses: runs blocking work off the async workers.
#[derive(Clone)]
pub struct Db {
    pool: Pool,
    url: DatabaseUrl,
    /// One permit per pooled connection. Requests wait here, asynchronously, before
    /// they take a blocking thread: without it, a burst of requests parks dozens of
    /// blocking threads on the pool's condition variable, and every returned connection
    /// wakes them all.
    permits: Arc<Semaphore>,
    /// SQLite only: the one writer thread, which runs the writes of concurrent requests in
    /// one transaction ([`writer`]). Writers queue there in order instead of each taking a
    /// connection and polling SQLite's lock: SQLite's busy handler sleeps 1, 2, 5 … 100 ms
    /// between tries, so under load the lock sat free while waiters slept (posting ran at
    /// ~190 a second with p99 over a second). The busy timeout still covers other processes
    /// (the CLI) and writes that go through [`Db::read`].
    writer: Option<writer::Writer>,
    /// Longest wait for a connection before answering 503.
    timeout: Duration,
    /// When a write last failed because the storage is full, until a write succeeds again.
    full_since: Arc<Mutex<Option<Instant>>>,
    /// SQLite: the thread that checkpoints the log, while any handle lives.
    _checkpoints: Option<Arc<checkpoint::Checkpoints>>,
}

/// A pooled connection for blocking code outside requests (commands, tests). Whether it
/// writes is not known, so every use of it and its end count as a write for
/// [`recent`]: requests that follow read again what was kept.
pub struct Conn(r2d2::PooledConnection<ConnectionManager>);

impl std::ops::Deref for Conn {
    type Target = DbConn;

    fn deref(&self) -> &DbConn {
        &self.0
    }
}

impl std::ops::DerefMut for Conn {
    fn deref_mut(&mut self) -> &mut DbConn {
        recent::bump_all();
        &mut self.0
    }
}

impl Drop for Conn {
    fn drop(&mut self) {
        recent::bump_all();
    }
}

impl Db {
    /// Builds a pool of `size` connections to `url`. The SQLite file's folder is created if missing.
    pub fn connect(url: DatabaseUrl, size: u32) -> anyhow::Result<Self> {
        Self::connect_with_timeout(url, size, Duration::from_secs(5))
    }

    /// Like [`Db::connect`], with the longest wait for a free connection before answering 503.
    pub fn connect_with_timeout(
        url: DatabaseUrl,
        size: u32,
        timeout: Duration,
    ) -> anyhow::Result<Self> {
        if let DatabaseUrl::Sqlite(path) = &url {
            create_private_file(path)?;
        }
        let mut manager = ConnectionManager::new(url.clone());
        // Fail fast with the real error when the database cannot be reached at all.
        drop(manager.connect().map_err(|e| {
            anyhow::anyhow!("cannot connect to the {} database: {e}", url.backend())
        })?);
        let checkpoints = match url {
            DatabaseUrl::Sqlite(_) => checkpoint::spawn(&manager).map(Arc::new),
            DatabaseUrl::Postgres(_) => None,
        };
        manager.background_checkpoints = checkpoints.is_some();
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(size.min(2)))
            .connection_timeout(timeout)
            // No `SELECT 1` before every checkout: it would add a round trip to every
            // request. Broken connections are caught by `has_broken` instead.
            .test_on_check_out(false)
            .build(manager)?;
        // SQLite: the writer thread takes one pooled connection per batch; the others are
        // the readers'.
        let (writer, readers) = match url {
            DatabaseUrl::Sqlite(_) => (
                Some(writer::Writer::spawn(pool.clone(), timeout)?),
                size.saturating_sub(1).max(1),
            ),
            DatabaseUrl::Postgres(_) => (None, size),
        };
        Ok(Self {
            pool,
            url,
            permits: Arc::new(Semaphore::new(readers as usize)),
            writer,
            timeout,
            full_since: Arc::new(Mutex::new(None)),
            _checkpoints: checkpoints,
        })
    }

    /// Which database this is.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A pooled connection, for blocking code (CLI commands, tests).
    pub fn conn(&self) -> Result<Conn, ApiError> {
        Ok(Conn(self.pool.get()?))
    }

    /// Runs `f` with a connection on the blocking thread pool.
    pub async fn read<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let permit = tokio::time::timeout(self.timeout, self.permits.clone().acquire_owned())
            .await
            .map_err(|_| ApiError::Unavailable("every database connection is busy".to_owned()))?
            .map_err(ApiError::internal)?;
        let pool = self.pool.clone();
        let result = web::block(move || {
            let _permit = permit;
            let mut conn = pool.get()?;
            f(&mut conn)
        })
        .await
        .map_err(ApiError::internal)?;
        if let Err(ApiError::StorageFull(_)) = &result {
            self.set_storage_full(true);
        }
        result
    }

    /// Runs a **short** read: on SQLite, on the calling async worker itself when a reader's
    /// connection is free at this instant; otherwise (every connection busy, or PostgreSQL)
    /// exactly as [`Db::read`].
    ///
    /// The rule for what is short: a bounded number of indexed lookups, each one row by key
    /// or one page of at most [`crate::http::pagination::MAX_LIMIT`] rows through an index,
    /// with no CPU-heavy work on what was read. Never a write, never a scan or an aggregate
    /// over a growing table, never a read that waits on anything (a lock, another
    /// process): while it runs, nothing else runs on the worker. On SQLite such a read takes
    /// microseconds from pages already in memory, less than handing it to the blocking
    /// pool and back (two thread switches; ~20 % of one organisation by id, bench/README
    /// "Statements prepared again at every execution, and short reads on the worker").
    /// SQLite's readers never wait for the writer (WAL), and checkpoints are
    /// passive. On PostgreSQL every read is a network round trip, during which the worker
    /// could serve other requests: those reads are always handed off.
    pub async fn read_short<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        if self.writer.is_some()
            && let Ok(permit) = self.permits.clone().try_acquire_owned()
            && let Some(mut conn) = self.pool.try_get()
        {
            let result = f(&mut conn);
            drop(conn);
            drop(permit);
            if let Err(ApiError::StorageFull(_)) = &result {
                self.set_storage_full(true);
            }
            return result;
        }
        self.read(f).await
    }

    /// Runs `f` in a write transaction: all of it or none of it. On SQLite, through the
    /// writer thread, in one transaction with the writes queued beside it ([`writer`]);
    /// on PostgreSQL, in a transaction of its own on the blocking thread pool.
    pub async fn write<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        self.write_unless(|_| Ok(None), f).await
    }

    /// Runs `write` as [`Db::write`] does, unless `done` (a read of what the write would
    /// find) answers already: for a write that is usually a repeat changing nothing (a
    /// client's retry or sync on a slow link). On PostgreSQL `done` runs first, outside any
    /// transaction, on the connection and thread the write then uses: a repeat costs its
    /// reads and no `BEGIN`/`COMMIT`. On SQLite only `write` runs: the writer's batch runs a
    /// repeat's reads beside the others' for less than a read of its own (bench/README, "A
    /// repeated completion answered by a read"), so `write` must check the same itself.
    pub async fn write_unless<T, D, F>(&self, done: D, write: F) -> Result<T, ApiError>
    where
        D: FnOnce(&mut DbConn) -> Result<Option<T>, ApiError> + Send + 'static,
        F: FnOnce(&mut DbConn) -> Result<T, ApiError> + Send + 'static,
        T: Send + 'static,
    {
        let result = match &self.writer {
            Some(writer) => writer.write(write).await,
            None => {
                self.read(move |conn| match done(conn)? {
                    Some(answer) => Ok(answer),
                    None => write_transaction(conn, write),
                })
                .await
            }
        };
        match &result {
            Ok(_) => self.set_storage_full(false),
            Err(ApiError::StorageFull(_)) => self.set_storage_full(true),
            Err(_) => {}
        }
        result
    }

    fn set_storage_full(&self, full: bool) {
        let mut since = self.full_since.lock().unwrap_or_else(|p| p.into_inner());
        match (full, since.is_some()) {
            (true, _) => *since = Some(Instant::now()),
            (false, true) => {
                tracing::info!("storage: writes succeed again");
                *since = None;
            }
            (false, false) => {}
        }
    }

    /// Whether a write failed for lack of space and none has succeeded since.
    pub fn storage_full(&self) -> bool {
        self.full_since
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
    }

    /// Applies pending migrations; returns how many ran.
    pub fn migrate(&self) -> anyhow::Result<usize> {
        let mut conn = self.pool.get()?;
        let ran = match &mut *conn {
            DbConn::Sqlite(c) => c.run_pending_migrations(SQLITE_MIGRATIONS).map(|v| v.len()),
            #[cfg(feature = "postgres")]
            DbConn::Pg(c) => c
                .run_pending_migrations(POSTGRES_MIGRATIONS)
                .map(|v| v.len()),
        };
        ran.map_err(|e| anyhow::anyhow!("migration failed: {e}"))
    }

    /// Whether the database answers, can take writes and has every migration applied.
    /// After a write failed for lack of space, a small write (rolled back) is tried first:
    /// 503 `storage_full` until one succeeds.
    pub async fn ready(&self) -> Result<bool, ApiError> {
        let check_writes = self.storage_full();
        let ready = self
            .read(move |conn| {
                conn.batch_execute("SELECT 1")?;
                if check_writes {
                    probe_write(conn)?;
                }
                let pending = match conn {
                    DbConn::Sqlite(c) => c.has_pending_migration(SQLITE_MIGRATIONS),
                    #[cfg(feature = "postgres")]
                    DbConn::Pg(c) => c.has_pending_migration(POSTGRES_MIGRATIONS),
                };
                Ok(!pending.map_err(|e| ApiError::internal(anyhow::anyhow!("{e}")))?)
            })
            .await?;
        if check_writes {
            self.set_storage_full(false);
        }
        Ok(ready)
    }
}

/// Whether `err` says the database or its disk is full: SQLite's `SQLITE_FULL`, PostgreSQL's
/// `disk_full` (53100: a relation or a temporary file could not grow). diesel keeps only the
/// message of such errors, so the message is what is matched.
pub fn is_storage_full(err: &diesel::result::Error) -> bool {
    let diesel::result::Error::DatabaseError(_, info) = err else {
        return false;
    };
    let message = info.message();
    // PostgreSQL reports ENOSPC and EDQUOT as disk_full, with the system's message.
    message.contains("database or disk is full")
        || message.contains("No space left on device")
        || message.contains("Disk quota exceeded")
}

/// Writes about 64 KiB in a transaction that is rolled back: fails as a real write would
/// when the database cannot grow (SQLite's page limit, a full disk on PostgreSQL).
fn probe_write(conn: &mut DbConn) -> Result<(), ApiError> {
    let sql = match conn {
        DbConn::Sqlite(_) => {
            "CREATE TABLE bayanihan_write_probe (x BLOB); \
             INSERT INTO bayanihan_write_probe VALUES (zeroblob(65536));"
        }
        #[cfg(feature = "postgres")]
        DbConn::Pg(_) => {
            "CREATE TABLE bayanihan_write_probe (x BIGINT); \
             INSERT INTO bayanihan_write_probe SELECT g FROM generate_series(1, 2000) g;"
        }
    };
    let probe = write_transaction(conn, |conn| {
        conn.batch_execute(sql)?;
        Err::<(), _>(diesel::result::Error::RollbackTransaction)
    });
    match probe {
        Err(diesel::result::Error::RollbackTransaction) => Ok(()),
        Err(err) => Err(err.into()),
        Ok(()) => Ok(()),
    }
}

/// Creates the SQLite database file readable by its owner only (and its folder, when
/// missing, likewise): SQLite gives the `-wal` and `-shm` files the database file's mode.
/// An existing file or folder keeps the mode its operator gave it.
fn create_private_file(path: &Path) -> anyhow::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_private_dir(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(anyhow::anyhow!(
            "cannot create the database file {}: {e}",
            path.display()
        )),
    }
}

/// Creates `dir` and any missing parent readable by its owner only (0700).
pub fn create_private_dir(dir: &Path) -> anyhow::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder
        .create(dir)
        .map_err(|e| anyhow::anyhow!("cannot create the folder {}: {e}", dir.display()))
}

/// The contents of the private file `dir/name`, creating it (mode 0600) with `make()` when
/// it does not exist yet. The new contents are written whole under a name of their own and
/// then linked into place, so nobody ever reads a half-written file and, of several instances
/// starting together, one file wins and every instance reads that one.
pub fn read_or_create_private_file(
    dir: &Path,
    name: &str,
    make: impl FnOnce() -> anyhow::Result<String>,
) -> anyhow::Result<String> {
    use std::io::Write as _;
    let path = dir.join(name);
    if let Ok(existing) = std::fs::read_to_string(&path) {
        return Ok(existing);
    }
    create_private_dir(dir)?;
    let contents = make()?;
    let temp = dir.join(format!("{name}.{}.tmp", uuid::Uuid::new_v4().simple()));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&temp).and_then(|mut file| {
        file.write_all(contents.as_bytes())?;
        file.sync_all()
    });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        anyhow::bail!("cannot write {}: {e}", temp.display());
    }
    let linked = std::fs::hard_link(&temp, &path);
    let _ = std::fs::remove_file(&temp);
    match linked {
        Ok(()) => tracing::info!(path = %path.display(), "generated a new private file"),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
        Err(e) => anyhow::bail!("cannot write {}: {e}", path.display()),
    }
    std::fs::read_to_string(&path)
        .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
}

/// Runs `f` in a transaction. On SQLite the write lock is taken up front
/// (`BEGIN IMMEDIATE`), so concurrent writers wait for each other instead of
/// failing with "database is locked" when they upgrade a read lock.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        #[cfg(feature = "postgres")]
        DbConn::Pg(c) => AnsiTransactionManager::begin_transaction(c)?,
    }
    match f(conn) {
        Ok(value) => {
            let committed = <DbConn as Connection>::TransactionManager::commit_transaction(conn);
            // What was kept from earlier reads is read again (`recent`).
            recent::bump();
            committed?;
            Ok(value)
        }
        Err(err) => {
            // The caller's error matters more than a failed rollback, which leaves the
            // connection marked broken for the pool to discard.
            let _ = <DbConn as Connection>::TransactionManager::rollback_transaction(conn);
            Err(err)
        }
    }
}

/// `sql` with its `?` placeholders numbered (`$1`, `$2`, …) as PostgreSQL wants them, for
/// raw statements written once for both databases. `sql` must hold no `?` inside literals.
pub fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 16);
    let mut n = 0;
    for c in sql.chars() {
        if c == '?' {
            n += 1;
            out.push('$');
            out.push_str(&n.to_string());
        } else {
            out.push(c);
        }
    }
    out
}

/// The current time as stored: UTC, truncated to microseconds (PostgreSQL's precision),
/// so that both databases give back exactly what was written.
pub fn now() -> chrono::NaiveDateTime {
    truncate_to_stored(chrono::Utc::now().naive_utc())
}

/// `t` truncated to microseconds, as every stored timestamp is.
pub fn truncate_to_stored(t: chrono::NaiveDateTime) -> chrono::NaiveDateTime {
    use chrono::{DurationRound, TimeDelta};
    t.duration_trunc(TimeDelta::microseconds(1)).unwrap_or(t)
}

/// Holds the row `id` of `table` until the transaction ends. PostgreSQL locks the row
/// (`FOR UPDATE`); SQLite write transactions (`BEGIN IMMEDIATE`) hold the whole database
/// already. `table` is one of the schema's table names, never caller text.
#[cfg_attr(
    not(feature = "postgres"),
    expect(unused_variables, reason = "only PostgreSQL locks single rows")
)]
pub fn lock_row(conn: &mut DbConn, table: &'static str, id: i64) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(_) => Ok(()),
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => {
            diesel::sql_query(format!("SELECT 1 FROM {table} WHERE id = $1 FOR UPDATE"))
                .bind::<diesel::sql_types::BigInt, _>(id)
                .execute(pg)?;
            Ok(())
        }
    }
}

/// `query` (rows of joined tables, PostgreSQL only) holding the rows it reads of `table`
/// until the transaction ends: `… FOR UPDATE OF table`. Diesel's `for_update` has no `OF`,
/// and a plain `FOR UPDATE` locks a row of every table joined (and is refused on the
/// nullable side of an outer join). So a row is read and held in one statement where
/// [`lock_row`] and a read would be two. Kept in each connection's statement cache by its
/// text, as diesel keeps its own statements. SQLite needs none: its write transactions hold
/// the whole database.
#[cfg(feature = "postgres")]
pub fn for_update_of<Q>(query: Q, table: &'static str) -> ForUpdateOf<Q> {
    ForUpdateOf { query, table }
}

/// See [`for_update_of`].
#[cfg(feature = "postgres")]
#[derive(Debug, Clone, Copy)]
pub struct ForUpdateOf<Q> {
    query: Q,
    table: &'static str,
}

#[cfg(feature = "postgres")]
impl<Q> diesel::query_builder::QueryId for ForUpdateOf<Q> {
    type QueryId = ();
    // Kept by its text: the table's name is not part of the type.
    const HAS_STATIC_QUERY_ID: bool = false;
}

#[cfg(feature = "postgres")]
impl<Q: diesel::query_builder::Query> diesel::query_builder::Query for ForUpdateOf<Q> {
    type SqlType = Q::SqlType;
}

#[cfg(feature = "postgres")]
impl<Q> diesel::query_builder::QueryFragment<diesel::pg::Pg> for ForUpdateOf<Q>
where
    Q: diesel::query_builder::QueryFragment<diesel::pg::Pg>,
{
    fn walk_ast<'b>(
        &'b self,
        mut out: diesel::query_builder::AstPass<'_, 'b, diesel::pg::Pg>,
    ) -> QueryResult<()> {
        self.query.walk_ast(out.reborrow())?;
        out.push_sql(" FOR UPDATE OF ");
        out.push_identifier(self.table)
    }
}

#[cfg(feature = "postgres")]
impl<Q, Conn> RunQueryDsl<Conn> for ForUpdateOf<Q> {}

/// Serialises the transactions that take the same `scope` and `key` until they end: a
/// transaction lock on PostgreSQL (`pg_advisory_xact_lock`, on a hash of both); SQLite write
/// transactions (`BEGIN IMMEDIATE`) hold the whole database already. For counters kept in
/// rows that do not exist yet (throttling), where there is no row to lock; and, with
/// [`share_key`], for work many may do at once that one kind of change must not interleave.
pub fn lock_key(conn: &mut DbConn, scope: &str, key: &str) -> QueryResult<()> {
    key_lock(conn, "pg_advisory_xact_lock", scope, key)
}

/// Holds `scope` and `key` against [`lock_key`] until the transaction ends, beside other
/// holders of `share_key` (`pg_advisory_xact_lock_shared`): a readers-writer lock, in the
/// lock manager's memory. Many learners start one quiz at once this way while its editors
/// wait for them; a shared row lock (`FOR SHARE`) would write every holder into the row.
pub fn share_key(conn: &mut DbConn, scope: &str, key: &str) -> QueryResult<()> {
    key_lock(conn, "pg_advisory_xact_lock_shared", scope, key)
}

#[cfg_attr(
    not(feature = "postgres"),
    expect(unused_variables, reason = "only PostgreSQL takes key locks")
)]
fn key_lock(conn: &mut DbConn, function: &'static str, scope: &str, key: &str) -> QueryResult<()> {
    match conn {
        DbConn::Sqlite(_) => Ok(()),
        #[cfg(feature = "postgres")]
        DbConn::Pg(pg) => {
            diesel::sql_query(format!(
                "SELECT {function}(hashtextextended($1 || '|' || $2, 0))"
            ))
            .bind::<diesel::sql_types::Text, _>(scope)
            .bind::<diesel::sql_types::Text, _>(key)
            .execute(pg)?;
            Ok(())
        }
    }
}

/// Runs `$body` with `$c` bound to the backend's own connection, for SQL the
/// MultiConnection cannot build: multi-row inserts, `ON CONFLICT`. Repos and the seed's bulk
/// loaders only; the rest of the code stays backend-neutral.
macro_rules! per_backend {
    ($conn:expr, |$c:ident| $body:expr) => {
        match $conn {
            $crate::db::DbConn::Sqlite($c) => $body,
            #[cfg(feature = "postgres")]
            $crate::db::DbConn::Pg($c) => $body,
        }
    };
}
pub(crate) use per_backend;

/// Inserts the slice `$rows` into `$table` in multi-row statements of at most `$chunk` rows
/// (bulk loading): the number of rows inserted, as `QueryResult<usize>`. A failed statement
/// returns its error from the enclosing function (`?`).
macro_rules! insert_chunked {
    ($conn:expr, $table:expr, $rows:expr, $chunk:expr) => {{
        let mut inserted = 0;
        for chunk in $rows.chunks($chunk) {
            inserted += $crate::db::per_backend!(&mut *$conn, |c| {
                diesel::RunQueryDsl::execute(diesel::insert_into($table).values(chunk), c)?
            });
        }
        diesel::QueryResult::Ok(inserted)
    }};
}
pub(crate) use insert_chunked;

/// `INSERT … ON CONFLICT DO NOTHING` of `$values` into `$table`: `QueryResult<usize>`, 0 when
/// a conflicting row was there already.
macro_rules! insert_or_ignore {
    ($conn:expr, $table:expr, $values:expr) => {
        $crate::db::per_backend!($conn, |c| diesel::RunQueryDsl::execute(
            diesel::insert_into($table)
                .values($values)
                .on_conflict_do_nothing(),
            c
        ))
    };
}
pub(crate) use insert_or_ignore;

/// Updates the rows `$target` with `$changes`, or when there is none inserts `$values` into
/// `$table`: `QueryResult<bool>`, whether it inserted. For rows keyed by their owner (a
/// translation: owner id and language; a cohort's call), inside the caller's transaction;
/// an `ON CONFLICT` upsert would need SQL of each backend.
macro_rules! update_or_insert {
    ($conn:expr, $target:expr, $changes:expr, $table:expr, $values:expr $(,)?) => {{
        use diesel::prelude::*;
        let conn: &mut $crate::db::DbConn = $conn;
        match diesel::update($target).set($changes).execute(conn) {
            Ok(0) => diesel::insert_into($table)
                .values($values)
                .execute(conn)
                .map(|_| true),
            Ok(_) => Ok(false),
            Err(e) => Err(e),
        }
    }};
}
pub(crate) use update_or_insert;

/// `updated_at = $at, version = version + 1` for a row of `$table`: the changeset every
/// change to a versioned row carries (with its own columns, in a tuple).
macro_rules! new_version {
    ($table:ident, $at:expr) => {
        (
            $table::updated_at.eq($at),
            $table::version.eq($table::version + 1),
        )
    };
}
pub(crate) use new_version;

/// The default SQLite URL under a data folder.
pub fn default_sqlite_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("bayanihan.db").display())
}

/// `%text%` for `LIKE … ESCAPE '\\'`, with LIKE's own wildcards escaped, so that user
/// text is matched literally as a substring.
pub fn like_contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

#[cfg(test)]
mod tests {
    #[test]
    fn like_wildcards_are_escaped() {
        assert_eq!(super::like_contains("a%b_c\\"), "%a\\%b\\_c\\\\%");
    }

    /// A short read runs on the caller's thread while a reader's connection is free, and is
    /// handed to the blocking pool, with the same answer, when every reader is busy.
    #[tokio::test]
    async fn a_short_read_stays_on_the_worker_only_while_a_connection_is_free() {
        use crate::error::ApiError;
        use diesel::connection::SimpleConnection;
        let dir = tempfile::tempdir().unwrap();
        let db =
            super::Db::connect(super::DatabaseUrl::Sqlite(dir.path().join("short.db")), 3).unwrap();
        let here = std::thread::current().id();
        async fn read(db: &super::Db) -> Result<std::thread::ThreadId, ApiError> {
            db.read_short(|conn| {
                conn.batch_execute("SELECT 1")?;
                Ok(std::thread::current().id())
            })
            .await
        }
        assert_eq!(read(&db).await.unwrap(), here);

        let readers = db.permits.available_permits() as u32;
        let busy = db
            .permits
            .clone()
            .acquire_many_owned(readers)
            .await
            .unwrap();
        let waiting = tokio::spawn({
            let db = db.clone();
            async move { read(&db).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        assert!(
            !waiting.is_finished(),
            "a short read went past the busy readers"
        );
        drop(busy);
        let ran_on = waiting.await.unwrap().unwrap();
        assert_ne!(ran_on, here, "a short read waited on the worker");
    }

    /// `.cargo/config.toml` builds the bundled SQLite with its query planner stability
    /// guarantee. Without it every query with a bound `LIMIT` (diesel's `.first()` and
    /// `.limit()`) is prepared again at each execution.
    #[test]
    fn sqlite_plans_a_statement_once_whatever_is_bound() {
        use diesel::{Connection, QueryableByName, RunQueryDsl, sql_types::Text};
        #[derive(QueryableByName)]
        struct CompileOption {
            #[diesel(sql_type = Text)]
            compile_options: String,
        }
        let mut conn = diesel::SqliteConnection::establish(":memory:").unwrap();
        let options: Vec<CompileOption> =
            diesel::sql_query("SELECT compile_options FROM pragma_compile_options")
                .load(&mut conn)
                .unwrap();
        assert!(
            options.iter().any(|o| o.compile_options == "ENABLE_QPSG"),
            "SQLite was built without SQLITE_ENABLE_QPSG (see .cargo/config.toml)"
        );
    }
}
