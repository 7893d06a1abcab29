//! Changing the reference data (role `admin`): police regions, districts
//! and local police areas, and which area covers which municipality when.
//! Each command is one transaction that checks its input against the
//! tables, writes, appends an audit entry and bumps the reference version,
//! so every instance re-reads its snapshot and drops cached answers.

use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel,
    QueryFilter,
};
use uuid::Uuid;

use super::audit::{self, Action, Entity};
use super::{Actor, Write};
use crate::error::{ApiError, ApiResult};
use crate::store::Writer;
use crate::store::entities::{coverage, municipality, police_area, police_district, police_region};

/// The key audit entries of code-keyed rows (regions, districts) carry.
fn key_of(kind: &str, code: &str) -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_OID, format!("{kind}:{code}").as_bytes())
}

fn require_admin(actor: &Actor<'_>) -> ApiResult<()> {
    actor.caller()?;
    if actor.scope.is_admin() {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "only an admin may change the reference data".to_owned(),
        ))
    }
}

/// A name as given, trimmed: 1..=200 characters.
pub fn name(raw: &str) -> ApiResult<String> {
    let name = raw.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::bad_input(
            "name",
            "a name has 1 to 200 characters",
        ));
    }
    Ok(name.to_owned())
}

/// A slug code of a region, district or area: lowercase letters, digits
/// and single dashes, e.g. "pr-syd".
pub fn code(raw: &str, field: &'static str) -> ApiResult<String> {
    domain::PoliceAreaCode::parse(raw)
        .map(|c| c.as_str().to_owned())
        .map_err(|e| ApiError::bad_input(field, e.to_string()))
}

async fn region_row(
    db: &impl ConnectionTrait,
    code: &str,
    field: &'static str,
) -> ApiResult<police_region::Model> {
    police_region::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| ApiError::bad_input(field, format!("unknown police region {code:?}")))
}

async fn district_row(
    db: &impl ConnectionTrait,
    code: &str,
    field: &'static str,
) -> ApiResult<police_district::Model> {
    police_district::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .ok_or_else(|| ApiError::bad_input(field, format!("unknown police district {code:?}")))
}

async fn area_row(
    db: &impl ConnectionTrait,
    code: &str,
    field: &'static str,
) -> ApiResult<police_area::Model> {
    police_area::Entity::find()
        .filter(police_area::Column::Code.eq(code))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::bad_input(field, format!("unknown police area {code:?}")))
}

/// Fails unless no region, district or area has `code` yet: the three
/// share one namespace, so a code names one thing.
async fn require_unused(db: &impl ConnectionTrait, code: &str) -> ApiResult<()> {
    let used = police_region::Entity::find_by_id(code.to_owned())
        .one(db)
        .await?
        .is_some()
        || police_district::Entity::find_by_id(code.to_owned())
            .one(db)
            .await?
            .is_some()
        || police_area::Entity::find()
            .filter(police_area::Column::Code.eq(code))
            .one(db)
            .await?
            .is_some();
    if used {
        return Err(ApiError::bad_input(
            "code",
            format!("code {code:?} is taken"),
        ));
    }
    Ok(())
}

/// `createPoliceRegion`.
pub async fn create_region(
    writer: &Writer,
    actor: &Actor<'_>,
    code: String,
    name: String,
) -> ApiResult<police_region::Model> {
    require_admin(actor)?;
    let write = Write::begin(writer).await?;
    require_unused(&write.txn, &code).await?;
    let row = police_region::Model { code, name };
    police_region::Entity::insert(row.clone().into_active_model())
        .exec_without_returning(&write.txn)
        .await?;
    let id = key_of("police_region", &row.code);
    audit::record_reference(
        &write.txn,
        actor,
        None,
        Entity::PoliceRegion,
        id,
        Action::Create,
        None,
        Some(&row),
    )
    .await?;
    write.commit_reference().await?;
    Ok(row)
}

/// `renamePoliceRegion`.
pub async fn rename_region(
    writer: &Writer,
    actor: &Actor<'_>,
    code: &str,
    name: String,
) -> ApiResult<police_region::Model> {
    require_admin(actor)?;
    let write = Write::begin(writer).await?;
    let before = region_row(&write.txn, code, "code").await?;
    let mut row = before.clone().into_active_model();
    row.name = Set(name);
    let after = row.update(&write.txn).await?;
    let id = key_of("police_region", code);
    audit::record_reference(
        &write.txn,
        actor,
        None,
        Entity::PoliceRegion,
        id,
        Action::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    write.commit_reference().await?;
    Ok(after)
}

/// `createPoliceDistrict`'s input, validated in form.
#[derive(Debug, Clone)]
pub struct NewDistrict {
    pub code: String,
    pub name: String,
    pub region: String,
    pub valid_from: Option<NaiveDate>,
    pub valid_to: Option<NaiveDate>,
}

/// `createPoliceDistrict`.
pub async fn create_district(
    writer: &Writer,
    actor: &Actor<'_>,
    new: NewDistrict,
) -> ApiResult<police_district::Model> {
    require_admin(actor)?;
    if let (Some(from), Some(to)) = (new.valid_from, new.valid_to)
        && to < from
    {
        return Err(ApiError::bad_input(
            "validTo",
            "the district ends before it starts",
        ));
    }
    let write = Write::begin(writer).await?;
    require_unused(&write.txn, &new.code).await?;
    region_row(&write.txn, &new.region, "region").await?;
    let row = police_district::Model {
        code: new.code,
        name: new.name,
        region_code: new.region,
        valid_from: new.valid_from,
        valid_to: new.valid_to,
    };
    police_district::Entity::insert(row.clone().into_active_model())
        .exec_without_returning(&write.txn)
        .await?;
    let id = key_of("police_district", &row.code);
    audit::record_reference(
        &write.txn,
        actor,
        None,
        Entity::PoliceDistrict,
        id,
        Action::Create,
        None,
        Some(&row),
    )
    .await?;
    write.commit_reference().await?;
    Ok(row)
}

/// `renamePoliceDistrict`.
pub async fn rename_district(
    writer: &Writer,
    actor: &Actor<'_>,
    code: &str,
    name: String,
) -> ApiResult<police_district::Model> {
    require_admin(actor)?;
    let write = Write::begin(writer).await?;
    let before = district_row(&write.txn, code, "code").await?;
    let mut row = before.clone().into_active_model();
    row.name = Set(name);
    let after = row.update(&write.txn).await?;
    let id = key_of("police_district", code);
    audit::record_reference(
        &write.txn,
        actor,
        None,
        Entity::PoliceDistrict,
        id,
        Action::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    write.commit_reference().await?;
    Ok(after)
}

/// `createPoliceArea`'s input, validated in form.
#[derive(Debug, Clone)]
pub struct NewArea {
    pub code: String,
    pub name: String,
    /// Where no district is given, the region must be.
    pub district: Option<String>,
    pub region: Option<String>,
}

/// `createPoliceArea`: in a district (its region is the district's), or
/// directly in a region where the district is not known.
pub async fn create_area(
    writer: &Writer,
    actor: &Actor<'_>,
    new: NewArea,
) -> ApiResult<police_area::Model> {
    require_admin(actor)?;
    let write = Write::begin(writer).await?;
    require_unused(&write.txn, &new.code).await?;
    let region = match (&new.district, &new.region) {
        (Some(d), given) => {
            let district = district_row(&write.txn, d, "district").await?;
            if let Some(r) = given
                && *r != district.region_code
            {
                return Err(ApiError::bad_input(
                    "region",
                    format!("district {d:?} lies in region {:?}", district.region_code),
                ));
            }
            district.region_code
        }
        (None, Some(r)) => region_row(&write.txn, r, "region").await?.code,
        (None, None) => {
            return Err(ApiError::bad_input(
                "region",
                "give the district or the region",
            ));
        }
    };
    let row = police_area::Model {
        id: Uuid::new_v4(),
        code: new.code,
        name: new.name,
        district_code: new.district,
        region_code: Some(region),
    };
    police_area::Entity::insert(row.clone().into_active_model())
        .exec_without_returning(&write.txn)
        .await?;
    audit::record_reference(
        &write.txn,
        actor,
        None,
        Entity::PoliceArea,
        row.id,
        Action::Create,
        None,
        Some(&row),
    )
    .await?;
    write.commit_reference().await?;
    Ok(row)
}

/// `renamePoliceArea`.
pub async fn rename_area(
    writer: &Writer,
    actor: &Actor<'_>,
    code: &str,
    name: String,
) -> ApiResult<police_area::Model> {
    require_admin(actor)?;
    let write = Write::begin(writer).await?;
    let before = area_row(&write.txn, code, "code").await?;
    let mut row = before.clone().into_active_model();
    row.name = Set(name);
    let after = row.update(&write.txn).await?;
    audit::record_reference(
        &write.txn,
        actor,
        None,
        Entity::PoliceArea,
        after.id,
        Action::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    write.commit_reference().await?;
    Ok(after)
}

async fn municipality_row(db: &impl ConnectionTrait, raw: &str) -> ApiResult<municipality::Model> {
    let code = domain::MunicipalityCode::parse(raw)
        .map_err(|e| ApiError::bad_input("municipality", e.to_string()))?;
    municipality::Entity::find()
        .filter(municipality::Column::Code.eq(code.as_str()))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::bad_input("municipality", format!("unknown municipality {raw:?}")))
}

/// `addPoliceAreaCoverage`: `area` covers `municipality` from `from`
/// (until `to`, inclusive, when given). Periods of the same area and
/// municipality may not overlap.
pub async fn add_coverage(
    writer: &Writer,
    actor: &Actor<'_>,
    municipality: &str,
    area: &str,
    from: NaiveDate,
    to: Option<NaiveDate>,
) -> ApiResult<coverage::Model> {
    require_admin(actor)?;
    if to.is_some_and(|to| to < from) {
        return Err(ApiError::bad_input(
            "validTo",
            "the coverage ends before it starts",
        ));
    }
    let write = Write::begin(writer).await?;
    let m = municipality_row(&write.txn, municipality).await?;
    let a = area_row(&write.txn, area, "policeArea").await?;
    let existing = coverage::Entity::find()
        .filter(coverage::Column::MunicipalityId.eq(m.id))
        .filter(coverage::Column::PoliceAreaId.eq(a.id))
        .all(&write.txn)
        .await?;
    if let Some(clash) = existing.iter().find(|c| {
        c.valid_from <= to.unwrap_or(NaiveDate::MAX) && c.valid_to.is_none_or(|end| from <= end)
    }) {
        return Err(ApiError::bad_input(
            "validFrom",
            format!(
                "{} already covers {} from {}{}",
                a.code,
                m.code,
                clash.valid_from,
                clash
                    .valid_to
                    .map(|t| format!(" to {t}"))
                    .unwrap_or_default()
            ),
        ));
    }
    let row = coverage::Model {
        id: Uuid::new_v4(),
        police_area_id: a.id,
        municipality_id: m.id,
        valid_from: from,
        valid_to: to,
        inferred: false,
        source: None,
    };
    coverage::Entity::insert(row.clone().into_active_model())
        .exec_without_returning(&write.txn)
        .await?;
    audit::record_reference(
        &write.txn,
        actor,
        Some(m.id),
        Entity::Coverage,
        row.id,
        Action::Create,
        None,
        Some(&row),
    )
    .await?;
    write.commit_reference().await?;
    Ok(row)
}

/// `endPoliceAreaCoverage`: the open coverage of `municipality` by `area`
/// ends on `last_day` (inclusive).
pub async fn end_coverage(
    writer: &Writer,
    actor: &Actor<'_>,
    municipality: &str,
    area: &str,
    last_day: NaiveDate,
) -> ApiResult<coverage::Model> {
    require_admin(actor)?;
    let write = Write::begin(writer).await?;
    let m = municipality_row(&write.txn, municipality).await?;
    let a = area_row(&write.txn, area, "policeArea").await?;
    let before = coverage::Entity::find()
        .filter(coverage::Column::MunicipalityId.eq(m.id))
        .filter(coverage::Column::PoliceAreaId.eq(a.id))
        .filter(coverage::Column::ValidTo.is_null())
        .one(&write.txn)
        .await?
        .ok_or_else(|| {
            ApiError::bad_input(
                "policeArea",
                format!("{} has no open coverage of {}", a.code, m.code),
            )
        })?;
    if last_day < before.valid_from {
        return Err(ApiError::bad_input(
            "validTo",
            format!(
                "the coverage started on {}, after {last_day}",
                before.valid_from
            ),
        ));
    }
    let mut row = before.clone().into_active_model();
    row.valid_to = Set(Some(last_day));
    let after = row.update(&write.txn).await?;
    audit::record_reference(
        &write.txn,
        actor,
        Some(m.id),
        Entity::Coverage,
        after.id,
        Action::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    write.commit_reference().await?;
    Ok(after)
}
