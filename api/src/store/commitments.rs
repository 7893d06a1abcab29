//! Commitments and their links to focus areas and places, visible exactly
//! when their pledge is.

use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use uuid::Uuid;

use super::entities::{commitment, commitment_focus_area, commitment_place, place};
use super::visibility;
use crate::error::{ApiError, ApiResult};
use crate::scope::Scope;

/// The commitments of the given pledges, in position order.
pub async fn of_pledges(
    db: &impl ConnectionTrait,
    scope: &Scope,
    pledge_ids: &[Uuid],
) -> ApiResult<Vec<commitment::Model>> {
    Ok(commitment::Entity::find()
        .filter(commitment::Column::PledgeId.is_in(pledge_ids.iter().copied()))
        .filter(commitment::Column::PledgeId.in_subquery(visibility::pledge_ids(scope)))
        .order_by_asc(commitment::Column::Position)
        .all(db)
        .await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &Scope,
    ids: &[Uuid],
) -> ApiResult<Vec<commitment::Model>> {
    Ok(commitment::Entity::find()
        .filter(commitment::Column::Id.is_in(ids.iter().copied()))
        .filter(commitment::Column::PledgeId.in_subquery(visibility::pledge_ids(scope)))
        .all(db)
        .await?)
}

/// (commitment id, focus-area code) links of the given commitments.
pub async fn focus_area_links(
    db: &impl ConnectionTrait,
    scope: &Scope,
    commitment_ids: &[Uuid],
) -> ApiResult<Vec<commitment_focus_area::Model>> {
    Ok(commitment_focus_area::Entity::find()
        .filter(commitment_focus_area::Column::CommitmentId.is_in(commitment_ids.iter().copied()))
        .filter(
            commitment_focus_area::Column::CommitmentId
                .in_subquery(visibility::commitment_ids(scope)),
        )
        .order_by_asc(commitment_focus_area::Column::FocusAreaCode)
        .all(db)
        .await?)
}

/// The places of the given commitments, as (commitment id, place) pairs
/// ordered by place name.
pub async fn places_of(
    db: &impl ConnectionTrait,
    scope: &Scope,
    commitment_ids: &[Uuid],
) -> ApiResult<Vec<(Uuid, place::Model)>> {
    let links = commitment_place::Entity::find()
        .filter(commitment_place::Column::CommitmentId.is_in(commitment_ids.iter().copied()))
        .filter(
            commitment_place::Column::CommitmentId.in_subquery(visibility::commitment_ids(scope)),
        )
        .all(db)
        .await?;
    if links.is_empty() {
        return Ok(Vec::new());
    }
    let mut places = place::Entity::find()
        .filter(place::Column::Id.is_in(links.iter().map(|l| l.place_id)))
        .all(db)
        .await?;
    places.sort_by_cached_key(|p| domain::swedish_sort_key(&p.name));
    let mut out = Vec::with_capacity(links.len());
    for place in places {
        for link in links.iter().filter(|l| l.place_id == place.id) {
            out.push((link.commitment_id, place.clone()));
        }
    }
    Ok(out)
}

/// The commitment `id` if the caller may see it, locked for the rest of
/// the transaction.
pub async fn lock(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> ApiResult<commitment::Model> {
    commitment::Entity::find_by_id(id)
        .filter(commitment::Column::PledgeId.in_subquery(visibility::pledge_ids(scope)))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}
