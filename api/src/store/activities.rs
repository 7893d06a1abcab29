//! Activities (the evidence behind follow-ups), visible when the commitment
//! they evidence is, and to staff of their municipality.

use sea_orm::sea_query::NullOrdering;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, Order, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::entities::{activity, place};
use super::visibility;
use crate::error::ApiResult;
use crate::scope::Scope;

/// Activities of the given commitments, oldest first, undated last.
pub async fn of_commitments(
    db: &impl ConnectionTrait,
    scope: &Scope,
    commitment_ids: &[Uuid],
) -> ApiResult<Vec<activity::Model>> {
    Ok(activity::Entity::find()
        .filter(activity::Column::CommitmentId.is_in(commitment_ids.iter().copied()))
        .filter(visibility::activities(scope))
        .order_by_with_nulls(activity::Column::Date, Order::Asc, NullOrdering::Last)
        .order_by_asc(activity::Column::Id)
        .all(db)
        .await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &Scope,
    ids: &[Uuid],
) -> ApiResult<Vec<activity::Model>> {
    Ok(activity::Entity::find()
        .filter(activity::Column::Id.is_in(ids.iter().copied()))
        .filter(visibility::activities(scope))
        .all(db)
        .await?)
}

/// Places by id. Places are named locations of a municipality, shown only
/// through an activity or commitment the caller can already see.
pub async fn places_by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> ApiResult<Vec<place::Model>> {
    Ok(place::Entity::find()
        .filter(place::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}
