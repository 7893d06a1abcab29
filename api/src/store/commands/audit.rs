//! Appending audit entries. Only `record` writes the table, and only
//! inside a command's transaction, so an entry exists exactly when its
//! change was committed.

use sea_orm::{ActiveValue::Set, ConnectionTrait, EntityTrait};
use serde::Serialize;
use uuid::Uuid;

use super::{Actor, Write};
use crate::error::{ApiError, ApiResult};
use crate::store::entities::audit_entry;

/// What kind of entity an entry is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    Pledge,
    Commitment,
    FollowUpReport,
    Activity,
    /// A commitment's end-of-pledge outcome (keyed by the commitment).
    Outcome,
    PoliceRegion,
    PoliceDistrict,
    PoliceArea,
    /// A police area's coverage of a municipality.
    Coverage,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Pledge => "PLEDGE",
            Entity::Commitment => "COMMITMENT",
            Entity::FollowUpReport => "FOLLOW_UP_REPORT",
            Entity::Activity => "ACTIVITY",
            Entity::Outcome => "OUTCOME",
            Entity::PoliceRegion => "POLICE_REGION",
            Entity::PoliceDistrict => "POLICE_DISTRICT",
            Entity::PoliceArea => "POLICE_AREA",
            Entity::Coverage => "COVERAGE",
        }
    }
}

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Create,
    Update,
    Delete,
    Approve,
    Publish,
    Withdraw,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Create => "CREATE",
            Action::Update => "UPDATE",
            Action::Delete => "DELETE",
            Action::Approve => "APPROVE",
            Action::Publish => "PUBLISH",
            Action::Withdraw => "WITHDRAW",
        }
    }
}

fn snapshot<T: Serialize>(value: Option<&T>) -> ApiResult<Option<serde_json::Value>> {
    value
        .map(|v| serde_json::to_value(v).map_err(ApiError::internal))
        .transpose()
}

/// Appends one entry for a change of `entity_id` of `municipality`, and
/// notes the municipality as changed, so `write` recomputes its figures
/// when it commits.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record<T: Serialize>(
    write: &Write,
    actor: &Actor<'_>,
    municipality: Uuid,
    entity: Entity,
    entity_id: Uuid,
    action: Action,
    before: Option<&T>,
    after: Option<&T>,
) -> ApiResult<()> {
    write.changed(municipality);
    record_reference(
        &write.txn,
        actor,
        Some(municipality),
        entity,
        entity_id,
        action,
        before,
        after,
    )
    .await
}

/// Appends one entry for a change of reference data, which belongs to a
/// municipality only when it is about one (a coverage row).
#[allow(clippy::too_many_arguments)]
pub(crate) async fn record_reference<T: Serialize>(
    db: &impl ConnectionTrait,
    actor: &Actor<'_>,
    municipality: Option<Uuid>,
    entity: Entity,
    entity_id: Uuid,
    action: Action,
    before: Option<&T>,
    after: Option<&T>,
) -> ApiResult<()> {
    let caller = actor.caller()?;
    audit_entry::Entity::insert(audit_entry::ActiveModel {
        id: Set(Uuid::new_v4()),
        occurred_at: Set(actor.now),
        subject: Set(caller.subject.clone()),
        role: Set(actor.role().map(|r| r.as_str().to_owned())),
        municipality_id: Set(municipality),
        entity_type: Set(entity.as_str().to_owned()),
        entity_id: Set(entity_id),
        action: Set(action.as_str().to_owned()),
        before: Set(snapshot(before)?),
        after: Set(snapshot(after)?),
        request_id: Set(actor.request_id.map(str::to_owned)),
        client_request_id: Set(actor.client_request_id.map(str::to_owned)),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}
