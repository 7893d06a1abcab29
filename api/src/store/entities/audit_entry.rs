//! Table `audit_entries`: one row per write, append-only.

use sea_orm::entity::prelude::*;

/// Who changed what, when, and how it looked before and after.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_entries")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub occurred_at: DateTimeUtc,
    pub subject: String,
    pub role: Option<String>,
    pub municipality_id: Option<Uuid>,
    pub entity_type: String,
    pub entity_id: Uuid,
    pub action: String,
    #[sea_orm(column_type = "Json")]
    pub before: Option<Json>,
    #[sea_orm(column_type = "Json")]
    pub after: Option<Json>,
    /// The server's own id of the request (see `request_id`).
    pub request_id: Option<String>,
    /// The `x-request-id` the client sent, sanitised; informational only.
    pub client_request_id: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
