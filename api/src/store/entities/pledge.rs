//! Table `pledges`: a citizen pledge (medborgarlöfte).

use sea_orm::entity::prelude::*;

/// A citizen pledge (medborgarlöfte).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "pledges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub police_area_id: Uuid,
    pub year: i32,
    pub title: String,
    pub valid_from: Date,
    pub valid_to: Date,
    pub status: String,
    pub signed_on: Option<Date>,
    #[sea_orm(column_type = "Text")]
    pub introduction: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub promise_statement: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub situation_picture: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub expected_effect: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub background: Option<String>,
    #[sea_orm(column_type = "Json")]
    pub basis_kinds: Json,
    #[sea_orm(column_type = "Text")]
    pub follow_up_plan: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub prepared_by: Option<String>,
    pub source_title: Option<String>,
    pub source_url: Option<String>,
    pub municipality_approved_at: Option<DateTimeUtc>,
    pub municipality_approved_by: Option<String>,
    pub police_approved_at: Option<DateTimeUtc>,
    pub police_approved_by: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub withdrawn_reason: Option<String>,
    pub supersedes_id: Option<Uuid>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// "IMPORTED" (from a published document) or "RECORDED" (through the API).
    pub provenance: String,
    /// False when valid_from/valid_to are inferred, not given by the source.
    pub validity_stated: bool,
    /// False when signed_on is inferred, not given by the source.
    pub signed_on_stated: bool,
    /// What was inferred and why.
    #[sea_orm(column_type = "Text")]
    pub inference_note: Option<String>,
    /// Text about the pledge from other sources: [{text, source_title, source_url}].
    #[sea_orm(column_type = "Json")]
    pub source_notes: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
