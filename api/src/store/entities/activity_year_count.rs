//! Table `activity_year_counts`: dated activities of a municipality and
//! calendar year by kind (see `store::figures`).

use sea_orm::entity::prelude::*;

/// One municipality and year; `every` and `public` are counts by kind in
/// JSON: every activity, and those evidencing a published pledge.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "activity_year_counts")]
pub(crate) struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub municipality_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub year: i32,
    pub every: String,
    pub public: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub(crate) enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
