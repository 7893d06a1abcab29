//! Pledges and their per-pledge parts (signatories, focus areas), always
//! through the caller's scope.

use chrono::NaiveDate;
use domain::PledgeStatus;
use sea_orm::sea_query::Query;
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use uuid::Uuid;

use super::decode::FastAll as _;
use super::entities::{pledge, pledge_focus_area, signatory};
use super::reader::{Reader, keys};
use super::rows::{CommitmentRow, PledgeFocusAreaRow, PledgeRow, SignatoryRow};
use super::visibility;
use super::visible::{Listed, Visible};
use crate::error::{ApiError, ApiResult};
use crate::ids::YearCursor;
use crate::scope::Scope;

/// Filter of `pledges(filter:)`, with codes already resolved to keys.
#[derive(Debug, Clone, Default)]
pub struct PledgeFilter {
    pub municipality_id: Option<Uuid>,
    pub police_area_id: Option<Uuid>,
    pub year: Option<i32>,
    pub status: Option<PledgeStatus>,
    pub focus_area: Option<domain::FocusAreaCode>,
    /// Pledges whose validity period contains this day.
    pub in_force_on: Option<NaiveDate>,
}

impl PledgeFilter {
    fn condition(&self) -> Condition {
        let mut c = Condition::all();
        if let Some(id) = self.municipality_id {
            c = c.add(pledge::Column::MunicipalityId.eq(id));
        }
        if let Some(id) = self.police_area_id {
            c = c.add(pledge::Column::PoliceAreaId.eq(id));
        }
        if let Some(year) = self.year {
            c = c.add(pledge::Column::Year.eq(year));
        }
        if let Some(status) = self.status {
            c = c.add(pledge::Column::Status.eq(status.as_str()));
        }
        if let Some(code) = &self.focus_area {
            let linked = Query::select()
                .column(pledge_focus_area::Column::PledgeId)
                .from(pledge_focus_area::Entity)
                .and_where(pledge_focus_area::Column::FocusAreaCode.eq(code.as_str()))
                .to_owned();
            c = c.add(pledge::Column::Id.in_subquery(linked));
        }
        if let Some(day) = self.in_force_on {
            c = c
                .add(pledge::Column::ValidFrom.lte(day))
                .add(pledge::Column::ValidTo.gte(day));
        }
        c
    }
}

impl Reader {
    /// One page of pledges, newest year first, then by id; `first + 1`
    /// rows are read to learn whether another page follows.
    pub async fn pledge_page(
        &self,
        filter: &PledgeFilter,
        after: Option<YearCursor>,
        first: u64,
    ) -> ApiResult<(Vec<Visible<PledgeRow>>, bool)> {
        let mut query = pledge::Entity::find()
            .filter(visibility::pledges(&self.scope))
            .filter(filter.condition());
        if let Some(cursor) = after {
            query = query.filter(
                Condition::any()
                    .add(pledge::Column::Year.lt(cursor.year))
                    .add(
                        Condition::all()
                            .add(pledge::Column::Year.eq(cursor.year))
                            .add(pledge::Column::Id.gt(cursor.id)),
                    ),
            );
        }
        let mut rows = query
            .order_by_desc(pledge::Column::Year)
            .order_by_asc(pledge::Column::Id)
            .limit(first + 1)
            .fast_all(&self.db)
            .await?;
        let has_next = rows.len() as u64 > first;
        rows.truncate(first as usize);
        Ok((Visible::all(rows), has_next))
    }

    /// How many pledges match `filter` for this caller (all pages).
    pub async fn pledge_count(&self, filter: &PledgeFilter) -> ApiResult<u64> {
        Ok(pledge::Entity::find()
            .filter(visibility::pledges(&self.scope))
            .filter(filter.condition())
            .count(&self.db)
            .await?)
    }

    /// The visible pledges among `ids`.
    pub async fn pledges_by_ids(&self, ids: &[Uuid]) -> ApiResult<Vec<Visible<PledgeRow>>> {
        Ok(Visible::all(
            pledge::Entity::find()
                .filter(visibility::pledges(&self.scope))
                .filter(pledge::Column::Id.is_in(ids.iter().copied()))
                .fast_all(&self.db)
                .await?,
        ))
    }

    /// How the caller should hear of a change to pledge `id`: the pledge
    /// when it may see it; its removal when it cannot but could before
    /// (`could_see_before`); nothing otherwise.
    pub async fn pledge_change(
        &self,
        id: Uuid,
        could_see_before: bool,
    ) -> ApiResult<Option<Listed<PledgeRow>>> {
        if let Some(row) = self.pledges_by_ids(&[id]).await?.pop() {
            return Ok(Some(Listed::Shown(row)));
        }
        if !could_see_before {
            return Ok(None);
        }
        let mut rows = pledge::Entity::find_by_id(id).fast_all(&self.db).await?;
        Ok(rows.pop().map(Listed::Removed))
    }

    /// The visible pledges of each municipality, newest year first.
    pub async fn pledges_of_municipalities(
        &self,
        municipality_ids: &[Uuid],
    ) -> ApiResult<Vec<Visible<PledgeRow>>> {
        Ok(Visible::all(
            pledge::Entity::find()
                .filter(visibility::pledges(&self.scope))
                .filter(pledge::Column::MunicipalityId.is_in(municipality_ids.iter().copied()))
                .order_by_desc(pledge::Column::Year)
                .order_by_asc(pledge::Column::Id)
                .fast_all(&self.db)
                .await?,
        ))
    }

    /// The pledges the (visible) commitments belong to: visible too.
    pub async fn pledges_of_commitments<'a>(
        &self,
        commitments: impl IntoIterator<Item = &'a Visible<CommitmentRow>>,
    ) -> ApiResult<Vec<Visible<PledgeRow>>> {
        let ids = keys(commitments, |c| c.pledge_id);
        Ok(Visible::all(
            pledge::Entity::find()
                .filter(pledge::Column::Id.is_in(ids))
                .fast_all(&self.db)
                .await?,
        ))
    }

    /// Signatories of the (visible) pledges, in signing order.
    pub async fn signatories_of<'a>(
        &self,
        pledges: impl IntoIterator<Item = &'a Visible<PledgeRow>>,
    ) -> ApiResult<Vec<SignatoryRow>> {
        Ok(signatory::Entity::find()
            .filter(signatory::Column::PledgeId.is_in(keys(pledges, |p| p.id)))
            .order_by_asc(signatory::Column::Position)
            .all(&self.db)
            .await?)
    }

    /// Focus areas of the (visible) pledges, with each pledge's own texts,
    /// in the pledge's order.
    pub async fn pledge_focus_areas_of<'a>(
        &self,
        pledges: impl IntoIterator<Item = &'a Visible<PledgeRow>>,
    ) -> ApiResult<Vec<PledgeFocusAreaRow>> {
        Ok(pledge_focus_area::Entity::find()
            .filter(pledge_focus_area::Column::PledgeId.is_in(keys(pledges, |p| p.id)))
            .order_by_asc(pledge_focus_area::Column::Position)
            .fast_all(&self.db)
            .await?)
    }
}

/// The pledge `id` if the caller may see it, locked for the rest of the
/// transaction (FOR UPDATE on PostgreSQL; SQLite writers take turns).
pub async fn lock(db: &impl ConnectionTrait, scope: &Scope, id: Uuid) -> ApiResult<pledge::Model> {
    pledge::Entity::find_by_id(id)
        .filter(visibility::pledges(scope))
        .lock_exclusive()
        .one(db)
        .await?
        .ok_or(ApiError::NotFound)
}

/// The pledge `id` if the caller may change it, locked for the rest of the
/// transaction. The edit right is part of the locking statement; a pledge
/// the caller sees but may not change is `FORBIDDEN`, one it does not see
/// `NOT_FOUND`.
pub async fn lock_for_edit(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> ApiResult<pledge::Model> {
    let locked = pledge::Entity::find_by_id(id)
        .filter(visibility::pledges(scope))
        .filter(visibility::editable(scope, pledge::Column::MunicipalityId))
        .lock_exclusive()
        .one(db)
        .await?;
    match locked {
        Some(row) => Ok(row),
        None => Err(refused(find_visible(db, scope, id).await?.is_some())),
    }
}

/// The refusal of a write to a row the caller could not lock: `FORBIDDEN`
/// when it sees the row, `NOT_FOUND` (no hint) when it does not.
pub(super) fn refused(visible: bool) -> ApiError {
    if visible {
        ApiError::Forbidden(
            "your role does not allow changing this municipality's pledges".to_owned(),
        )
    } else {
        ApiError::NotFound
    }
}

/// Focus areas and signatories of one pledge, for audit snapshots.
pub async fn parts_of(
    db: &impl ConnectionTrait,
    pledge_id: Uuid,
) -> ApiResult<(Vec<pledge_focus_area::Model>, Vec<signatory::Model>)> {
    let focus = pledge_focus_area::Entity::find()
        .filter(pledge_focus_area::Column::PledgeId.eq(pledge_id))
        .order_by_asc(pledge_focus_area::Column::Position)
        .all(db)
        .await?;
    let signatories = signatory::Entity::find()
        .filter(signatory::Column::PledgeId.eq(pledge_id))
        .order_by_asc(signatory::Column::Position)
        .all(db)
        .await?;
    Ok((focus, signatories))
}

/// The pledge `id` if the caller may see it (no lock).
pub async fn find_visible(
    db: &impl ConnectionTrait,
    scope: &Scope,
    id: Uuid,
) -> ApiResult<Option<pledge::Model>> {
    Ok(pledge::Entity::find_by_id(id)
        .filter(visibility::pledges(scope))
        .one(db)
        .await?)
}
