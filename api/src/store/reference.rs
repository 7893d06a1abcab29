//! Reference data as writes check it, inside their transaction: codes,
//! coverage and the focus-area catalogue. (Reads answer from the snapshot
//! in `directory`.) Public to every caller, so no scope is taken.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use super::entities::{coverage, focus_area, municipality, police_area};
use crate::error::ApiResult;

pub async fn municipality_by_code(
    db: &impl ConnectionTrait,
    code: &domain::MunicipalityCode,
) -> ApiResult<Option<municipality::Model>> {
    Ok(municipality::Entity::find()
        .filter(municipality::Column::Code.eq(code.as_str()))
        .one(db)
        .await?)
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

async fn focus_areas_by_codes(
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
async fn police_area_ids_covering(
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
