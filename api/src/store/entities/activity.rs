//! Table `activities`: an activity held: the evidence behind follow-ups.

use sea_orm::entity::prelude::*;

/// An activity held: the evidence behind follow-ups.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "activities")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub municipality_id: Uuid,
    pub commitment_id: Option<Uuid>,
    pub kind: String,
    pub date: Option<Date>,
    pub place_id: Option<Uuid>,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    #[sea_orm(column_type = "Json")]
    pub participants: Json,
    pub source_title: Option<String>,
    pub source_url: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// People the source names in the activity, with their role.
    #[sea_orm(column_type = "Json")]
    pub people: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
