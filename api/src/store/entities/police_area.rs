//! Table `police_areas`: a local police area (lokalpolisområde).

use sea_orm::entity::prelude::*;

/// A local police area (lokalpolisområde).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "police_areas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub code: String,
    pub name: String,
    /// The police district (polisområde); `None` where no source names it.
    pub district_code: Option<String>,
    /// The police region; `None` only for an area recorded without one.
    pub region_code: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
