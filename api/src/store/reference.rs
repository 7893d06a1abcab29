//! Reference data: counties, police areas, municipalities, coverage and the
//! focus-area catalogue. Public to every caller, so no scope is taken.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::swedish_sort_key;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use super::entities::{county, coverage, focus_area, municipality, police_area};
use crate::error::{ApiError, ApiResult};

/// All municipalities in Swedish name order (sorted here, not by the
/// database, whose collation varies between installations).
pub async fn municipalities(db: &impl ConnectionTrait) -> ApiResult<Vec<municipality::Model>> {
    let mut rows = municipality::Entity::find().all(db).await?;
    rows.sort_by_cached_key(|m| swedish_sort_key(&m.name));
    Ok(rows)
}

pub async fn municipality_by_code(
    db: &impl ConnectionTrait,
    code: &domain::MunicipalityCode,
) -> ApiResult<Option<municipality::Model>> {
    Ok(municipality::Entity::find()
        .filter(municipality::Column::Code.eq(code.as_str()))
        .one(db)
        .await?)
}

/// The key of the municipality with code `raw`, for filters and inputs:
/// a malformed or unknown code is the caller's mistake, `BAD_USER_INPUT`.
pub async fn municipality_key(db: &impl ConnectionTrait, raw: &str) -> ApiResult<Uuid> {
    let code = domain::MunicipalityCode::parse(raw)?;
    let row = municipality_by_code(db, &code).await?.ok_or_else(|| {
        ApiError::bad_input("municipality", format!("unknown municipality code {raw:?}"))
    })?;
    Ok(row.id)
}

pub async fn municipalities_by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> ApiResult<Vec<municipality::Model>> {
    Ok(municipality::Entity::find()
        .filter(municipality::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

/// All police areas in Swedish name order.
pub async fn police_areas(db: &impl ConnectionTrait) -> ApiResult<Vec<police_area::Model>> {
    let mut rows = police_area::Entity::find().all(db).await?;
    rows.sort_by_cached_key(|a| swedish_sort_key(&a.name));
    Ok(rows)
}

pub async fn police_area_by_code(
    db: &impl ConnectionTrait,
    code: &domain::PoliceAreaCode,
) -> ApiResult<Option<police_area::Model>> {
    Ok(police_area::Entity::find()
        .filter(police_area::Column::Code.eq(code.as_str()))
        .one(db)
        .await?)
}

pub async fn police_areas_by_ids(
    db: &impl ConnectionTrait,
    ids: &[Uuid],
) -> ApiResult<Vec<police_area::Model>> {
    Ok(police_area::Entity::find()
        .filter(police_area::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?)
}

pub async fn counties_by_codes(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> ApiResult<Vec<county::Model>> {
    Ok(county::Entity::find()
        .filter(county::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await?)
}

pub async fn focus_areas(db: &impl ConnectionTrait) -> ApiResult<Vec<focus_area::Model>> {
    Ok(focus_area::Entity::find()
        .order_by_asc(focus_area::Column::Code)
        .all(db)
        .await?)
}

pub async fn focus_area_exists(
    db: &impl ConnectionTrait,
    code: &domain::FocusAreaCode,
) -> ApiResult<bool> {
    Ok(focus_area::Entity::find_by_id(code.as_str().to_owned())
        .one(db)
        .await?
        .is_some())
}

pub async fn focus_areas_by_codes(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> ApiResult<Vec<focus_area::Model>> {
    Ok(focus_area::Entity::find()
        .filter(focus_area::Column::Code.is_in(codes.iter().cloned()))
        .all(db)
        .await?)
}

/// Coverage rows in force on `day` (valid_from <= day <= valid_to or open).
fn in_force_on(day: NaiveDate) -> Condition {
    Condition::all()
        .add(coverage::Column::ValidFrom.lte(day))
        .add(
            Condition::any()
                .add(coverage::Column::ValidTo.is_null())
                .add(coverage::Column::ValidTo.gte(day)),
        )
}

/// For each municipality, the police area covering it on `day`.
pub async fn police_area_ids_covering(
    db: &impl ConnectionTrait,
    municipality_ids: &[Uuid],
    day: NaiveDate,
) -> ApiResult<HashMap<Uuid, Uuid>> {
    let rows = coverage::Entity::find()
        .filter(coverage::Column::MunicipalityId.is_in(municipality_ids.iter().copied()))
        .filter(in_force_on(day))
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| (row.municipality_id, row.police_area_id))
        .collect())
}

/// For each police area, the municipalities it covers on `day`, by name.
pub async fn municipalities_covered_by(
    db: &impl ConnectionTrait,
    police_area_ids: &[Uuid],
    day: NaiveDate,
) -> ApiResult<HashMap<Uuid, Vec<municipality::Model>>> {
    let links = coverage::Entity::find()
        .filter(coverage::Column::PoliceAreaId.is_in(police_area_ids.iter().copied()))
        .filter(in_force_on(day))
        .all(db)
        .await?;
    let ids: Vec<Uuid> = links.iter().map(|l| l.municipality_id).collect();
    let mut by_id: HashMap<Uuid, municipality::Model> = municipalities_by_ids(db, &ids)
        .await?
        .into_iter()
        .map(|m| (m.id, m))
        .collect();
    let mut out: HashMap<Uuid, Vec<municipality::Model>> = HashMap::new();
    for link in links {
        if let Some(m) = by_id.remove(&link.municipality_id) {
            out.entry(link.police_area_id).or_default().push(m);
        }
    }
    for list in out.values_mut() {
        list.sort_by_cached_key(|m| swedish_sort_key(&m.name));
    }
    Ok(out)
}

/// The police area covering `municipality` on `day`, if any.
pub async fn police_area_covering(
    db: &impl ConnectionTrait,
    municipality: Uuid,
    day: NaiveDate,
) -> ApiResult<Option<Uuid>> {
    Ok(police_area_ids_covering(db, &[municipality], day)
        .await?
        .get(&municipality)
        .copied())
}

/// The first of `codes` that is not in the focus-area catalogue, if any.
pub async fn first_unknown_focus_area(
    db: &impl ConnectionTrait,
    codes: &[String],
) -> ApiResult<Option<String>> {
    let known = focus_areas_by_codes(db, codes).await?;
    Ok(codes
        .iter()
        .find(|c| !known.iter().any(|k| &k.code == *c))
        .cloned())
}
