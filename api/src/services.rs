//! The shared handles every request works with: the database, the write
//! gate and the event bus. Built once at start-up.

use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use sea_orm::DatabaseConnection;
use tokio::sync::Semaphore;

use crate::db::WriteGate;
use crate::events::Events;
use crate::http::response_cache::ResponseCache;
use crate::store::directory::Directory;

/// Handles shared by all requests of one server process.
#[derive(Debug, Clone)]
pub struct Services {
    pub db: DatabaseConnection,
    pub writes: WriteGate,
    pub events: Events,
    /// Reference codes and coverage in memory, for turning tokens into scopes.
    pub directory: Arc<Directory>,
    /// Exports running at once are capped below the connection pool's size:
    /// each holds a connection while its client reads, and slow readers
    /// must not starve every other request.
    pub exports: Arc<Semaphore>,
    /// Finished answers to anonymous queries (see `http::response_cache`).
    pub responses: Arc<ResponseCache>,
    /// Rows written by follow-up exports since start-up.
    pub exported_rows: Arc<AtomicU64>,
}
