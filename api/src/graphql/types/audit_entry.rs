//! `AuditEntry`: one write, as the audit log keeps it.

use async_graphql::{Context, ID, Json, Object};
use chrono::{DateTime, Utc};

use crate::error::ApiResult;
use crate::graphql::context::request;
use crate::ids::{self, NodeKind};
use crate::store::rows::AuditRow;

use super::municipality::Municipality;

/// One write: who did what to which entity, when, with the entity as it
/// was before and after. Entries are never changed or removed.
#[derive(Debug, Clone)]
pub struct AuditEntry(pub(crate) AuditRow);

/// One write: who did what to which entity, when, with the entity as it
/// was before and after. Entries are never changed or removed.
#[Object]
impl AuditEntry {
    /// The entry's own key.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// When the change was committed.
    async fn occurred_at(&self) -> DateTime<Utc> {
        self.0.occurred_at
    }

    /// The token subject of whoever made the change.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The role they acted in.
    async fn role(&self) -> Option<&str> {
        self.0.role.as_deref()
    }

    /// The municipality whose data changed.
    async fn municipality(&self, ctx: &Context<'_>) -> ApiResult<Option<Municipality>> {
        let Some(id) = self.0.municipality_id else {
            return Ok(None);
        };
        let rc = request(ctx)?;
        Ok(rc
            .reference
            .municipality(id)
            .cloned()
            .and_then(|m| Municipality::list(vec![m]).pop()))
    }

    /// Kind of entity: PLEDGE, COMMITMENT, FOLLOW_UP_REPORT, ACTIVITY,
    /// OUTCOME (a commitment's outcome; the ID is the commitment's), or
    /// reference data: POLICE_REGION, POLICE_DISTRICT, POLICE_AREA,
    /// COVERAGE (a police area's coverage of a municipality).
    async fn entity_type(&self) -> &str {
        &self.0.entity_type
    }

    /// Global ID of the entity (it may since have been removed).
    async fn entity_id(&self) -> ID {
        let kind = match self.0.entity_type.as_str() {
            "COMMITMENT" | "OUTCOME" => NodeKind::Commitment,
            "FOLLOW_UP_REPORT" => NodeKind::FollowUpReport,
            "ACTIVITY" => NodeKind::Activity,
            "POLICE_AREA" => NodeKind::PoliceArea,
            "POLICE_REGION" | "POLICE_DISTRICT" | "COVERAGE" => NodeKind::ReferenceRecord,
            _ => NodeKind::Pledge,
        };
        ids::encode(kind, self.0.entity_id)
    }

    /// What was done: CREATE, UPDATE, DELETE, APPROVE, PUBLISH, WITHDRAW.
    async fn action(&self) -> &str {
        &self.0.action
    }

    /// The entity before the change (null for CREATE).
    async fn before(&self) -> Option<Json<serde_json::Value>> {
        self.0.before.clone().map(Json)
    }

    /// The entity after the change (null for DELETE).
    async fn after(&self) -> Option<Json<serde_json::Value>> {
        self.0.after.clone().map(Json)
    }

    /// The server's id of the request (or websocket operation) that made
    /// the change: the `x-request-id` of its response, and what the
    /// server's logs are tagged with. Never a value the client chose.
    async fn request_id(&self) -> Option<&str> {
        self.0.request_id.as_deref()
    }

    /// The `x-request-id` the client sent with the change, if any:
    /// printable ASCII, at most 128 characters. Informational only — a
    /// client may send anything here.
    async fn client_request_id(&self) -> Option<&str> {
        self.0.client_request_id.as_deref()
    }
}
