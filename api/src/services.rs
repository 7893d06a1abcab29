//! The shared handles every request works with: the database, the writer
//! commands write through and the event bus. Built once at start-up.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sea_orm::DatabaseConnection;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::events::Events;
use crate::http::response_cache::ResponseCache;
use crate::scope::Scope;
use crate::store::directory::Directory;
use crate::store::{Reader, Writer};

/// Handles shared by all requests of one server process.
#[derive(Debug, Clone)]
pub struct Services {
    /// What each request's `store::Reader` reads through; start-up and the
    /// HTTP handlers hand it to `store` functions.
    pub db: DatabaseConnection,
    /// For commands; on SQLite it takes writes in turn.
    pub writer: Writer,
    pub events: Events,
    /// Reference codes and coverage in memory, for turning tokens into scopes.
    pub directory: Arc<Directory>,
    /// Exports running at once are capped below the connection pool's size:
    /// each holds a connection while its client reads, and slow readers
    /// must not starve every other request.
    pub exports: Arc<Semaphore>,
    /// Turns to execute a GraphQL operation over HTTP: bounds the
    /// responses being built at once, and with them the memory they hold
    /// (`APP_MAX_CONCURRENT_QUERIES`).
    pub queries: Arc<QueryGate>,
    /// Finished answers to anonymous queries (see `http::response_cache`).
    pub responses: Arc<ResponseCache>,
    /// Rows written by follow-up exports since start-up.
    pub exported_rows: Arc<AtomicU64>,
}

impl Services {
    /// The reads of one request made with `scope`.
    pub fn reader(&self, scope: Arc<Scope>) -> Reader {
        Reader::new(self.db.clone(), scope)
    }
}

/// Turns to execute a GraphQL operation, and how many wait for one (for
/// `/metrics`; a semaphore does not tell).
#[derive(Debug)]
pub struct QueryGate {
    turns: Semaphore,
    size: usize,
    waiting: AtomicU64,
}

impl QueryGate {
    pub fn new(size: usize) -> Self {
        Self {
            turns: Semaphore::new(size),
            size,
            waiting: AtomicU64::new(0),
        }
    }

    /// Waits for a turn; it ends when the permit is dropped. `None` only if
    /// the gate were closed (it never is).
    pub async fn turn(&self) -> Option<SemaphorePermit<'_>> {
        // Counted out again when the wait ends, also when it is abandoned
        // (a request that timed out).
        struct Waiting<'a>(&'a AtomicU64);
        impl Drop for Waiting<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::Relaxed);
            }
        }
        self.waiting.fetch_add(1, Ordering::Relaxed);
        let _waiting = Waiting(&self.waiting);
        self.turns.acquire().await.ok()
    }

    /// Operations running now.
    pub fn running(&self) -> usize {
        self.size.saturating_sub(self.turns.available_permits())
    }

    /// Operations waiting for a turn now.
    pub fn waiting(&self) -> u64 {
        self.waiting.load(Ordering::Relaxed)
    }
}
