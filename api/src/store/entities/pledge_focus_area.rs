//! Table `pledge_focus_areas`: a focus area of one pledge, with the pledge's own text about it.

use sea_orm::entity::prelude::*;

/// A focus area of one pledge, with the pledge's own text about it.
#[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)]
#[sea_orm(table_name = "pledge_focus_areas")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub pledge_id: Uuid,
    #[sea_orm(primary_key, auto_increment = false)]
    pub focus_area_code: String,
    pub position: i32,
    pub heading: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub problem_text: Option<String>,
    #[sea_orm(column_type = "Json")]
    pub special_focus: Json,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
