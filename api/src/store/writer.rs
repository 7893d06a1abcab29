//! `Writer`: what the commands write through. It holds the database and
//! the turn-taking of writes (SQLite) in fields only `store` sees, so code
//! outside `store` can ask a command for a change but has no connection to
//! read or write anything else with.

use sea_orm::DatabaseConnection;

use crate::db::WriteGate;

/// The write side of the database, for `commands`.
#[derive(Debug, Clone)]
pub struct Writer {
    pub(super) db: DatabaseConnection,
    pub(super) gate: WriteGate,
}

impl Writer {
    pub fn new(db: DatabaseConnection, gate: WriteGate) -> Self {
        Self { db, gate }
    }
}
