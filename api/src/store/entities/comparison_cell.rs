//! Table `comparison_cells`: per municipality, calendar year and view, the
//! pledge in force and its comparison figures (see `store::figures`).

use sea_orm::entity::prelude::*;

/// One municipality and year as one view sees it: `reach` true is the view
/// of a caller who reaches the municipality, false the public's.
/// `figures` is JSON (`store::figures::Figures`).
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "comparison_cells")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    #[sea_orm(primary_key, auto_increment = false)]
    pub reach: bool,
    pub pledge_id: Option<Uuid>,
    pub pledge_status: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub figures: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
