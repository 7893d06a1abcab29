//! Table `commitment_places`: links a commitment to a place.

use sea_orm::entity::prelude::*;

/// Links a commitment to a place.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "commitment_places")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub commitment_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub place_id: Uuid,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {
    /// Used to read a commitment's places in one statement.
    #[sea_orm(
        belongs_to = "super::place::Entity",
        from = "Column::PlaceId",
        to = "super::place::Column::Id"
    )]
    Place,
}

impl ActiveModelBehavior for ActiveModel {}
