//! Adding, changing and removing a pledge's commitments. A commitment is
//! part of its pledge's text: it changes only while the pledge is a DRAFT,
//! and every change moves the pledge's version too.

use domain::{CommitmentMethods, CommitmentText, FocusAreaCode, Party, PeriodKind};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder, QuerySelect,
};
use serde::Serialize;
use uuid::Uuid;

use super::audit::{self, Action, Entity};
use super::pledges::{require_editable, touch_for_edit};
use super::{Actor, Write, expect_version, require_edit};
use crate::error::{ApiError, ApiResult};
use crate::store::entities::{
    commitment, commitment_focus_area, commitment_method, commitment_place, place,
};
use crate::store::{Writer, commitments, places, pledges, reference};

/// `CommitmentInput`, validated.
#[derive(Debug, Clone)]
pub struct CommitmentFields {
    pub text: CommitmentText,
    pub responsible: Party,
    /// Every method named, in written order; `method` is the first.
    pub methods: CommitmentMethods,
    pub focus_areas: Vec<FocusAreaCode>,
    /// Place names within the pledge's municipality; new names are added
    /// to the municipality's places.
    pub places: Vec<String>,
    pub target_groups: Vec<String>,
    pub partners: Vec<String>,
    pub target_quantity: Option<f64>,
    pub target_unit: Option<String>,
    pub target_period: Option<PeriodKind>,
}

/// What the audit log keeps of a commitment.
#[derive(Debug, Serialize)]
struct Snapshot {
    #[serde(flatten)]
    commitment: commitment::Model,
    methods: Vec<String>,
    focus_areas: Vec<String>,
    places: Vec<String>,
}

async fn snapshot(db: &impl ConnectionTrait, row: &commitment::Model) -> ApiResult<Snapshot> {
    let methods = methods_of(db, row.id).await?;
    let focus_areas = commitment_focus_area::Entity::find()
        .filter(commitment_focus_area::Column::CommitmentId.eq(row.id))
        .order_by_asc(commitment_focus_area::Column::FocusAreaCode)
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.focus_area_code)
        .collect();
    let place_ids: Vec<Uuid> = commitment_place::Entity::find()
        .filter(commitment_place::Column::CommitmentId.eq(row.id))
        .all(db)
        .await?
        .into_iter()
        .map(|l| l.place_id)
        .collect();
    let mut places: Vec<String> = place::Entity::find()
        .filter(place::Column::Id.is_in(place_ids))
        .all(db)
        .await?
        .into_iter()
        .map(|p| p.name)
        .collect();
    places.sort();
    Ok(Snapshot {
        commitment: row.clone(),
        methods,
        focus_areas,
        places,
    })
}

fn strings(values: &[String]) -> serde_json::Value {
    serde_json::Value::from(values.to_vec())
}

/// The stored methods of a commitment, in written order.
pub(in crate::store) async fn methods_of(
    db: &impl ConnectionTrait,
    commitment_id: Uuid,
) -> Result<Vec<String>, sea_orm::DbErr> {
    Ok(commitment_method::Entity::find()
        .filter(commitment_method::Column::CommitmentId.eq(commitment_id))
        .order_by_asc(commitment_method::Column::Position)
        .all(db)
        .await?
        .into_iter()
        .map(|m| m.method)
        .collect())
}

/// Replaces the `methods` rows of a commitment, keeping their order.
pub(in crate::store) async fn replace_methods(
    db: &impl ConnectionTrait,
    commitment_id: Uuid,
    methods: &CommitmentMethods,
) -> Result<(), sea_orm::DbErr> {
    commitment_method::Entity::delete_many()
        .filter(commitment_method::Column::CommitmentId.eq(commitment_id))
        .exec(db)
        .await?;
    for (i, method) in methods.as_slice().iter().enumerate() {
        commitment_method::Entity::insert(commitment_method::ActiveModel {
            commitment_id: Set(commitment_id),
            position: Set(i as i32 + 1),
            method: Set(method.as_str().to_owned()),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Replaces the methods, focus-area and place links of `commitment_id`.
async fn replace_links(
    db: &impl ConnectionTrait,
    municipality: Uuid,
    commitment_id: Uuid,
    fields: &CommitmentFields,
) -> ApiResult<()> {
    let mut codes: Vec<String> = fields
        .focus_areas
        .iter()
        .map(|c| c.as_str().to_owned())
        .collect();
    codes.sort();
    codes.dedup();
    if let Some(missing) = reference::first_unknown_focus_area(db, &codes).await? {
        return Err(ApiError::bad_input(
            "focusAreas",
            format!("unknown focus area {missing}"),
        ));
    }
    replace_methods(db, commitment_id, &fields.methods).await?;

    commitment_focus_area::Entity::delete_many()
        .filter(commitment_focus_area::Column::CommitmentId.eq(commitment_id))
        .exec(db)
        .await?;
    for code in codes {
        commitment_focus_area::Entity::insert(commitment_focus_area::ActiveModel {
            commitment_id: Set(commitment_id),
            focus_area_code: Set(code),
        })
        .exec_without_returning(db)
        .await?;
    }

    commitment_place::Entity::delete_many()
        .filter(commitment_place::Column::CommitmentId.eq(commitment_id))
        .exec(db)
        .await?;
    let mut names = fields.places.clone();
    names.sort();
    names.dedup();
    for name in names {
        let place_id = places::find_or_create(db, municipality, &name).await?;
        commitment_place::Entity::insert(commitment_place::ActiveModel {
            commitment_id: Set(commitment_id),
            place_id: Set(place_id),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

fn set_fields(am: &mut commitment::ActiveModel, f: &CommitmentFields) {
    am.text = Set(f.text.as_str().to_owned());
    am.responsible = Set(f.responsible.as_str().to_owned());
    // The first of the methods, so that `method` alone reads as before.
    am.method = Set(f.methods.first().map(|m| m.as_str().to_owned()));
    am.partners = Set(strings(&f.partners));
    am.target_groups = Set(strings(&f.target_groups));
    am.target_quantity = Set(f.target_quantity);
    am.target_unit = Set(f.target_unit.clone());
    am.target_period = Set(f.target_period.map(|p| p.as_str().to_owned()));
}

/// `addCommitment`: appended after the pledge's last commitment.
pub async fn add(
    writer: &Writer,
    actor: &Actor<'_>,
    pledge_id: Uuid,
    fields: CommitmentFields,
) -> ApiResult<commitment::Model> {
    actor.caller()?;
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let pledge = pledges::lock_for_edit(txn, actor.scope, pledge_id).await?;
    require_edit(actor, pledge.municipality_id)?;
    require_editable(&pledge)?;
    let last: Option<i32> = commitment::Entity::find()
        .select_only()
        .column_as(commitment::Column::Position.max(), "max")
        .filter(commitment::Column::PledgeId.eq(pledge_id))
        .into_tuple::<Option<i32>>()
        .one(txn)
        .await?
        .flatten();
    let id = Uuid::new_v4();
    let mut am = commitment::ActiveModel {
        id: Set(id),
        pledge_id: Set(pledge_id),
        municipality_id: Set(pledge.municipality_id),
        position: Set(last.unwrap_or(0) + 1),
        version: Set(1),
        created_at: Set(actor.now),
        updated_at: Set(actor.now),
        ..Default::default()
    };
    set_fields(&mut am, &fields);
    let row = am.insert(txn).await?;
    replace_links(txn, pledge.municipality_id, id, &fields).await?;
    touch_for_edit(txn, actor, &pledge).await?;
    let after = snapshot(txn, &row).await?;
    audit::record(
        &write,
        actor,
        row.municipality_id,
        Entity::Commitment,
        id,
        Action::Create,
        None,
        Some(&after),
    )
    .await?;
    write.commit().await?;
    Ok(row)
}

/// `updateCommitment` at `expected_version`.
pub async fn update(
    writer: &Writer,
    actor: &Actor<'_>,
    id: Uuid,
    expected_version: i32,
    fields: CommitmentFields,
) -> ApiResult<commitment::Model> {
    actor.caller()?;
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let row = commitments::lock_for_edit(txn, actor.scope, id).await?;
    let pledge = pledges::lock_for_edit(txn, actor.scope, row.pledge_id).await?;
    require_edit(actor, row.municipality_id)?;
    expect_version(row.version, expected_version)?;
    require_editable(&pledge)?;
    let before = snapshot(txn, &row).await?;
    let mut am: commitment::ActiveModel = row.clone().into();
    set_fields(&mut am, &fields);
    am.version = Set(row.version + 1);
    am.updated_at = Set(actor.now);
    let updated = am.update(txn).await?;
    replace_links(txn, row.municipality_id, id, &fields).await?;
    touch_for_edit(txn, actor, &pledge).await?;
    let after = snapshot(txn, &updated).await?;
    audit::record(
        &write,
        actor,
        updated.municipality_id,
        Entity::Commitment,
        id,
        Action::Update,
        Some(&before),
        Some(&after),
    )
    .await?;
    write.commit().await?;
    Ok(updated)
}

/// `removeCommitment` at `expected_version`; its activities stay, unlinked.
/// Returns the removed row.
pub async fn remove(
    writer: &Writer,
    actor: &Actor<'_>,
    id: Uuid,
    expected_version: i32,
) -> ApiResult<commitment::Model> {
    actor.caller()?;
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let row = commitments::lock_for_edit(txn, actor.scope, id).await?;
    let pledge = pledges::lock_for_edit(txn, actor.scope, row.pledge_id).await?;
    require_edit(actor, row.municipality_id)?;
    expect_version(row.version, expected_version)?;
    require_editable(&pledge)?;
    let before = snapshot(txn, &row).await?;
    commitment::Entity::delete_by_id(id).exec(txn).await?;
    touch_for_edit(txn, actor, &pledge).await?;
    audit::record(
        &write,
        actor,
        row.municipality_id,
        Entity::Commitment,
        id,
        Action::Delete,
        Some(&before),
        None,
    )
    .await?;
    write.commit().await?;
    Ok(row)
}
