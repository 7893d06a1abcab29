//! Table `commitment_outcomes`: the verdict on a commitment when its pledge ends.

use sea_orm::entity::prelude::*;

/// Whether a commitment was kept, rated at the end of its pledge.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "commitment_outcomes")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub commitment_id: Uuid,
    pub municipality_id: Uuid,
    pub outcome: String,
    #[sea_orm(column_type = "Text")]
    pub comment: Option<String>,
    pub rated_at: DateTimeUtc,
    pub rated_by: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
