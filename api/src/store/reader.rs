//! `Reader`: the reads of one request. It pairs the database with the
//! caller's scope, so no read can be made without the scope, and it is
//! the only way code outside `store` reads tenant data. Its methods live
//! next to the tables they read (`pledges`, `commitments`, `follow_ups`,
//! `activities`); each returns `Visible` rows.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use crate::scope::Scope;

/// Scoped reads for one caller.
#[derive(Debug, Clone)]
pub struct Reader {
    pub(super) db: DatabaseConnection,
    pub(super) scope: Arc<Scope>,
}

impl Reader {
    pub fn new(db: DatabaseConnection, scope: Arc<Scope>) -> Self {
        Self { db, scope }
    }

    /// The caller whose reads these are.
    pub fn scope(&self) -> &Scope {
        &self.scope
    }
}

/// The keys of `rows`, for `IN (…)`.
pub(super) fn keys<'a, T: 'a>(
    rows: impl IntoIterator<Item = &'a T>,
    key: impl Fn(&T) -> uuid::Uuid,
) -> Vec<uuid::Uuid> {
    let mut keys: Vec<uuid::Uuid> = rows.into_iter().map(key).collect();
    keys.sort_unstable();
    keys.dedup();
    keys
}
