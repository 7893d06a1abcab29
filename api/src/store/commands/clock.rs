//! The sync clock: timestamps for follow-up changes that increase strictly
//! in commit order. The single clock row is locked until the transaction
//! commits, so a change that commits later always gets a later
//! `updated_at`, and an integration polling with `updatedSince` can never
//! skip a change that committed behind its back.

use chrono::{DateTime, Duration, DurationRound, Utc};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait, QuerySelect};

use crate::error::{ApiError, ApiResult};
use crate::store::entities::sync_clock;

/// The next change time: now, or just after the last one if the wall clock
/// has not moved past it. Microseconds, the precision PostgreSQL keeps.
pub(crate) async fn tick(
    txn: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> ApiResult<DateTime<Utc>> {
    let row = sync_clock::Entity::find_by_id(1)
        .lock_exclusive()
        .one(txn)
        .await?
        .ok_or_else(|| ApiError::internal("the sync clock row is missing"))?;
    let now = now
        .duration_trunc(Duration::microseconds(1))
        .map_err(ApiError::internal)?;
    let at = now.max(row.last_at + Duration::microseconds(1));
    let mut am: sync_clock::ActiveModel = row.into();
    am.last_at = Set(at);
    am.update(txn).await?;
    Ok(at)
}
