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

use super::entities::{pledge, pledge_focus_area, signatory};
use super::visibility;
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

/// One page of pledges, newest year first, then by id; `first + 1` rows are
/// read to learn whether another page follows.
pub async fn page(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &PledgeFilter,
    after: Option<YearCursor>,
    first: u64,
) -> ApiResult<(Vec<pledge::Model>, bool)> {
    let mut query = pledge::Entity::find()
        .filter(visibility::pledges(scope))
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
        .all(db)
        .await?;
    let has_next = rows.len() as u64 > first;
    rows.truncate(first as usize);
    Ok((rows, has_next))
}

/// How many pledges match `filter` for this caller (all pages).
pub async fn count(
    db: &impl ConnectionTrait,
    scope: &Scope,
    filter: &PledgeFilter,
) -> ApiResult<u64> {
    Ok(pledge::Entity::find()
        .filter(visibility::pledges(scope))
        .filter(filter.condition())
        .count(db)
        .await?)
}

pub async fn by_ids(
    db: &impl ConnectionTrait,
    scope: &Scope,
    ids: &[Uuid],
) -> ApiResult<Vec<pledge::Model>> {
    Ok(pledge::Entity::find()
        .filter(visibility::pledges(scope))
        .filter(pledge::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// The pledges of each municipality, newest year first.
pub async fn of_municipalities(
    db: &impl ConnectionTrait,
    scope: &Scope,
    municipality_ids: &[Uuid],
) -> ApiResult<Vec<pledge::Model>> {
    Ok(pledge::Entity::find()
        .filter(visibility::pledges(scope))
        .filter(pledge::Column::MunicipalityId.is_in(municipality_ids.iter().copied()))
        .order_by_desc(pledge::Column::Year)
        .order_by_asc(pledge::Column::Id)
        .all(db)
        .await?)
}

pub async fn signatories_of(
    db: &impl ConnectionTrait,
    scope: &Scope,
    pledge_ids: &[Uuid],
) -> ApiResult<Vec<signatory::Model>> {
    Ok(signatory::Entity::find()
        .filter(signatory::Column::PledgeId.is_in(pledge_ids.iter().copied()))
        .filter(signatory::Column::PledgeId.in_subquery(visibility::pledge_ids(scope)))
        .order_by_asc(signatory::Column::Position)
        .all(db)
        .await?)
}

pub async fn focus_areas_of(
    db: &impl ConnectionTrait,
    scope: &Scope,
    pledge_ids: &[Uuid],
) -> ApiResult<Vec<pledge_focus_area::Model>> {
    Ok(pledge_focus_area::Entity::find()
        .filter(pledge_focus_area::Column::PledgeId.is_in(pledge_ids.iter().copied()))
        .filter(pledge_focus_area::Column::PledgeId.in_subquery(visibility::pledge_ids(scope)))
        .order_by_asc(pledge_focus_area::Column::Position)
        .all(db)
        .await?)
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
