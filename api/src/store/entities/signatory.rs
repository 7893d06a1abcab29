//! Table `signatories`: a person who signed a pledge, for one side.

use sea_orm::entity::prelude::*;

/// A person who signed a pledge, for one side.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "signatories")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub pledge_id: Uuid,
    pub position: i32,
    pub name: String,
    pub title: Option<String>,
    pub party: String,
    pub signed_on: Option<Date>,
    /// False when signed_on is inferred, not given by the source.
    pub signed_on_stated: bool,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
