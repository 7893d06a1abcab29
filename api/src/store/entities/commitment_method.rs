//! Table `commitment_methods`: the methods a commitment names, in order.

use sea_orm::entity::prelude::*;

/// One method a commitment names; `position` is its place (from 1) in the
/// order the commitment names them. `commitments.method` is the first.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "commitment_methods")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub commitment_id: Uuid,
    pub position: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub method: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
