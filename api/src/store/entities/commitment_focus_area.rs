//! Table `commitment_focus_areas`: links a commitment to a catalogue focus area.

use sea_orm::entity::prelude::*;

/// Links a commitment to a catalogue focus area.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "commitment_focus_areas")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub commitment_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub focus_area_code: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
