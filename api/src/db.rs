//! Opening the database: SQLite (embedded default) or PostgreSQL, with a
//! statement counter that tests and metrics read.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction,
    TransactionTrait,
};

/// Counts SQL statements sent to the database since start-up.
#[derive(Debug, Clone, Default)]
pub struct StatementCounter(Arc<AtomicU64>);

impl StatementCounter {
    pub fn get(&self) -> u64 {
        self.0.load(Ordering::Relaxed)
    }
}

/// Serialises write transactions on SQLite. SQLite has one writer at a
/// time, and a transaction that read before another one committed cannot
/// upgrade to a write (SQLITE_BUSY_SNAPSHOT), so concurrent editors would
/// see spurious failures. One server process per SQLite file waits its turn
/// here instead; PostgreSQL needs no gate (rows are locked with FOR UPDATE).
#[derive(Debug, Clone, Default)]
pub struct WriteGate(Option<Arc<tokio::sync::Mutex<()>>>);

impl WriteGate {
    pub fn for_url(url: &str) -> Self {
        Self(
            url.starts_with("sqlite:")
                .then(|| Arc::new(tokio::sync::Mutex::new(()))),
        )
    }

    /// Waits for the turn to write; hold the guard until commit.
    pub async fn enter(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match &self.0 {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        }
    }
}

/// Connects to `url`, creating the SQLite file's folder when needed. A
/// request waits at most `acquire_timeout` for a connection: when the
/// database is down the pool keeps trying to connect for that long, then
/// the request fails (`is_unavailable`) rather than hang.
pub async fn connect(
    url: &str,
    acquire_timeout: Duration,
) -> anyhow::Result<(DatabaseConnection, StatementCounter)> {
    let folder = sqlite_file(url)
        .and_then(|path| Path::new(path).parent())
        .filter(|dir| !dir.as_os_str().is_empty());
    if let Some(dir) = folder {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the database folder {}", dir.display()))?;
    }
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(pool_size(url))
        .connect_timeout(Duration::from_secs(10))
        .acquire_timeout(acquire_timeout)
        .sqlx_logging(false);
    let mut db = Database::connect(options)
        .await
        .context("connecting to the database (check DATABASE_URL)")?;
    let counter = StatementCounter::default();
    let shared = counter.0.clone();
    db.set_metric_callback(move |info| {
        shared.fetch_add(1, Ordering::Relaxed);
        // RUST_LOG=api::sql=trace shows every statement with its timing.
        tracing::trace!(target: "api::sql", elapsed = ?info.elapsed, failed = info.failed, sql = %info.statement.sql);
    });
    Ok((db, counter))
}

/// Whether `err` says the database cannot be reached (rather than that
/// it answered with an error): no connection could be had in time, the
/// connection failed or broke, or the server is shutting down, starting
/// up or out of connections.
pub fn is_unavailable(err: &sea_orm::DbErr) -> bool {
    use sea_orm::sqlx::Error as Sqlx;
    use sea_orm::{DbErr, RuntimeErr};
    let sqlx = match err {
        DbErr::ConnectionAcquire(_) => return true,
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => e.as_ref(),
        _ => return false,
    };
    match sqlx {
        Sqlx::Io(_)
        | Sqlx::Tls(_)
        | Sqlx::PoolTimedOut
        | Sqlx::PoolClosed
        | Sqlx::WorkerCrashed => true,
        // SQLSTATE class 08 (connection exception), 57P01–57P03 (the
        // server is shutting down or starting up), 53300 (too many
        // connections).
        Sqlx::Database(db) => db.code().is_some_and(|code| {
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P03" | "53300")
        }),
        _ => false,
    }
}

fn pool_size(url: &str) -> u32 {
    if url.starts_with("sqlite:") { 4 } else { 10 }
}

/// How many exports may stream at once: each holds a connection for as
/// long as its client reads, so at least half the pool stays free.
pub fn concurrent_exports(url: &str) -> usize {
    (pool_size(url) / 2).max(1) as usize
}

/// The turn to set the database up (migrate, seed): on PostgreSQL a
/// transaction holding an advisory lock, so that processes starting
/// together (two replicas, or a migration job and a replica) take turns
/// instead of racing to create the same tables or seed the same rows. The
/// lock goes with the transaction: on `release`, on drop, or when the
/// process dies. SQLite has one process per file and needs no turn.
pub struct SetupTurn(Option<DatabaseTransaction>);

impl std::fmt::Debug for SetupTurn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("SetupTurn").field(&self.0.is_some()).finish()
    }
}

/// The advisory lock's key: any fixed number no other lock of the
/// database uses.
const SETUP_LOCK: i64 = 0x6d65_6462_6f72_6761;

impl SetupTurn {
    /// Waits until no other process is setting `db` up.
    pub async fn take(db: &DatabaseConnection) -> anyhow::Result<Self> {
        if db.get_database_backend() != sea_orm::DbBackend::Postgres {
            return Ok(Self(None));
        }
        let turn = db.begin().await.context("starting the setup transaction")?;
        turn.execute_unprepared(&format!("SELECT pg_advisory_xact_lock({SETUP_LOCK})"))
            .await
            .context("waiting for another process to finish setting the database up")?;
        Ok(Self(Some(turn)))
    }

    /// Lets the next process set the database up.
    pub async fn release(self) -> anyhow::Result<()> {
        if let Some(turn) = self.0 {
            turn.commit()
                .await
                .context("ending the setup transaction")?;
        }
        Ok(())
    }
}

/// `migrate` in its turn (`SetupTurn`): for the commands that only
/// migrate before their own work.
pub async fn migrate_in_turn(db: &DatabaseConnection) -> anyhow::Result<()> {
    let turn = SetupTurn::take(db).await?;
    migrate(db).await?;
    turn.release().await
}

/// Brings the schema up to date, then the data derived from rows that a
/// migration cannot compute (the stored comparison figures of a database
/// from before they were kept).
pub async fn migrate(db: &DatabaseConnection) -> anyhow::Result<()> {
    Migrator::up(db, None).await.context("running migrations")?;
    let filled = crate::store::figures::fill_missing(db)
        .await
        .map_err(|err| anyhow::anyhow!("computing missing comparison figures: {err:?}"))?;
    if filled > 0 {
        tracing::info!(
            municipalities = filled,
            "computed missing comparison figures"
        );
    }
    Ok(())
}

/// The file path of a `sqlite:` URL, unless it is in-memory.
fn sqlite_file(url: &str) -> Option<&str> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next()?;
    (!path.is_empty() && !path.contains(":memory:")).then_some(path)
}

#[cfg(test)]
mod tests {
    use super::sqlite_file;

    #[test]
    fn finds_the_file_of_sqlite_urls() {
        assert_eq!(
            sqlite_file("sqlite://data/x.db?mode=rwc"),
            Some("data/x.db")
        );
        assert_eq!(sqlite_file("sqlite:/tmp/a.db"), Some("/tmp/a.db"));
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://localhost/x"), None);
    }
}
