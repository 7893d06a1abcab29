//! Table `commitments`: a commitment of a pledge ("Detta gör vi genom att …").

use sea_orm::entity::prelude::*;

/// A commitment of a pledge ("Detta gör vi genom att …").
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "commitments")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub pledge_id: Uuid,
    pub municipality_id: Uuid,
    pub position: i32,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub responsible: String,
    pub method: Option<String>,
    #[sea_orm(column_type = "Json")]
    pub partners: Json,
    #[sea_orm(column_type = "Json")]
    pub target_groups: Json,
    pub target_quantity: Option<f64>,
    pub target_unit: Option<String>,
    pub target_period: Option<String>,
    pub version: i32,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
