//! Commitments and their links to focus areas and places, visible exactly
//! when their pledge is.

use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, JoinType, QueryFilter, QueryOrder, QuerySelect,
    RelationTrait,
};
use uuid::Uuid;

use super::decode::FastAll as _;
use super::entities::{
    commitment, commitment_focus_area, commitment_method, commitment_place, place,
};
use super::follow_ups::ProgressEntry;
use super::reader::{Reader, keys};
use super::rows::{CommitmentRow, PlaceRow, PledgeRow};
use super::visibility;
use super::visible::Visible;
use crate::error::{ApiError, ApiResult};
use crate::scope::Scope;

impl Reader {
    /// The commitments of the (visible) pledges, in position order.
    pub async fn commitments_of<'a>(
        &self,
        pledges: impl IntoIterator<Item = &'a Visible<PledgeRow>>,
    ) -> ApiResult<Vec<Visible<CommitmentRow>>> {
        Ok(Visible::all(
            commitment::Entity::find()
                .filter(commitment::Column::PledgeId.is_in(keys(pledges, |p| p.id)))
                .order_by_asc(commitment::Column::PledgeId)
                .order_by_asc(commitment::Column::Position)
                .fast_all(&self.db)
                .await?,
        ))
    }

    /// The visible commitments among `ids`.
    pub async fn commitments_by_ids(&self, ids: &[Uuid]) -> ApiResult<Vec<Visible<CommitmentRow>>> {
        Ok(Visible::all(
            commitment::Entity::find()
                .filter(commitment::Column::Id.is_in(ids.iter().copied()))
                .filter(
                    commitment::Column::PledgeId.in_subquery(visibility::pledge_ids(&self.scope)),
                )
                .fast_all(&self.db)
                .await?,
        ))
    }

    /// The commitments of (visible) progress entries: an entry's
    /// commitment belongs to the entry's pledge, which is visible.
    pub async fn commitments_of_progress<'a>(
        &self,
        entries: impl IntoIterator<Item = &'a Visible<ProgressEntry>>,
    ) -> ApiResult<Vec<Visible<CommitmentRow>>> {
        let ids = keys(entries, |e| e.entry.commitment_id);
        Ok(Visible::all(
            commitment::Entity::find()
                .filter(commitment::Column::Id.is_in(ids))
                .fast_all(&self.db)
                .await?,
        ))
    }

    /// (commitment id, method) of the (visible) commitments, each
    /// commitment's in the order it names them: one statement.
    pub async fn commitment_methods_of<'a>(
        &self,
        commitments: impl IntoIterator<Item = &'a Visible<CommitmentRow>>,
    ) -> ApiResult<Vec<(Uuid, String)>> {
        Ok(commitment_method::Entity::find()
            .filter(commitment_method::Column::CommitmentId.is_in(keys(commitments, |c| c.id)))
            .order_by_asc(commitment_method::Column::CommitmentId)
            .order_by_asc(commitment_method::Column::Position)
            .fast_all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.commitment_id, m.method))
            .collect())
    }

    /// (commitment id, focus-area code) links of the (visible) commitments,
    /// by code.
    pub async fn commitment_focus_areas_of<'a>(
        &self,
        commitments: impl IntoIterator<Item = &'a Visible<CommitmentRow>>,
    ) -> ApiResult<Vec<(Uuid, String)>> {
        Ok(commitment_focus_area::Entity::find()
            .filter(commitment_focus_area::Column::CommitmentId.is_in(keys(commitments, |c| c.id)))
            .order_by_asc(commitment_focus_area::Column::FocusAreaCode)
            .fast_all(&self.db)
            .await?
            .into_iter()
            .map(|l| (l.commitment_id, l.focus_area_code))
            .collect())
    }

    /// The places of the (visible) commitments as (commitment id, place)
    /// pairs, by place name: one statement.
    pub async fn places_of<'a>(
        &self,
        commitments: impl IntoIterator<Item = &'a Visible<CommitmentRow>>,
    ) -> ApiResult<Vec<(Uuid, PlaceRow)>> {
        let mut pairs: Vec<(Uuid, PlaceRow)> = commitment_place::Entity::find()
            .select_also(place::Entity)
            .join(JoinType::InnerJoin, commitment_place::Relation::Place.def())
            .filter(commitment_place::Column::CommitmentId.is_in(keys(commitments, |c| c.id)))
            .all(&self.db)
            .await?
            .into_iter()
            .filter_map(|(link, place)| place.map(|p| (link.commitment_id, p)))
            .collect();
        pairs.sort_by_cached_key(|(_, p)| domain::swedish_sort_key(&p.name));
        Ok(pairs)
    }
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

/// The commitment `id` if the caller may change it, locked for the rest of
/// the transaction (the edit right is part of the statement).
pub async fn lock_for_edit(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> ApiResult<commitment::Model> {
    let locked = commitment::Entity::find_by_id(id)
        .filter(commitment::Column::PledgeId.in_subquery(visibility::pledge_ids(scope)))
        .filter(visibility::editable(
            scope,
            commitment::Column::MunicipalityId,
        ))
        .lock_exclusive()
        .one(db)
        .await?;
    match locked {
        Some(row) => Ok(row),
        None => {
            let visible = commitment::Entity::find_by_id(id)
                .filter(commitment::Column::PledgeId.in_subquery(visibility::pledge_ids(scope)))
                .one(db)
                .await?
                .is_some();
            Err(super::pledges::refused(visible))
        }
    }
}
