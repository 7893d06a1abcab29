//! Table `police_district_coverage`: a police district covering a
//! municipality during a period (known for more municipalities than their
//! local police areas are).

use sea_orm::entity::prelude::*;

/// A police district covering a municipality during a period.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "police_district_coverage")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub district_code: String,
    pub municipality_id: Uuid,
    pub valid_from: Date,
    pub valid_to: Option<Date>,
    /// The dates are inferred, not stated by the source.
    pub inferred: bool,
    pub source: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
