//! Table `follow_up_reports`: a follow-up (uppföljning) of one pledge for one period.

use sea_orm::entity::prelude::*;

/// A follow-up report of one pledge for one period.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "follow_up_reports")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub pledge_id: Uuid,
    pub municipality_id: Uuid,
    pub year: i32,
    pub period_kind: String,
    pub period_start: Date,
    pub period_end: Date,
    pub status: String,
    #[sea_orm(column_type = "Text")]
    pub summary: Option<String>,
    pub presented_to: Option<String>,
    pub source_url: Option<String>,
    pub published_at: Option<DateTimeUtc>,
    #[sea_orm(column_type = "Text")]
    pub withdrawn_reason: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
