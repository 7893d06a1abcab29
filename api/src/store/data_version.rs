//! The data version: counters in one row that every write transaction
//! bumps before it commits. Whatever was computed from the database at
//! version `v` is still current while the row says `v`, on every instance,
//! because a write cannot commit without changing it. The public response
//! cache and the reference snapshot both compare against it.
//!
//! The bump is an `UPDATE` of the single row, so on PostgreSQL concurrent
//! write transactions queue on its lock for the moment between their bump
//! and their commit. Writes are rare next to reads here; that is the price
//! of a check that needs no notification to arrive in time.

use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{ConnectionTrait, EntityTrait};

use super::entities::data_version::{self, Column, Entity};
use crate::error::{ApiError, ApiResult};

/// The counters as one statement read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Versions {
    /// Changes on every committed write.
    pub data: i64,
    /// Changes on every committed change to reference data.
    pub reference: i64,
    /// When `data` last changed, when it has since it was recorded.
    pub changed_at: Option<chrono::DateTime<chrono::Utc>>,
}

/// What a write transaction changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Changed {
    /// Pledges, commitments, follow-ups, activities.
    Data,
    /// Reference data too (municipalities, police areas, coverage, focus areas).
    Reference,
}

/// Reads the counters (one statement).
pub async fn current(db: &impl ConnectionTrait) -> ApiResult<Versions> {
    let row: data_version::Model = Entity::find_by_id(1)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::internal("the data_version row is missing"))?;
    Ok(Versions {
        data: row.data,
        reference: row.reference,
        changed_at: row.changed_at,
    })
}

/// Bumps the counters inside the write transaction `txn`, just before it
/// commits.
pub async fn bump(txn: &impl ConnectionTrait, changed: Changed) -> ApiResult<()> {
    let mut update = Query::update();
    update
        .table(Entity)
        .value(Column::Data, Expr::col(Column::Data).add(1))
        // Written by this clock, not the database's: SQLite's
        // CURRENT_TIMESTAMP has no zone and whole seconds only.
        .value(Column::ChangedAt, chrono::Utc::now())
        .and_where(Expr::col(Column::Id).eq(1));
    if changed == Changed::Reference {
        update.value(Column::Reference, Expr::col(Column::Reference).add(1));
    }
    txn.execute(&update).await?;
    Ok(())
}
