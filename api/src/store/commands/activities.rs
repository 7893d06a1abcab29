//! Recording activities: the evidence behind follow-ups.

use chrono::NaiveDate;
use sea_orm::{ActiveModelTrait, ActiveValue::Set};
use uuid::Uuid;

use super::audit::{self, Action, Entity};
use super::{Actor, Write, require_edit};
use crate::error::{ApiError, ApiResult};
use crate::store::entities::activity;
use crate::store::{Writer, commitments, places, reference};

/// `ActivityInput`, validated.
#[derive(Debug, Clone)]
pub struct NewActivity {
    pub municipality: domain::MunicipalityCode,
    pub commitment_id: Option<Uuid>,
    pub kind: domain::Method,
    /// None: the source gives no date (the activity then counts in no period).
    pub date: Option<NaiveDate>,
    pub place: Option<String>,
    pub description: String,
    pub participants: Vec<String>,
    /// People the source names, with their role.
    pub people: Vec<String>,
    pub source_url: Option<String>,
}

/// `recordActivity`.
pub async fn record(
    writer: &Writer,
    actor: &Actor<'_>,
    new: NewActivity,
) -> ApiResult<activity::Model> {
    actor.caller()?;
    let write = Write::begin(writer).await?;
    let txn = &write.txn;
    let municipality = reference::municipality_by_code(txn, &new.municipality)
        .await?
        .ok_or_else(|| {
            ApiError::bad_input(
                "municipality",
                format!("unknown municipality {}", new.municipality),
            )
        })?;
    require_edit(actor, municipality.id)?;
    if let Some(id) = new.commitment_id {
        let commitment = commitments::lock(txn, actor.scope, id)
            .await
            .map_err(|_| ApiError::bad_input("commitmentId", "no such commitment"))?;
        if commitment.municipality_id != municipality.id {
            return Err(ApiError::bad_input(
                "commitmentId",
                "the commitment belongs to another municipality",
            ));
        }
    }
    let place_id = match &new.place {
        None => None,
        Some(name) => Some(places::find_or_create(txn, municipality.id, name).await?),
    };
    let row = activity::ActiveModel {
        id: Set(Uuid::new_v4()),
        municipality_id: Set(municipality.id),
        commitment_id: Set(new.commitment_id),
        kind: Set(new.kind.as_str().to_owned()),
        date: Set(new.date),
        place_id: Set(place_id),
        description: Set(new.description),
        participants: Set(serde_json::Value::from(new.participants)),
        source_title: Set(None),
        source_url: Set(new.source_url),
        version: Set(1),
        created_at: Set(actor.now),
        updated_at: Set(actor.now),
        people: Set(serde_json::Value::from(new.people)),
    }
    .insert(txn)
    .await?;
    audit::record(
        &write,
        actor,
        row.municipality_id,
        Entity::Activity,
        row.id,
        Action::Create,
        None,
        Some(&row),
    )
    .await?;
    write.commit().await?;
    Ok(row)
}
