//! `Reader`: the reads of one request. It pairs the database with the
//! caller's scope, so no read can be made without the scope, and it is
//! the only way code outside `store` reads tenant data. Its methods live
//! next to the tables they read (`pledges`, `commitments`, `follow_ups`,
//! `activities`); each returns `Visible` rows. It also reads what is
//! public and not scoped, for the request that holds it: the data version
//! and a fresh reference snapshot.

use std::sync::Arc;

use sea_orm::DatabaseConnection;

use super::data_version::{self, Versions};
use super::directory::{Directory, Reference};
use crate::error::ApiResult;
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

    /// The data version now (one statement; see `data_version`).
    pub async fn data_versions(&self) -> ApiResult<Versions> {
        data_version::current(&self.db).await
    }

    /// Re-reads `directory`'s reference data and returns the fresh snapshot
    /// (see `Directory::refresh`).
    pub async fn refreshed_reference(&self, directory: &Directory) -> ApiResult<Arc<Reference>> {
        directory.refresh(&self.db).await
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
