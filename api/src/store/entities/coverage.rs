//! Table `police_area_coverage`: a police area covering a municipality during a period.

use sea_orm::entity::prelude::*;

/// A police area covering a municipality during a period.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "police_area_coverage")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub police_area_id: Uuid,
    pub municipality_id: Uuid,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    /// The dates are inferred, not stated by the source.
    pub inferred: bool,
    pub source: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
